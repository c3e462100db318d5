// Small desired states (YAML written to a temporary directory and loaded by the real loader, so
// findings carry real file positions) and in-memory snapshots of a consistent Contoso → Northwind pair.
// `baseFiles()` + `baseSnapshots()` plan to nothing: each test changes one thing and looks at the result.

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
import { loadDesiredState } from '../../src/load/load.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import type { MailboxEntry, MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { buildPlan, type PlanInput } from '../../src/plan/plan.js';

export const CONTOSO_ID = '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f';
export const NORTHWIND_ID = '0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b';
export const APP_ID = '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
export const LARA_GUID = '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8';
export const LARA_DN = '/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec1a2cacd4f81858c81907273f1f9-Lara';
export const LARA_X500 = 'X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=f161af74128f460fba5c0c23984b3d6c-Lara';
export const EMPTY = '00000000-0000-0000-0000-000000000000';

export const TENANTS_YAML = `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: contoso
spec:
  tenantId: ${CONTOSO_ID}
  organization: contoso.onmicrosoft.com
  acceptedDomains: [contoso.com]
  connection:
    accessTokenEnv: CONTOSO_EXO_TOKEN
---
apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: northwind
spec:
  tenantId: ${NORTHWIND_ID}
  organization: northwindtraders.onmicrosoft.com
  acceptedDomains: [northwindtraders.com]
  connection:
    appId: 3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d
    certificateThumbprint: 0123456789ABCDEF0123456789ABCDEF01234567
`;

export const TARGET_YAML = `apiVersion: exo.gitops/v1alpha1
kind: MigrationEndpoint
metadata:
  name: Contoso-T2T
  tenant: northwind
spec:
  partner: contoso
  applicationId: ${APP_ID}
  credentials:
    secretEnv: NORTHWIND_MIGRATION_APP_SECRET
    rotation: "2026-11-01"
---
apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata:
  name: Contoso
  tenant: northwind
spec:
  partner: contoso
  enabled: true
  mailboxMoveEnabled: true
  mailboxMoveCapability: [Inbound]
`;

export const SOURCE_YAML = `apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata:
  name: T2T-Scope
  tenant: contoso
spec:
  members:
    - Lara.Newton@contoso.com
---
apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata:
  name: Northwind
  tenant: contoso
spec:
  partner: northwind
  enabled: true
  mailboxMoveEnabled: true
  mailboxMoveCapability: [RemoteOutbound]
  oauthApplicationId: ${APP_ID}
  mailboxMovePublishedScopes: [T2T-Scope]
`;

export const MAILUSER_YAML = `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: LaraN
  tenant: northwind
spec:
  externalEmailAddress: SMTP:LaraN@contoso.onmicrosoft.com
  primarySmtpAddress: Lara.Newton@northwindtraders.com
  microsoftOnlineServicesId: LaraN@northwindtraders.onmicrosoft.com
  source:
    tenant: contoso
    mailbox: Lara.Newton@contoso.com
`;

export interface Files {
  [path: string]: string;
}

/** The consistent setup: tenants, target endpoint + relationship, source scope + relationship, LaraN. */
export function baseFiles(overrides: Files = {}): Files {
  return { 'tenants.yaml': TENANTS_YAML, 'target.yaml': TARGET_YAML, 'source.yaml': SOURCE_YAML, 'mailusers.yaml': MAILUSER_YAML, ...overrides };
}

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

