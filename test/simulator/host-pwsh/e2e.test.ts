// The tool end to end through REAL PowerShell 7.6.9 and the stand-in ExchangeOnlineManagement
// module: the demo example (plan, apply, re-plan with no changes), a secret rotation, and faults
// (throttling, a failure at step k, kill -9 mid-apply), each converging on the next apply with
// nothing lost or done twice.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { realPwshEnv, realPwshUnavailable, ROOT } from '../../support/real-pwsh.js';
import { replaceOnce } from '../../support/edit.js';

const unavailable = realPwshUnavailable();
const cli = join(ROOT, 'dist/cli/main.js');
const example = join(ROOT, 'examples/contoso-northwind');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Waits (up to 60 s) until no process started for this workspace's tenants (pwsh, its engine) is left. */
async function orphansGone(tenants: string): Promise<void> {
  const marker = `EXO_SIM_STATE=${tenants}\0`;
  const left = (): boolean =>
    readdirSync('/proc').some((pid) => {
      if (!/^\d+$/.test(pid) || Number(pid) === process.pid) return false;
      try {
        return `${readFileSync(`/proc/${pid}/environ`, 'latin1')}\0`.includes(marker);
      } catch {
        return false;
      }
    });
  const deadline = Date.now() + 60_000;
  while (left() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'exo-real-pwsh-'));
  dirs.push(dir);
  const config = join(dir, 'repo', 'config');
  cpSync(example, config, { recursive: true, filter: (src) => !src.startsWith(join(example, 'state')) });
  cpSync(join(example, 'state'), join(dir, 'tenants'), { recursive: true });
  const metrics = join(dir, 'metrics.json');
  const env = realPwshEnv(join(dir, 'tenants'), {
    EXO_SIM_METRICS: metrics,
    CONTOSO_EXO_TOKEN: 'token-for-contoso',
    NORTHWIND_CERT_PASSWORD: 'password-for-northwind',
    NORTHWIND_MIGRATION_APP_SECRET: 'secret-for-the-app',
    EXO_GITOPS_RETRY_BASE_MS: '1',
    EXO_GITOPS_RETRY_MAX_MS: '5',
  });
  const run = async (args: string[], extra: Record<string, string> = {}) => {
    const r = await execa(process.execPath, [cli, ...args], { cwd: dir, env: { ...env, ...extra }, extendEnv: false, reject: false });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const tenant = (name: string) => JSON.parse(readFileSync(join(dir, 'tenants', `${name}.json`), 'utf8'));
  const metricsOf = () => JSON.parse(readFileSync(metrics, 'utf8')) as { calls: Record<string, number>; credentials: Record<string, { set: number }> };
  return { dir, config, env, run, tenant, metricsOf };
}

