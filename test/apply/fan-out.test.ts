// apply's fan-out: independent tenants (the same role, the same phase) run side by side, at most
// --concurrency at once; targets still finish before any source starts, batches after everything,
// and a tenant with a failed action still stops the tenants after it. The PowerShell is a fake that
// logs when each session starts and ends (and reports every step of its script succeeded, or failed
// for a tenant told to fail): what overlapped is read from that log, never from timings. A barrier
// (the first sessions of a role wait until `barrier` of them have started) proves two really ran at
// once: with one at a time it would never open.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan, type StepResult } from '../../src/apply/apply.js';
import { applySessions, sessionWaits } from '../../src/apply/sessions.js';
import { planAction, type Action, type Plan, type TenantPlan } from '../../src/model/plan.js';
import { EMPTY_SUMMARY, PLAN_FORMAT_VERSION } from '../../src/model/plan.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const update = (tenant: string, identity: string, dependsOn: string[] = []): Action =>
  planAction({ tenant, kind: 'MailUser', identity, action: 'update', changes: [{ field: 'CustomAttribute1', before: '', after: 'x' }], dependsOn });
const batch = (tenant: string, dependsOn: string[]): Action => planAction({ tenant, kind: 'MigrationBatch', identity: 'Wave-1', step: 'start', action: 'update', changes: [{ field: 'Status', before: 'Created', after: 'Syncing' }], dependsOn });
const tenant = (name: string, role: TenantPlan['role'], actions: Action[]): TenantPlan => ({ tenant: name, organization: `${name}.onmicrosoft.com`, connection: { accessTokenEnv: 'TOKEN' }, role, actions });
const plan = (tenants: TenantPlan[]): Plan => ({ formatVersion: PLAN_FORMAT_VERSION, commit: null, desiredDigest: 'd', snapshotDigests: {}, maxActionsPerTenant: 0, tenants, findings: [], summary: EMPTY_SUMMARY, readiness: [], batches: [] });

/**
 * A fake pwsh: logs `start <tenant> <phase> running=<tenants running> done=<tenants done>` and `end …`
 * to <dir>/log, waits at the barrier, and prints a result line for every step of the script.
 */
function fakePwsh(options: { barrier: number; fail: string[] }): { pwsh: string; log: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'exo-fan-out-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'running'));
  mkdirSync(join(dir, 'started'));
  const pwsh = join(dir, 'fake-pwsh.mjs');
  writeFileSync(
    pwsh,
    `#!/usr/bin/env node
import { appendFileSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
const dir = ${JSON.stringify(dir)};
const script = readFileSync(process.argv.at(-1), 'utf8');
const tenant = /# exo-gitops apply: tenant (\\S+)/.exec(script)[1];
const phase = script.includes('MigrationBatch') ? 'batches' : 'changes';
const key = tenant + '.' + phase;
const list = (d) => readdirSync(dir + '/' + d).sort().join(',');
writeFileSync(dir + '/started/' + key, '');
appendFileSync(dir + '/log', 'start ' + key + ' running=' + list('running') + ' done=' + (readFileSync(dir + '/log', 'utf8').match(/^end \\S+/gm) ?? []).map((l) => l.slice(4)).sort().join(',') + '\\n');
writeFileSync(dir + '/running/' + key, '');
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
// The barrier: the first sessions of the changes phase wait until ${options.barrier} of them have started.
for (let waited = 0; phase === 'changes' && readdirSync(dir + '/started').filter((f) => f.endsWith('.changes')).length < ${options.barrier} && waited < 20000; waited += 20) sleep(20);
sleep(100);
const fail = ${JSON.stringify(options.fail)}.includes(tenant);
for (const [, id] of script.matchAll(/Invoke-ExoStep -Id '([^']+)'/g)) console.log(JSON.stringify({ exoGitopsStep: id, status: fail ? 'failed' : 'succeeded', ...(fail ? { error: 'boom' } : {}) }));
for (const [, id, status, reason] of script.matchAll(/exoGitopsStep = '([^']+)'; status = '(skipped|failed)'; (?:reason|error) = '([^']*)'/g)) console.log(JSON.stringify({ exoGitopsStep: id, status, reason }));
rmSync(dir + '/running/' + key);
appendFileSync(dir + '/log', 'end ' + key + '\\n');
`,
  );
  chmodSync(pwsh, 0o755);
  writeFileSync(join(dir, 'log'), '');
  return { pwsh, log: () => readFileSync(join(dir, 'log'), 'utf8').trim().split('\n') };
}

async function run(p: Plan, concurrency: number, fake: ReturnType<typeof fakePwsh>): Promise<StepResult[]> {
  const run = await applyPlan(p, { env: { PATH: process.env.PATH ?? '', EXO_GITOPS_PWSH: fake.pwsh, TOKEN: 'token' }, allow: new Set(), concurrency });
  return run.results;
}