export function writeFiles(files: Files): string {
  const dir = mkdtempSync(join(tmpdir(), 'exo-plan-test-'));
  created.push(dir);
  for (const [path, text] of Object.entries(files)) {
    if (text === '') continue;
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

/** Load YAML files (paths shown relative to the temp dir); load errors fail the test at once. */
export function loadFiles(files: Files): DesiredState {
  const dir = writeFiles(files);
  const { desired, findings } = loadDesiredState(dir, { cwd: dir });
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`fixture YAML does not load: ${errors.map((f) => `${f.code} ${f.message}`).join('; ')}`);
  return desired;
}

export function mailbox(over: Partial<MailboxEntry> = {}): MailboxEntry {
  return {
    Name: 'Lara Newton',
    Alias: 'LaraN',
    PrimarySmtpAddress: 'Lara.Newton@contoso.com',
    ExchangeGuid: LARA_GUID,
    ArchiveGuid: EMPTY,
    LegacyExchangeDN: LARA_DN,
    EmailAddresses: ['SMTP:Lara.Newton@contoso.com', 'smtp:LaraN@contoso.onmicrosoft.com', LARA_X500],
    RecipientTypeDetails: 'UserMailbox',
    IsDirSynced: false,
    IsExchangeCloudManaged: false,
    LitigationHoldEnabled: false,
    DelayHoldApplied: false,
    DelayReleaseHoldApplied: false,
    ComplianceTagHoldApplied: false,
    InPlaceHolds: [],
    GrantSendOnBehalfTo: [],
    ...over,
  };
}

export function mailUser(over: Partial<MailUserEntry> = {}): MailUserEntry {
  return {
    Name: 'Lara Newton',
    Alias: 'LaraN',
    PrimarySmtpAddress: 'Lara.Newton@northwindtraders.com',
    ExternalEmailAddress: 'SMTP:LaraN@contoso.onmicrosoft.com',
    MicrosoftOnlineServicesID: 'LaraN@northwindtraders.onmicrosoft.com',
    ExchangeGuid: LARA_GUID,
    ArchiveGuid: EMPTY,
    LegacyExchangeDN: '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=1ec059c7-Lara',
    EmailAddresses: ['SMTP:Lara.Newton@northwindtraders.com', 'smtp:LaraN@northwindtraders.onmicrosoft.com', `X500:${LARA_DN}`, LARA_X500],
    IsDirSynced: false,
    RecipientTypeDetails: 'MailUser',
    PreviousRecipientTypeDetails: 'None',
    CustomAttribute1: '',
    ...over,
  } as MailUserEntry;
}

export function contosoSnapshot(): Snapshot {
  return {
    snapshotVersion: 1,
    tenant: { name: 'contoso', tenantId: CONTOSO_ID, organization: 'contoso.onmicrosoft.com' },
    exportedAt: '2026-11-20T06:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [
      { DomainName: 'contoso.com', DomainType: 'Authoritative' },
      { DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
    OrganizationRelationship: [
      {
        Name: 'Northwind',
        DomainNames: [NORTHWIND_ID],
        Enabled: true,
        MailboxMoveEnabled: true,
        MailboxMoveCapability: 'RemoteOutbound',
        OAuthApplicationId: APP_ID,
        MailboxMovePublishedScopes: ['T2T-Scope'],
      },
    ],
    MigrationEndpoint: [],
    DistributionGroup: [
      { Name: 'T2T-Scope', Alias: 'T2T-Scope', PrimarySmtpAddress: 'T2T-Scope@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['Lara.Newton@contoso.com'] },
    ],
    MailUser: [],
    Mailbox: [mailbox()],
    // Read as an export reads them where batches move from this tenant: none granted.
    MailboxPermission: [],
    RecipientPermission: [],
  };
}

export function northwindSnapshot(): Snapshot {
  return {
    snapshotVersion: 1,
    tenant: { name: 'northwind', tenantId: NORTHWIND_ID, organization: 'northwindtraders.onmicrosoft.com' },
    exportedAt: '2026-11-20T06:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [
      { DomainName: 'northwindtraders.com', DomainType: 'Authoritative' },
      { DomainName: 'northwindtraders.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
    OrganizationRelationship: [
      { Name: 'Contoso', DomainNames: [CONTOSO_ID], Enabled: true, MailboxMoveEnabled: true, MailboxMoveCapability: 'Inbound', OAuthApplicationId: null, MailboxMovePublishedScopes: [] },
    ],
    MigrationEndpoint: [
      { Identity: 'Contoso-T2T', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: APP_ID, MaxConcurrentMigrations: 20 },
    ],
    DistributionGroup: [],
    MailUser: [mailUser()],
    Mailbox: [],
  };
}

export interface Live {
  contoso: Snapshot;
  northwind: Snapshot;
}

/** Fresh base snapshots, changed by `edit`. */
export function snapshots(edit: (live: Live) => void = () => {}): Map<string, Snapshot> {
  const live = { contoso: contosoSnapshot(), northwind: northwindSnapshot() };
  edit(live);
  return new Map([
    ['contoso', live.contoso],
    ['northwind', live.northwind],
  ]);
}

export function planFor(files: Files, live: Map<string, Snapshot>, extra: Partial<PlanInput> = {}): Plan {
  const desired = loadFiles(files);
  return buildPlan({ desired, snapshots: live, desiredDigest: desiredDigest(desired.contentHashes), ...extra });
}

export function allActions(plan: Plan) {
  return plan.tenants.flatMap((t) => t.actions);
}

export function actionById(plan: Plan, id: string) {
  const action = allActions(plan).find((a) => a.id === id);
  if (!action) throw new Error(`no action ${id}; actions: ${allActions(plan).map((a) => a.id).join(', ') || '(none)'}`);
  return action;
}

export function codes(plan: Plan): string[] {
  return plan.findings.map((f) => f.code);
}

/** 1-based line and column of the first occurrence of `needle` in `text` (+ offset into the needle). */
export function positionOf(text: string, needle: string, offset = 0): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index === -1) throw new Error(`${JSON.stringify(needle)} not in fixture`);
  const before = text.slice(0, index + offset);
  const line = before.split('\n').length;
  return { line, column: index + offset - before.lastIndexOf('\n') };
}
