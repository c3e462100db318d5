// The schema rules of every CRD, as the loader applies them: each rule with a passing document and a
// failing one whose finding points exactly where the admin must look (an unknown field at its key, a
// missing required field at the key of the mapping that lacks it, a bad value at the value).

import { afterAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, type FindingCode } from '../../src/model/finding.js';
import { FixtureRepo, removeTempDirs, summary, where } from '../fixtures/repo.js';
import { replaceOnce } from '../support/edit.js';

afterAll(removeTempDirs);

const F = 'resource.yaml';
const QUOTE = 'Quote the value so YAML reads it as text.';

const VALID: Record<string, string> = {
  Tenant: `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: fabrikam
spec:
  tenantId: 11111111-1111-4111-8111-11111111aaaa
  organization: fabrikam.onmicrosoft.com
  environment: O365Default
  entraConnectVersion: 2.5.190.0
  acceptedDomains: [fabrikam.com, eu.fabrikam.co.uk]
  connection:
    appId: 33333333-3333-4333-8333-333333333333
    certificateThumbprint: 0123456789abcdef0123456789ABCDEF01234567
    certificatePath: /etc/exo/fabrikam.pfx
    certificatePasswordEnv: PFX_PASSWORD
    accessTokenEnv: _TOKEN_1
`,
  OrganizationRelationship: `apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata:
  name: To Tailspin
  tenant: fabrikam
spec:
  ensure: Present
  partner: tailspin
  domainNames: [22222222-2222-4222-8222-222222222222]
  enabled: true
  mailboxMoveEnabled: false
  mailboxMoveCapability: [RemoteOutbound, Inbound]
  oauthApplicationId: 8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d
  mailboxMovePublishedScopes: [Movers]
`,
  MigrationEndpoint: `apiVersion: exo.gitops/v1alpha1
kind: MigrationEndpoint
metadata:
  name: Fabrikam-T2T
  tenant: tailspin
spec:
  ensure: Absent
  partner: fabrikam
  remoteTenant: fabrikam.onmicrosoft.us
  remoteServer: outlook.office.com
  applicationId: 8B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D
  maxConcurrentMigrations: 1
  credentials:
    secretEnv: MIGRATION_SECRET
    rotation: "2026-01"
`,
  MigrationScope: `apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata:
  name: Movers
  tenant: fabrikam
spec:
  group: T2T-Movers
  create: false
  members:
    - ada@fabrikam.com
    - o'brien+x@sub.fabrikam.com
`,
  MailUser: `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: AdaL
  tenant: tailspin
spec:
  displayName: Ada Lovelace
  externalEmailAddress: ada@fabrikam.onmicrosoft.com
  primarySmtpAddress: ada@tailspin.com
  microsoftOnlineServicesId: ada@tailspin.onmicrosoft.com
  exchangeGuid: aaaaaaaa-0000-4000-8000-00000000000a
  archiveGuid: AAAAAAAA-0000-4000-8000-00000000000B
  emailAddresses:
    - SMTP:ada@tailspin.com
    - smtp:ada.l@tailspin.com
    - x500:/o=ExchangeLabs/cn=Recipients/cn=ada
    - X400:c=US;a= ;p=Fabrikam
    - sip:ada@tailspin.com
  removeEmailAddresses: [smtp:ada@fabrikam.com]
  customAttributes:
    "1": Cross-Tenant-Project
    "15": ""
  source:
    tenant: fabrikam
    mailbox: ada@fabrikam.com
  permanentlyClearPreviousMailboxInfo: false
`,
  CloudManagement: `apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata:
  name: cloud-managed
  tenant: fabrikam
spec:
  isExchangeCloudManaged: true
  mailboxes: [ada@fabrikam.com]
`,
};

interface SchemaCase {
  title: string;
  kind: keyof typeof VALID;
  edits: [from: string, to: string][];
  code?: FindingCode;
  /** Where the finding points, computed from the edited text. */
  at: (repo: FixtureRepo) => string;
  message: string | RegExp;
  /** undefined: the code's catalogue hint (none for SchemaViolation); null: no hint. */
  hint?: string | null | 'unchecked';
}

