// Every finding code of src/validate/rules.ts, each with a failing case (code, severity and the exact
// file:line:column of the node it should point at) and a passing near miss (the code is absent).
// Each case starts from test/fixtures/baseline, a correct two-tenant repository, and changes one thing.

import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { FINDING_CODES, type FindingCode, type Severity } from '../../src/model/finding.js';
import { FixtureRepo, codes, removeTempDirs, single, summary, where } from '../fixtures/repo.js';

afterAll(removeTempDirs);

const T = 'tenants.yaml';
const S = 'fabrikam/source.yaml';
const G = 'tailspin/target.yaml';
const M = 'tailspin/mailusers.yaml';
const B = 'tailspin/batches.yaml';

const FABRIKAM_ID = '11111111-1111-4111-8111-111111111111';
const TAILSPIN_ID = '22222222-2222-4222-8222-222222222222';
const APP_ID = '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

const doc = (kind: string, name: string, tenant: string | null, spec: string): string =>
  `apiVersion: exo.gitops/v1alpha1\nkind: ${kind}\nmetadata:\n  name: ${name}\n${tenant === null ? '' : `  tenant: ${tenant}\n`}spec:\n${spec}`;

const wingtipTenant = (tenantId: string): string =>
  doc('Tenant', 'wingtip', null, `  tenantId: ${tenantId}\n  organization: wingtip.onmicrosoft.com\n  connection:\n    accessTokenEnv: WINGTIP_TOKEN\n`);

/** A MigrationBatch in tailspin moving from fabrikam through Fabrikam-T2T, with `rest` of its spec. */
const batchDoc = (name: string, rest: string): string =>
  doc('MigrationBatch', name, 'tailspin', `  source: fabrikam\n  endpoint: Fabrikam-T2T\n  targetDeliveryDomain: tailspin.onmicrosoft.com\n${rest}`);

/** `count` addresses, one a line, behind an EmailAddress header. */
const membersCsv = (count: number): string =>
  `EmailAddress\n${Array.from({ length: count }, (_, i) => `user${i}@fabrikam.com`).join('\n')}\n`;

interface Expected {
  at: string;
  message?: RegExp | string;
  hint?: string;
}

interface RuleCase {
  title: string;
  code: FindingCode;
  severity: Severity;
  /** Change the baseline so the rule fires; return where the finding must point. */
  fail: (repo: FixtureRepo) => Expected;
  /** A near miss: a similar change the rule must accept. */
  /** clean: no finding at all, or only findings of these codes. */
  pass: { title: string; change: (repo: FixtureRepo) => void; clean?: boolean | string[] };
  /** The platform the rules are told sign-in runs on (default: not told, so not checked). */
  platform?: NodeJS.Platform;
}

