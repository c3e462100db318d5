// Real PowerShell for the tests that need it: the pinned 7.6.9 restored by scripts/ensure-pwsh.mjs
// (npm test's pretest) as .tools/pwsh, and the stand-in ExchangeOnlineManagement module generated
// from the built simulator. Without it the suites that need it are skipped with one line saying why;
// under CI=true a missing pwsh fails the run instead.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeModule } from '../../src/simulator/host-pwsh/module.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PWSH = join(ROOT, '.tools', 'pwsh');
export const SIMULATOR = join(ROOT, 'dist', 'simulator', 'main.js');

let moduleRoot: string | undefined;

/** A folder for PSModulePath holding the stand-in module (generated once per test file). */
export function standInModulePath(): string {
  if (!moduleRoot) {
    const folder = mkdtempSync(join(tmpdir(), 'exo-pwsh-module-'));
    moduleRoot = folder;
    // Each test file runs in its own process: the module goes with it.
    process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
    writeModule(folder, { simulatorPath: SIMULATOR });
  }
  return moduleRoot;
}

/** Why the real-pwsh tests cannot run here, or null when they can. Throws under CI=true. */
export function realPwshUnavailable(): string | null {
  const reason = !existsSync(PWSH) ? 'no .tools/pwsh (scripts/ensure-pwsh.mjs found no dotnet)' : !existsSync(SIMULATOR) ? 'dist/simulator/main.js is not built' : null;
  if (reason && process.env.CI === 'true') throw new Error(`real pwsh is required under CI=true: ${reason}`);
  if (reason) console.log(`real-pwsh tests skipped: ${reason}`);
  return reason;
}

/**
 * The environment that makes the tool (or a script) run real pwsh against the simulated tenants in
 * `stateDir`. The scripts the tool generates here are not paced to Exchange's request budget
 * (EXO_GITOPS_REQUEST_BUDGET=off): real pwsh really waits, 10 s for each 20 calls past the first 20,
 * and these tests are about what the scripts do; test/simulator/host-pwsh/pacing.test.ts is about the
 * pacing. `extra` may set a budget.
 */
export function realPwshEnv(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    EXO_GITOPS_PWSH: PWSH,
    PSModulePath: standInModulePath(),
    EXO_SIM_STATE: stateDir,
    EXO_GITOPS_REQUEST_BUDGET: 'off',
    ...extra,
  };
}