const GUID_TEXT = 'is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)';
const SMTP_TEXT = 'is not an SMTP address (user@domain)';

const cases: SchemaCase[] = [
  // The envelope: apiVersion, kind, a mapping.
  { title: 'missing apiVersion', kind: 'Tenant', edits: [['apiVersion: exo.gitops/v1alpha1\n', '']], code: 'UnknownApiVersion', at: () => `${F}:1:1`, message: 'missing apiVersion: this is not an exo-gitops document' },
  { title: 'unknown apiVersion', kind: 'Tenant', edits: [['exo.gitops/v1alpha1', 'exo.gitops/v1']], code: 'UnknownApiVersion', at: () => `${F}:1:13`, message: 'unknown apiVersion "exo.gitops/v1"' },
  { title: 'unknown kind with a suggestion', kind: 'Tenant', edits: [['kind: Tenant', 'kind: Tenat']], code: 'UnknownKind', at: () => `${F}:2:7`, message: 'unknown kind "Tenat"', hint: 'Did you mean Tenant?' },
  { title: 'unknown kind, case only', kind: 'MailUser', edits: [['kind: MailUser', 'kind: mailuser']], code: 'UnknownKind', at: () => `${F}:2:7`, message: 'unknown kind "mailuser"', hint: 'Did you mean MailUser?' },
  { title: 'unknown kind without a near match', kind: 'Tenant', edits: [['kind: Tenant', 'kind: Mailbox']], code: 'UnknownKind', at: () => `${F}:2:7`, message: 'unknown kind "Mailbox"' },
  { title: 'missing kind', kind: 'Tenant', edits: [['kind: Tenant\n', '']], code: 'UnknownKind', at: () => `${F}:1:1`, message: 'missing kind' },
  { title: 'kind that is not text', kind: 'Tenant', edits: [['kind: Tenant', 'kind: [Tenant]']], code: 'UnknownKind', at: () => `${F}:2:7`, message: 'unknown kind a list' },

  // Required fields: at the key of the mapping that lacks them (the document itself at its start).
  { title: 'missing spec', kind: 'CloudManagement', edits: [['spec:\n  isExchangeCloudManaged: true\n  mailboxes: [ada@fabrikam.com]\n', '']], at: () => `${F}:1:1`, message: 'missing required field "spec" in document' },
  { title: 'missing metadata.name', kind: 'Tenant', edits: [['metadata:\n  name: fabrikam\n', 'metadata: {}\n']], at: (r) => r.at(F, 'metadata'), message: 'missing required field "name" in metadata' },
  { title: 'missing metadata.tenant of a namespaced kind', kind: 'MigrationScope', edits: [['  tenant: fabrikam\n', '']], at: (r) => r.at(F, 'metadata'), message: 'missing required field "tenant" in metadata' },
  { title: 'missing Tenant spec.tenantId', kind: 'Tenant', edits: [['  tenantId: 11111111-1111-4111-8111-11111111aaaa\n', '']], at: (r) => r.at(F, 'spec:'), message: 'missing required field "tenantId" in spec' },
  { title: 'missing Tenant spec.connection', kind: 'Tenant', edits: [[/  connection:[\s\S]*$/.exec(VALID.Tenant!)![0], '']], at: (r) => r.at(F, 'spec:'), message: 'missing required field "connection" in spec' },
  { title: 'missing credentials.secretEnv', kind: 'MigrationEndpoint', edits: [['    secretEnv: MIGRATION_SECRET\n', '']], at: (r) => r.at(F, 'credentials'), message: 'missing required field "secretEnv" in spec.credentials' },
  { title: 'missing source.mailbox', kind: 'MailUser', edits: [['    mailbox: ada@fabrikam.com\n', '']], at: (r) => r.at(F, 'source:'), message: 'missing required field "mailbox" in spec.source' },
  { title: 'missing CloudManagement mailboxes', kind: 'CloudManagement', edits: [['  mailboxes: [ada@fabrikam.com]\n', '']], at: (r) => r.at(F, 'spec:'), message: 'missing required field "mailboxes" in spec' },
  { title: 'missing CloudManagement isExchangeCloudManaged', kind: 'CloudManagement', edits: [['  isExchangeCloudManaged: true\n', '']], at: (r) => r.at(F, 'spec:'), message: 'missing required field "isExchangeCloudManaged" in spec' },

  // Enums.
  { title: 'mailboxMoveCapability outside the enum', kind: 'OrganizationRelationship', edits: [['[RemoteOutbound, Inbound]', '[RemoteOutbound, Inbund]']], at: (r) => r.at(F, 'Inbund'), message: 'spec.mailboxMoveCapability[1]: "Inbund" is not one of Inbound, Outbound, RemoteInbound, RemoteOutbound', hint: 'Did you mean Inbound?' },
  { title: 'environment outside the enum', kind: 'Tenant', edits: [['O365Default', 'O365Defualt']], at: (r) => r.valueAt(F, 'environment: O365Defualt'), message: /spec\.environment: "O365Defualt" is not one of O365Default, O365GermanyCloud, O365China, O365USGovGCCHigh, O365USGovDoD/, hint: 'Did you mean O365Default?' },
  { title: 'environment far from every value (no suggestion)', kind: 'Tenant', edits: [['O365Default', 'Worldwide']], at: (r) => r.valueAt(F, 'environment: Worldwide'), message: /is not one of/, hint: null },
  { title: 'ensure in lower case', kind: 'MigrationEndpoint', edits: [['ensure: Absent', 'ensure: absent']], at: (r) => r.valueAt(F, 'ensure: absent'), message: 'spec.ensure: "absent" is not one of Present, Absent', hint: 'Did you mean Absent?' },

  // GUIDs.
  { title: 'tenantId not a GUID', kind: 'Tenant', edits: [['11111111-1111-4111-8111-11111111aaaa', 'fabrikam.com']], at: (r) => r.valueAt(F, 'tenantId: fabrikam.com'), message: `spec.tenantId: "fabrikam.com" ${GUID_TEXT}` },
  { title: 'connection.appId not a GUID', kind: 'Tenant', edits: [['appId: 33333333-3333-4333-8333-333333333333', 'appId: "{33333333-3333-4333-8333-333333333333}"']], at: (r) => r.valueAt(F, 'appId: "{'), message: /connection\.appId: .* is not a GUID/ },
  { title: 'oauthApplicationId with a character too many', kind: 'OrganizationRelationship', edits: [['9e0f1a2b3c4d', '9e0f1a2b3c4d0']], at: (r) => r.valueAt(F, 'oauthApplicationId: 8b1f'), message: /spec\.oauthApplicationId: .* is not a GUID/ },
  { title: 'applicationId with a non-hex digit', kind: 'MigrationEndpoint', edits: [['8B1F2C3D-4E5F', '8B1F2C3G-4E5F']], at: (r) => r.valueAt(F, 'applicationId: 8B1F'), message: /spec\.applicationId: .* is not a GUID/ },
  { title: 'exchangeGuid not a GUID', kind: 'MailUser', edits: [['aaaaaaaa-0000-4000-8000-00000000000a', 'aaaaaaaa00004000800000000000000a']], at: (r) => r.valueAt(F, 'exchangeGuid: aaaa'), message: /spec\.exchangeGuid: .* is not a GUID/ },
  { title: 'archiveGuid not a GUID', kind: 'MailUser', edits: [['archiveGuid: AAAAAAAA-0000-4000-8000-00000000000B', 'archiveGuid: none']], at: (r) => r.valueAt(F, 'archiveGuid: none'), message: `spec.archiveGuid: "none" ${GUID_TEXT}` },

  // SMTP and proxy addresses.
  { title: 'primarySmtpAddress without @', kind: 'MailUser', edits: [['primarySmtpAddress: ada@tailspin.com', 'primarySmtpAddress: ada.tailspin.com']], at: (r) => r.valueAt(F, 'primarySmtpAddress: ada.'), message: `spec.primarySmtpAddress: "ada.tailspin.com" ${SMTP_TEXT}` },
  { title: 'microsoftOnlineServicesId with a space', kind: 'MailUser', edits: [['microsoftOnlineServicesId: ada@', 'microsoftOnlineServicesId: ada lovelace@']], at: (r) => r.valueAt(F, 'microsoftOnlineServicesId: ada'), message: new RegExp(SMTP_TEXT.replace(/[()]/g, '\\$&')) },
  { title: 'a scope member without a top-level domain', kind: 'MigrationScope', edits: [['    - ada@fabrikam.com', '    - ada@fabrikam']], at: (r) => r.at(F, 'ada@fabrikam'), message: `spec.members[0]: "ada@fabrikam" ${SMTP_TEXT}` },
  { title: 'a CloudManagement mailbox in a domain starting with a hyphen', kind: 'CloudManagement', edits: [['[ada@fabrikam.com]', '[ada@-fabrikam.com]']], at: (r) => r.at(F, 'ada@-'), message: `spec.mailboxes[0]: "ada@-fabrikam.com" ${SMTP_TEXT}` },
  { title: 'externalEmailAddress of another address type', kind: 'MailUser', edits: [['externalEmailAddress: ada@fabrikam.onmicrosoft.com', 'externalEmailAddress: X500:/o=Fabrikam/cn=ada']], at: (r) => r.valueAt(F, 'externalEmailAddress: X500'), message: /spec\.externalEmailAddress: .* is not an SMTP address \(user@domain, optionally SMTP:user@domain\)/ },
  { title: 'a proxy address without its type prefix', kind: 'MailUser', edits: [['    - smtp:ada.l@tailspin.com', '    - ada.l@tailspin.com']], at: (r) => r.at(F, 'ada.l@tailspin.com'), message: 'spec.emailAddresses[1]: "ada.l@tailspin.com" is not a proxy address with its type prefix (SMTP:user@domain, smtp:…, X500:/o=…)' },
  { title: 'an X500 proxy without the leading slash', kind: 'MailUser', edits: [['x500:/o=ExchangeLabs', 'x500:o=ExchangeLabs']], at: (r) => r.at(F, 'x500:o='), message: /spec\.emailAddresses\[2\]: .* is not a proxy address/ },
  { title: 'an unknown prefix in removeEmailAddresses', kind: 'MailUser', edits: [['[smtp:ada@fabrikam.com]', '[smtps:ada@fabrikam.com]']], at: (r) => r.at(F, 'smtps:'), message: /spec\.removeEmailAddresses\[0\]: .* is not a proxy address/ },

  // Initial domains, domains, thumbprints, variable names, names, versions.
  { title: 'organization not an initial domain', kind: 'Tenant', edits: [['organization: fabrikam.onmicrosoft.com', 'organization: fabrikam.com']], at: (r) => r.valueAt(F, 'organization: fabrikam.com'), message: `spec.organization: "fabrikam.com" is not a tenant's initial domain (name.onmicrosoft.com)` },
  { title: 'remoteTenant not an initial domain', kind: 'MigrationEndpoint', edits: [['remoteTenant: fabrikam.onmicrosoft.us', 'remoteTenant: fabrikam.mail.onmicrosoft.com']], at: (r) => r.valueAt(F, 'remoteTenant: fabrikam'), message: /spec\.remoteTenant: .* is not a tenant's initial domain/ },
  { title: 'an accepted domain without a dot', kind: 'Tenant', edits: [['[fabrikam.com, eu.fabrikam.co.uk]', '[fabrikam.com, fabrikam]']], at: (r) => r.at(F, 'fabrikam]'), message: 'spec.acceptedDomains[1]: "fabrikam" is not a domain name (contoso.com)' },
  { title: 'a thumbprint one digit short', kind: 'Tenant', edits: [['0123456789abcdef0123456789ABCDEF01234567', '0123456789abcdef0123456789ABCDEF0123456']], at: (r) => r.valueAt(F, 'certificateThumbprint: 0'), message: /spec\.connection\.certificateThumbprint: .* is not a certificate thumbprint \(40 hexadecimal digits\)/ },
  { title: 'accessTokenEnv with a hyphen', kind: 'Tenant', edits: [['accessTokenEnv: _TOKEN_1', 'accessTokenEnv: MY-TOKEN']], at: (r) => r.valueAt(F, 'accessTokenEnv: MY'), code: 'SecretInYaml', message: 'spec.connection.accessTokenEnv holds 8 characters starting "MY…", which is not an environment variable name: it may be the secret itself' },
  { title: 'certificatePasswordEnv written as $VAR', kind: 'Tenant', edits: [['certificatePasswordEnv: PFX_PASSWORD', 'certificatePasswordEnv: $PFX_PASSWORD']], at: (r) => r.valueAt(F, 'certificatePasswordEnv: $'), code: 'SecretInYaml', message: /holds 13 characters starting "\$P…", which is not an environment variable name/ },
  { title: 'secretEnv starting with a digit', kind: 'MigrationEndpoint', edits: [['secretEnv: MIGRATION_SECRET', 'secretEnv: 1SECRET']], at: (r) => r.valueAt(F, 'secretEnv: 1'), code: 'SecretInYaml', message: 'spec.credentials.secretEnv holds 7 characters starting "1S…", which is not an environment variable name: it may be the secret itself' },
  { title: 'a Tenant name with capitals', kind: 'Tenant', edits: [['name: fabrikam', 'name: Fabrikam']], at: (r) => r.valueAt(F, 'name: Fabrikam'), message: 'metadata.name: "Fabrikam" is not a lower-case name of letters, digits and hyphens' },
  { title: 'a Tenant name ending in a hyphen', kind: 'Tenant', edits: [['name: fabrikam', 'name: fabrikam-']], at: (r) => r.valueAt(F, 'name: fabrikam-'), message: /is not a lower-case name/ },
  { title: 'entraConnectVersion with a v', kind: 'Tenant', edits: [['entraConnectVersion: 2.5.190.0', 'entraConnectVersion: v2.5.190.0']], at: (r) => r.valueAt(F, 'entraConnectVersion: v'), message: 'spec.entraConnectVersion: "v2.5.190.0" is not a version number (2.5.190.0)' },

  // Lists: minItems, uniqueItems.
  { title: 'an empty domainNames', kind: 'OrganizationRelationship', edits: [['domainNames: [22222222-2222-4222-8222-222222222222]', 'domainNames: []']], at: (r) => r.at(F, '[]'), message: 'spec.domainNames must not be empty' },
  { title: 'an empty mailboxes list', kind: 'CloudManagement', edits: [['[ada@fabrikam.com]', '[]']], at: (r) => r.at(F, '[]'), message: 'spec.mailboxes must not be empty' },
  { title: 'a capability listed twice', kind: 'OrganizationRelationship', edits: [['[RemoteOutbound, Inbound]', '[Inbound, Inbound]']], at: (r) => r.at(F, '[Inbound, Inbound]'), message: 'spec.mailboxMoveCapability lists the same value twice' },

  // Lengths and bounds.
  { title: 'an empty metadata.name', kind: 'MailUser', edits: [['name: AdaL', 'name: ""']], at: (r) => r.valueAt(F, 'name: ""'), message: 'metadata.name must not be empty' },
  { title: 'an empty membersFile', kind: 'MigrationScope', edits: [['  create: false\n', '  create: false\n  membersFile: ""\n']], at: (r) => r.valueAt(F, 'membersFile: ""'), message: 'spec.membersFile must not be empty' },
  { title: 'a relationship name over 64 characters', kind: 'OrganizationRelationship', edits: [['name: To Tailspin', `name: ${'x'.repeat(65)}`]], at: (r) => r.valueAt(F, 'name: xxx'), message: /metadata\.name must NOT have more than 64 characters/ },
  { title: 'maxConcurrentMigrations of 0', kind: 'MigrationEndpoint', edits: [['maxConcurrentMigrations: 1', 'maxConcurrentMigrations: 0']], at: (r) => r.valueAt(F, 'maxConcurrentMigrations: 0'), message: /spec\.maxConcurrentMigrations must be >= 1/ },
  { title: 'a custom attribute over 1024 characters', kind: 'MailUser', edits: [['"15": ""', `"15": ${'y'.repeat(1025)}`]], at: (r) => r.valueAt(F, '"15": y'), message: /spec\.customAttributes\[15\] must NOT have more than 1024 characters/ },

  // Types, with the quoting hint where a number or boolean stands for text.
  { title: 'a tenantId YAML reads as a number', kind: 'Tenant', edits: [['tenantId: 11111111-1111-4111-8111-11111111aaaa', 'tenantId: 1234']], at: (r) => r.valueAt(F, 'tenantId: 1234'), message: 'spec.tenantId must be text, got an integer', hint: QUOTE },
  { title: 'an entraConnectVersion YAML reads as a number', kind: 'Tenant', edits: [['entraConnectVersion: 2.5.190.0', 'entraConnectVersion: 2.5']], at: (r) => r.valueAt(F, 'entraConnectVersion: 2.5'), message: 'spec.entraConnectVersion must be text, got a number', hint: QUOTE },
  { title: 'a rotation YAML reads as a number', kind: 'MigrationEndpoint', edits: [['rotation: "2026-01"', 'rotation: 20260101']], at: (r) => r.valueAt(F, 'rotation: 2026'), message: 'spec.credentials.rotation must be text, got an integer', hint: QUOTE },
  { title: 'a custom attribute YAML reads as a boolean', kind: 'MailUser', edits: [['"1": Cross-Tenant-Project', '"1": true']], at: (r) => r.valueAt(F, '"1": true'), message: 'spec.customAttributes[1] must be text, got a boolean', hint: QUOTE },
  { title: 'a name that is a list', kind: 'MigrationScope', edits: [['name: Movers', 'name: [Movers]']], at: (r) => r.valueAt(F, 'name: [Movers]'), message: 'metadata.name must be text, got a list', hint: null },
  { title: 'enabled written as text', kind: 'OrganizationRelationship', edits: [['enabled: true', 'enabled: "yes"']], at: (r) => r.valueAt(F, 'enabled: "yes"'), message: 'spec.enabled must be true or false, got a string', hint: null },
  { title: 'YAML 1.1 yes is text, not a boolean', kind: 'CloudManagement', edits: [['isExchangeCloudManaged: true', 'isExchangeCloudManaged: yes']], at: (r) => r.valueAt(F, 'isExchangeCloudManaged: yes'), message: 'spec.isExchangeCloudManaged must be true or false, got a string' },
  { title: 'maxConcurrentMigrations quoted', kind: 'MigrationEndpoint', edits: [['maxConcurrentMigrations: 1', 'maxConcurrentMigrations: "20"']], at: (r) => r.valueAt(F, 'maxConcurrentMigrations: "20"'), message: 'spec.maxConcurrentMigrations must be a whole number, got a string' },
  { title: 'maxConcurrentMigrations a fraction', kind: 'MigrationEndpoint', edits: [['maxConcurrentMigrations: 1', 'maxConcurrentMigrations: 1.5']], at: (r) => r.valueAt(F, 'maxConcurrentMigrations: 1.5'), message: 'spec.maxConcurrentMigrations must be a whole number, got a number' },
  { title: 'members as one string', kind: 'MigrationScope', edits: [['  members:\n    - ada@fabrikam.com\n    - o\'brien+x@sub.fabrikam.com\n', '  members: ada@fabrikam.com\n']], at: (r) => r.valueAt(F, 'members: ada'), message: 'spec.members must be a list, got a string' },
  { title: 'spec as a list', kind: 'CloudManagement', edits: [['spec:\n  isExchangeCloudManaged: true\n  mailboxes: [ada@fabrikam.com]\n', 'spec:\n  - isExchangeCloudManaged: true\n']], at: (r) => r.at(F, '- isExchange'), message: 'spec must be a mapping, got a list' },
  // `key:` with no value: nothing to point at but the key.
  { title: 'an empty value (null)', kind: 'Tenant', edits: [['organization: fabrikam.onmicrosoft.com', 'organization:']], at: (r) => r.at(F, 'organization:'), message: 'spec.organization must be text, got null' },

  // Unknown fields, at every level, at the key, with suggestions.
  { title: 'an unknown top-level field', kind: 'Tenant', edits: [['spec:\n', 'specs: {}\nspec:\n']], at: (r) => r.at(F, 'specs'), message: 'unknown field "specs" in document', hint: 'Did you mean spec?' },
  { title: 'an unknown metadata field', kind: 'MailUser', edits: [['  tenant: tailspin\n', '  tenant: tailspin\n  namespace: prod\n']], at: (r) => r.at(F, 'namespace'), message: 'unknown field "namespace" in metadata', hint: 'Known fields: name, tenant.' },
  { title: 'an unknown spec field (case)', kind: 'Tenant', edits: [['  organization:', '  tenantID: x\n  organization:']], at: (r) => r.at(F, 'tenantID'), message: 'unknown field "tenantID" in spec', hint: 'Did you mean tenantId?' },
  { title: 'an unknown connection field', kind: 'Tenant', edits: [['    appId:', '    appID:']], at: (r) => r.at(F, 'appID'), message: 'unknown field "appID" in spec.connection', hint: 'Did you mean appId?' },
  { title: 'a secret written into credentials', kind: 'MigrationEndpoint', edits: [['    rotation:', '    secret: hunter2\n    rotation:']], at: (r) => r.at(F, 'secret:'), message: 'unknown field "secret" in spec.credentials', hint: 'Known fields: secretEnv, rotation.' },
  { title: 'an unknown source field', kind: 'MailUser', edits: [['    mailbox: ada@fabrikam.com', '    mailbox: ada@fabrikam.com\n    mailBoxGuid: x']], at: (r) => r.at(F, 'mailBoxGuid'), message: 'unknown field "mailBoxGuid" in spec.source', hint: 'Known fields: tenant, mailbox.' },
  { title: 'CustomAttribute16', kind: 'MailUser', edits: [['    "15": ""', '    "15": ""\n    "16": x']], at: (r) => r.at(F, '"16"'), message: 'unknown field "16" in spec.customAttributes', hint: 'unchecked' },
  { title: 'a misspelt relationship field', kind: 'OrganizationRelationship', edits: [['mailboxMovePublishedScopes:', 'mailboxMovePublishedScope:']], at: (r) => r.at(F, 'mailboxMovePublishedScope:'), message: 'unknown field "mailboxMovePublishedScope" in spec', hint: 'Did you mean mailboxMovePublishedScopes?' },
  { title: 'an unknown CloudManagement field', kind: 'CloudManagement', edits: [['  mailboxes:', '  mailbox: []\n  mailboxes:']], at: (r) => r.at(F, 'mailbox:'), message: 'unknown field "mailbox" in spec', hint: 'Did you mean mailboxes?' },
  { title: 'an unknown scope field', kind: 'MigrationScope', edits: [['  create: false', '  create: false\n  memberFile: x.csv']], at: (r) => r.at(F, 'memberFile'), message: 'unknown field "memberFile" in spec', hint: 'Did you mean membersFile?' },
];

describe('valid documents', () => {
  for (const [kind, text] of Object.entries(VALID)) {
    it(`a ${kind} using every field loads with no findings`, () => {
      const { findings, desired } = FixtureRepo.empty().set(F, text).load();
      expect(summary(findings)).toEqual([]);
      const all = [...desired.tenants, ...desired.relationships, ...desired.endpoints, ...desired.scopes, ...desired.mailUsers, ...desired.cloudManagement];
      expect(all.map((r) => r.kind)).toEqual([kind]);
    });
  }

  it('accepts the passing variants of the patterns', () => {
    const variants: [string, string, string][] = [
      ['MailUser', 'externalEmailAddress: ada@fabrikam.onmicrosoft.com', 'externalEmailAddress: smtp:ada@fabrikam.onmicrosoft.com'],
      ['MailUser', '[smtp:ada@fabrikam.com]', '[X500:/o=Fabrikam/cn=ada, EUM:1234;phone-context=x, SPO:abc]'],
      ['Tenant', 'organization: fabrikam.onmicrosoft.com', 'organization: fabrikam.partner.onmschina.cn'],
      ['Tenant', 'entraConnectVersion: 2.5.190.0', 'entraConnectVersion: "2.5"'],
      ['Tenant', 'name: fabrikam', 'name: f-4'],
      ['Tenant', 'tenantId: 11111111-1111-4111-8111-11111111aaaa', 'tenantId: "11111111-1111-4111-8111-11111111AAAA"'],
      ['MigrationEndpoint', 'remoteTenant: fabrikam.onmicrosoft.us', 'remoteTenant: fabrikam.onmicrosoft.de'],
      ['OrganizationRelationship', '[RemoteOutbound, Inbound]', '[Inbound, Outbound, RemoteInbound, RemoteOutbound]'],
    ];
    for (const [kind, from, to] of variants) {
      const { findings } = FixtureRepo.empty().set(F, VALID[kind]!).edit(F, from, to).load();
      expect(summary(findings), `${kind}: ${to}`).toEqual([]);
    }
  });
});

describe('schema violations', () => {
  for (const c of cases) {
    it(`${c.title}: ${c.code ?? 'SchemaViolation'} at the exact node`, () => {
      const repo = FixtureRepo.empty().set(F, VALID[c.kind]!);
      for (const [from, to] of c.edits) repo.edit(F, from, to);
      const { findings } = repo.load();
      expect(findings.length, summary(findings).join('\n')).toBe(1);
      const f = findings[0]!;
      const code = c.code ?? 'SchemaViolation';
      expect(f.code).toBe(code);
      expect(f.severity).toBe('error');
      expect(where(f)).toBe(c.at(repo));
      if (typeof c.message === 'string') expect(f.message).toBe(c.message);
      else expect(f.message).toMatch(c.message);
      if (c.hint === null) expect(f.hint).toBeUndefined();
      else if (c.hint === 'unchecked') expect(f.hint).toBeDefined();
      else if (c.hint !== undefined) expect(f.hint).toBe(c.hint);
      else expect(f.hint).toBe((FINDING_CODES[code] as { hint?: string }).hint);
      if (code === 'SchemaViolation') expect(f.kind).toBe(c.kind);
    });
  }
});

describe('documents that are not mappings', () => {
  it.each([
    ['a list', '- apiVersion: exo.gitops/v1alpha1\n- kind: Tenant\n', 'a document must be a mapping, got a list'],
    ['a string', 'just some text\n', 'a document must be a mapping, got a string'],
    ['a number', '42\n', 'a document must be a mapping, got an integer'],
  ])('%s is NotAMapping at the document start', (_name, text, message) => {
    // Beside a Tenant: a file of a lone string or number holds no exo-gitops document, and is skipped.
    const { findings } = FixtureRepo.empty().set(F, `# leading comment\n${text}---\n${VALID.Tenant}`).load();
    expect(findings.map((f) => [f.code, f.severity, where(f), f.message])).toEqual([['NotAMapping', 'error', `${F}:2:1`, message]]);
  });
});

describe('several documents and several errors', () => {
  it('reports every error of a document, each at its own node', () => {
    const repo = FixtureRepo.empty().set(F, VALID.Tenant!).edit(F, '  tenantId:', '  tenantID:').edit(F, 'O365Default', 'O365Defualt');
    const { findings } = repo.load();
    expect(findings.map(where).sort()).toEqual([repo.at(F, 'spec:'), repo.at(F, 'tenantID'), repo.valueAt(F, 'environment: O365Defualt')].sort());
  });

  it('positions in a later document of a file count from the start of the file', () => {
    const text = `${VALID.Tenant}---\n${replaceOnce(VALID.MailUser!, 'exchangeGuid: aaaaaaaa', 'exchangeGuid: zzzzzzzz')}`;
    const repo = FixtureRepo.empty().set(F, text);
    const { findings, desired } = repo.load();
    expect(desired.tenants).toHaveLength(1);
    expect(findings.map((f) => [f.code, where(f)])).toEqual([['SchemaViolation', repo.valueAt(F, 'exchangeGuid: zzzz')]]);
    expect(where(findings[0]!)).toMatch(new RegExp(`^${F}:${VALID.Tenant!.split('\n').length - 1 + 1 + 11}:17$`));
  });

  it('a bad document does not keep the others in the file from loading', () => {
    const text = `${replaceOnce(VALID.CloudManagement!, 'kind: CloudManagement', 'kind: CloudManagment')}---\n${VALID.MigrationScope}`;
    const { findings, desired } = FixtureRepo.empty().set(F, text).load();
    expect(findings.map((f) => [f.code, f.hint])).toEqual([['UnknownKind', 'Did you mean CloudManagement?']]);
    expect(desired.scopes.map((s) => s.name)).toEqual(['Movers']);
  });
});
