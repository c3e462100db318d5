// A config repository as users have it (the example's files at the repository root, snapshots in
// state/), in a real temporary git repository, plus the simulator's tenants and a GitHub Actions-like
// environment pointing at the fake GitHub. Commands run in-process through the CLI's run().
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { run } from '../../src/cli/program.js';
import { OWNER, REPO, type FakeGitHub } from './fake-github.js';
import { replaceOnce } from '../support/edit.js';

const root = new URL('../../', import.meta.url).pathname;
export const EXAMPLE = join(root, 'examples/contoso-northwind');
const simulator = join(root, 'dist/simulator/main.js');

export interface Result {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface Workspace {
  /** The config repository (git work tree; the config is at its root). */
  repo: string;
  /** Files a job writes outside the checkout: event payload, job summary, plan and run records. */
  work: string;
  /** The simulator's tenants (EXO_SIM_STATE): the "live" Exchange Online. */
  tenants: string;
  git: SimpleGit;
  env: Record<string, string>;
  run: (args: string[], env?: Record<string, string | undefined>) => Promise<Result>;
  /** Write a pull_request event for PR `number` and point GITHUB_EVENT_PATH at it. */
  pullRequestEvent: (number: number, baseSha: string, headSha: string, headRepo?: string) => void;
  edit: (file: string, from: string, to: string) => void;
  commit: (message: string) => Promise<string>;
  summary: () => string;
}

const dirs: string[] = [];
export function removeWorkspaces(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export async function workspace(github: FakeGitHub): Promise<Workspace> {
  if (!existsSync(simulator)) throw new Error('build first: npm run build (npm test does it)');
  const dir = mkdtempSync(join(tmpdir(), 'exo-github-'));
  dirs.push(dir);
  const repo = join(dir, 'repo');
  const work = join(dir, 'work');
  const tenants = join(dir, 'tenants');
  cpSync(EXAMPLE, repo, { recursive: true, filter: (src) => !src.includes(`${join(EXAMPLE, '.github')}`) });
  cpSync(join(EXAMPLE, 'state'), tenants, { recursive: true });
  mkdirSync(work);
  const git = simpleGit({ baseDir: repo });
  await git.init(['--initial-branch=main']);
  await git.addConfig('user.name', 'Test').addConfig('user.email', 'test@example.com').addConfig('commit.gpgsign', 'false');
  await git.add('.');
  await git.commit('base');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    GITHUB_TOKEN: 'test-token',
    GITHUB_REPOSITORY: `${OWNER}/${REPO}`,
    GITHUB_API_URL: github.url,
    GITHUB_SERVER_URL: 'https://github.test',
    GITHUB_RUN_ID: '4242',
    GITHUB_STEP_SUMMARY: join(work, 'summary.md'),
    // The simulator's embedded host inside the CLI process: these tests are about the CLI and Exchange's
    // behaviour, not a process (test/process, test/simulator/host-pwsh, test/powershell/hostile and test/apply/interrupted are).
    EXO_GITOPS_PWSH: 'exo-gitops-sim:in-process',
    EXO_SIM_STATE: tenants,
    CONTOSO_EXO_TOKEN: 'token-for-contoso',
    NORTHWIND_CERT_PASSWORD: 'password-for-northwind',
    NORTHWIND_MIGRATION_APP_SECRET: 'secret-for-the-app',
    EXO_GITOPS_RETRY_BASE_MS: '1',
    EXO_GITOPS_RETRY_MAX_MS: '5',
  };
  const w: Workspace = {
    repo,
    work,
    tenants,
    git,
    env,
    run: async (args, extra = {}) => {
      const out: string[] = [];
      const err: string[] = [];
      const merged = Object.fromEntries(Object.entries({ ...env, ...extra }).filter(([, v]) => v !== undefined)) as Record<string, string>;
      const exitCode = await run(args, { cwd: repo, env: merged, color: false, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
      return { exitCode, stdout: out.join('\n'), stderr: err.join('\n') };
    },
    pullRequestEvent: (number, baseSha, headSha, headRepo = `${OWNER}/${REPO}`) => {
      const path = join(work, 'event.json');
      writeFileSync(path, JSON.stringify({ action: 'synchronize', number, pull_request: { number, base: { sha: baseSha, ref: 'main' }, head: { sha: headSha, ref: 'change', repo: { full_name: headRepo } } } }));
      env.GITHUB_EVENT_PATH = path;
    },
    edit: (file, from, to) => {
      const path = join(repo, file);
      writeFileSync(path, replaceOnce(readFileSync(path, 'utf8'), from, to, { in: file }));
    },
    commit: async (message) => {
      await git.add('.');
      await git.commit(message);
      return (await git.revparse(['HEAD'])).trim();
    },
    summary: () => (existsSync(join(work, 'summary.md')) ? readFileSync(join(work, 'summary.md'), 'utf8') : ''),
  };
  return w;
}
