// Commands load only when they run (src/cli/program.ts registers their options; each action imports
// its implementation): --version and --help load no dependency but commander, nor any use case. The
// built CLI (dist/, which `npm test` builds first) runs under a hook that records every module it loads.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;
const cli = join(root, 'dist/cli/main.js');
const hook = join(root, 'test/cli/module-trace-hook.mjs');
const work = mkdtempSync(join(tmpdir(), 'exo-gitops-startup-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let count = 0;
/** The modules `exo-gitops …args` loads: file URLs, de-duplicated, in no particular order. */
function modulesLoadedBy(args: string[]): string[] {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: npm run build (npm test builds it first)`);
  const trace = join(work, `trace-${count++}.txt`);
  try {
    execFileSync(process.execPath, ['--import', hook, cli, ...args], {
      cwd: root,
      env: { ...process.env, MODULE_TRACE_FILE: trace, NODE_OPTIONS: '', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    // plan exits 2 when it has changes to show.
    if ((error as { status?: number }).status !== 2) throw error;
  }
  return [...new Set(readFileSync(trace, 'utf8').split('\n').filter((line) => line.startsWith('file:')))];
}

/** The packages among the modules: node_modules/<name> or node_modules/@scope/<name>. */
function packagesOf(modules: string[]): string[] {
  const names = modules.flatMap((url) => {
    const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    return match ? [match[1]!] : [];
  });
  return [...new Set(names)].sort();
}

/** The tool's own modules, relative to dist/. */
const ownModules = (modules: string[]): string[] => modules.filter((url) => url.includes('/dist/') && !url.includes('/node_modules/')).map((url) => url.replace(/^.*\/dist\//, ''));

describe('start-up: commands load when they run', () => {
  it('the trace sees dependencies, ES modules and CommonJS alike (validate loads yaml, commander is CommonJS)', () => {
    const modules = modulesLoadedBy(['validate', '--dir', 'examples/contoso-northwind']);
    expect(packagesOf(modules)).toEqual(expect.arrayContaining(['commander', 'yaml']));
    expect(modules.some((url) => /node_modules\/commander\/lib\/command\.js$/.test(url))).toBe(true);
    expect(ownModules(modules)).toContain('cli/actions/validate.js');
  });

  it('plan with --state loads no ajv (every validator it runs is compiled ahead of time), no git or GitHub client', () => {
    const out = join(work, 'plan.json');
    const modules = modulesLoadedBy(['plan', '--dir', 'examples/contoso-northwind', '--state', 'examples/contoso-northwind/state', '--out', out]);
    const packages = packagesOf(modules);
    expect(packages).toContain('yaml');
    for (const heavy of ['octokit', '@octokit/core', 'execa']) expect(packages).not.toContain(heavy);
    // Of ajv, only the runtime helpers the generated validators call (ucs2length).
    expect(modules.filter((url) => url.includes('/node_modules/ajv/') && !url.includes('/ajv/dist/runtime/'))).toEqual([]);
  });

  for (const args of [['--version'], ['--help'], ['validate', '--help'], ['plan', '--help'], ['apply', '--help'], ['import', '--help'], ['github', 'plan-comment', '--help'], ['schema', '--help']]) {
    it(`exo-gitops ${args.join(' ')} loads commander and no other dependency, and no command's implementation`, () => {
      const modules = modulesLoadedBy(args);
      expect(packagesOf(modules)).toEqual(['commander']);
      const own = ownModules(modules);
      expect(own).toContain('cli/program.js');
      // The option declarations only: no command's implementation, none of the use cases behind them.
      expect(own.filter((m) => /^(cli\/actions|load|validate|plan|export|apply|github|import|render|simulator|process)\//.test(m))).toEqual([]);
    });
  }
});
