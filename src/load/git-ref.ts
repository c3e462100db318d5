// The desired state as it was at another commit (a pull request's base, the commit last applied),
// read from git with simple-git: the config directory's files at that commit are written to a
// temporary directory and loaded like any other, so both sides go through the same loader.

import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { simpleGit } from 'simple-git';

export class GitRefError extends Error {
  override name = 'GitRefError';
}

export interface AtRef<T> {
  ref: string;
  sha: string;
  result: T;
}

/**
 * The config directory's files as of `ref` (any commit-ish git understands), written to a temporary
 * directory that lives while `read` runs: `read` gets that directory and loads it like any other.
 */
export async function readTreeAt<T>(directory: string, ref: string, read: (checkout: string) => T | Promise<T>): Promise<AtRef<T>> {
  const absolute = resolve(directory);
  const git = simpleGit({ baseDir: absolute });
  let top: string;
  let sha: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
    sha = (await git.revparse(['--verify', '--quiet', `${ref}^{commit}`])).trim();
  } catch (error) {
    throw new GitRefError(`cannot read ${JSON.stringify(ref)} in the git repository of ${directory}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!/^[0-9a-f]{40,64}$/.test(sha)) throw new GitRefError(`${JSON.stringify(ref)} is not a commit of the repository of ${directory}`);
  const prefix = relative(top, absolute).split('\\').join('/');
  const listing = await git.raw(['ls-tree', '--full-tree', '-r', '-z', '--name-only', sha, '--', prefix === '' ? '.' : prefix]);
  const files = listing.split('\0').filter((f) => f !== '');

  const scratch = await mkdtemp(join(tmpdir(), 'exo-gitops-ref-'));
  try {
    for (const file of files) {
      const within = prefix === '' ? file : file.slice(prefix.length + 1);
      const target = join(scratch, within);
      await mkdir(dirname(target), { recursive: true });
      // Binary-safe: a file is copied byte for byte, so its content hash matches a checkout's.
      const content = await git.binaryCatFile(['blob', `${sha}:${file}`]);
      await writeFile(target, content);
    }
    return { ref, sha, result: await read(scratch) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
