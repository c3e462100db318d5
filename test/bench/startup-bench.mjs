// Start-up time of the built CLI (dist/), against Node's own: `node -e 0`, `exo-gitops --version`,
// `exo-gitops --help` and `exo-gitops validate --dir examples/contoso-northwind`, each in its own
// process, N runs each (BENCH_STARTUP_RUNS, default 15), alternating in the same run (so a machine
// busy with something else slows every command alike), after one warm-up round that is not counted.
// Prints the median, min and max wall time of each and the ratio of its median to `node -e 0`'s.
//
//   npm run build && node test/bench/startup-bench.mjs
//
// Targets (issue 17): --version at most 2x `node -e 0`, validate of the example at most 4x.
// startupBench() returns the figures, for test/bench/run.mjs.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const example = join(root, 'examples', 'contoso-northwind');

/** The commands measured: a name, node's arguments, the exit code expected. The first is the baseline. */
export const STARTUP_COMMANDS = [
  { name: 'node -e 0', args: ['-e', '0'] },
  { name: 'exo-gitops --version', args: [cli, '--version'] },
  { name: 'exo-gitops --help', args: [cli, '--help'] },
  { name: 'exo-gitops validate --dir examples/contoso-northwind', args: [cli, 'validate', '--dir', example] },
];

/** The targets, as the largest ratio to `node -e 0` each command may take. */
export const STARTUP_TARGETS = { 'exo-gitops --version': 2, 'exo-gitops validate --dir examples/contoso-northwind': 4 };

function once(command) {
  const started = process.hrtime.bigint();
  // No colour, no CI annotations, no inherited NODE_OPTIONS: the same process for every run.
  const env = { ...process.env, NO_COLOR: '1', GITHUB_ACTIONS: '', NODE_OPTIONS: '' };
  const result = spawnSync(process.execPath, command.args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`${command.name} exited ${result.status ?? result.signal}: ${String(result.stderr).slice(0, 500)}`);
  return ms;
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/**
 * Run every command `runs` times, alternating (round k starts with a different command each time, so
 * none always runs right after the same other one). Returns, per command, the times in ms, their
 * median, min and max, and the ratio of its median to the baseline's; and whether each target is met.
 */
export function startupBench({ runs = Number(process.env.BENCH_STARTUP_RUNS ?? 15), log = () => undefined } = {}) {
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`BENCH_STARTUP_RUNS must be a whole number of at least 1, got ${runs}`);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const times = STARTUP_COMMANDS.map(() => []);
  for (const command of STARTUP_COMMANDS) once(command); // warm-up: file cache, nothing counted
  for (let round = 0; round < runs; round++) {
    for (let i = 0; i < STARTUP_COMMANDS.length; i++) {
      const index = (i + round) % STARTUP_COMMANDS.length;
      times[index].push(once(STARTUP_COMMANDS[index]));
    }
    log(`round ${round + 1}/${runs}: ${STARTUP_COMMANDS.map((c, i) => `${c.name} ${times[i].at(-1).toFixed(0)} ms`).join(', ')}`);
  }
  const baseline = median(times[0]);
  const commands = STARTUP_COMMANDS.map((command, i) => {
    const m = median(times[i]);
    return { name: command.name, runs: times[i], median: m, min: Math.min(...times[i]), max: Math.max(...times[i]), ratio: m / baseline };
  });
  const targets = Object.entries(STARTUP_TARGETS).map(([name, limit]) => {
    const ratio = commands.find((c) => c.name === name).ratio;
    return { name, limit, ratio, met: ratio <= limit };
  });
  return { runs, node: process.version, commands, targets };
}

/** The figures as a Markdown table. */
export function startupTable(bench) {
  const ms = (value) => value.toFixed(0);
  return [
    `| command (${bench.runs} runs each, alternating) | median | min | max | median / \`node -e 0\` |`,
    '|---|---:|---:|---:|---:|',
    ...bench.commands.map((c) => `| \`${c.name}\` | ${ms(c.median)} ms | ${ms(c.min)} ms | ${ms(c.max)} ms | ${c.ratio.toFixed(2)}x |`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bench = startupBench({ log: (line) => console.error(line) });
  console.log(`Node ${bench.node}`);
  console.log(startupTable(bench));
  for (const t of bench.targets) console.log(`${t.met ? 'met' : 'NOT met'}: ${t.name} at ${t.ratio.toFixed(2)}x node -e 0 (target at most ${t.limit}x)`);
}
