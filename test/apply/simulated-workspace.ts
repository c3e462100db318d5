// A copy of the example with its tenants in the in-process simulator, driven through the real CLI:
// plan (JSON), apply, the simulator's clock (advance-migrations), and the tenants' state files.
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const simulator = join(root, 'dist/simulator/main.js');
const example = join(root, 'examples/contoso-northwind');

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function workspace() {
  if (!existsSync(cli) || !existsSync(simulator)) throw new Error('build first: npm run build (npm test does it)');
  const dir = mkdtempSync(join(tmpdir(), 'exo-batches-'));
  dirs.push(dir);
  const config = join(dir, 'config');
  const tenants = join(dir, 'tenants');
  cpSync(example, config, { recursive: true, filter: (src) => !src.startsWith(join(example, 'state')) });
  cpSync(join(example, 'state'), tenants, { recursive: true });
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
    EXO_SIM_STATE: tenants,
    CONTOSO_EXO_TOKEN: 'token-for-contoso',
    NORTHWIND_CERT_PASSWORD: 'password-for-northwind',
    NORTHWIND_MIGRATION_APP_SECRET: 'secret-for-the-app',
  };
  const run = async (args: string[]) => {
    const r = await execa(process.execPath, [cli, ...args], { cwd: dir, env, extendEnv: false, reject: false });
    return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  };
  const plan = async () => {
    const r = await run(['plan', '--dir', 'config', '--format', 'json', '--max-actions', '0']);
    return { exitCode: r.exitCode, plan: JSON.parse(r.stdout) as any, stderr: r.stderr };
  };
  /** The simulator's clock: every batch one step on (sync, then completion). */
  const advance = async () => {
    const r = await execa(process.execPath, [simulator, 'advance-migrations', '--state', tenants], { reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
  };
  const tenant = (name: string) => JSON.parse(readFileSync(join(tenants, `${name}.json`), 'utf8')) as any;
  const editTenant = (name: string, edit: (state: any) => void) => {
    const state = tenant(name);
    edit(state);
    writeFileSync(join(tenants, `${name}.json`), JSON.stringify(state, null, 2));
  };
  return { dir, config, run, plan, advance, tenant, editTenant };
}

/** Every action id of a plan (JSON), in order. */
export const ids = (plan: any): string[] => plan.tenants.flatMap((t: any) => t.actions.map((a: any) => a.id));
