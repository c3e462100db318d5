// Snapshots and a one-tenant config for the export scale test: the same tenant with N mail users.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mailbox } from '../simulator/helpers.js';

export const SCALE_TENANT_YAML = `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: fabrikam
spec:
  tenantId: 11111111-2222-4333-8444-555555555555
  organization: fabrikam.onmicrosoft.com
  acceptedDomains: [fabrikam.com]
  connection:
    accessTokenEnv: FABRIKAM_EXO_TOKEN
`;

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** A target tenant and N mail users that name fabrikam mailboxes as their source (the links whose statistics export reads). */
export function linkedMailUsersYaml(sources: readonly string[]): string {
  const target = `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: tailspin
spec:
  tenantId: 99999999-2222-4333-8444-555555555555
  organization: tailspin.onmicrosoft.com
  acceptedDomains: [tailspintoys.com]
  connection:
    accessTokenEnv: TAILSPIN_EXO_TOKEN
`;
  const users = sources.map(
    (mailbox, i) => `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: linked${i}
  tenant: tailspin
spec:
  source:
    tenant: fabrikam
    mailbox: ${JSON.stringify(mailbox)}
`,
  );
  return [target, ...users].join('---\n');
}

function scaleMailboxes(count: number): Record<string, unknown>[] {
  const mailboxes = [];
  for (let i = 0; i < count; i++) {
    const alias = `box${i}`;
    const entry: Record<string, unknown> = {
      ...mailbox(alias, 'fabrikam.com', {
        Name: `Box ${i}`,
        ExchangeGuid: `${hex(i, 8)}-1111-4000-8000-${hex(i, 12)}`,
        LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-${alias}`,
        EmailAddresses: [`SMTP:${alias}@fabrikam.com`, `smtp:${alias}@fabrikam.onmicrosoft.com`],
        // Every fourth on litigation hold (box3, box7, …): a Recoverable Items quota of 100 GB, not 30.
        LitigationHoldEnabled: i % 4 === 3,
      }),
    };
    // One in a hundred (box9, box109, …) had its hold removed: a delay hold, the quota back at 30 GB.
    if (i % 100 === 9) Object.assign(entry, { DelayReleaseHoldApplied: true, RecoverableItemsQuotaBytes: 30 * 2 ** 30 });
    for (let c = 1; c <= 15; c++) entry[`CustomAttribute${c}`] = '';
    mailboxes.push(entry);
  }
  return mailboxes;
}

export function scaleSnapshot(mailUsers: number, mailboxes = 0): Record<string, unknown> {
  const users = [];
  for (let i = 0; i < mailUsers; i++) {
    const alias = `user${i}`;
    const guid = `${hex(i, 8)}-0000-4000-8000-${hex(i, 12)}`;
    const user: Record<string, unknown> = {
      Name: `User ${i}`,
      Alias: alias,
      PrimarySmtpAddress: `${alias}@fabrikam.com`,
      ExternalEmailAddress: `SMTP:${alias}@source.onmicrosoft.com`,
      MicrosoftOnlineServicesID: `${alias}@fabrikam.onmicrosoft.com`,
      ExchangeGuid: guid,
      ArchiveGuid: '00000000-0000-0000-0000-000000000000',
      LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-${alias}`,
      EmailAddresses: [`SMTP:${alias}@fabrikam.com`, `smtp:${alias}@fabrikam.onmicrosoft.com`],
      IsDirSynced: false,
      RecipientTypeDetails: 'MailUser',
      PreviousRecipientTypeDetails: 'None',
    };
    for (let c = 1; c <= 15; c++) user[`CustomAttribute${c}`] = '';
    users.push(user);
  }
  return {
    snapshotVersion: 1,
    tenant: { name: 'fabrikam', tenantId: '11111111-2222-4333-8444-555555555555', organization: 'fabrikam.onmicrosoft.com' },
    exportedAt: '2026-11-20T00:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [
      { DomainName: 'fabrikam.com', DomainType: 'Authoritative' },
      { DomainName: 'fabrikam.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
    OrganizationRelationship: [],
    MigrationEndpoint: [],
    DistributionGroup: [],
    MailUser: users,
    Mailbox: scaleMailboxes(mailboxes),
  };
}

/** A config dir (one Tenant) and a simulator state dir holding N mail users. */
export function writeScaleFixture(root: string, mailUsers: number, options: { mailboxes?: number; linked?: readonly string[] } = {}): { config: string; simState: string; out: string } {
  const config = join(root, 'config');
  const simState = join(root, 'sim');
  const out = join(root, 'out');
  for (const d of [config, simState, out]) mkdirSync(d, { recursive: true });
  writeFileSync(join(config, 'tenants.yaml'), SCALE_TENANT_YAML);
  if (options.linked) writeFileSync(join(config, 'linked.yaml'), linkedMailUsersYaml(options.linked));
  writeFileSync(join(simState, 'fabrikam.json'), JSON.stringify(scaleSnapshot(mailUsers, options.mailboxes ?? 0)));
  return { config, simState, out };
}
