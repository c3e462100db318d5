// Until exo-gitops is published on npm, users install it from git: `npm install
// github:OWNER/exo-gitops#TAG`. npm then clones the repository, installs its dependencies and runs its
// `prepare` script (which builds dist/) before packing it. This runs exactly that path on this
// working tree: a git repository made from its files, a tag, and `npm install git+file://…#TAG` in an
// empty project (dependencies come from npm's cache where it has them).
import { execa } from 'execa';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, removeTempDirs } from '../fixtures/repo.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };

afterAll(removeTempDirs);

/** The environment without what `npm test` adds (npm_config_*, npm_lifecycle_*…), so the inner npm is a user's. */
function userEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !/^npm_/i.test(k))) as Record<string, string>;
}

describe('npm install from git', () => {
  it('builds through prepare, and the installed exo-gitops runs', { timeout: 240_000 }, async () => {
    const top = makeTempDir();
    const source = join(top, 'exo-gitops');
    // The files git would have after a commit of this working tree (tracked, and new ones not ignored).
    const listed = await execa('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT });
    for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(ROOT, f)))) {
      mkdirSync(dirname(join(source, file)), { recursive: true });
      cpSync(join(ROOT, file), join(source, file));
    }
    const git = (args: string[]) => execa('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd: source });
    await git(['init', '-q', '--initial-branch=main']);
    await git(['add', '-A']);
    await git(['commit', '-q', '-m', 'release']);
    await git(['tag', `v${pkg.version}`]);
    expect(existsSync(join(source, 'dist'))).toBe(false);

    const consumer = join(top, 'config-repo');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), '{ "name": "config-repo", "private": true }\n');
    // prefer-offline through the environment: the npm that prepares the clone reads it too.
    const env = { ...userEnv(), npm_config_prefer_offline: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
    const install = await execa('npm', ['install', `git+file://${source}#v${pkg.version}`], { cwd: consumer, env, extendEnv: false, reject: false, timeout: 200_000 });
    expect(install.exitCode, `${install.stdout}\n${install.stderr}`).toBe(0);

    const installed = join(consumer, 'node_modules/exo-gitops');
    expect(existsSync(join(installed, 'dist/cli/main.js')), 'prepare built dist/').toBe(true);
    expect(existsSync(join(installed, 'src')), 'only the files of package.json "files" are installed').toBe(false);
    expect(existsSync(join(consumer, 'node_modules/typescript')), 'development dependencies stay out').toBe(false);

    const bin = join(consumer, 'node_modules/.bin/exo-gitops');
    const version = await execa(bin, ['--version'], { cwd: consumer, reject: false });
    expect(version.stdout.trim()).toBe(pkg.version);
    const validate = await execa(bin, ['validate', '--dir', 'node_modules/exo-gitops/examples/contoso-northwind'], { cwd: consumer, reject: false, env: { NO_COLOR: '1' } });
    expect(validate.exitCode, validate.stdout + validate.stderr).toBe(0);
    expect(validate.stdout).toMatch(/^valid: /m);
  });
});
