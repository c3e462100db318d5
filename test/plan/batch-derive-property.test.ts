// Property: whatever addresses a source mailbox has and whatever addressMap says, a derived mail user
// only carries addresses the target accepts, routes to the source's own onmicrosoft address, keeps
// every X500, and once made as planned (the changes of its create, plus the address Exchange stamps
// on every new recipient) plans nothing more.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/model/plan.js';
import type { MailboxEntry, MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { allActions, baseFiles, mailbox, mailUser, planFor, snapshots } from './fixtures.js';

const SOURCE_DOMAINS = ['contoso.com', 'sales.contoso.com', 'fabrikam.net', 'contoso.onmicrosoft.com'];
const TARGET_ACCEPTED = ['northwindtraders.com', 'northwindtraders.onmicrosoft.com', 'nw-sales.com'];

const local = fc.stringMatching(/^[a-z][a-z0-9]{0,6}(\.[a-z0-9]{1,4})?$/);
const domain = fc.constantFrom(...SOURCE_DOMAINS);
const address = fc.tuple(local, domain).map(([l, d]) => `${l}@${d}`);

interface Case {
  alias: string;
  primary: string;
  secondaries: string[];
  x500s: string[];
  archive: boolean;
  map: Record<string, string>;
}

const cases = fc.record({
  alias: fc.stringMatching(/^mv[a-z0-9]{1,8}$/),
  primary: fc.tuple(local, fc.constantFrom('contoso.com', 'sales.contoso.com')).map(([l, d]) => `${l}@${d}`),
  secondaries: fc.uniqueArray(address, { maxLength: 5, selector: (a) => a.toLowerCase() }),
  x500s: fc.uniqueArray(fc.stringMatching(/^[a-z0-9]{1,10}$/).map((s) => `X500:/o=Old/cn=${s}`), { maxLength: 2 }),
  archive: fc.boolean(),
  // contoso.com is always mapped (the primary must land somewhere); the others sometimes.
  map: fc.record(
    { 'contoso.com': fc.constantFrom('northwindtraders.com', 'nw-sales.com'), 'sales.contoso.com': fc.constantFrom('nw-sales.com', 'northwindtraders.com'), 'fabrikam.net': fc.constant('nw-sales.com') },
    { requiredKeys: ['contoso.com', 'sales.contoso.com'] },
  ),
});

const GUID = '7a1b2c3d-0000-4000-8000-000000000042';
const ARCHIVE = '7a1b2c3d-0000-4000-8000-0000000000a7';
const DN = '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=42-mover';

function sourceOf(c: Case): MailboxEntry {
  const addresses = [`SMTP:${c.primary}`, `smtp:${c.alias}@contoso.onmicrosoft.com`, ...c.secondaries.filter((a) => a.toLowerCase() !== c.primary.toLowerCase() && a.toLowerCase() !== `${c.alias}@contoso.onmicrosoft.com`).map((a) => `smtp:${a}`), ...c.x500s];
  return mailbox({ Name: `Mover ${c.alias}`, Alias: c.alias, PrimarySmtpAddress: c.primary, ExchangeGuid: GUID, ArchiveGuid: c.archive ? ARCHIVE : '00000000-0000-0000-0000-000000000000', LegacyExchangeDN: DN, EmailAddresses: addresses });
}

function files(c: Case) {
  const map = Object.entries(c.map).map(([from, to]) => `    ${from}: ${to}`).join('\n');
  return baseFiles({
    'mailusers.yaml': '',
    'batches.yaml': `apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata: {name: Wave, tenant: northwind}
spec:
  source: contoso
  endpoint: Contoso-T2T
  users: [${c.primary}]
  targetDeliveryDomain: northwindtraders.onmicrosoft.com
  addressMap:
${map}
`,
  });
}

function live(c: Case, meu?: MailUserEntry): Map<string, Snapshot> {
  return snapshots((l) => {
    // Lara stays: the base scope lists her.
    l.contoso.Mailbox.push(sourceOf(c));
    if (meu) l.contoso.DistributionGroup[0]!.Members.push(c.primary);
    l.contoso.AcceptedDomain.push({ DomainName: 'sales.contoso.com', DomainType: 'Authoritative' }, { DomainName: 'fabrikam.net', DomainType: 'Authoritative' });
    l.northwind.AcceptedDomain.push({ DomainName: 'nw-sales.com', DomainType: 'Authoritative' });
    if (meu) l.northwind.MailUser.push(meu);
  });
}

/** The mail user Exchange holds once New-MailUser and the follow-up Set-MailUser of a create have run. */
function made(create: Action): MailUserEntry {
  const value = (field: string) => create.changes.find((c) => c.field === field)?.after as string | undefined;
  const alias = value('Alias')!;
  const adds = create.changes.filter((c) => c.field === 'EmailAddresses').flatMap((c) => c.add ?? []);
  const removes = new Set(create.changes.filter((c) => c.field === 'EmailAddresses').flatMap((c) => c.remove ?? []).map((a) => a.toLowerCase()));
  const proxies = [`SMTP:${value('PrimarySmtpAddress')}`, `smtp:${alias}@northwindtraders.onmicrosoft.com`, ...adds].filter((p, i, all) => !removes.has(p.toLowerCase()) && all.findIndex((q) => q.toLowerCase() === p.toLowerCase()) === i);
  return mailUser({
    Name: value('Name')!,
    Alias: alias,
    PrimarySmtpAddress: value('PrimarySmtpAddress')!,
    ExternalEmailAddress: value('ExternalEmailAddress')!,
    MicrosoftOnlineServicesID: value('MicrosoftOnlineServicesID')!,
    ExchangeGuid: value('ExchangeGuid')!,
    ArchiveGuid: value('ArchiveGuid') ?? '00000000-0000-0000-0000-000000000000',
    EmailAddresses: proxies,
  });
}

describe('derived mail users (property)', () => {
  it('carry only accepted addresses, route to the source, keep every X500, and settle once made', () => {
    fc.assert(
      fc.property(cases, (c) => {
        const first = planFor(files(c), live(c));
        expect(first.findings.filter((f) => f.severity === 'error')).toEqual([]);
        const create = allActions(first).find((a) => a.kind === 'MailUser' && a.action === 'create')!;
        expect(create).toBeDefined();
        const meu = made(create);
        for (const proxy of meu.EmailAddresses.filter((p) => /^smtp:/i.test(p))) {
          expect(TARGET_ACCEPTED).toContain(proxy.slice(proxy.indexOf('@') + 1).toLowerCase());
        }
        expect(meu.ExternalEmailAddress).toBe(`SMTP:${c.alias}@contoso.onmicrosoft.com`);
        expect(meu.EmailAddresses).toContain(`X500:${DN}`);
        for (const x500 of c.x500s) expect(meu.EmailAddresses).toContain(x500);
        expect(meu.ArchiveGuid).toBe(c.archive ? ARCHIVE : '00000000-0000-0000-0000-000000000000');
        const again = planFor(files(c), live(c, meu));
        expect(allActions(again).filter((a) => a.kind === 'MailUser')).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });
});