const cases: RuleCase[] = [
  {
    title: 'DuplicateResource: a mail user declared twice (names compare case-insensitively)',
    code: 'DuplicateResource',
    severity: 'error',
    fail: (r) => {
      r.set('tailspin/more.yaml', doc('MailUser', 'ADAL', 'tailspin', '  displayName: Ada again\n'));
      return { at: r.at('tailspin/more.yaml', 'ADAL'), message: `first at ${r.at(M, 'AdaL')}` };
    },
    pass: {
      title: 'the same name in the other tenant',
      change: (r) => r.set('fabrikam/more.yaml', doc('MailUser', 'ADAL', 'fabrikam', '  displayName: Ada again\n')),
      clean: true,
    },
  },
  {
    title: 'DuplicateResource: two scopes that manage the same Exchange group',
    code: 'DuplicateResource',
    severity: 'error',
    fail: (r) => {
      r.addDocument(S, doc('MigrationScope', 'Second-Scope', 'fabrikam', '  group: movers\n'));
      return { at: r.valueAt(S, 'group: movers'), message: `scope group "movers" in fabrikam is declared twice; first at ${r.valueAt(S, 'name: Movers')}` };
    },
    pass: {
      title: 'a scope naming a group of its own',
      change: (r) => r.addDocument(S, doc('MigrationScope', 'Second-Scope', 'fabrikam', '  group: Movers-Wave2\n')),
      clean: true,
    },
  },
  {
    title: 'DuplicateTenantId: two Tenant documents with one tenant ID (compared case-insensitively)',
    code: 'DuplicateTenantId',
    severity: 'error',
    fail: (r) => {
      r.edit(T, `tenantId: ${FABRIKAM_ID}`, 'tenantId: 6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f');
      r.addDocument(T, wingtipTenant('6C7B4D2E-3F1A-4E8B-9C5D-2A1B3C4D5E6F'));
      return { at: r.valueAt(T, 'tenantId: 6C7B4D2E'), message: `tenant fabrikam's (${r.valueAt(T, 'tenantId: 6c7b4d2e')})` };
    },
    pass: { title: 'a third tenant with its own ID', change: (r) => r.addDocument(T, wingtipTenant('55555555-5555-4555-8555-555555555555')), clean: true },
  },
  {
    title: 'UnknownTenant: metadata.tenant names no Tenant (with a suggestion)',
    code: 'UnknownTenant',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'name: Fabrikam-T2T\n  tenant: tailspin', 'name: Fabrikam-T2T\n  tenant: tailspn');
      return { at: r.at(G, 'tailspn'), message: 'tenant "tailspn" is not declared by any Tenant document', hint: 'Did you mean tailspin?' };
    },
    pass: { title: 'the declared tenant', change: () => {}, clean: true },
  },
  {
    title: 'UnknownTenant: source.tenant names no Tenant (listing the declared ones)',
    code: 'UnknownTenant',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'tenant: fabrikam\n    mailbox: bob@', 'tenant: contoso\n    mailbox: bob@');
      return { at: r.valueAt(M, 'tenant: contoso'), hint: 'Declared tenants: fabrikam, tailspin.' };
    },
    pass: { title: 'source.tenant in another spelling that is declared', change: (r) => r.edit(M, 'tenant: fabrikam\n    mailbox: bob@', 'tenant: "fabrikam"\n    mailbox: bob@'), clean: true },
  },
  {
    title: 'UnknownPartner: a relationship partner that is not a Tenant',
    code: 'UnknownPartner',
    severity: 'error',
    fail: (r) => {
      r.edit(S, 'partner: tailspin', 'partner: tailspinn');
      return { at: r.valueAt(S, 'partner: tailspinn'), message: 'partner "tailspinn" is not declared by any Tenant document', hint: 'Did you mean tailspin?' };
    },
    pass: { title: 'a declared partner', change: () => {}, clean: true },
  },
  {
    title: 'UnknownPartner: an endpoint partner that is not a Tenant',
    code: 'UnknownPartner',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  applicationId', 'partner: northwind\n  applicationId');
      return { at: r.valueAt(G, 'partner: northwind'), hint: 'Declared tenants: fabrikam, tailspin.' };
    },
    pass: {
      title: 'an endpoint naming remoteTenant instead',
      change: (r) => r.edit(G, 'partner: fabrikam\n  applicationId', 'remoteTenant: fabrikam.onmicrosoft.com\n  applicationId'),
      clean: true,
    },
  },
  {
    title: "SelfPartner: a relationship whose partner is its own tenant",
    code: 'SelfPartner',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  enabled', 'partner: tailspin\n  enabled');
      return { at: r.valueAt(G, 'partner: tailspin'), message: "the relationship's partner is its own tenant tailspin" };
    },
    pass: { title: 'partner is the other tenant', change: () => {}, clean: true },
  },
  {
    title: "SelfPartner: domainNames holds the relationship's own tenant ID",
    code: 'SelfPartner',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${TAILSPIN_ID.toUpperCase()}]\n  enabled`);
      return { at: r.at(G, TAILSPIN_ID.toUpperCase()), message: `own tenant ID ${TAILSPIN_ID.toUpperCase()}` };
    },
    pass: {
      title: "domainNames holds the partner's tenant ID",
      change: (r) => r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${FABRIKAM_ID}]\n  enabled`),
      clean: true,
    },
  },
  {
    title: 'PartnerAndDomainNames: both given (points at the domainNames key)',
    code: 'PartnerAndDomainNames',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  enabled', `partner: fabrikam\n  domainNames: [${FABRIKAM_ID}]\n  enabled`);
      return { at: r.at(G, 'domainNames') };
    },
    pass: { title: 'domainNames alone', change: (r) => r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${FABRIKAM_ID}]\n  enabled`), clean: true },
  },
  {
    title: 'MissingPartner: neither partner nor domainNames (points at the spec mapping)',
    code: 'MissingPartner',
    severity: 'error',
    fail: (r) => {
      r.edit(G, '  partner: fabrikam\n  enabled: true\n', '  enabled: true\n');
      return { at: r.at(G, 'enabled: true') };
    },
    pass: {
      title: 'a relationship being removed (ensure: Absent) needs no partner',
      change: (r) => r.edit(S, '  partner: tailspin\n  enabled: true\n', '  ensure: Absent\n  enabled: true\n'),
    },
  },
  {
    title: 'DomainNameNotGuid: a domain of a declared tenant (hint names the tenant and its ID)',
    code: 'DomainNameNotGuid',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  enabled', 'domainNames: [fabrikam.com]\n  enabled');
      return {
        at: r.at(G, 'fabrikam.com'),
        message: `DomainNames takes the partner's tenant ID, not a domain name: "fabrikam.com"`,
        hint: `fabrikam.com belongs to tenant fabrikam: write partner: fabrikam (tenant ID ${FABRIKAM_ID}).`,
      };
    },
    pass: { title: 'a tenant ID GUID', change: (r) => r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${FABRIKAM_ID}]\n  enabled`), clean: true },
  },
  {
    title: 'DomainNameNotGuid: a domain no tenant declares (the general hint), second list item',
    code: 'DomainNameNotGuid',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  enabled', `domainNames:\n    - ${FABRIKAM_ID}\n    - litware.com\n  enabled`);
      return { at: r.at(G, 'litware.com'), hint: FINDING_CODES.DomainNameNotGuid.hint };
    },
    pass: {
      title: 'an upper-case GUID',
      change: (r) => r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${FABRIKAM_ID.toUpperCase()}]\n  enabled`),
      clean: true,
    },
  },
  {
    title: 'TooManyPublishedScopes: two published scopes',
    code: 'TooManyPublishedScopes',
    severity: 'error',
    fail: (r) => {
      r.edit(S, 'mailboxMovePublishedScopes: [Movers]', 'mailboxMovePublishedScopes: [Movers, Movers-Wave2]');
      r.addDocument(S, doc('MigrationScope', 'Movers-Wave2', 'fabrikam', '  members: [cy@fabrikam.com]\n'));
      return { at: r.at(S, '[Movers, Movers-Wave2]'), message: '2 published scopes; Exchange accepts one' };
    },
    pass: { title: 'one published scope', change: (r) => r.addDocument(S, doc('MigrationScope', 'Movers-Wave2', 'fabrikam', '  members: [cy@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'RemoteOutboundWithoutApp: RemoteOutbound and no oauthApplicationId (points at the capability)',
    code: 'RemoteOutboundWithoutApp',
    severity: 'error',
    fail: (r) => {
      r.edit(S, `  oauthApplicationId: ${APP_ID}\n`, '');
      return { at: r.at(S, '[RemoteOutbound]') };
    },
    pass: {
      title: 'a relationship being removed',
      change: (r) => r.edit(S, `  oauthApplicationId: ${APP_ID}\n`, '  ensure: Absent\n'),
    },
  },
  {
    title: 'RemoteOutboundWithoutScope: RemoteOutbound and no published scope',
    code: 'RemoteOutboundWithoutScope',
    severity: 'error',
    fail: (r) => {
      r.edit(S, '  mailboxMovePublishedScopes: [Movers]\n', '');
      return { at: r.at(S, '[RemoteOutbound]') };
    },
    pass: {
      title: 'no published scope on a relationship without RemoteOutbound',
      change: (r) => r.edit(S, '  mailboxMoveCapability: [RemoteOutbound]\n', '  mailboxMoveCapability: [Outbound]\n').edit(S, '  mailboxMovePublishedScopes: [Movers]\n', ''),
    },
  },
  {
    title: 'PublishedScopeUndeclared: a published group no MigrationScope declares',
    code: 'PublishedScopeUndeclared',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '[Movers]', '[Leavers]');
      return { at: r.at(S, 'Leavers'), message: 'published scope "Leavers" is not declared as a MigrationScope in fabrikam' };
    },
    pass: { title: 'the group named in another case', change: (r) => r.edit(S, '[Movers]', '[MOVERS]'), clean: true },
  },
  {
    title: 'PublishedScopeInOtherTenant: the published group is declared in the partner tenant',
    code: 'PublishedScopeInOtherTenant',
    severity: 'error',
    fail: (r) => {
      r.edit(S, '[Movers]', '[Leavers]');
      r.addDocument(G, doc('MigrationScope', 'Leavers', 'tailspin', '  members: [zed@tailspin.com]\n'));
      return { at: r.at(S, 'Leavers'), message: `is declared in tenant tailspin (${r.at(G, 'Leavers')}), not in fabrikam` };
    },
    pass: {
      title: 'declared in both tenants',
      change: (r) => {
        r.addDocument(G, doc('MigrationScope', 'Movers', 'tailspin', '  members: [zed@tailspin.com]\n'));
      },
      clean: true,
    },
  },
  {
    title: "RelationshipPairMismatch: the source's RemoteOutbound relationship points at a third tenant",
    code: 'RelationshipPairMismatch',
    severity: 'error',
    fail: (r) => {
      r.addDocument(T, wingtipTenant('55555555-5555-4555-8555-555555555555'));
      r.edit(S, 'partner: tailspin', 'partner: wingtip');
      return {
        at: r.valueAt(G, 'partner: fabrikam', 1),
        message: `fabrikam's RemoteOutbound relationship does not point back at tailspin: fabrikam/OrganizationRelationship/To Tailspin (${r.at(S, 'To Tailspin')}) points at wingtip`,
      };
    },
    pass: { title: 'the pair names each other', change: () => {}, clean: true },
  },
  {
    title: "RelationshipPairMismatch: the source's relationship points back with [Outbound] for [RemoteOutbound] (a typo, named where it is written)",
    code: 'RelationshipPairMismatch',
    severity: 'error',
    fail: (r) => {
      r.edit(S, 'mailboxMoveCapability: [RemoteOutbound]', 'mailboxMoveCapability: [Outbound]');
      return {
        at: r.at(S, 'Outbound]'),
        message: `fabrikam/OrganizationRelationship/To Tailspin (${r.at(S, 'To Tailspin')}) points back at tailspin with mailboxMoveCapability Outbound, not RemoteOutbound: the Inbound relationship tailspin/OrganizationRelationship/`,
      };
    },
    pass: { title: 'RemoteOutbound', change: () => {}, clean: true },
  },
  {
    title: 'RelationshipPairMissing: the target declares no Inbound relationship',
    code: 'RelationshipPairMissing',
    severity: 'warning',
    fail: (r) => {
      r.set(G, r.text(G).split('---\n')[0]!);
      return { at: r.valueAt(S, 'partner: tailspin'), message: 'tailspin declares no Inbound relationship pointing back at fabrikam' };
    },
    pass: {
      title: 'the Inbound relationship names the source by its tenant ID',
      change: (r) => r.edit(G, 'partner: fabrikam\n  enabled', `domainNames: [${FABRIKAM_ID}]\n  enabled`),
      clean: true,
    },
  },
  {
    title: 'RelationshipPairMissing: named through domainNames (points at the list)',
    code: 'RelationshipPairMissing',
    severity: 'warning',
    fail: (r) => {
      r.set(G, r.text(G).split('---\n')[0]!);
      r.edit(S, 'partner: tailspin', `domainNames: [${TAILSPIN_ID}]`);
      return { at: r.at(S, `[${TAILSPIN_ID}]`) };
    },
    pass: {
      title: "the partner's Inbound relationship is present",
      change: (r) => r.edit(S, 'partner: tailspin', `domainNames: [${TAILSPIN_ID}]`),
      clean: true,
    },
  },
  {
    title: "OAuthAppMismatch: the source's oauthApplicationId differs from the endpoint's applicationId",
    code: 'OAuthAppMismatch',
    severity: 'error',
    fail: (r) => {
      r.edit(G, `applicationId: ${APP_ID}`, 'applicationId: 99999999-9999-4999-8999-999999999999');
      return { at: r.valueAt(S, `oauthApplicationId: ${APP_ID}`), message: `of tailspin's endpoint Fabrikam-T2T (${r.valueAt(G, 'applicationId: 9999')})` };
    },
    pass: { title: 'the same ID in upper case', change: (r) => r.edit(G, `applicationId: ${APP_ID}`, `applicationId: ${APP_ID.toUpperCase()}`), clean: true },
  },
  {
    title: 'EndpointSelfRemote: partner is the endpoint\'s own tenant',
    code: 'EndpointSelfRemote',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  applicationId', 'partner: tailspin\n  applicationId');
      return { at: r.valueAt(G, 'partner: tailspin') };
    },
    pass: { title: 'partner is the source', change: () => {}, clean: true },
  },
  {
    title: "EndpointSelfRemote: remoteTenant is the endpoint's own initial domain (case-insensitive)",
    code: 'EndpointSelfRemote',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  applicationId', 'remoteTenant: TAILSPIN.onmicrosoft.com\n  applicationId');
      return { at: r.valueAt(G, 'remoteTenant: TAILSPIN'), message: "remoteTenant TAILSPIN.onmicrosoft.com is the endpoint's own tenant" };
    },
    pass: {
      title: "remoteTenant is the source's initial domain",
      change: (r) => r.edit(G, 'partner: fabrikam\n  applicationId', 'remoteTenant: Fabrikam.onmicrosoft.com\n  applicationId'),
      clean: true,
    },
  },
  {
    title: 'EndpointPartnerAndRemoteTenant: both given (points at the remoteTenant key)',
    code: 'EndpointPartnerAndRemoteTenant',
    severity: 'error',
    fail: (r) => {
      r.edit(G, 'partner: fabrikam\n  applicationId', 'partner: fabrikam\n  remoteTenant: fabrikam.onmicrosoft.com\n  applicationId');
      return { at: r.at(G, 'remoteTenant') };
    },
    pass: { title: 'partner alone', change: () => {}, clean: true },
  },
  {
    title: 'EndpointMissingRemote: neither partner nor remoteTenant (points at the spec mapping)',
    code: 'EndpointMissingRemote',
    severity: 'error',
    fail: (r) => {
      r.edit(G, '  partner: fabrikam\n  applicationId', '  applicationId');
      return { at: r.at(G, 'applicationId') };
    },
    pass: { title: 'an endpoint being removed', change: (r) => r.edit(G, '  partner: fabrikam\n  applicationId', '  ensure: Absent\n  applicationId') },
  },
  {
    title: 'EndpointWithoutCredentials: no credentials (points at the spec mapping)',
    code: 'EndpointWithoutCredentials',
    severity: 'warning',
    fail: (r) => {
      r.edit(G, '  credentials:\n    secretEnv: TAILSPIN_MIGRATION_SECRET\n    rotation: "2026-01"\n', '');
      return { at: r.at(G, 'partner: fabrikam', 0), message: 'no credentials.secretEnv: the endpoint cannot be created' };
    },
    pass: {
      title: 'an endpoint being removed needs none',
      change: (r) => r.edit(G, '  credentials:\n    secretEnv: TAILSPIN_MIGRATION_SECRET\n    rotation: "2026-01"\n', '  ensure: Absent\n'),
    },
  },
  {
    title: 'ConnectionIncomplete: no way to sign in (an empty connection)',
    code: 'ConnectionIncomplete',
    severity: 'error',
    fail: (r) => {
      r.edit(T, 'connection:\n    accessTokenEnv: FABRIKAM_EXO_TOKEN', 'connection: {}');
      return { at: r.at(T, '{}'), message: 'connection names no way to sign in' };
    },
    pass: { title: 'accessTokenEnv alone', change: () => {}, clean: true },
  },
  {
    title: 'ConnectionIncomplete: more than one way to sign in',
    code: 'ConnectionIncomplete',
    severity: 'error',
    fail: (r) => {
      r.edit(T, '    certificateThumbprint:', '    accessTokenEnv: TAILSPIN_TOKEN\n    certificateThumbprint:');
      return { at: r.at(T, 'appId: 3333'), message: 'connection names more than one way to sign in' };
    },
    pass: {
      title: 'appId with certificatePath',
      change: (r) => r.edit(T, 'certificateThumbprint: 0123456789abcdef0123456789ABCDEF01234567', 'certificatePath: /etc/exo/tailspin.pfx'),
      clean: true,
    },
  },
  {
    title: 'ConnectionIncomplete: a certificate without appId',
    code: 'ConnectionIncomplete',
    severity: 'error',
    fail: (r) => {
      r.edit(T, '    appId: 33333333-3333-4333-8333-333333333333\n', '');
      return { at: r.at(T, 'certificateThumbprint'), message: 'certificate sign-in needs appId' };
    },
    pass: { title: 'with appId', change: () => {}, clean: true },
  },
  {
    title: 'ConnectionIncomplete: certificatePasswordEnv without certificatePath',
    code: 'ConnectionIncomplete',
    severity: 'error',
    fail: (r) => {
      r.edit(T, '    certificateThumbprint:', '    certificatePasswordEnv: PFX_PASSWORD\n    certificateThumbprint:');
      return { at: r.at(T, 'appId: 3333'), message: 'certificatePasswordEnv goes with certificatePath' };
    },
    pass: {
      title: 'certificatePasswordEnv with certificatePath',
      change: (r) =>
        r.edit(T, 'certificateThumbprint: 0123456789abcdef0123456789ABCDEF01234567', 'certificatePath: /etc/exo/tailspin.pfx\n    certificatePasswordEnv: PFX_PASSWORD'),
      clean: true,
    },
  },
  {
    title: "AddressInForeignDomain: primarySmtpAddress in the source tenant's domain",
    code: 'AddressInForeignDomain',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'primarySmtpAddress: ada@tailspin.com', 'primarySmtpAddress: ada@fabrikam.com');
      return { at: r.valueAt(M, 'primarySmtpAddress: ada@fabrikam.com'), message: 'ada@fabrikam.com is in fabrikam.com, a domain of tenant fabrikam; this mail user lives in tailspin' };
    },
    pass: { title: 'an address in a domain no tenant declares', change: (r) => r.edit(M, 'primarySmtpAddress: ada@tailspin.com', 'primarySmtpAddress: ada@litware.com'), clean: true },
  },
  {
    title: "AddressInForeignDomain: an SMTP proxy in the source tenant's domain (prefix in upper case)",
    code: 'AddressInForeignDomain',
    severity: 'error',
    fail: (r) => {
      r.edit(M, '- smtp:ada.l@tailspin.com', '- SMTP:ada.l@FABRIKAM.com');
      return { at: r.at(M, 'SMTP:ada.l@FABRIKAM.com') };
    },
    pass: {
      title: 'an X500 proxy that mentions the domain',
      change: (r) => r.edit(M, '- smtp:ada.l@tailspin.com', '- X500:/o=fabrikam.com/cn=ada@fabrikam.com'),
      clean: true,
    },
  },
  {
    title: 'AddressInForeignDomain: a subdomain of a domain of the source tenant',
    code: 'AddressInForeignDomain',
    severity: 'error',
    fail: (r) => {
      r.edit(M, '- smtp:ada.l@tailspin.com', '- smtp:ada.l@eu.fabrikam.com');
      return { at: r.at(M, 'smtp:ada.l@eu.fabrikam.com'), message: 'is in eu.fabrikam.com, a domain of tenant fabrikam' };
    },
    pass: {
      title: "a subdomain of the target's own domain",
      change: (r) => r.edit(M, '- smtp:ada.l@tailspin.com', '- smtp:ada.l@eu.tailspin.com'),
      clean: true,
    },
  },
  {
    title: 'AddressInForeignDomain: microsoftOnlineServicesId in the source tenant\'s initial domain',
    code: 'AddressInForeignDomain',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'microsoftOnlineServicesId: ada@tailspin.onmicrosoft.com', 'microsoftOnlineServicesId: ada@fabrikam.onmicrosoft.com');
      return { at: r.valueAt(M, 'microsoftOnlineServicesId: ada@fabrikam') };
    },
    pass: { title: 'in the target initial domain', change: () => {}, clean: true },
  },
  {
    title: "ExternalAddressInOwnDomain: externalEmailAddress in the mail user's own tenant",
    code: 'ExternalAddressInOwnDomain',
    severity: 'warning',
    fail: (r) => {
      r.edit(M, 'externalEmailAddress: SMTP:ada@fabrikam.onmicrosoft.com', 'externalEmailAddress: smtp:ada@tailspin.onmicrosoft.com');
      return { at: r.valueAt(M, 'externalEmailAddress: smtp:ada@tailspin'), message: 'externalEmailAddress ada@tailspin.onmicrosoft.com is in a domain of tailspin itself' };
    },
    pass: { title: 'pointing at the source mailbox', change: () => {}, clean: true },
  },
  {
    title: 'PrimaryAddressConflict: an SMTP: entry that is not primarySmtpAddress',
    code: 'PrimaryAddressConflict',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [SMTP:robert@tailspin.com]');
      return { at: r.at(M, 'SMTP:robert@tailspin.com'), message: 'SMTP:robert@tailspin.com is a primary address, but primarySmtpAddress is bob@tailspin.com' };
    },
    pass: {
      title: 'the primary address as SMTP: and the others as smtp:',
      change: (r) => r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [SMTP:bob@tailspin.com, smtp:robert@tailspin.com]'),
      clean: true,
    },
  },
  {
    title: 'DuplicateExchangeGuid: two mail users with one ExchangeGuid (case-insensitive)',
    code: 'DuplicateExchangeGuid',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: AAAAAAAA-0000-4000-8000-00000000000A');
      return {
        at: r.valueAt(M, 'exchangeGuid: AAAAAAAA'),
        message: `is also tailspin/MailUser/AdaL's (${r.valueAt(M, 'exchangeGuid: aaaaaaaa')})`,
      };
    },
    pass: { title: 'distinct GUIDs', change: () => {}, clean: true },
  },
  {
    title: 'DuplicateAddress: two mail users with one primary address (case-insensitive)',
    code: 'DuplicateAddress',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'primarySmtpAddress: bob@tailspin.com', 'primarySmtpAddress: ADA@tailspin.com');
      return { at: r.valueAt(M, 'primarySmtpAddress: ADA@'), message: `ADA@tailspin.com is also an address of AdaL (${r.at(M, 'AdaL')})` };
    },
    pass: {
      title: "a mail user's sign-in name equal to its own primary address",
      change: (r) => r.edit(M, 'microsoftOnlineServicesId: ada@tailspin.onmicrosoft.com', 'microsoftOnlineServicesId: ADA@tailspin.com'),
      clean: true,
    },
  },
  {
    title: 'DuplicateAddress: a proxy address of one mail user is another\'s primary',
    code: 'DuplicateAddress',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [smtp:ada@tailspin.com]');
      return { at: r.at(M, 'smtp:ada@tailspin.com') };
    },
    pass: {
      title: 'a proxy address of its own',
      change: (r) => r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [smtp:bob.k@tailspin.com]'),
      clean: true,
    },
  },
  {
    title: 'AddressKeptAndRemoved: an address both in emailAddresses and in removeEmailAddresses (case-insensitive)',
    code: 'AddressKeptAndRemoved',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [smtp:bob.k@tailspin.com]\n  removeEmailAddresses: [SMTP:Bob.K@tailspin.com]');
      return { at: r.at(M, 'SMTP:Bob.K@tailspin.com'), message: 'SMTP:Bob.K@tailspin.com is both kept and in removeEmailAddresses' };
    },
    pass: {
      title: 'an address kept and another removed',
      change: (r) => r.edit(M, 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b', 'exchangeGuid: bbbbbbbb-0000-4000-8000-00000000000b\n  emailAddresses: [smtp:bob.k@tailspin.com]\n  removeEmailAddresses: [smtp:bob.old@tailspin.com]'),
      clean: true,
    },
  },
  {
    title: 'SourceInOwnTenant: source.tenant is the tenant the mail user lives in',
    code: 'SourceInOwnTenant',
    severity: 'error',
    fail: (r) => {
      r.edit(M, 'tenant: fabrikam\n    mailbox: bob@', 'tenant: tailspin\n    mailbox: bob@');
      return { at: r.valueAt(M, 'tenant: tailspin\n    mailbox: bob@'), message: 'source.tenant is tailspin, the tenant this mail user lives in' };
    },
    pass: { title: 'source.tenant is the other tenant', change: () => {}, clean: true },
  },
  {
    title: 'ScopeTooLarge: a membersFile of 10,001 addresses',
    code: 'ScopeTooLarge',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '  members:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n', '  membersFile: movers.csv\n');
      r.set('fabrikam/movers.csv', membersCsv(10_001));
      return { at: r.valueAt(S, 'membersFile: movers.csv'), message: '10001 members, above 10,000: split them across several groups' };
    },
    pass: {
      title: 'exactly 10,000 addresses',
      change: (r) => {
        r.edit(S, '  members:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n', '  membersFile: movers.csv\n');
        r.set('fabrikam/movers.csv', membersCsv(10_000));
      },
      clean: true,
    },
  },
  {
    title: 'ScopeTooLarge: members and membersFile together above the limit',
    code: 'ScopeTooLarge',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '  members:\n', '  membersFile: movers.csv\n  members:\n');
      r.set('fabrikam/movers.csv', membersCsv(9_999));
      return { at: r.valueAt(S, 'membersFile: movers.csv'), message: /^10001 members/ };
    },
    pass: {
      title: '2 members and 9,998 in the file',
      change: (r) => {
        r.edit(S, '  members:\n', '  membersFile: movers.csv\n  members:\n');
        r.set('fabrikam/movers.csv', membersCsv(9_998));
      },
      clean: true,
    },
  },
  {
    title: 'BatchTooLarge: a usersFile of 2,001 addresses points at the first one over',
    code: 'BatchTooLarge',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  usersFile: wave-1.csv\n'));
      r.set('tailspin/wave-1.csv', membersCsv(2_001));
      return { at: 'tailspin/wave-1.csv:2002:1', message: '2,001 users, above the 2,000 a batch holds; the first one over is here' };
    },
    pass: {
      title: 'exactly 2,000 users',
      change: (r) => {
        r.set(B, batchDoc('Wave-1', '  usersFile: wave-1.csv\n'));
        r.set('tailspin/wave-1.csv', membersCsv(2_000));
      },
      clean: true,
    },
  },
  {
    title: 'UserInTwoBatches: a user listed in two batches (case-insensitive)',
    code: 'UserInTwoBatches',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n'));
      r.addDocument(B, batchDoc('Wave-2', '  users: [bob@fabrikam.com, ADA@fabrikam.com]\n'));
      return { at: r.at(B, 'ADA@fabrikam.com'), message: `ADA@fabrikam.com is also in batch Wave-1 (${r.at(B, 'ada@fabrikam.com')})` };
    },
    pass: {
      title: 'two batches of different users',
      change: (r) => {
        r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n'));
        r.addDocument(B, batchDoc('Wave-2', '  users: [bob@fabrikam.com]\n'));
      },
      clean: true,
    },
  },
  {
    title: 'DuplicateMember: a batch user listed twice',
    code: 'DuplicateMember',
    severity: 'warning',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com, bob@fabrikam.com, Ada@fabrikam.com]\n'));
      return { at: r.at(B, 'Ada@fabrikam.com'), message: /^Ada@fabrikam.com is listed twice/ };
    },
    pass: { title: 'distinct users', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com, bob@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'BatchEndpointNotFound: the batch names an endpoint the repository removes',
    code: 'BatchEndpointNotFound',
    severity: 'error',
    fail: (r) => {
      r.edit(G, '  partner: fabrikam\n  applicationId', '  ensure: Absent\n  partner: fabrikam\n  applicationId');
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n'));
      return { at: r.valueAt(B, 'endpoint: Fabrikam-T2T'), message: 'endpoint Fabrikam-T2T is declared ensure: Absent' };
    },
    pass: { title: 'an endpoint that stays', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'BatchEndpointMismatch: the batch\'s endpoint points at another tenant than its source',
    code: 'BatchEndpointMismatch',
    severity: 'error',
    fail: (r) => {
      r.addDocument(T, wingtipTenant('55555555-5555-4555-8555-555555555555'));
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n').replace('source: fabrikam', 'source: wingtip'));
      return { at: r.valueAt(B, 'endpoint: Fabrikam-T2T'), message: "endpoint Fabrikam-T2T points at fabrikam, not at the batch's source wingtip" };
    },
    pass: { title: 'the endpoint of the source', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'BatchScopeNotFound: spec.scope names a group the source neither declares nor publishes',
    code: 'BatchScopeNotFound',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  scope: Leavers\n  users: [ada@fabrikam.com]\n'));
      return { at: r.valueAt(B, 'scope: Leavers'), message: 'fabrikam declares no MigrationScope "Leavers", and its relationships publish no such group' };
    },
    pass: { title: 'the scope by its metadata.name', change: (r) => r.set(B, batchDoc('Wave-1', '  scope: movers\n  users: [ada@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'InvalidAddress: an addressMap key that is no domain',
    code: 'InvalidAddress',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n  addressMap:\n    "fabrikam com": tailspin.com\n'));
      return { at: r.at(B, '"fabrikam com"'), message: 'addressMap key "fabrikam com" is not a domain' };
    },
    pass: { title: 'a domain', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n  addressMap:\n    fabrikam.com: tailspin.com\n')), clean: true },
  },
  {
    title: 'AddressInForeignDomain: addressMap maps to a domain of the source',
    code: 'AddressInForeignDomain',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n  addressMap:\n    fabrikam.com: fabrikam.com\n'));
      return { at: r.valueAt(B, 'fabrikam.com: fabrikam.com'), message: 'addressMap maps fabrikam.com to fabrikam.com, a domain of fabrikam, not of tailspin' };
    },
    pass: { title: 'a domain of the target', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n  addressMap:\n    fabrikam.com: tailspin.com\n')), clean: true },
  },
  {
    title: 'SourceInOwnTenant: a batch whose source is its own tenant',
    code: 'SourceInOwnTenant',
    severity: 'error',
    fail: (r) => {
      r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n').replace('source: fabrikam', 'source: tailspin'));
      return { at: r.valueAt(B, 'source: tailspin'), message: 'source is tailspin, the tenant this batch runs in' };
    },
    pass: { title: 'the other tenant', change: (r) => r.set(B, batchDoc('Wave-1', '  users: [ada@fabrikam.com]\n')), clean: true },
  },
  {
    title: 'DuplicateMember: an address listed twice in members (case-insensitive)',
    code: 'DuplicateMember',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '    - bob@fabrikam.com\n', '    - bob@fabrikam.com\n    - ADA@fabrikam.com\n');
      return { at: r.at(S, 'ADA@fabrikam.com'), message: `ADA@fabrikam.com is listed twice; first at ${r.at(S, 'ada@fabrikam.com', 0)}` };
    },
    pass: { title: 'distinct members', change: (r) => r.edit(S, '    - bob@fabrikam.com\n', '    - bob@fabrikam.com\n    - cy@fabrikam.com\n'), clean: true },
  },
  {
    title: 'DuplicateMember: an address of members repeated in membersFile (points at the CSV line)',
    code: 'DuplicateMember',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '  members:\n', '  membersFile: movers.csv\n  members:\n');
      r.set('fabrikam/movers.csv', 'EmailAddress\ncy@fabrikam.com\n  bob@fabrikam.com\n');
      return { at: 'fabrikam/movers.csv:3:3', message: `first at ${r.at(S, 'bob@fabrikam.com')}` };
    },
    pass: {
      title: 'a file of other addresses',
      change: (r) => {
        r.edit(S, '  members:\n', '  membersFile: movers.csv\n  members:\n');
        r.set('fabrikam/movers.csv', 'EmailAddress\ncy@fabrikam.com\ndee@fabrikam.com\n');
      },
      clean: true,
    },
  },
  {
    title: 'UnsupportedEntraConnect: cloud-managed true in a tenant on Entra Connect 2.5.79.0',
    code: 'UnsupportedEntraConnect',
    severity: 'error',
    fail: (r) => {
      r.edit(T, 'entraConnectVersion: 2.5.190.0', 'entraConnectVersion: 2.5.79.0');
      return { at: r.valueAt(S, 'isExchangeCloudManaged: true'), message: /tenant fabrikam syncs with Entra Connect 2\.5\.79\.0/ };
    },
    pass: {
      title: 'a later version compared by numbers, not as text (2.5.1000.0 sorts before 2.5.190.0 as text)',
      change: (r) => r.edit(T, 'entraConnectVersion: 2.5.190.0', 'entraConnectVersion: 2.5.1000.0'),
      clean: true,
    },
  },
  {
    title: 'UnsupportedEntraConnect: any build before 2.5.190.0 (2.5.189.9, 2.4)',
    code: 'UnsupportedEntraConnect',
    severity: 'error',
    fail: (r) => {
      r.edit(T, 'entraConnectVersion: 2.5.190.0', 'entraConnectVersion: 2.5.189.9');
      return { at: r.valueAt(S, 'isExchangeCloudManaged: true'), message: /older than 2\.5\.190\.0/ };
    },
    pass: { title: 'exactly 2.5.190.0', change: () => {}, clean: true },
  },
  {
    title: 'CloudManagedByDefault: the tenant default cloud-managed (a warning: mailboxes still made on-premises break)',
    code: 'CloudManagedByDefault',
    severity: 'warning',
    fail: (r) => {
      r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '  entraConnectVersion: 2.5.190.0\n  exchangeAttributesCloudManagedByDefault: true\n');
      return { at: r.valueAt(T, 'exchangeAttributesCloudManagedByDefault: true'), message: /one still created on-premises will not reach the Exchange Online address book/ };
    },
    pass: {
      title: 'the default server-managed',
      change: (r) => r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '  entraConnectVersion: 2.5.190.0\n  exchangeAttributesCloudManagedByDefault: false\n'),
      clean: true,
    },
  },
  {
    title: 'UnsupportedEntraConnect: the tenant default cloud-managed on an Entra Connect before 2.5.190.0',
    code: 'UnsupportedEntraConnect',
    severity: 'error',
    fail: (r) => {
      r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '  entraConnectVersion: 2.4.18.0\n  exchangeAttributesCloudManagedByDefault: true\n');
      r.edit(S, 'isExchangeCloudManaged: true', 'isExchangeCloudManaged: false');
      return { at: r.valueAt(T, 'exchangeAttributesCloudManagedByDefault: true'), message: /Entra Connect 2\.4\.18\.0, older than 2\.5\.190\.0/ };
    },
    pass: {
      title: 'on 2.5.190.0',
      change: (r) => r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '  entraConnectVersion: 2.5.190.0\n  exchangeAttributesCloudManagedByDefault: true\n'),
      clean: ['CloudManagedByDefault'],
    },
  },
  {
    title: 'CertificateThumbprintWindowsOnly: certificate-store sign-in planned on Linux',
    code: 'CertificateThumbprintWindowsOnly',
    severity: 'warning',
    platform: 'linux',
    fail: (r) => ({ at: r.valueAt(T, 'certificateThumbprint: 0123'), message: 'signs in with certificateThumbprint, which works only on Windows; this runs on linux' }),
    pass: {
      title: 'a certificate file instead',
      change: (r) => r.edit(T, 'certificateThumbprint: 0123456789abcdef0123456789ABCDEF01234567', 'certificatePath: /etc/exo-gitops/fabrikam.pfx'),
      clean: true,
    },
  },
  {
    title: 'EntraConnectVersionUnknown: cloud-managed true in a tenant that declares no version',
    code: 'EntraConnectVersionUnknown',
    severity: 'warning',
    fail: (r) => {
      r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '');
      return { at: r.valueAt(S, 'isExchangeCloudManaged: true'), message: /declares no entraConnectVersion/ };
    },
    pass: { title: 'the version declared', change: () => {}, clean: true },
  },
  {
    title: 'CloudManagementRevert: isExchangeCloudManaged false hands mailboxes back to AD',
    code: 'CloudManagementRevert',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, 'isExchangeCloudManaged: true', 'isExchangeCloudManaged: false');
      return { at: r.valueAt(S, 'isExchangeCloudManaged: false'), message: /the next sync overwrites their cloud-edited attributes/ };
    },
    pass: { title: 'isExchangeCloudManaged true', change: () => {}, clean: true },
  },
  {
    title: 'UnsupportedEntraConnect: the version written as a quoted string',
    code: 'UnsupportedEntraConnect',
    severity: 'error',
    fail: (r) => {
      r.edit(T, '  entraConnectVersion: 2.5.190.0\n', '  entraConnectVersion: "2.5.79.0"\n');
      return { at: r.valueAt(S, 'isExchangeCloudManaged: true') };
    },
    pass: { title: 'version 2.5.190.1', change: (r) => r.edit(T, 'entraConnectVersion: 2.5.190.0', 'entraConnectVersion: "2.5.190.1"'), clean: true },
  },
  {
    title: 'CloudManagementConflict: one mailbox listed true and false',
    code: 'CloudManagementConflict',
    severity: 'error',
    fail: (r) => {
      r.addDocument(S, doc('CloudManagement', 'back-to-ad', 'fabrikam', '  isExchangeCloudManaged: false\n  mailboxes: [Ada@Fabrikam.com]\n'));
      return {
        at: r.at(S, 'Ada@Fabrikam.com'),
        message: `Ada@Fabrikam.com is listed with isExchangeCloudManaged false here and true at ${r.at(S, 'ada@fabrikam.com', 1)}`,
      };
    },
    pass: {
      title: 'the same address in the other tenant',
      change: (r) => r.addDocument(G, doc('CloudManagement', 'back-to-ad', 'tailspin', '  isExchangeCloudManaged: false\n  mailboxes: [ada@fabrikam.com]\n')),
      // Only the warning that false hands the mailbox back to AD, never a conflict.
      clean: ['CloudManagementRevert'],
    },
  },
  {
    title: 'CloudManagementRepeated: one mailbox listed twice with one value',
    code: 'CloudManagementRepeated',
    severity: 'warning',
    fail: (r) => {
      r.edit(S, '  mailboxes:\n    - ada@fabrikam.com\n', '  mailboxes:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n    - ADA@fabrikam.com\n');
      return { at: r.at(S, 'ADA@fabrikam.com'), message: `ADA@fabrikam.com is listed twice; first at ${r.at(S, 'ada@fabrikam.com', 1)}` };
    },
    pass: {
      title: 'distinct mailboxes',
      change: (r) => r.edit(S, '  mailboxes:\n    - ada@fabrikam.com\n', '  mailboxes:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n'),
      clean: true,
    },
  },
];

