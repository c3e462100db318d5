// Generates a realistic large config repository and the live snapshots of both tenants.
//
// Config: two tenants, the relationship pair, an endpoint, a scope group of N members (CSV) and N
// target MailUsers (MEUs) with their source links and X500 addresses, every tenth with an archive,
// in files of 5,000 documents.
// Snapshots (`<state>/contoso.json`, `<state>/northwind.json`): the source tenant with N mailboxes
// (their ExchangeGuid, ArchiveGuid, LegacyExchangeDN) and the scope group; the target tenant with the
// N MEUs, the endpoint and the relationships. A fraction `drift` of the MEUs differs from the YAML
// (rotating: a missing X500 address, a cleared CustomAttribute1, an unstamped ExchangeGuid) and those
// mailboxes are missing from the scope group; a few former members (leavers) are still in the group.
// So a plan has exactly drift·N MailUser updates, one add-members and one remove-members action.
import { mkdirSync, writeFileSync } from 'node:fs';
import { writeSnapshotFile } from '../../dist/load/snapshot-file.js';
import { deriveSnapshotDigest } from '../../dist/plan/digest.js';
import { join } from 'node:path';

const hex = (n, width) => n.toString(16).padStart(width, '0');
/** Deterministic GUID for user i and a salt, so runs are comparable. */
export const guidFor = (i, salt) => `${hex(salt, 8)}-${hex(i >>> 16, 4)}-4${hex(i & 0xfff, 3)}-8${hex(salt & 0xfff, 3)}-${hex(i, 12)}`;

export const CONTOSO_ID = '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f';
export const NORTHWIND_ID = '0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b';
const APP_ID = '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
const SCOPE = 'T2T-Scope';
const hasArchive = (i) => i % 10 === 0;
const sourceDn = (i) => `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-user${i}`;

export function generateConfig(dir, n) {
  mkdirSync(join(dir, 'contoso'), { recursive: true });
  mkdirSync(join(dir, 'northwind'), { recursive: true });
  writeFileSync(join(dir, 'tenants.yaml'), `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata: {name: contoso}
spec: {tenantId: ${CONTOSO_ID}, organization: contoso.onmicrosoft.com, acceptedDomains: [contoso.com], connection: {accessTokenEnv: CONTOSO_EXO_TOKEN}}
---
apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata: {name: northwind}
spec: {tenantId: ${NORTHWIND_ID}, organization: northwindtraders.onmicrosoft.com, acceptedDomains: [northwindtraders.com], connection: {accessTokenEnv: NORTHWIND_EXO_TOKEN}}
`);
  writeFileSync(join(dir, 'northwind', 'migration.yaml'), `apiVersion: exo.gitops/v1alpha1
kind: MigrationEndpoint
metadata: {name: Contoso-T2T, tenant: northwind}
spec: {partner: contoso, applicationId: ${APP_ID}, credentials: {secretEnv: NORTHWIND_MIGRATION_APP_SECRET}}
---
apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata: {name: Contoso, tenant: northwind}
spec: {partner: contoso, enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: [Inbound]}
`);
  writeFileSync(join(dir, 'contoso', 'migration.yaml'), `apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata: {name: Northwind Traders, tenant: contoso}
spec: {partner: northwind, enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: [RemoteOutbound], oauthApplicationId: ${APP_ID}, mailboxMovePublishedScopes: [${SCOPE}]}
---
apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata: {name: ${SCOPE}, tenant: contoso}
spec: {create: true, membersFile: members.csv}
`);
  const csv = ['EmailAddress'];
  const users = [];
  for (let i = 0; i < n; i++) {
    const alias = `user${i}`;
    csv.push(`${alias}@contoso.com`);
    users.push(`apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: ${alias}
  tenant: northwind
spec:
  externalEmailAddress: SMTP:${alias}@contoso.onmicrosoft.com
  primarySmtpAddress: ${alias}@northwindtraders.com
  exchangeGuid: ${guidFor(i, 1)}
${hasArchive(i) ? `  archiveGuid: ${guidFor(i, 2)}\n` : ''}  emailAddresses:
    - smtp:${alias}@northwindtraders.onmicrosoft.com
    - X500:${sourceDn(i)}
  customAttributes: {"1": Cross-Tenant-Project}
  source: {tenant: contoso, mailbox: ${alias}@contoso.com}
`);
  }
  writeFileSync(join(dir, 'contoso', 'members.csv'), `${csv.join('\n')}\n`);
  // Split users over files of 5,000, as a team would, so no single file is unwieldy.
  for (let start = 0, part = 0; start < n; start += 5000, part++) {
    writeFileSync(join(dir, 'northwind', `mailusers-${part}.yaml`), users.slice(start, start + 5000).join('---\n'));
  }
}

