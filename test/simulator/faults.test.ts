import { readdir, readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cleanedUpRunner, CONNECT_NORTHWIND, mailUser, northwind, session } from './helpers.js';

const run = cleanedUpRunner();

const tenant = () => northwind({ MailUser: ['a', 'b', 'c', 'd'].map((alias) => mailUser(alias, 'northwindtraders.com')) });

/** Four Set-MailUser calls, each reporting ok or the error's reason and message. */
const FOUR_CALLS = ['a', 'b', 'c', 'd']
  .map((alias) => `try { Set-MailUser -Identity '${alias}@northwindtraders.com' -CustomAttribute1 'x'; Write-Output 'ok ${alias}' } catch { Write-Output ("fail ${alias} " + $_.CategoryInfo.Reason + ' ' + $_.FullyQualifiedErrorId + ' ' + $_.Exception.Message) }`)
  .join('\n');

describe('fault injection and metrics', () => {
  it('throttles every Nth Exchange call with a recognisable error (EXO_SIM_THROTTLE_EVERY)', async () => {
    const r = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()], env: { EXO_SIM_THROTTLE_EVERY: '2' } });
    const lines = r.stdout.split('\n');
    // Connect-ExchangeOnline is call 1, so the 1st and 3rd Set-MailUser are calls 2 and 4.
    expect(lines[0]).toMatch(/^fail a ThrottlingException \[FailureCategory=Cmdlet-ThrottlingException\] Throttled,Set-MailUser The request was throttled: Exceeded the maximum number of requests/);
    expect(lines[1]).toBe('ok b');
    expect(lines[2]).toMatch(/^fail c ThrottlingException/);
    expect(lines[3]).toBe('ok d');
    const metrics = await r.metrics();
    expect(metrics.calls).toMatchObject({ 'Connect-ExchangeOnline': 1, 'Set-MailUser': 4, 'Disconnect-ExchangeOnline': 1 });
    expect(metrics['throttled']).toEqual({ 'Set-MailUser': 2 });
  });

  it('throttles beyond a budget per time window (EXO_SIM_THROTTLE_BUDGET) and recovers after it', async () => {
    const script = session(CONNECT_NORTHWIND, `${FOUR_CALLS}\nStart-Sleep -Milliseconds 1200\n${FOUR_CALLS}`);
    const r = await run(script, { tenants: [tenant()], env: { EXO_SIM_THROTTLE_BUDGET: '3/1s', EXO_SIM_SLEEP_SCALE: '1' } });
    const lines = r.stdout.split('\n');
    // Connect is no request against the budget (faults.ts): a, b and c fit in it.
    expect(lines.slice(0, 4).map((line) => line.slice(0, 6))).toEqual(['ok a', 'ok b', 'ok c', 'fail d']);
    expect(lines[3]).toContain('Exceeded the maximum number of requests');
    expect(lines.slice(4).map((line) => line.slice(0, 6))).toEqual(['ok a', 'ok b', 'ok c', 'fail d']);
  });

  it('fails a chosen cmdlet, identity, or k-th call (EXO_SIM_FAIL)', async () => {
    const byCmdlet = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()], env: { EXO_SIM_FAIL: 'Set-MailUser' } });
    expect(byCmdlet.stdout.split('\n').every((line) => line.startsWith('fail') && line.includes('SimulatedFailureException'))).toBe(true);
    const byIdentity = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()], env: { EXO_SIM_FAIL: 'Set-MailUser:C@northwindtraders.com' } });
    expect(byIdentity.stdout.split('\n').map((line) => line.slice(0, 6))).toEqual(['ok a', 'ok b', 'fail c', 'ok d']);
    const kth = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()], env: { EXO_SIM_FAIL: 'Set-MailUser#2, Get-Mailbox' } });
    expect(kth.stdout.split('\n').map((line) => line.slice(0, 6))).toEqual(['ok a', 'fail b', 'ok c', 'ok d']);
    expect((await kth.state('northwind')).MailUser.map((user) => user.CustomAttribute1)).toEqual(['x', '', 'x', 'x']);
    const metrics = await kth.metrics();
    expect(metrics['injectedFailures']).toEqual({ 'Set-MailUser': 1 });
  });

  it('adds latency to every call (EXO_SIM_LATENCY_MS)', async () => {
    const started = Date.now();
    const r = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()], env: { EXO_SIM_LATENCY_MS: '150' } });
    expect(r.exitCode).toBe(0);
    // Connect + 4 calls.
    expect(Date.now() - started).toBeGreaterThanOrEqual(5 * 150);
  });

  it('accumulates the per-cmdlet call counts across runs', async () => {
    const first = await run(session(CONNECT_NORTHWIND, FOUR_CALLS), { tenants: [tenant()] });
    await run(session(CONNECT_NORTHWIND, "Get-MailUser -ResultSize Unlimited | Out-Null"), { stateDir: first.stateDir });
    const metrics = await first.metrics();
    expect(metrics.calls).toMatchObject({ 'Connect-ExchangeOnline': 2, 'Set-MailUser': 4, 'Get-MailUser': 1 });
    expect(metrics['totalCalls']).toBe(9);
    // And the largest peak memory of the processes that ran the engine (what benchmarks report).
    expect(metrics['peakRssMiB']).toBeGreaterThan(10);
    expect(metrics['peakRssMiB']).toBeLessThan(4096);
  });

  it('rejects malformed knobs with a message that says what to write', async () => {
    const r = await run(`Write-Output 'x'`, { tenants: [], env: { EXO_SIM_THROTTLE_BUDGET: 'lots' } });
    expect(r.exitCode).toBe(64);
    expect(r.stderr).toContain('EXO_SIM_THROTTLE_BUDGET must look like 20/10s');
  });
});

