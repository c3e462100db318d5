// Generates a realistic large config repository: two tenants, the relationship pair, an endpoint, a
// scope group of N members (CSV) and N target MailUsers with their source links and X500 addresses.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const hex = (n, width) => n.toString(16).padStart(width, '0');
/** Deterministic GUID for user i and a salt, so runs are comparable. */
export const guidFor = (i, salt) => `${hex(salt, 8)}-${hex(i >>> 16, 4)}-4${hex(i & 0xfff, 3)}-8${hex(salt & 0xfff, 3)}-${hex(i, 12)}`;

const CONTOSO_ID = '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f';
const NORTHWIND_ID = '0f8e7d6c-5b4a-4938-8271-605f4e3d2c1b';
const APP_ID = '8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

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
spec: {partner: northwind, enabled: true, mailboxMoveEnabled: true, mailboxMoveCapability: [RemoteOutbound], oauthApplicationId: ${APP_ID}, mailboxMovePublishedScopes: [T2T-Scope]}
---
apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata: {name: T2T-Scope, tenant: contoso}
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
${i % 10 === 0 ? `  archiveGuid: ${guidFor(i, 2)}\n` : ''}  emailAddresses:
    - smtp:${alias}@northwindtraders.onmicrosoft.com
    - X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-${alias}
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
