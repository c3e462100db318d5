// One benchmark step: a command run in its own Node process(es), wall time measured from outside and
// peak RSS written by each Node process itself (rss-hook.mjs, loaded through NODE_OPTIONS=--import).
// Shared by run.mjs and batch-bench.mjs so both measure the same way.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const hook = new URL('./rss-hook.mjs', import.meta.url).href;

/** Run one step in its own processes; wall time from outside, peak RSS per Node process (rss-hook.mjs). */
export function step(name, args, { env = {}, expect = [0], cwd } = {}) {
  const rssDir = mkdtempSync(join(tmpdir(), 'exo-bench-rss-'));
  const started = performance.now();
  const result = spawnSync(process.execPath, args, {
    cwd,
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    env: { ...process.env, ...env, BENCH_RSS_DIR: rssDir, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import=${hook}`.trim(), NO_COLOR: '1' },
  });
  const ms = Math.round(performance.now() - started);
  const processes = readdirSync(rssDir).map((f) => JSON.parse(readFileSync(join(rssDir, f), 'utf8')));
  rmSync(rssDir, { recursive: true, force: true });
  if (!expect.includes(result.status)) {
    throw new Error(`${name} exited ${result.status}:\n${(result.stderr || '').slice(-3000)}\n${(result.stdout || '').slice(-2000)}`);
  }
  const rssOf = (role) => Math.max(0, ...processes.filter((p) => p.role === role).map((p) => p.maxRssMiB));
  return { ms, exit: result.status, stdout: result.stdout, rss: Math.max(0, ...processes.map((p) => p.maxRssMiB)), cliRss: rssOf('cli'), simRss: rssOf('simulator') };
}
