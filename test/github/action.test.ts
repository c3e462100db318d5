// action.yml, the repository as a GitHub Action (`uses: OWNER/exo-gitops@…`). actionlint checks
// workflows only, so its structure is checked here: a composite action, every input it uses declared
// and every declared input used, a shell on every run step, third-party actions pinned by commit SHA,
// no expression inside a script. Then the step that runs the command is run in bash as the runner
// would, against a stand-in exo-gitops and az: argument splitting, exit codes, the job summary, the
// certificate and the OIDC token.
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { makeTempDir, removeTempDirs } from '../fixtures/repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const text = readFileSync(join(ROOT, 'action.yml'), 'utf8');

interface Step {
  id?: string;
  name?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'working-directory'?: string;
}
interface Action {
  name?: string;
  description?: string;
  inputs: Record<string, { description?: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description?: string; value?: string }>;
  runs: { using: string; steps: Step[] };
}
const action = parse(text) as Action;

afterAll(removeTempDirs);

describe('action.yml', () => {
  it('is a composite action with a name and a description', () => {
    expect(action.runs.using).toBe('composite');
    expect(action.name).toBe('exo-gitops');
    expect(action.description).toBeTruthy();
    expect(action.runs.steps.length).toBeGreaterThan(0);
  });

  it('every ${{ inputs.x }} is declared, and every declared input is used', () => {
    const used = new Set([...text.matchAll(/\binputs\.([A-Za-z0-9_-]+)/g)].map((m) => m[1]!));
    const declared = Object.keys(action.inputs);
    for (const name of used) expect(declared, `inputs.${name} is used but not declared`).toContain(name);
    for (const name of declared) expect([...used], `input ${name} is declared but never used`).toContain(name);
    for (const [name, input] of Object.entries(action.inputs)) {
      expect(input.description, `input ${name} needs a description`).toBeTruthy();
      expect(input.required ?? false, `input ${name}: every input has a default`).toBe(false);
      expect(typeof input.default, `input ${name} has a string default`).toBe('string');
    }
  });

  it('every run step says its shell; every uses is pinned by commit SHA; no expression inside a script', () => {
    for (const step of action.runs.steps) {
      expect(step.run === undefined, 'a step either runs a script or uses an action').toBe(step.uses !== undefined);
      if (step.run !== undefined) {
        expect(step.shell, `step ${step.name} needs shell:`).toBe('bash');
        // Inputs reach scripts through env:, so a value can never become shell code.
        expect(step.run, `step ${step.name}`).not.toContain('${{');
      } else {
        expect(step.uses, `${step.uses} should be pinned to a 40-character commit SHA`).toMatch(/^[^./][^@]*@[0-9a-f]{40}$/);
      }
    }
  });

  it('its outputs come from steps that exist', () => {
    const ids = new Set(action.runs.steps.map((s) => s.id).filter(Boolean));
    for (const [name, output] of Object.entries(action.outputs)) {
      const step = /steps\.([A-Za-z0-9_-]+)\.outputs\./.exec(output.value ?? '')?.[1];
      expect(step && ids.has(step), `output ${name}: ${output.value}`).toBe(true);
    }
  });

  it('installs from its own checkout with npm ci (no install scripts) and a build, and sets up Node 22 or 24', () => {
    const install = action.runs.steps.find((s) => s.run?.includes('npm ci'))!;
    expect(install['working-directory']).toBe('${{ github.action_path }}');
    expect(install.run).toContain('npm ci --ignore-scripts');
    expect(install.run).toContain('node scripts/build.mjs');
    expect(install.run).not.toMatch(/npm install/);
    const node = action.runs.steps.find((s) => s.uses?.startsWith('actions/setup-node@'))!;
    expect(node.with!['node-version']).toBe('${{ inputs.node-version }}');
    expect(['22', '24']).toContain(action.inputs['node-version']!.default);
  });

  it('signs out after the command whatever happened', () => {
    const last = action.runs.steps.at(-1)!;
    expect(last.if).toMatch(/^always\(\)/);
    expect(last.run).toContain('az logout');
  });
});

