// Exchange never returns an endpoint's secret, so only the YAML's history can say it was rotated:
// with --baseline-ref, a changed credentials.rotation sends the secret again, and nothing else does.
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit } from 'simple-git';
import { afterAll, describe, expect, it } from 'vitest';
import { replaceOnce } from '../support/edit.js';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'exo-rotation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = async (args: string[]) => {
  const r = await execa(process.execPath, [join(root, 'dist/cli/main.js'), ...args], {
    cwd: dir,
    reject: false,
    extendEnv: false,
    env: {
      PATH: process.env.PATH ?? '',
      // The simulator's embedded host inside the CLI process: these tests are about the CLI and Exchange's
      // behaviour, not a process (test/process, test/simulator/host-pwsh, test/powershell/hostile and test/apply/interrupted are).
      EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
      EXO_SIM_STATE: join(dir, 'tenants'),
      EXO_SIM_METRICS: join(dir, 'metrics.json'),
      CONTOSO_EXO_TOKEN: 't',
      NORTHWIND_CERT_PASSWORD: 'p',
      NORTHWIND_MIGRATION_APP_SECRET: 'rotated-secret',
    },
  });
  return { exitCode: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr) };
};

describe('credential rotation against a baseline commit', () => {
  it('sends the secret again only when rotation changed since the baseline', async () => {
    const config = join(dir, 'repo', 'config');
    cpSync(join(root, 'examples/contoso-northwind'), config, { recursive: true });
    cpSync(join(root, 'examples/contoso-northwind/state'), join(dir, 'tenants'), { recursive: true });
    const git = simpleGit({ baseDir: join(dir, 'repo') });
    await git.init().addConfig('user.email', 'admin@northwindtraders.com').addConfig('user.name', 'Admin');
    await git.add('.').commit('initial configuration');
    // Bring live state in line first, so the only change left is the rotation.
    expect((await run(['apply', '--dir', 'repo/config', '--yes'])).exitCode).toBe(0);

    const migration = join(config, 'northwind/migration.yaml');
    writeFileSync(migration, replaceOnce(readFileSync(migration, 'utf8'), 'rotation: "2026-11-01"', 'rotation: "2026-12-01"'));
    await git.add('.').commit('rotate the migration app secret');

    const rotated = await run(['plan', '--dir', 'repo/config', '--baseline-ref', 'HEAD~1', '--format', 'json']);
    expect(rotated.exitCode).toBe(2);
    const actions = JSON.parse(rotated.stdout).tenants.flatMap((t: any) => t.actions);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatchObject({ id: 'northwind/MigrationEndpoint/Contoso-T2T', action: 'update', changes: [{ field: 'Credentials', sensitive: true, derivedFrom: 'rotation "2026-11-01" → "2026-12-01"' }] });
    expect(rotated.stdout).not.toContain('rotated-secret');

    // Against the commit that already has this rotation there is nothing to send.
    expect((await run(['plan', '--dir', 'repo/config', '--baseline-ref', 'HEAD'])).exitCode).toBe(0);
    // Without a baseline, a rotation cannot be seen: only creating the endpoint sends the secret.
    expect((await run(['plan', '--dir', 'repo/config'])).exitCode).toBe(0);

    expect((await run(['apply', '--dir', 'repo/config', '--baseline-ref', 'HEAD~1', '--yes'])).exitCode).toBe(0);
    const metrics = JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8'));
    expect(metrics.credentials['northwind/Contoso-T2T'].set).toBe(1);
    expect(readFileSync(join(dir, 'tenants/northwind.json'), 'utf8')).not.toContain('rotated-secret');
  });

  it('names a ref that does not exist', async () => {
    const r = await run(['plan', '--dir', 'repo/config', '--baseline-ref', 'no-such-branch']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/"no-such-branch"/);
  });
});