describe('state files', () => {
  it('flushes state when the script ends with a terminating error or exit N, and leaves no temporary files', async () => {
    const failing = await run(session(CONNECT_NORTHWIND, "Set-MailUser a -CustomAttribute1 'kept'\nthrow 'stop here'"), { tenants: [tenant()] });
    expect(failing.exitCode).toBe(1);
    expect((await failing.state('northwind')).MailUser[0]?.CustomAttribute1).toBe('kept');
    const exiting = await run(`$ErrorActionPreference = 'Stop'\n${CONNECT_NORTHWIND}\nSet-MailUser b -CustomAttribute2 'kept'\nexit 3`, { tenants: [tenant()] });
    expect(exiting.exitCode).toBe(3);
    expect((await exiting.state('northwind')).MailUser[1]?.CustomAttribute2).toBe('kept');
    expect((await readdir(exiting.stateDir)).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });

  it('never leaves a half-written state file when killed mid-run', async () => {
    const users = Array.from({ length: 3000 }, (_, index) => mailUser(`u${index}`, 'northwindtraders.com'));
    const calls = users.map((user) => `Set-MailUser '${user.Alias}' -CustomAttribute3 'v'`).join('\n');
    const { execa } = await import('execa');
    const { SIMULATOR } = await import('./helpers.js');
    const prepared = await run(`Write-Output 'prepared'`, { tenants: [northwind({ MailUser: users })] });
    const scriptFile = `${prepared.stateDir}/kill.ps1`;
    const { writeFile } = await import('node:fs/promises');
    await writeFile(scriptFile, `${CONNECT_NORTHWIND}\n${calls}\n${calls}\n${calls}\n`);
    const child = execa('node', [SIMULATOR, '-NonInteractive', '-File', scriptFile], { env: { EXO_SIM_STATE: prepared.stateDir, EXO_SIM_LATENCY_MS: '1' }, reject: false });
    await new Promise((resolve) => setTimeout(resolve, 2500));
    child.kill('SIGKILL');
    await child;
    const text = await readFile(`${prepared.stateDir}/northwind.json`, 'utf8');
    const state = JSON.parse(text) as { MailUser: unknown[] };
    expect(state.MailUser).toHaveLength(3000);
  });
});