describe('the baseline', () => {
  it('is valid with no findings at all, and the rules ran', () => {
    const result = FixtureRepo.baseline().validate();
    expect(summary(result.findings)).toEqual([]);
    expect(result.rulesRan).toBe(true);
    expect(result.desired.tenants.map((t) => t.name)).toEqual(['fabrikam', 'tailspin']);
  });

  it('position helpers count lines and columns from 1', () => {
    const repo = FixtureRepo.empty().set('a.yaml', 'x: 1\n  yz: 2\n');
    expect(repo.at('a.yaml', 'yz')).toBe('a.yaml:2:3');
    expect(repo.valueAt('a.yaml', 'yz: 2')).toBe('a.yaml:2:7');
    expect(() => repo.at('a.yaml', ':')).toThrow(/2 times/);
  });
});

describe('domain rules', () => {
  for (const c of cases) {
    describe(c.title, () => {
      it(`reports ${c.code} (${c.severity}) at the exact node`, () => {
        const repo = FixtureRepo.baseline();
        const expected = c.fail(repo);
        const { findings, rulesRan } = repo.validate(c.platform ? { platform: c.platform } : {});
        expect(rulesRan, summary(findings).join('\n')).toBe(true);
        const matching = findings.filter((f) => f.code === c.code);
        expect(matching.map(where), summary(findings).join('\n')).toEqual([expected.at]);
        const f = matching[0]!;
        expect(f.severity).toBe(c.severity);
        if (typeof expected.message === 'string') expect(f.message).toContain(expected.message);
        else if (expected.message) expect(f.message).toMatch(expected.message);
        expect(f.hint).toBe(expected.hint ?? (FINDING_CODES[c.code] as { hint?: string }).hint);
      });

      it(`does not report ${c.code} when ${c.pass.title}`, () => {
        const repo = FixtureRepo.baseline();
        c.pass.change(repo);
        const { findings, rulesRan } = repo.validate(c.platform ? { platform: c.platform } : {});
        expect(rulesRan, summary(findings).join('\n')).toBe(true);
        expect(codes(findings)).not.toContain(c.code);
        if (c.pass.clean === true) expect(summary(findings)).toEqual([]);
        else if (c.pass.clean) expect(codes(findings).filter((code) => !(c.pass.clean as string[]).includes(code))).toEqual([]);
      });
    });
  }
});

