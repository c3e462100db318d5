// apply at Exchange's budget: the built CLI applies about `changes` changes (generate.mjs's repository:
// drifted mail users in northwind, scope members to add and leavers to remove in contoso) through the
// simulator, whose budget knob (EXO_SIM_THROTTLE_BUDGET) throttles as Exchange does, with real sleeps
// (EXO_SIM_SLEEP_SCALE=1: the scripts' pacing and backoff wait for real). Reports seconds per change
// against the ideal the budget allows (window / requests: 0.5 s at 20/10s), the calls made and how
// many were throttled, and whether the next plan has nothing left to do.
//
//   node test/bench/apply-budget-bench.mjs            (npm run build first)
//   BENCH_BUDGET=20/10s BENCH_BUDGET_CHANGES=200 BENCH_BUDGET_RUNS=1
//   BENCH_BUDGET_PACED=0         the scripts not paced (EXO_GITOPS_REQUEST_BUDGET=off): throttling and backoff alone
//   BENCH_BUDGET_ROOT=/other/checkout   measure another build (its dist/), e.g. the commit before pacing
//   node test/bench/apply-budget-bench.mjs first-fill   the first fill of a 10,000-member scope group
//                                (BENCH_FIRST_FILL_MEMBERS): Update of the first 1,000 against Add each
//
// applyBudgetBench() and firstFillBench() are exported for run.mjs. Figures are measurements, never test assertions.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig, generateSnapshots } from './generate.mjs';
import { step } from './step.mjs';

const defaultRoot = fileURLToPath(new URL('../..', import.meta.url));

/** N mail users and a drift that give about `changes` changes: c MEU updates, c members to add, c/10 to remove. */
function scenario(changes) {
  const drifted = Math.max(1, Math.round(changes / 2.1));
  const n = Math.max(100, drifted * 10);
  return { n, drift: drifted / n };
}

function parseBudget(text) {
  const match = /^\s*(\d+)\s*\/\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/i.exec(text);
  if (!match) throw new Error(`a budget looks like 20/10s, got ${JSON.stringify(text)}`);
  const unit = (match[3] ?? 's').toLowerCase();
  return { requests: Number(match[1]), windowMs: Number(match[2]) * (unit === 'ms' ? 1 : unit === 'm' ? 60000 : 1000) };
}

/**
 * One or more applies of the same changes, each on a fresh copy of the tenants. Returns per run: wall
 * time, seconds per change, ratio to the ideal, calls (Connect and Disconnect left out), throttled
 * calls, converged; and the median seconds per change.
 */
export function applyBudgetBench({ changes = 200, budget = '20/10s', runs = 1, paced = true, root = defaultRoot, log = () => {} } = {}) {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const simulator = join(root, 'dist', 'simulator', 'main.js');
  if (!existsSync(cli) || !existsSync(simulator)) throw new Error(`${root}: build first (npm run build)`);
  const { requests, windowMs } = parseBudget(budget);
  const ideal = windowMs / requests / 1000;
  const { n, drift } = scenario(changes);
  const work = mkdtempSync(join(tmpdir(), 'exo-budget-bench-'));
  try {
    const config = join(work, 'config');
    const original = join(work, 'state');
    generateConfig(config, n);
    const expected = generateSnapshots(original, n, drift, { layout: 'document' });
    const total = expected.mailUserUpdates + expected.memberAdds + expected.memberRemoves;
    const results = [];
    for (let i = 0; i < runs; i++) {
      const tenants = join(work, `tenants-${i}`);
      cpSync(original, tenants, { recursive: true });
      const metrics = join(work, `metrics-${i}.json`);
      const env = {
        CONTOSO_EXO_TOKEN: 'bench-token',
        NORTHWIND_EXO_TOKEN: 'bench-token',
        NORTHWIND_MIGRATION_APP_SECRET: 'bench-secret',
        EXO_GITOPS_PWSH: simulator,
        EXO_SIM_STATE: tenants,
        EXO_SIM_METRICS: metrics,
        EXO_SIM_THROTTLE_BUDGET: budget,
        EXO_SIM_SLEEP_SCALE: '1',
        // A build before pacing ignores it; off: throttling and backoff alone.
        EXO_GITOPS_REQUEST_BUDGET: paced ? budget : 'off',
      };
      const applied = step('apply', [cli, 'apply', '--dir', config, '--state', tenants, '--yes', '--allow', 'remove-member', '--max-actions', '0'], { cwd: work, env, expect: [0, 1] });
      const m = existsSync(metrics) ? JSON.parse(readFileSync(metrics, 'utf8')) : { calls: {}, throttled: {} };
      const calls = Object.entries(m.calls ?? {}).filter(([c]) => !/^(Connect|Disconnect)-/.test(c)).reduce((sum, [, k]) => sum + k, 0);
      const throttled = Object.values(m.throttled ?? {}).reduce((sum, k) => sum + k, 0);
      const again = step('replan', [cli, 'plan', '--dir', config, '--state', tenants, '--max-actions', '0'], { cwd: work, env: { ...env, EXO_SIM_THROTTLE_BUDGET: '' }, expect: [0, 2] });
      const seconds = applied.ms / 1000;
      const result = { run: i + 1, exit: applied.exit, seconds, changes: total, secondsPerChange: seconds / total, ratio: seconds / total / ideal, calls, throttled, converged: again.exit === 0 };
      log(`run ${i + 1}: ${total} changes in ${seconds.toFixed(1)} s: ${result.secondsPerChange.toFixed(3)} s per change (${result.ratio.toFixed(2)} x the ideal ${ideal} s), ${calls} calls, ${throttled} throttled, exit ${applied.exit}, converged ${result.converged}`);
      results.push(result);
    }
    const sorted = results.map((r) => r.secondsPerChange).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)];
    return { budget, ideal, paced, root, n, drift, changes: total, runs: results, medianSecondsPerChange: median, medianRatio: median / ideal };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Seconds `calls` requests take at the budget when paced: the first `requests` at once, then `requests` a window. */
