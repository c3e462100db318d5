// A migration wave end to end through the CLI and the simulator: plan, apply (the batch last), re-plan
// with no changes; the simulated move syncs and completes, and the plan still shows no changes and
// reports the batch completed. A wave of 25 users with no MailUser documents does the same.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ids, workspace } from './simulated-workspace.js';

describe('a migration wave through the simulator', () => {
  it('the example: plan, apply with the batch last, no changes; then the move syncs and completes, and still no changes', async () => {
    const w = workspace();
    const first = await w.plan();
    expect(first.exitCode).toBe(2);
    expect(ids(first.plan)).toContain('northwind/MigrationBatch/Wave-1');
    expect(ids(first.plan)).toContain('northwind/MailUser/AlexW');

    const applied = await w.run(['apply', '--dir', 'config', '--yes', '--record', 'run.json']);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(w.dir, 'run.json'), 'utf8'));
    const outcomes = record.results.map((r: any) => `${r.outcome} ${r.id}`);
    // The batch runs after every tenant's other changes, the source's scope members included.
    expect(outcomes.at(-1)).toBe('created northwind/MigrationBatch/Wave-1');
    expect(outcomes.indexOf('updated contoso/DistributionGroup/T2T-Migration-Scope#add-members')).toBeGreaterThan(-1);
    expect(record.results.every((r: any) => r.outcome !== 'failed' && r.outcome !== 'skipped')).toBe(true);
    const batch = w.tenant('northwind').MigrationBatch.find((b: any) => b.Identity === 'Wave-1');
    expect(batch).toMatchObject({ Status: 'Syncing', TotalCount: 8, SourceEndpoint: 'Contoso-T2T', CompleteAfterUTC: '2026-12-15T22:00:00Z' });

    const again = await w.plan();
    expect(ids(again.plan)).toEqual([]);
    expect(again.exitCode).toBe(0);
    expect(again.plan.batches[0]).toMatchObject({ batch: 'Wave-1', status: 'Syncing', counts: { total: 8 } });

    await w.advance();
    const synced = await w.plan();
    expect(ids(synced.plan)).toEqual([]);
    expect(synced.plan.batches[0]).toMatchObject({ status: 'Synced', counts: { synced: 8, failed: 0 }, failedUsers: [] });

    // Finalize it: complete: true plans Complete-MigrationBatch for the synced batch.
    const batchFile = join(w.config, 'northwind/batches.yaml');
    writeFileSync(batchFile, readFileSync(batchFile, 'utf8').replace('  autoStart: true\n', '  autoStart: true\n  complete: true\n'));
    const completing = await w.plan();
    expect(ids(completing.plan)).toEqual(['northwind/MigrationBatch/Wave-1#complete']);
    expect((await w.run(['apply', '--dir', 'config', '--yes'])).exitCode).toBe(0);
    await w.advance();

    // The expected end: each MEU a mailbox in Northwind, each source mailbox a mail user in Contoso.
    const northwind = w.tenant('northwind');
    expect(northwind.Mailbox.map((m: any) => m.Alias)).toEqual(expect.arrayContaining(['LaraN', 'AlexW', 'IsaiahL']));
    expect(northwind.MailUser.some((u: any) => u.Alias === 'AlexW')).toBe(false);
    expect(w.tenant('contoso').MailUser.find((u: any) => u.Alias === 'AlexW')).toMatchObject({ ExternalEmailAddress: 'SMTP:AlexW@northwindtraders.onmicrosoft.com' });
    // Lara and her assistant Johanna moved together: FullAccess travelled, Send on Behalf and Send As
    // did not, and are set again on Lara's new mailbox; applied once, nothing more.
    const moved = await w.plan();
    expect(moved.stderr).not.toMatch(/error|fail/i);
    expect(ids(moved.plan)).toEqual(['northwind/Mailbox/Lara.Newton@northwindtraders.com#send-as', 'northwind/Mailbox/Lara.Newton@northwindtraders.com#send-on-behalf']);
    expect((await w.run(['apply', '--dir', 'config', '--yes'])).exitCode).toBe(0);
    const done = await w.plan();
    expect(ids(done.plan)).toEqual([]);
    expect(done.exitCode, JSON.stringify(done.plan.findings.filter((f: any) => f.severity === 'error'))).toBe(0);
    expect(done.plan.batches[0]).toMatchObject({ status: 'Completed', counts: { finalized: 8 } });
    expect(done.plan.findings.map((f: any) => f.code)).not.toContain('ScopeMemberMoved');
  });

  it('25 users with addressMap and no MailUser documents: 25 creations, 25 scope additions, one New-MigrationBatch; applied, nothing more', async () => {
    const w = workspace();
    const users = Array.from({ length: 25 }, (_, i) => `Wave2.User${i + 1}@contoso.com`);
    w.editTenant('contoso', (state) => {
      const template = state.Mailbox.find((m: any) => m.Alias === 'AlexW');
      users.forEach((address, i) => {
        const alias = `w2user${i + 1}`;
        state.Mailbox.push({
          ...template,
          Name: `Wave Two ${i + 1}`,
          Alias: alias,
          PrimarySmtpAddress: address,
          ExchangeGuid: `5e5e5e5e-0000-4000-8000-${String(i + 1).padStart(12, '0')}`,
          ArchiveGuid: '00000000-0000-0000-0000-000000000000',
          LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${alias}`,
          EmailAddresses: [`SMTP:${address}`, `smtp:${alias}@contoso.onmicrosoft.com`, `X500:/o=Old/cn=${alias}`],
        });
      });
    });
    writeFileSync(join(w.config, 'northwind/batches.yaml'), `apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata: {name: Wave-2, tenant: northwind}
spec:
  source: contoso
  endpoint: Contoso-T2T
  usersFile: wave-2.csv
  targetDeliveryDomain: northwindtraders.onmicrosoft.com
  addressMap: {contoso.com: northwindtraders.com}
  autoStart: true
`);
    writeFileSync(join(w.config, 'northwind/wave-2.csv'), `EmailAddress\n${users.join('\n')}\n`);
    const first = await w.plan();
    const northwind = first.plan.tenants.find((t: any) => t.tenant === 'northwind');
    const creates = northwind.actions.filter((a: any) => a.kind === 'MailUser' && a.action === 'create' && a.identity.startsWith('w2user'));
    expect(creates).toHaveLength(25);
    const scope = first.plan.tenants.find((t: any) => t.tenant === 'contoso').actions.find((a: any) => a.id.endsWith('#add-members'));
    expect(scope.changes[0].add).toEqual(expect.arrayContaining(users));
    const batches = northwind.actions.filter((a: any) => a.kind === 'MigrationBatch');
    expect(batches.map((a: any) => `${a.action} ${a.id}`)).toEqual(['create northwind/MigrationBatch/Wave-2']);
    expect(batches[0].changes.find((c: any) => c.field === 'Users').add).toHaveLength(25);

    const applied = await w.run(['apply', '--dir', 'config', '--yes']);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    const again = await w.plan();
    expect(ids(again.plan)).toEqual([]);
    expect(again.exitCode).toBe(0);
    const made = w.tenant('northwind').MailUser.find((u: any) => u.Alias === 'w2user7');
    expect(made).toMatchObject({ Name: 'Wave Two 7', PrimarySmtpAddress: 'Wave2.User7@northwindtraders.com', ExternalEmailAddress: 'SMTP:w2user7@contoso.onmicrosoft.com', ExchangeGuid: '5e5e5e5e-0000-4000-8000-000000000007' });
    expect(made.EmailAddresses).toContain('X500:/o=Old/cn=w2user7');
  });
});