/** The most sessions the log shows running at once. */
function mostAtOnce(log: string[]): number {
  let running = 0;
  let most = 0;
  for (const line of log) {
    running += line.startsWith('start ') ? 1 : -1;
    most = Math.max(most, running);
  }
  return most;
}

const starts = (log: string[]) => new Map(log.filter((l) => l.startsWith('start ')).map((l) => { const [, key, running, done] = l.split(' '); return [key!, { running: running!.slice(8).split(',').filter(Boolean), done: done!.slice(5).split(',').filter(Boolean) }]; }));

const TARGETS = ['fabrikam', 'northwind', 'tailspin'];
const crossTenantPlan = (): Plan => {
  const targets = TARGETS.map((name) => tenant(name, 'target', [update(name, `user-${name}`)]));
  const source = tenant('contoso', 'source', [update('contoso', 'scope')]);
  // Northwind's batch waits for the source's change: a session after every tenant's changes.
  const northwindBatch = batch('northwind', [source.actions[0]!.id]);
  const withBatch = targets.map((t) => (t.tenant === 'northwind' ? { ...t, actions: [...t.actions, northwindBatch] } : t));
  return plan([...withBatch, source]);
};

describe('apply runs independent tenants side by side', { timeout: 120_000 }, () => {
  it('three targets two at a time, then the source, then the batches; every step succeeds', async () => {
    const fake = fakePwsh({ barrier: 2, fail: [] });
    const results = await run(crossTenantPlan(), 2, fake);
    expect(results.map((r) => `${r.id} ${r.outcome}`)).toEqual([
      'fabrikam/MailUser/user-fabrikam updated',
      'northwind/MailUser/user-northwind updated',
      'tailspin/MailUser/user-tailspin updated',
      'contoso/MailUser/scope updated',
      'northwind/MigrationBatch/Wave-1#start updated',
    ]);
    const log = fake.log();
    // Two targets at once (the barrier opened), never three.
    expect(mostAtOnce(log)).toBe(2);
    const started = starts(log);
    // The source started once every target was done and none was running; the batches after the source.
    expect(started.get('contoso.changes')).toEqual({ running: [], done: TARGETS.map((t) => `${t}.changes`) });
    expect(started.get('northwind.batches')!.done).toContain('contoso.changes');
    expect(started.get('northwind.batches')!.running).toEqual([]);
  });

  it('one at a time with --concurrency 1, in plan order', async () => {
    const fake = fakePwsh({ barrier: 0, fail: [] });
    const results = await run(crossTenantPlan(), 1, fake);
    expect(results.every((r) => r.outcome === 'updated')).toBe(true);
    const log = fake.log();
    expect(mostAtOnce(log)).toBe(1);
    expect(log.filter((l) => l.startsWith('start ')).map((l) => l.split(' ')[1])).toEqual(['fabrikam.changes', 'northwind.changes', 'tailspin.changes', 'contoso.changes', 'northwind.batches']);
  });

  it('a target with a failed action: the other targets still run, the source and the batches wait (skipped)', async () => {
    const fake = fakePwsh({ barrier: 2, fail: ['northwind'] });
    const results = await run(crossTenantPlan(), 4, fake);
    const outcome = Object.fromEntries(results.map((r) => [r.id, `${r.outcome}${r.reason ? `: ${r.reason}` : ''}`]));
    expect(outcome).toEqual({
      'fabrikam/MailUser/user-fabrikam': 'updated',
      'northwind/MailUser/user-northwind': 'failed',
      'tailspin/MailUser/user-tailspin': 'updated',
      'contoso/MailUser/scope': 'skipped: tenant northwind had a failed action; later tenants wait for it',
      'northwind/MigrationBatch/Wave-1#start': 'skipped: tenant northwind had a failed action; later tenants wait for it',
    });
    expect(fake.log().filter((l) => l.startsWith('start ')).map((l) => l.split(' ')[1]).sort()).toEqual(TARGETS.map((t) => `${t}.changes`));
  });
});

describe('sessionWaits', () => {
  it('waits for every earlier session of another phase or role, and for a session it depends on', () => {
    const a = update('fabrikam', 'a');
    const b = update('northwind', 'b', [a.id]);
    const sessions = applySessions([tenant('fabrikam', 'target', [a]), tenant('northwind', 'target', [b]), tenant('tailspin', 'target', [update('tailspin', 'c')]), tenant('contoso', 'source', [update('contoso', 'd')]), tenant('widgets', 'source', [update('widgets', 'e')])]);
    expect(sessionWaits(sessions)).toEqual([[], [0], [], [0, 1, 2], [0, 1, 2]]);
  });

  it('a plan not in role order keeps its order: a later session of another role waits', () => {
    const sessions = applySessions([tenant('contoso', 'source', [update('contoso', 'd')]), tenant('northwind', 'target', [update('northwind', 'b')])]);
    expect(sessionWaits(sessions)).toEqual([[], [0]]);
  });
});