export const secondsAtBudget = (calls, { requests, windowMs }) => (Math.max(0, Math.ceil(calls / requests) - 1) * windowMs) / 1000;

/**
 * The first fill of a scope group of `members` (BENCHMARKS.md, "Scope groups: Add per member or Update
 * for bulk"): applied through the simulator, not paced and without its budget (fast), once with the
 * group empty at export (the plan marks it firstFill: one Get, one Update of the first 1,000, one Add
 * for each of the rest) and once with one of the members already in it (one Add per other member).
 * Reports the calls each made (Connect and Disconnect left out), the seconds they take at the budget
 * when paced (secondsAtBudget), and the wall time of the unpaced run.
 */
export function firstFillBench({ members = 10000, budget = '20/10s', root = defaultRoot, log = () => {} } = {}) {
  const cli = join(root, 'dist', 'cli', 'main.js');
  const simulator = join(root, 'dist', 'simulator', 'main.js');
  const limit = parseBudget(budget);
  const work = mkdtempSync(join(tmpdir(), 'exo-first-fill-bench-'));
  try {
    const config = join(work, 'config');
    generateConfig(config, members);
    const original = join(work, 'state');
    generateSnapshots(original, members, 0, { layout: 'document' });
    const results = {};
    for (const [key, keep] of [['update', 0], ['add', 1]]) {
      const tenants = join(work, `tenants-${key}`);
      cpSync(original, tenants, { recursive: true });
      const file = join(tenants, 'contoso.json');
      const contoso = JSON.parse(readFileSync(file, 'utf8'));
      contoso.DistributionGroup[0].Members = contoso.DistributionGroup[0].Members.slice(0, keep);
      writeFileSync(file, JSON.stringify(contoso, null, 2));
      const metrics = join(work, `metrics-${key}.json`);
      const env = { CONTOSO_EXO_TOKEN: 't', NORTHWIND_EXO_TOKEN: 't', NORTHWIND_MIGRATION_APP_SECRET: 's', EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: tenants, EXO_SIM_METRICS: metrics, EXO_GITOPS_REQUEST_BUDGET: 'off' };
      const applied = step(`first fill (${key})`, [cli, 'apply', '--dir', config, '--state', tenants, '--yes', '--max-actions', '0'], { cwd: work, env });
      const calls = Object.fromEntries(Object.entries(JSON.parse(readFileSync(metrics, 'utf8')).calls).filter(([c]) => !/^(Connect|Disconnect)-/.test(c)));
      const total = Object.values(calls).reduce((a, b) => a + b, 0);
      const filled = JSON.parse(readFileSync(file, 'utf8')).DistributionGroup[0].Members.length;
      results[key] = { added: members - keep, calls, total, secondsAtBudget: secondsAtBudget(total, limit), unpacedMs: applied.ms, filled };
      log(`first fill of ${members} (${key === 'update' ? 'empty: Update of the first 1,000, then Add' : 'one member there: Add each'}): ${total} calls ${JSON.stringify(calls)}, ${secondsAtBudget(total, limit)} s at ${budget}; unpaced ${applied.ms} ms; ${filled} members after`);
    }
    return { members, budget, ...results };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === 'first-fill') {
  console.log(JSON.stringify(firstFillBench({ members: Number(process.env.BENCH_FIRST_FILL_MEMBERS ?? 10000), budget: process.env.BENCH_BUDGET ?? '20/10s', log: (line) => console.error(line) })));
} else if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = applyBudgetBench({
    changes: Number(process.env.BENCH_BUDGET_CHANGES ?? 200),
    budget: process.env.BENCH_BUDGET ?? '20/10s',
    runs: Number(process.env.BENCH_BUDGET_RUNS ?? 1),
    paced: process.env.BENCH_BUDGET_PACED !== '0',
    root: process.env.BENCH_BUDGET_ROOT ?? defaultRoot,
    log: (line) => console.error(line),
  });
  console.log(JSON.stringify(result));
}
