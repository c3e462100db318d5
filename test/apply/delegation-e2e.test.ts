// Delegation across the move, through the CLI and the simulator, on the example: Johanna Lorenz is
// Lara Newton's assistant (FullAccess, Send As and Send on Behalf on Lara's mailbox in Contoso).
//   - Moved apart (Johanna in a second batch): a warning naming the pair, an error with
//     keepDelegatesTogether; the plan JSON carries the group and the markdown names the pair.
//   - Lara moves first: nothing can be granted to Johanna yet (the plan says what waits); once
//     Johanna's batch completes, all three are re-stamped on Lara's new mailbox, FullAccess included
//     (it did not travel), and a re-plan is empty.
// (Moving together, where FullAccess travels and only Send As and Send on Behalf are re-stamped, is
// the example's own end to end run in batches-e2e.test.ts.)
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ids, workspace } from './simulated-workspace.js';

const LARA = 'northwind/Mailbox/Lara.Newton@northwindtraders.com';
const EXAMPLE_BATCHES = new URL('../../examples/contoso-northwind/northwind/batches.yaml', import.meta.url).pathname;

/** The example's batches with Johanna moved out of Wave-1 into Wave-2 (and Wave-1's keepDelegatesTogether as given). */
function splitWaves(w: ReturnType<typeof workspace>, keepTogether: boolean): void {
  const file = join(w.config, 'northwind/batches.yaml');
  const wave1 = readFileSync(EXAMPLE_BATCHES, 'utf8')
    .replace(/ {4}- Johanna\.Lorenz@contoso\.com.*\n/, '')
    .replace(/ {2}keepDelegatesTogether: true.*\n/, keepTogether ? '  keepDelegatesTogether: true\n' : '');
  writeFileSync(
    file,
    `${wave1}---
apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata: {name: Wave-2, tenant: northwind}
spec:
  source: contoso
  endpoint: Contoso-T2T
  users: [Johanna.Lorenz@contoso.com]
  targetDeliveryDomain: northwindtraders.onmicrosoft.com
  addressMap: {contoso.com: northwindtraders.com}
  autoStart: true
`,
  );
}

/** Asks a batch to complete (complete: true), applies, and lets the simulator complete it. */
async function complete(w: ReturnType<typeof workspace>, batch: string): Promise<void> {
  const file = join(w.config, 'northwind/batches.yaml');
  const text = readFileSync(file, 'utf8');
  const at = text.indexOf(`name: ${batch}`);
  const autoStart = text.indexOf('  autoStart: true\n', at);
  writeFileSync(file, `${text.slice(0, autoStart)}  complete: true\n${text.slice(autoStart)}`);
  const applied = await w.run(['apply', '--dir', 'config', '--yes']);
  expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
  await w.advance();
}

