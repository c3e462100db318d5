// Checks of every text value of a document that the CRD schemas cannot say: control characters and
// ill-formed UTF-16 anywhere, and line breaks, whitespace at either end and over-long addresses in
// names, addresses and the references between resources. Each is an error at the value, at load.

import { RESOURCE_KINDS, type ResourceKind } from '../model/desired.js';
import { finding, type Finding, type FindingCode } from '../model/finding.js';
import { addressLengthProblem, codePointOf, controlCharacterIn, ENV_NAME, identifierProblem, looksLikeSecret, secretPreview, unpairedSurrogateIn } from './text-rules.js';
import type { SourceDocument } from './yaml-source.js';

/**
 * What a field holds. name: a name or a reference to one (InvalidName). address: a domain, host or
 * GUID Exchange matches on (InvalidAddress). smtp: an SMTP address, optionally with an smtp: prefix;
 * proxy: a proxy address, an SMTP one checked as smtp; mailbox: an SMTP address or an alias.
 */
type FieldClass = 'name' | 'address' | 'smtp' | 'proxy' | 'mailbox';

/** Fields by kind, as a path with `*` for any list index. */
const FIELDS: Record<ResourceKind, Record<string, FieldClass>> = {
  Tenant: {
    'metadata.name': 'name',
    'spec.organization': 'address',
    'spec.acceptedDomains.*': 'address',
  },
  OrganizationRelationship: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.partner': 'name',
    'spec.domainNames.*': 'address',
    'spec.mailboxMovePublishedScopes.*': 'name',
  },
  MigrationEndpoint: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.partner': 'name',
    'spec.remoteTenant': 'address',
    'spec.remoteServer': 'address',
  },
  MigrationScope: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.group': 'name',
    'spec.members.*': 'smtp',
  },
  MailUser: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.externalEmailAddress': 'smtp',
    'spec.primarySmtpAddress': 'smtp',
    'spec.microsoftOnlineServicesId': 'smtp',
    'spec.emailAddresses.*': 'proxy',
    'spec.removeEmailAddresses.*': 'proxy',
    'spec.source.tenant': 'name',
    'spec.source.mailbox': 'mailbox',
  },
  CloudManagement: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.mailboxes.*': 'smtp',
  },
  MigrationBatch: {
    'metadata.name': 'name',
    'metadata.tenant': 'name',
    'spec.source': 'name',
    'spec.endpoint': 'name',
    'spec.scope': 'name',
    'spec.users.*': 'smtp',
    'spec.targetDeliveryDomain': 'address',
    'spec.notificationEmails.*': 'smtp',
  },
};

/** `spec.members[0]`, as schema findings name fields. */
function fieldName(path: readonly (string | number)[]): string {
  return path.length === 0 ? 'value' : path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

/** The value, quoted; a long one cut short, keeping the end that has the problem. */
function show(value: string, end: boolean): string {
  if (value.length <= 80) return JSON.stringify(value);
  return JSON.stringify(end ? `...${value.slice(-77)}` : `${value.slice(0, 77)}...`);
}

/** The problem of a value of class `fieldClass`, as [code, message after the field and value]. */
function fieldProblem(fieldClass: FieldClass, value: string): [FindingCode, string] | undefined {
  const code: FindingCode = fieldClass === 'name' ? 'InvalidName' : 'InvalidAddress';
  const problem = identifierProblem(value);
  if (problem) return [code, problem];
  let address: string | undefined;
  if (fieldClass === 'smtp') address = value.replace(/^smtp:/i, '');
  else if (fieldClass === 'proxy' && /^smtp:/i.test(value)) address = value.slice(5);
  else if (fieldClass === 'mailbox' && value.includes('@')) address = value;
  const tooLong = address === undefined ? undefined : addressLengthProblem(address);
  return tooLong ? [code, tooLong] : undefined;
}

/** Findings for the text values of one document; at most one per value. */
export function checkValues(doc: SourceDocument): Finding[] {
  const findings: Finding[] = [];
  const kind = (doc.value as { kind?: unknown } | null)?.kind;
  const fields = typeof kind === 'string' && (RESOURCE_KINDS as readonly string[]).includes(kind) ? FIELDS[kind as ResourceKind] : {};

  const searchText = doc.controlFree !== true;
  // One path, extended and cut back as the walk goes (no array per value); copied for a finding only.
  const at: (string | number)[] = [];
  const path = (): (string | number)[] => [...at];
  const check = (value: string, pattern: string): void => {
    const control = searchText ? controlCharacterIn(value) : undefined;
    if (control) {
      findings.push(finding('ControlCharacter', `${at.join('.') || 'value'} contains the control character ${codePointOf(control.character)}`, { location: doc.locate(path()) }));
      return;
    }
    const surrogate = searchText ? unpairedSurrogateIn(value) : undefined;
    if (surrogate) {
      const code = codePointOf(surrogate.character);
      findings.push(finding('InvalidUnicode', `${fieldName(at)} holds ${code}, half of a surrogate pair without its other half (ill-formed UTF-16)`, { location: doc.locate(path()) }));
      return;
    }
    // A secret pasted where its variable's name belongs, or anywhere: never shown back (a finding
    // reaches logs and PR comments), only its length and first two characters.
    const key = at[at.length - 1];
    if (typeof key === 'string' && key.endsWith('Env') && !ENV_NAME.test(value)) {
      findings.push(finding('SecretInYaml', `${fieldName(at)} holds ${secretPreview(value)}, which is not an environment variable name: it may be the secret itself`, { location: doc.locate(path()) }));
      return;
    }
    if (looksLikeSecret(value)) {
      findings.push(finding('SecretInYaml', `${fieldName(at)} holds ${secretPreview(value)}, which looks like a secret`, { location: doc.locate(path()) }));
      return;
    }
    const fieldClass = fields[pattern];
    if (fieldClass === undefined) return;
    const problem = fieldProblem(fieldClass, value);
    if (problem) findings.push(finding(problem[0], `${fieldName(at)} ${show(value, problem[1].startsWith('ends'))} ${problem[1]}`, { location: doc.locate(path()) }));
  };

  // Recursive: findDeepNesting (nesting.ts) has bounded the depth before the document was parsed.
  const visit = (value: unknown, pattern: string): void => {
    if (typeof value === 'string') check(value, pattern);
    else if (Array.isArray(value)) {
      const itemPattern = `${pattern}.*`;
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        visit(value[i], itemPattern);
        at.pop();
      }
    } else if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) {
        at.push(key);
        visit((value as Record<string, unknown>)[key], pattern === '' ? key : `${pattern}.${key}`);
        at.pop();
      }
    }
  };
  visit(doc.value, '');
  return findings;
}