// Each test starts several real pwsh processes (a second each, more on a loaded 2-core machine).
describe.skipIf(unavailable !== null)('the tool through real pwsh and the stand-in module', { timeout: 240_000 }, () => {
  it('plans the demo example, applies it, and the next plan shows no changes', async () => {
    const w = workspace();
    const planned = await w.run(['plan', '--dir', 'repo/config', '--out', 'plan.json']);
    expect(planned.stderr).not.toMatch(/error|fail/i);
    expect(planned.exitCode).toBe(2);
    const applied = await w.run(['apply', '--dir', 'repo/config', '--plan', 'plan.json', '--yes', '--record', 'run.json']);
    expect(applied.stdout).toContain('Apply: 9 succeeded, 0 failed, 0 skipped.');
    // Wave-1, last: New-MigrationBatch with its CSV built in memory, through real pwsh.
    expect(applied.stdout).toContain('created northwind/MigrationBatch/Wave-1');
    expect(w.tenant('northwind').MigrationBatch).toMatchObject([{ Identity: 'Wave-1', TotalCount: 8, CompleteAfterUTC: '2026-12-15T22:00:00Z' }]);
    expect(applied.exitCode).toBe(0);
    const again = await w.run(['plan', '--dir', 'repo/config']);
    expect(again.stdout).toContain('No changes');
    expect(again.stdout).not.toMatch(/error [A-Z]/);
    expect(again.exitCode).toBe(0);
    // The new MEU: primary from EmailAddresses (New-MailUser -PrimarySmtpAddress is on-premises only), GUID from the source.
    const isaiah = w.tenant('northwind').MailUser.find((u: { Alias: string }) => u.Alias === 'IsaiahL');
    expect(isaiah.ExchangeGuid).toBe('9b8a7f6e-5d4c-4b3a-9281-7f6e5d4c3b2a');
    expect(isaiah.PrimarySmtpAddress.toLowerCase()).toBe('isaiah.langer@northwindtraders.com');

    // The wave moves (the simulator's clock), Lara with her assistant Johanna: the export reads their
    // delegates through real pwsh, and the re-stamp (Send on Behalf merged, Send As) runs there too.
    const advance = async () => expect((await execa(process.execPath, [join(ROOT, 'dist/simulator/main.js'), 'advance-migrations', '--state', join(w.dir, 'tenants')])).exitCode).toBe(0);
    await advance();
    const batches = join(w.config, 'northwind/batches.yaml');
    writeFileSync(batches, replaceOnce(readFileSync(batches, 'utf8'), '  autoStart: true\n', '  autoStart: true\n  complete: true\n'));
    expect((await w.run(['apply', '--dir', 'repo/config', '--yes'])).exitCode).toBe(0);
    await advance();
    const restamp = await w.run(['apply', '--dir', 'repo/config', '--yes']);
    expect(restamp.stdout).toContain('updated northwind/Mailbox/Lara.Newton@northwindtraders.com#send-as');
    expect(restamp.stdout).toContain('Apply: 2 succeeded, 0 failed, 0 skipped.');
    const lara = w.tenant('northwind').Mailbox.find((m: { Alias: string }) => m.Alias === 'LaraN');
    expect(lara.GrantSendOnBehalfTo).toEqual(['Johanna.Lorenz@northwindtraders.com']);
    const done = await w.run(['plan', '--dir', 'repo/config']);
    expect(done.stdout).toContain('No changes');
    expect(done.exitCode).toBe(0);
  });

  it('applies a secret rotation: the credential carries the application ID and is sent once', async () => {
    const w = workspace();
    const git = simpleGit({ baseDir: join(w.dir, 'repo') });
    await git.init().addConfig('user.email', 'admin@northwindtraders.com').addConfig('user.name', 'Admin');
    await git.add('.').commit('initial configuration');
    expect((await w.run(['apply', '--dir', 'repo/config', '--yes'])).exitCode).toBe(0);
    const migration = join(w.config, 'northwind/migration.yaml');
    writeFileSync(migration, replaceOnce(readFileSync(migration, 'utf8'), 'rotation: "2026-11-01"', 'rotation: "2026-12-01"'));
    await git.add('.').commit('rotate the migration app secret');
    const rotated = await w.run(['apply', '--dir', 'repo/config', '--baseline-ref', 'HEAD~1', '--yes']);
    expect(rotated.stdout).toContain('updated northwind/MigrationEndpoint/Contoso-T2T');
    expect(rotated.exitCode).toBe(0);
    expect(w.metricsOf().credentials['northwind/Contoso-T2T']?.set).toBe(1);
    expect(readFileSync(join(w.dir, 'tenants/northwind.json'), 'utf8')).not.toContain('secret-for-the-app');
  });

  it('retries throttling, and a failure at step k leaves exactly the rest for the next apply', async () => {
    const w = workspace();
    const failed = await w.run(['apply', '--dir', 'repo/config', '--yes'], { EXO_SIM_THROTTLE_EVERY: '3', EXO_SIM_FAIL: 'Set-MailUser:LaraN#1' });
    expect(failed.exitCode).toBe(1);
    expect(failed.stdout).toMatch(/failed northwind\/MailUser\/LaraN/);
    const rest = await w.run(['plan', '--dir', 'repo/config', '--format', 'json']);
    const ids = JSON.parse(rest.stdout).tenants.flatMap((t: { actions: { id: string }[] }) => t.actions.map((a) => a.id));
    expect(ids).toContain('northwind/MailUser/LaraN');
    expect(ids).not.toContain('northwind/MailUser/IsaiahL');
    expect(ids).toContain('northwind/MigrationBatch/Wave-1');
    const converged = await w.run(['apply', '--dir', 'repo/config', '--yes'], { EXO_SIM_THROTTLE_EVERY: '4' });
    expect(converged.exitCode).toBe(0);
    expect((await w.run(['plan', '--dir', 'repo/config'])).exitCode).toBe(0);
    const calls = w.metricsOf().calls;
    // AlexW, IsaiahL and JohannaL, each created once; Wave-1 too.
    expect(calls['New-MailUser']).toBe(3);
    expect(calls['New-MigrationBatch']).toBe(1);
  });

  it('converges after kill -9 mid-apply, each member added once', async () => {
    const w = workspace();
    // Slow calls, so the kill lands while the apply is running.
    const subprocess = execa(process.execPath, [cli, 'apply', '--dir', 'repo/config', '--yes'], {
      cwd: w.dir,
      env: { ...w.env, EXO_SIM_LATENCY_MS: '100' },
      extendEnv: false,
      reject: false,
      detached: true,
    });
    let seen = '';
    subprocess.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
    });
    const deadline = Date.now() + 60_000;
    while (!/✓|succeeded|updated|created/.test(seen) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    process.kill(-subprocess.pid!, 'SIGKILL');
    await subprocess;
    // pwsh runs in its own process group (process/pwsh.ts), so the kill leaves it an orphan: the
    // orphan guard lets it finish the step in flight and start no other. Resume once it has.
    await orphansGone(join(w.dir, 'tenants'));
    const resumed = await w.run(['apply', '--dir', 'repo/config', '--yes']);
    expect(resumed.exitCode, `${resumed.stdout}\n${resumed.stderr}`).toBe(0);
    expect((await w.run(['plan', '--dir', 'repo/config'])).exitCode).toBe(0);
    const calls = w.metricsOf().calls;
    // AlexW, IsaiahL and JohannaL, each created once; Wave-1 too.
    expect(calls['New-MailUser']).toBe(3);
    expect(calls['New-MigrationBatch']).toBe(1);
    const scope = w.tenant('contoso').DistributionGroup.find((g: { Name: string }) => g.Name === 'T2T-Migration-Scope');
    const members = scope.Members.map((m: string) => m.toLowerCase());
    expect(new Set(members).size).toBe(members.length);
  });
});
