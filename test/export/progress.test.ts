// Export's progress on a terminal: a spinner line naming the tenants still being read and for how
// long, redrawn in place and cleared at the end; nothing of it in CI logs or a pipe.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { exportStatus } from '../../src/export/export.js';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/contoso-northwind');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function simulated(): Record<string, string> {
  const tenants = mkdtempSync(join(tmpdir(), 'exo-progress-'));
  dirs.push(tenants);
  cpSync(join(example, 'state'), tenants, { recursive: true });
  return { EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process', EXO_SIM_STATE: tenants, CONTOSO_EXO_TOKEN: 't', NORTHWIND_CERT_PASSWORD: 'p' };
}

describe('export progress', () => {
  it('names each tenant still being read with its time so far, and those done', () => {
    const running = new Map([['northwind', 1000], ['contoso', 2500]]);
    expect(exportStatus(0, running, [], 5100)).toBe('⠋ exporting northwind 4.1 s, contoso 2.6 s');
    expect(exportStatus(11, new Map([['contoso', 0]]), ['northwind'], 61_000)).toBe('⠙ exporting contoso 61.0 s; done: northwind');
  });

  it('on a terminal, export and plan draw it while the tenants are read and clear it after', async () => {
    for (const command of [['export', '--state', 'out'], ['plan']]) {
      const drawn: string[] = [];
      const out = mkdtempSync(join(tmpdir(), 'exo-progress-out-'));
      dirs.push(out);
      const code = await run([...command.map((a) => (a === 'out' ? out : a)), '--dir', example], { env: simulated(), interactive: true, status: (text) => drawn.push(text), stdout: () => undefined, stderr: () => undefined });
      expect(code, command.join(' ')).toBe(command[0] === 'plan' ? 2 : 0);
      expect(drawn.some((line) => /^\S exporting (northwind|contoso) \d+\.\d s/.test(line)), drawn.join('\n')).toBe(true);
      expect(drawn.at(-1)).toBe('');
    }
  });

  it('not on a terminal: nothing is drawn', async () => {
    const drawn: string[] = [];
    const code = await run(['plan', '--dir', example], { env: simulated(), interactive: false, status: (text) => drawn.push(text), stdout: () => undefined, stderr: () => undefined });
    expect(code).toBe(2);
    expect(drawn).toEqual([]);
  });
});