describe('delegates across the move, through the simulator', () => {
  it('moved apart: a warning naming the pair, in the JSON groups and the markdown; an error with keepDelegatesTogether', async () => {
    const w = workspace();
    splitWaves(w, false);
    const apart = await w.plan();
    expect(apart.exitCode).toBe(2);
    const warning = apart.plan.findings.find((f: any) => f.code === 'DelegateInOtherBatch');
    expect(warning).toMatchObject({ severity: 'warning' });
    expect(warning.message).toContain('Johanna.Lorenz@contoso.com (batch Wave-2) holds FullAccess, Send As, Send on Behalf on Lara.Newton@contoso.com (batch Wave-1)');
    expect(apart.plan.delegation.splitPairs).toEqual([
      { tenant: 'contoso', principal: { user: 'Lara.Newton@contoso.com', batch: 'Wave-1' }, delegate: { user: 'Johanna.Lorenz@contoso.com', batch: 'Wave-2' }, rights: ['FullAccess', 'SendAs', 'SendOnBehalf'] },
    ]);
    expect(apart.plan.delegation.groups).toEqual([
      { tenant: 'contoso', split: true, members: [{ user: 'Johanna.Lorenz@contoso.com', batch: 'Wave-2' }, { user: 'Lara.Newton@contoso.com', batch: 'Wave-1' }] },
    ]);
    const markdown = await w.run(['plan', '--dir', 'config', '--format', 'markdown', '--max-actions', '0']);
    expect(markdown.stdout).toContain('#### Delegates moving apart: 1 pair(s)');
    expect(markdown.stdout).toContain('| contoso | `Johanna.Lorenz@contoso.com` | `Wave-2` | FullAccess, Send As, Send on Behalf | `Lara.Newton@contoso.com` | `Wave-1` |');

    splitWaves(w, true);
    const strict = await w.plan();
    expect(strict.exitCode).toBe(1);
    expect(strict.plan.findings.find((f: any) => f.code === 'DelegateInOtherBatch')).toMatchObject({ severity: 'error' });
  });

  it('the principal moves first: its grants wait for the delegate, then all three are re-stamped once, FullAccess included', async () => {
    const w = workspace();
    splitWaves(w, false);
    expect((await w.run(['apply', '--dir', 'config', '--yes'])).exitCode).toBe(0);
    await w.advance(); // both batches synced
    await complete(w, 'Wave-1');

    const laraMoved = await w.plan();
    expect(ids(laraMoved.plan).filter((id) => id.startsWith('northwind/Mailbox/'))).toEqual([]);
    expect(laraMoved.plan.delegation.pending).toEqual([
      { tenant: 'northwind', mailbox: 'Lara.Newton@northwindtraders.com', delegate: 'Johanna.Lorenz@contoso.com', rights: ['FullAccess', 'SendAs', 'SendOnBehalf'] },
    ]);
    expect(laraMoved.plan.findings.find((f: any) => f.code === 'DelegateInOtherBatch').message).toContain('Lara.Newton@contoso.com has moved; the grants are re-stamped in the target once Johanna.Lorenz@contoso.com has moved too');

    await complete(w, 'Wave-2');
    const bothMoved = await w.plan();
    expect(ids(bothMoved.plan)).toEqual([`${LARA}#full-access`, `${LARA}#send-as`, `${LARA}#send-on-behalf`]);
    const fullAccess = bothMoved.plan.tenants[0].actions.find((a: any) => a.id === `${LARA}#full-access`);
    expect(fullAccess.changes).toEqual([{ field: 'FullAccess', add: ['Johanna.Lorenz@northwindtraders.com'], derivedFrom: 'the grants of contoso mailbox Lara.Newton@contoso.com' }]);
    // Both have moved: history, no longer a warning.
    expect(bothMoved.plan.findings.map((f: any) => f.code)).not.toContain('DelegateInOtherBatch');

    // Applied as the shipped workflow does (apply.yml): a saved plan with its snapshots, then one tenant
    // at a time, each exported alone and compared with the plan's snapshot of it.
    const saved = await w.run(['plan', '--dir', 'config', '--state', 'plan-state', '--refresh', '--out', 'plan.json', '--max-actions', '0']);
    expect(saved.exitCode, saved.stderr).toBe(2);
    const applied = await w.run(['apply', '--dir', 'config', '--plan', 'plan.json', '--tenant', 'northwind', '--peer-state', 'plan-state', '--yes']);
    expect(applied.exitCode, applied.stdout + applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Apply: 3 succeeded, 0 failed, 0 skipped.');
    const northwind = w.tenant('northwind');
    const lara = northwind.Mailbox.find((m: any) => m.Alias === 'LaraN');
    expect(lara.GrantSendOnBehalfTo).toEqual(['Johanna.Lorenz@northwindtraders.com']);
    expect(northwind.RecipientPermission).toEqual([expect.objectContaining({ Identity: 'Lara Newton', AccessRights: ['SendAs'] })]);
    expect(northwind.MailboxPermission.filter((p: any) => p.MailboxGuid === lara.ExchangeGuid)).toHaveLength(1);

    const again = await w.plan();
    expect(ids(again.plan)).toEqual([]);
    expect(again.exitCode).toBe(0);
  });
});