describe('coverage of rules.ts', () => {
  it('has a failing case for every finding code the rules produce', () => {
    const source = readFileSync(new URL('../../src/validate/rules.ts', import.meta.url), 'utf8');
    const produced = new Set([...source.matchAll(/finding\(\s*'(\w+)'/g)].map((m) => m[1]!));
    // Codes passed through a variable (UnknownTenant/UnknownPartner share one helper).
    for (const m of source.matchAll(/'(Unknown\w+)'/g)) produced.add(m[1]!);
    const tested = new Set(cases.map((c) => c.code));
    expect([...produced].filter((code) => !tested.has(code as FindingCode)).sort()).toEqual([]);
    expect(produced.size).toBeGreaterThanOrEqual(30);
  });
});

describe('validateDirectory', () => {
  it('does not run the domain rules while a document fails to load', () => {
    const repo = FixtureRepo.baseline();
    repo.edit(T, 'acceptedDomains: [fabrikam.com]', 'acceptedDomain: [fabrikam.com]');
    repo.edit(M, 'tenant: fabrikam\n    mailbox: bob@', 'tenant: nobody\n    mailbox: bob@');
    const { findings, rulesRan } = repo.validate();
    expect(rulesRan).toBe(false);
    expect(codes(findings)).toEqual(['SchemaViolation']);
    expect(where(single(findings, 'SchemaViolation'))).toBe(repo.at(T, 'acceptedDomain:'));
  });

  it('still runs the rules when loading gave only warnings', () => {
    const repo = FixtureRepo.baseline().set('empty.yaml', '# nothing yet\n');
    repo.edit(S, '[Movers]', '[Leavers]');
    const { findings, rulesRan } = repo.validate();
    expect(rulesRan).toBe(true);
    expect(codes(findings).sort()).toEqual(['EmptyFile', 'PublishedScopeUndeclared']);
  });

  it('returns findings sorted by file, line and column', () => {
    const repo = FixtureRepo.baseline();
    repo.edit(M, 'primarySmtpAddress: bob@tailspin.com', 'primarySmtpAddress: ADA@tailspin.com');
    repo.edit(S, '[Movers]', '[Leavers]');
    repo.edit(M, 'microsoftOnlineServicesId: ada@tailspin.onmicrosoft.com', 'microsoftOnlineServicesId: ada@fabrikam.onmicrosoft.com');
    const { findings } = repo.validate();
    expect(findings.map(where)).toEqual([
      repo.at(S, 'Leavers'),
      repo.valueAt(M, 'microsoftOnlineServicesId: ada@fabrikam'),
      repo.valueAt(M, 'primarySmtpAddress: ADA@'),
    ]);
  });
});