// ---------------------------------------------------------------------------------------------------

const commandStep = action.runs.steps.find((s) => s.id === 'run')!;

/** A stand-in for dist/cli/main.js: says what it got (arguments, the token, the certificate), exits with $FAKE_EXIT. */
const FAKE_MAIN = `
const fs = require('node:fs');
const cert = process.env.CERT_TO_CHECK;
const seen = {
  args: process.argv.slice(2),
  cwd: process.cwd(),
  token: process.env.CONTOSO_EXO_TOKEN ?? null,
  certInEnv: process.env.EXO_GITOPS_ACTION_CERT ?? null,
  cert: cert && fs.existsSync(cert) ? { mode: (fs.statSync(cert).mode & 0o777).toString(8), content: fs.readFileSync(cert, 'utf8') } : null,
};
console.log('## planned');
console.log(JSON.stringify(seen));
if (process.env.FAKE_WAIT_FOR_SIGNAL) {
  // As apply does: a signal is handled (the step in flight finishes), then it exits 130.
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { console.log('got ' + signal); process.exit(130); });
  console.log('running');
  setInterval(() => {}, 1000);
} else {
  process.exit(Number(process.env.FAKE_EXIT ?? 0));
}
`;

interface Inputs {
  command: string;
  'allowed-exit-codes'?: string;
  summary?: string;
  'oidc-client-id'?: string;
  'oidc-token-env'?: string;
  'certificate-base64'?: string;
  'certificate-path'?: string;
}

/** Run the command step of action.yml in bash, its env: filled from the inputs as the runner does. */
async function runStep(inputs: Inputs, extraEnv: Record<string, string> = {}, duringRun?: (step: ReturnType<typeof execa>) => Promise<void>) {
  const dir = makeTempDir();
  const actionPath = join(dir, 'action');
  mkdirSync(join(actionPath, 'dist/cli'), { recursive: true });
  writeFileSync(join(actionPath, 'dist/cli/main.js'), FAKE_MAIN);
  writeFileSync(join(actionPath, 'package.json'), '{"type":"commonjs"}');
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'az'), '#!/bin/sh\n[ "$1 $2" = "account get-access-token" ] && echo "token-from-az-$4" && exit 0\nexit 3\n');
  chmodSync(join(bin, 'az'), 0o755);
  const outputFile = join(dir, 'output');
  const summaryFile = join(dir, 'summary.md');
  writeFileSync(outputFile, '');
  const defaults = Object.fromEntries(Object.entries(action.inputs).map(([k, v]) => [k, v.default ?? '']));
  const all = { ...defaults, ...inputs } as Record<string, string>;
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(commandStep.env ?? {})) {
    env[name] = value.replace(/\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}/g, (_m, input: string) => all[input] ?? '');
  }
  // As the runner runs a `shell: bash` step: the script in a file, `bash --noprofile --norc -eo pipefail {0}`.
  const script = join(dir, 'step.sh');
  writeFileSync(script, commandStep.run!);
  const step = execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    cwd: dir,
    reject: false,
    env: { PATH: `${bin}:${process.env.PATH}`, GITHUB_ACTION_PATH: actionPath, GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile, ...env, ...extraEnv },
    extendEnv: false,
  });
  await duringRun?.(step);
  const result = await step;
  const lines = result.stdout.split('\n');
  const seenLine = lines.find((l) => l.startsWith('{'));
  return {
    exitCode: result.exitCode,
    stdout: result.stdout,
    seen: seenLine ? (JSON.parse(seenLine) as { args: string[]; token: string | null; certInEnv: string | null; cert: { mode: string; content: string } | null }) : undefined,
    output: readFileSync(outputFile, 'utf8'),
    summary: existsSync(summaryFile) ? readFileSync(summaryFile, 'utf8') : '',
    dir,
  };
}