/** Which users drift: an even spread of round(N·drift) of them. */
export function driftedUsers(n, drift) {
  const count = Math.round(n * drift);
  const set = new Set();
  if (count === 0) return set;
  const step = n / count;
  for (let k = 0; k < count; k++) set.add(Math.floor(k * step + step / 2));
  return set;
}

/** Former members still in the scope group: the remove-member drift. */
export const leaverCount = (n, drift) => (drift > 0 ? Math.max(1, Math.round((n * drift) / 10)) : 0);

const customAttributes = (first) => Object.fromEntries(Array.from({ length: 15 }, (_, a) => [`CustomAttribute${a + 1}`, a === 0 ? first : '']));

/**
 * Writes <state>/contoso.json and <state>/northwind.json; returns what the plan should find. `layout`:
 * 'lines' (default) as `exo-gitops export` writes snapshots (one object per line, with the digest;
 * written by dist/, so build first), 'document' as one pretty-printed JSON document (the
 * layout earlier versions wrote, and the simulator's state files; below 370,000 users a tenant).
 */
export function generateSnapshots(stateDir, n, drift = 0.01, { layout = 'lines' } = {}) {
  mkdirSync(stateDir, { recursive: true });
  const drifted = driftedUsers(n, drift);
  const leavers = leaverCount(n, drift);
  const exportedAt = '2026-11-20T06:00:00Z';
  const mailboxes = [];
  const members = [];
  const mailUsers = [];
  for (let i = 0; i < n; i++) {
    const alias = `user${i}`;
    mailboxes.push({
      Name: alias, Alias: alias, PrimarySmtpAddress: `${alias}@contoso.com`,
      ExchangeGuid: guidFor(i, 1), ArchiveGuid: hasArchive(i) ? guidFor(i, 2) : ZERO_GUID, LegacyExchangeDN: sourceDn(i),
      EmailAddresses: [`SMTP:${alias}@contoso.com`, `smtp:${alias}@contoso.onmicrosoft.com`],
      RecipientTypeDetails: 'UserMailbox', IsDirSynced: false, IsExchangeCloudManaged: false, LitigationHoldEnabled: false,
      DelayHoldApplied: false, DelayReleaseHoldApplied: false, ComplianceTagHoldApplied: false, InPlaceHolds: [], GrantSendOnBehalfTo: [],
      ...customAttributes(''),
    });
    const drifts = drifted.has(i);
    if (!drifts) members.push(`${alias}@contoso.com`);
    // Rotate the kinds of drift among drifted users.
    const kind = drifts ? i % 3 : -1;
    const addresses = [`SMTP:${alias}@northwindtraders.com`, `smtp:${alias}@northwindtraders.onmicrosoft.com`];
    if (kind !== 0) addresses.push(`X500:${sourceDn(i)}`);
    mailUsers.push({
      Name: alias, Alias: alias, PrimarySmtpAddress: `${alias}@northwindtraders.com`, ExternalEmailAddress: `SMTP:${alias}@contoso.onmicrosoft.com`,
      MicrosoftOnlineServicesID: `${alias}@northwindtraders.onmicrosoft.com`,
      ExchangeGuid: kind === 2 ? ZERO_GUID : guidFor(i, 1), ArchiveGuid: hasArchive(i) && kind !== 2 ? guidFor(i, 2) : ZERO_GUID,
      LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i + 0x10000000, 32)}-${alias}`,
      EmailAddresses: addresses, IsDirSynced: false, RecipientTypeDetails: 'MailUser', PreviousRecipientTypeDetails: 'None',
      ...customAttributes(kind === 1 ? '' : 'Cross-Tenant-Project'),
    });
  }
  for (let j = 0; j < leavers; j++) {
    const alias = `leaver${j}`;
    mailboxes.push({
      Name: alias, Alias: alias, PrimarySmtpAddress: `${alias}@contoso.com`, ExchangeGuid: guidFor(j, 9), ArchiveGuid: ZERO_GUID,
      LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(j, 32)}-${alias}`,
      EmailAddresses: [`SMTP:${alias}@contoso.com`], RecipientTypeDetails: 'UserMailbox', IsDirSynced: false, IsExchangeCloudManaged: false,
      LitigationHoldEnabled: false, InPlaceHolds: [], GrantSendOnBehalfTo: [], ...customAttributes(''),
    });
    members.push(`${alias}@contoso.com`);
  }
  const contoso = {
    snapshotVersion: 1,
    tenant: { name: 'contoso', tenantId: CONTOSO_ID, organization: 'contoso.onmicrosoft.com' },
    exportedAt,
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [{ DomainName: 'contoso.com', DomainType: 'Authoritative' }, { DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative' }],
    OrganizationRelationship: [{ Name: 'Northwind Traders', DomainNames: [NORTHWIND_ID], Enabled: true, MailboxMoveEnabled: true, MailboxMoveCapability: 'RemoteOutbound', OAuthApplicationId: APP_ID, MailboxMovePublishedScopes: [SCOPE] }],
    MigrationEndpoint: [],
    DistributionGroup: [{ Name: SCOPE, Alias: SCOPE, PrimarySmtpAddress: `${SCOPE}@contoso.com`, RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: members }],
    MailUser: [],
    Mailbox: mailboxes,
  };
  const northwind = {
    snapshotVersion: 1,
    tenant: { name: 'northwind', tenantId: NORTHWIND_ID, organization: 'northwindtraders.onmicrosoft.com' },
    exportedAt,
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [{ DomainName: 'northwindtraders.com', DomainType: 'Authoritative' }, { DomainName: 'northwindtraders.onmicrosoft.com', DomainType: 'Authoritative' }],
    OrganizationRelationship: [{ Name: 'Contoso', DomainNames: [CONTOSO_ID], Enabled: true, MailboxMoveEnabled: true, MailboxMoveCapability: 'Inbound', OAuthApplicationId: null, MailboxMovePublishedScopes: [] }],
    MigrationEndpoint: [{ Identity: 'Contoso-T2T', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: APP_ID, MaxConcurrentMigrations: 20 }],
    DistributionGroup: [],
    MailUser: mailUsers,
    Mailbox: [],
  };
  if (layout === 'lines') {
    writeSnapshotFile(join(stateDir, 'contoso.json'), contoso, deriveSnapshotDigest(contoso));
    writeSnapshotFile(join(stateDir, 'northwind.json'), northwind, deriveSnapshotDigest(northwind));
  } else {
    writeFileSync(join(stateDir, 'contoso.json'), `${JSON.stringify(contoso, null, 2)}\n`);
    writeFileSync(join(stateDir, 'northwind.json'), `${JSON.stringify(northwind, null, 2)}\n`);
  }
  return { mailUserUpdates: drifted.size, memberAdds: drifted.size, memberRemoves: leavers };
}

// `node test/bench/generate.mjs DIR N [DRIFT]`: DIR/config and DIR/state (lines), in a process of its
// own (run.mjs generates 500,000 users this way, with a larger heap, so its own memory stays small).
if (process.argv[1] && new URL(import.meta.url).pathname === process.argv[1]) {
  const [dir, n, drift] = process.argv.slice(2);
  generateConfig(join(dir, 'config'), Number(n));
  console.log(JSON.stringify(generateSnapshots(join(dir, 'state'), Number(n), drift === undefined ? 0.01 : Number(drift))));
}
