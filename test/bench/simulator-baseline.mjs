// The simulator as it was before issue 17's parser and state work, built from git history, so
// `npm run bench` compares the two in the same run (alternating), not against figures of another day.
// The baseline's package.json and lock file are the same as today's, so its tree is compiled with
// this checkout's node_modules (a symbolic link) and nothing is installed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The commit before the simulator's parser and state work (45f4b16, 2734358). */
export const SIMULATOR_BASELINE = 'bdf6fa0';

/**
 * Builds the simulator of `ref` in a temporary git worktree. Returns its main.js and a cleanup, or
 * the reason it could not (a shallow clone without the commit, a failed compile).
 */
export function buildBaselineSimulator(root, ref = SIMULATOR_BASELINE) {
  const work = mkdtempSync(join(tmpdir(), 'exo-sim-baseline-'));
  const tree = join(work, 'tree');
  const cleanup = () => {
    try {
      execFileSync('git', ['-C', root, 'worktree', 'remove', '--force', tree], { stdio: 'ignore' });
    } catch {
      // Not added, or already gone.
    }
    rmSync(work, { recursive: true, force: true });
  };
  try {
    execFileSync('git', ['-C', root, 'worktree', 'add', '--detach', tree, ref], { stdio: 'ignore' });
    symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'), 'dir');
    execFileSync(process.execPath, [join(tree, 'scripts', 'build.mjs')], { cwd: tree, stdio: 'ignore' });
    const simulator = join(tree, 'dist', 'simulator', 'main.js');
    if (!existsSync(simulator)) throw new Error(`${ref} built no dist/simulator/main.js`);
    return { simulator, cleanup };
  } catch (error) {
    cleanup();
    return { problem: `the simulator of ${ref} could not be built (${error.message.split('\n')[0]})` };
  }
}