describe("action.yml's command step, in bash", () => {
  it('splits the command at spaces and line breaks, with no expansion and no globbing', async () => {
    const r = await runStep({ command: 'plan --dir $HOME/*\n  --format "markdown"' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.seen!.args).toEqual(['plan', '--dir', '$HOME/*', '--format', '"markdown"']);
    expect(r.output).toBe('exit-code=0\n');
  });

  it('an exit code not allowed fails the step; an allowed one (plan: 0 2) does not; either way exit-code is set', async () => {
    const failed = await runStep({ command: 'plan' }, { FAKE_EXIT: '2' });
    expect(failed.exitCode).toBe(2);
    expect(failed.output).toBe('exit-code=2\n');
    const changes = await runStep({ command: 'plan', 'allowed-exit-codes': '0 2' }, { FAKE_EXIT: '2' });
    expect(changes.exitCode).toBe(0);
    expect(changes.output).toBe('exit-code=2\n');
    const error = await runStep({ command: 'plan', 'allowed-exit-codes': '0 2' }, { FAKE_EXIT: '1' });
    expect(error.exitCode).toBe(1);
  });

  it('a cancelled run: the signals the runner sends the shell reach exo-gitops, whose exit code is kept', async () => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      const r = await runStep({ command: 'apply --yes', summary: 'true' }, { FAKE_WAIT_FOR_SIGNAL: '1' }, async (step) => {
        // The shell has started exo-gitops once its stand-in says so: its output goes to a file until it ends.
        await new Promise((resolve) => setTimeout(resolve, 1500));
        step.kill(signal);
      });
      expect(r.stdout, signal).toContain(`got ${signal}`);
      expect(r.output).toBe('exit-code=130\n');
      expect(r.exitCode).toBe(130);
      expect(r.summary).toContain('## planned');
    }
  });

  it('summary: true appends stdout to the job summary (and keeps the exit code through the pipe)', async () => {
    const r = await runStep({ command: 'plan --format markdown', summary: 'true', 'allowed-exit-codes': '0 2' }, { FAKE_EXIT: '2' });
    expect(r.exitCode).toBe(0);
    expect(r.output).toBe('exit-code=2\n');
    expect(r.summary).toContain('## planned');
    expect((await runStep({ command: 'plan' })).summary).toBe('');
  });

  it('the certificate is written (0600) for the command only, and its base64 is not in its environment', async () => {
    const dir = makeTempDir();
    const path = join(dir, 'exo-gitops/northwind-exo.pfx');
    const r = await runStep({ command: 'apply', 'certificate-base64': Buffer.from('pfx bytes').toString('base64'), 'certificate-path': path }, { CERT_TO_CHECK: path });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.seen!.cert).toEqual({ mode: '600', content: 'pfx bytes' });
    expect(r.seen!.certInEnv).toBeNull();
    expect(existsSync(path)).toBe(false);
    expect((statSync(join(dir, 'exo-gitops')).mode & 0o777).toString(8)).toBe('700');
    const failed = await runStep({ command: 'apply', 'certificate-base64': 'cGZ4', 'certificate-path': path }, { CERT_TO_CHECK: path, FAKE_EXIT: '1' });
    expect(failed.exitCode).toBe(1);
    expect(existsSync(path)).toBe(false);
  });

  it("OIDC: the Exchange Online token from az, masked, in the variable the tenant's accessTokenEnv names", async () => {
    const r = await runStep({ command: 'plan', 'oidc-client-id': 'client', 'oidc-token-env': 'CONTOSO_EXO_TOKEN' });
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.seen!.token).toBe('token-from-az-https://outlook.office365.com');
    expect(r.stdout).toContain('::add-mask::token-from-az-https://outlook.office365.com');
    const bad = await runStep({ command: 'plan', 'oidc-client-id': 'client', 'oidc-token-env': 'NOT A NAME; rm -rf /' });
    expect(bad.exitCode).toBe(1);
    expect(bad.seen).toBeUndefined();
    expect(bad.stdout).toMatch(/^::error title=exo-gitops action::oidc-token-env/m);
  });
});
