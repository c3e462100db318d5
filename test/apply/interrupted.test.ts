// An apply that is stopped half-way: its run record still says what it did, no PowerShell outlives
// the CLI to go on changing the tenant, and the next apply converges with nothing done twice.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../../src/apply/record.js';

const root = new URL('../../', import.meta.url).pathname;
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'exo-interrupted-'));
  dirs.push(dir);
  const example = join(root, 'examples/contoso-northwind');
  cpSync(example, join(dir, 'config'), { recursive: true, filter: (src) => !src.startsWith(join(example, 'state')) });
  cpSync(join(example, 'state'), join(dir, 'tenants'), { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    EXO_GITOPS_PWSH: join(root, 'dist/simulator/main.js'),
    EXO_SIM_STATE: join(dir, 'tenants'),
    EXO_SIM_METRICS: join(dir, 'metrics.json'),
    CONTOSO_EXO_TOKEN: 't',
    NORTHWIND_CERT_PASSWORD: 'p',
  };
  const cli = (args: string[], extra: Record<string, string> = {}) => execa(process.execPath, [join(root, 'dist/cli/main.js'), ...args], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false });
  const state = () => readFileSync(join(dir, 'tenants/northwind.json'), 'utf8') + readFileSync(join(dir, 'tenants/contoso.json'), 'utf8');
  return { dir, cli, state };
}

async function untilFirstResult(subprocess: ReturnType<ReturnType<typeof workspace>['cli']>): Promise<void> {
  let seen = '';
  subprocess.stdout!.on('data', (chunk: Buffer) => {
    seen += chunk.toString();
  });
  const deadline = Date.now() + 30_000;
  while (!/^✓ /m.test(seen) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
}

describe('an interrupted apply', () => {
  it('stopped with SIGTERM: the step in flight finishes, no new one starts, the record says so, exit 130, and plan shows exactly the rest', async () => {
    const w = workspace();
    const subprocess = w.cli(['apply', '--dir', 'config', '--yes', '--record', 'run.json'], { EXO_SIM_LATENCY_MS: '150' });
    await untilFirstResult(subprocess);
    subprocess.kill('SIGTERM');
    const ended = await subprocess;
    expect(ended.exitCode).toBe(130);
    expect(String(ended.stderr)).toContain('apply: interrupted: the step in flight finishes and no new one starts');

    const record = readRunRecord(readFileSync(join(w.dir, 'run.json'), 'utf8'));
    expect(record.interrupted).toBe(true);
    expect(record.outcome).toBe('failed');
    expect(record.results[0]).toMatchObject({ id: 'northwind/MailUser/AlexW', outcome: 'created' });
    const done = record.results.filter((r) => r.outcome !== 'skipped');
    const notStarted = record.results.filter((r) => r.reason === 'interrupted: not started').map((r) => r.id);
    expect(done.every((r) => r.outcome !== 'failed')).toBe(true);
    expect(notStarted.length).toBeGreaterThan(0);
    expect(String(ended.stderr)).toContain(`interrupted: ${done.length} done, ${notStarted.length} not started; run plan to see what remains`);
    // Each finished step's duration is its own, measured from its start: never the sign-in before it.
    for (const r of done) expect(r.durationMs, JSON.stringify(done)).toBeGreaterThanOrEqual(100);

    // Nothing goes on changing the tenant once the CLI is gone, and plan shows exactly what did not start.
    const after = w.state();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(w.state()).toBe(after);
    const plan = JSON.parse(String((await w.cli(['plan', '--dir', 'config', '--format', 'json'])).stdout)) as { tenants: { actions: { id: string }[] }[] };
    expect(plan.tenants.flatMap((t) => t.actions.map((a) => a.id)).sort()).toEqual([...notStarted].sort());

    const resumed = await w.cli(['apply', '--dir', 'config', '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect((await w.cli(['plan', '--dir', 'config'])).exitCode).toBe(0);
    const metrics = JSON.parse(readFileSync(join(w.dir, 'metrics.json'), 'utf8')) as { calls: Record<string, number> };
    // AlexW, IsaiahL and JohannaL, each created once.
    expect(metrics.calls['New-MailUser']).toBe(3);
    expect(metrics.calls['New-MigrationBatch']).toBe(1);
  });

  it('interrupted twice: the second one stops at once, and the journal still says what succeeded', async () => {
    const w = workspace();
    const subprocess = w.cli(['apply', '--dir', 'config', '--yes', '--record', 'run.json'], { EXO_SIM_LATENCY_MS: '400' });
    await untilFirstResult(subprocess);
    subprocess.kill('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 50));
    subprocess.kill('SIGINT');
    const ended = await subprocess;
    expect(ended.exitCode).toBe(130);
    // Stopped at once: no summary, and the record file is still the journal of the steps that finished.
    expect(String(ended.stderr)).toContain('apply: stopped waiting: PowerShell finishes the step in flight and starts no other');
    expect(String(ended.stderr)).not.toContain('not started; run plan');
    const text = readFileSync(join(w.dir, 'run.json'), 'utf8');
    expect(JSON.parse(text.split('\n')[0]!)).toHaveProperty('exoGitopsRunJournal');
    const record = readRunRecord(text);
    expect(record.interrupted).toBe(true);
    expect(record.results[0]).toMatchObject({ id: 'northwind/MailUser/AlexW', outcome: 'created' });
    // The orphaned PowerShell finishes its step and starts no other: the tenants settle.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const resumed = await w.cli(['apply', '--dir', 'config', '--yes']);
    expect(resumed.exitCode).toBe(0);
  });

  it('killed with -9 (the CLI alone): its journal says what succeeded, and the orphaned PowerShell starts no further action', async () => {
    const w = workspace();
    const subprocess = w.cli(['apply', '--dir', 'config', '--yes', '--record', 'run.json'], { EXO_SIM_LATENCY_MS: '150' });
    await untilFirstResult(subprocess);
    subprocess.kill('SIGKILL');
    await subprocess;
    const record = readRunRecord(readFileSync(join(w.dir, 'run.json'), 'utf8'));
    expect(record.interrupted).toBe(true);
    expect(record.results[0]).toMatchObject({ id: 'northwind/MailUser/AlexW', outcome: 'created' });
    // The orphan may finish the action in flight, then stops: the tenants settle and stay settled.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const settled = w.state();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(w.state()).toBe(settled);
    const plan = JSON.parse(String((await w.cli(['plan', '--dir', 'config', '--format', 'json'])).stdout)) as { tenants: { actions: unknown[] }[] };
    expect(plan.tenants.flatMap((t) => t.actions).length).toBeGreaterThan(0);

    const resumed = await w.cli(['apply', '--dir', 'config', '--yes']);
    expect(resumed.exitCode).toBe(0);
    expect((await w.cli(['plan', '--dir', 'config'])).exitCode).toBe(0);
  });
});
