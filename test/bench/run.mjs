// `npm run bench`: generate configs and snapshots of growing size, run each stage of the tool the way
// a user runs it (the built CLI in its own process, the simulator standing in for pwsh), print a table
// and write BENCHMARKS.md. Figures are measurements, never test assertions.
//
//   BENCH_SIZES=1000,10000,50000,100000   sizes (target MEUs)
//   BENCH_DRIFT=0.01                      fraction of MEUs that drift from the YAML
//   BENCH_APPLY_MAX=100000                largest N at which export and apply run through the simulator
//   BENCH_PLAN_ROUNDS=3                   rounds of floor, plan and bound (alternating; medians reported)
//   BENCH_SIMULATOR_ROUNDS=5              rounds of the simulator against its baseline build (alternating)
//   BENCH_NO_WRITE=1                      print only; BENCH_SKIP_SIMULATOR=1 skips simulator-bench.mjs
//   BENCH_SKIP_BATCHES=1                  skips batch-bench.mjs (MigrationBatch, BENCH_BATCH_USERS / BENCH_BATCH_RUNS);
//                                         BENCHMARKS.md then keeps its previous batches section
//   BENCH_HUGE=500000                     one more size planned only (floor and plan, no export or apply); 0 skips it
//   BENCH_STARTUP_RUNS=15                 startup-bench.mjs: node -e 0 beside --version, --help and validate
//   BENCH_FANOUT_TENANTS=40, BENCH_FANOUT_USERS=5000   fanout-bench.mjs: export and apply of 40 tenants (0 skips it)
//   BENCH_BUDGET_CHANGES=200, BENCH_BUDGET=20/10s      apply-budget-bench.mjs: apply paced to the simulator's budget (0 skips it)
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig, generateSnapshots } from './generate.mjs';
import { step } from './step.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,50000,100000').split(',').map(Number);
const drift = Number(process.env.BENCH_DRIFT ?? 0.01);
const applyMax = Number(process.env.BENCH_APPLY_MAX ?? 100000);
const planRounds = Number(process.env.BENCH_PLAN_ROUNDS ?? 3);
const here = fileURLToPath(new URL('.', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const simulator = join(root, 'dist', 'simulator', 'main.js');

const tokens = { CONTOSO_EXO_TOKEN: 'bench-token', NORTHWIND_EXO_TOKEN: 'bench-token', NORTHWIND_MIGRATION_APP_SECRET: 'bench-secret' };
const simulatorEnv = (state, metrics) => ({ ...tokens, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: state, EXO_SIM_METRICS: metrics });
const metricsOf = (metrics) => (existsSync(metrics) ? JSON.parse(readFileSync(metrics, 'utf8')) : {});
const callsOf = (metrics) => metricsOf(metrics).calls ?? {};
// The simulator's peak RSS from its metrics file: the CLI passes PowerShell no NODE_OPTIONS, so the
// RSS hook never loads into it.
const withSimulatorRss = (measured, metrics) => ({ ...measured, simRss: metricsOf(metrics).peakRssMiB ?? 0 });
const bytesUnder = (dir) => readdirSync(dir, { withFileTypes: true }).reduce((sum, e) => sum + (e.isDirectory() ? bytesUnder(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
const mib = (bytes) => (bytes / 2 ** 20).toFixed(1);
/** The middle one of a list of measurements, by a number each holds. */
const medianBy = (list, key) => [...list].sort((x, y) => x[key] - y[key])[Math.floor(list.length / 2)];

const rows = [];
for (const n of sizes) {
  const work = mkdtempSync(join(tmpdir(), `exo-bench-${n}-`));
  try {
    const cfg = join(work, 'config');
    const state = join(work, 'state');
    generateConfig(cfg, n);
    const expected = generateSnapshots(state, n, drift);
    const row = { n, yamlMiB: mib(bytesUnder(cfg) ), stateMiB: mib(bytesUnder(state)), expected };
    const log = (text) => console.log(`N=${n.toLocaleString('en-US')}: ${text}`);

    // The floor, plan and the bound, BENCH_PLAN_ROUNDS rounds alternating (default 3), each the
    // median of its rounds: one run of each swings by 20-40% on these machines.
    const planFile = join(work, 'plan.json');
    const rounds = { floor: [], plan: [], bound: [], boundStreaming: [] };
    for (let i = 0; i < planRounds; i++) {
      rounds.floor.push(step('floor', [join(here, 'measure-validate.mjs'), 'floor', cfg, state]));
      rounds.plan.push(step('plan', [cli, 'plan', '--dir', cfg, '--state', state, '--max-actions', '0', '--out', planFile], { cwd: work, expect: [2], env: tokens }));
      // What no plan can skip (plan-bound.mjs): the inputs kept and indexed, on two threads.
      rounds.bound.push(step('bound', [join(here, 'plan-bound.mjs'), '--step', 'keep2', work]));
      rounds.boundStreaming.push(step('bound', [join(here, 'plan-bound.mjs'), '--step', 'stream2', work]));
    }
    for (const [key, list] of Object.entries(rounds)) row[key] = { ...medianBy(list, 'ms'), rounds: list.map((x) => x.ms) };
    log(`parse floor (YAML ${row.yamlMiB} MiB + snapshots ${row.stateMiB} MiB) ${row.floor.ms} ms, ${row.floor.rss} MiB (rounds ${row.floor.rounds.join(', ')})`);
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    row.actions = plan.tenants.reduce((sum, t) => sum + t.actions.length, 0);
    row.ratio = row.plan.ms / row.floor.ms;
    log(`plan ${row.plan.ms} ms (×${row.ratio.toFixed(2)} the parse floor), ${row.plan.rss} MiB, ${row.actions} actions (rounds ${row.plan.rounds.join(', ')})`);
    log(`least any plan must do: inputs kept and indexed on two threads ${row.bound.ms} ms (×${(row.bound.ms / row.floor.ms).toFixed(2)}), streaming (snapshots on both threads, no document kept) ${row.boundStreaming.ms} ms (×${(row.boundStreaming.ms / row.floor.ms).toFixed(2)})`);
    row.validate = step('validate', [cli, 'validate', '--dir', cfg, '--format', 'json'], { cwd: work });
    log(`validate ${row.validate.ms} ms, ${row.validate.rss} MiB`);
    row.render = step('render', [cli, 'render', '--plan', planFile], { cwd: work });
    log(`render ${row.render.ms} ms, ${row.render.rss} MiB, ${(row.render.stdout.length / 2 ** 20).toFixed(2)} MiB of PowerShell`);

    if (n <= applyMax) {
      // Export reads the generated tenants through the simulator into a fresh directory.
      const simState = join(work, 'sim');
      // The simulator keeps its tenants as single JSON documents (it does not read snapshot lines).
      generateSnapshots(simState, n, drift, { layout: 'document' });
      const exportMetrics = join(work, 'export-metrics.json');
      row.export = withSimulatorRss(step('export', [cli, 'export', '--dir', cfg, '--state', join(work, 'exported')], { cwd: work, env: simulatorEnv(simState, exportMetrics) }), exportMetrics);
      row.exportCalls = callsOf(exportMetrics);
      log(`export ${row.export.ms} ms, CLI ${row.export.cliRss} MiB, simulator ${row.export.simRss} MiB, calls ${JSON.stringify(row.exportCalls)}`);
      // Apply the drift through the simulator, then plan again: a converged tenant plans nothing.
      const applyMetrics = join(work, 'apply-metrics.json');
      row.apply = withSimulatorRss(step('apply', [cli, 'apply', '--dir', cfg, '--state', simState, '--yes', '--allow', 'remove-member', '--max-actions', '0'], { cwd: work, env: simulatorEnv(simState, applyMetrics) }), applyMetrics);
      row.applyCalls = callsOf(applyMetrics);
      const again = step('replan', [cli, 'plan', '--dir', cfg, '--state', simState, '--max-actions', '0'], { cwd: work, expect: [0, 2], env: tokens });
      row.converged = again.exit === 0;
      log(`apply ${row.apply.ms} ms, CLI ${row.apply.cliRss} MiB, simulator ${row.apply.simRss} MiB, calls ${JSON.stringify(row.applyCalls)}; converged: ${row.converged}`);
    }
    rows.push(row);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// One size beyond the string ceiling the single-document snapshot had (about 370,000 MEUs a tenant):
// generated in its own process, then the floor and plan only, each beside the other.
let huge = null;
const hugeN = Number(process.env.BENCH_HUGE ?? 500000);
if (hugeN > 0) {
  const work = mkdtempSync(join(tmpdir(), `exo-bench-${hugeN}-`));
  try {
    const started = performance.now();
    const expected = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=12288', join(here, 'generate.mjs'), work, String(hugeN), String(drift)], { encoding: 'utf8' }).trim().split('\n').pop());
    const cfg = join(work, 'config');
    const state = join(work, 'state');
    huge = { n: hugeN, yamlMiB: mib(bytesUnder(cfg)), stateMiB: mib(bytesUnder(state)), largestSnapshotMiB: mib(Math.max(...readdirSync(state).map((f) => statSync(join(state, f)).size))), generatedSeconds: Math.round((performance.now() - started) / 1000), expected };
    huge.floor = step('floor', [join(here, 'measure-validate.mjs'), 'floor', cfg, state]);
    const planFile = join(work, 'plan.json');
    huge.plan = step('plan', [cli, 'plan', '--dir', cfg, '--state', state, '--max-actions', '0', '--format', 'json', '--out', planFile], { cwd: work, expect: [2], env: tokens });
    const plan = JSON.parse(readFileSync(planFile, 'utf8'));
    huge.actions = plan.tenants.reduce((sum, t) => sum + t.actions.length, 0);
    huge.ratio = huge.plan.ms / huge.floor.ms;
    console.log(`N=${hugeN.toLocaleString('en-US')}: YAML ${huge.yamlMiB} MiB + snapshots ${huge.stateMiB} MiB (largest ${huge.largestSnapshotMiB} MiB); floor ${huge.floor.ms} ms, ${huge.floor.rss} MiB; plan ${huge.plan.ms} ms (×${huge.ratio.toFixed(2)}), ${huge.plan.rss} MiB, ${huge.actions} actions`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const { startupBench } = await import('./startup-bench.mjs');
const startup = await startupBench({ log: (text) => console.log(`startup: ${text}`) });

let fanout = null;
if (Number(process.env.BENCH_FANOUT_TENANTS ?? 40) > 0) {
  const { fanoutBench } = await import('./fanout-bench.mjs');
  fanout = await fanoutBench({ log: (text) => console.log(text) });
}

// Apply paced to the simulator's budget of 20 requests per 10 s, with real sleeps (apply-budget-bench.mjs).
let applyBudget = null;
if (Number(process.env.BENCH_BUDGET_CHANGES ?? 200) > 0) {
  const { applyBudgetBench } = await import('./apply-budget-bench.mjs');
  const b = applyBudgetBench({ changes: Number(process.env.BENCH_BUDGET_CHANGES ?? 200), budget: process.env.BENCH_BUDGET ?? '20/10s', log: (text) => console.log(`apply at the budget: ${text}`) });
  applyBudget = { budget: b.budget, changes: b.changes, secondsPerChange: b.medianSecondsPerChange, idealSecondsPerChange: b.ideal, converged: b.runs.every((x) => x.converged), throttled: b.runs.reduce((n, x) => n + x.throttled, 0) };
}

const bomb = JSON.parse(execFileSync(process.execPath, [join(here, 'measure-validate.mjs'), 'alias-bomb', ''], { encoding: 'utf8' }).trim().split('\n').pop());
console.log(`alias bomb (9^9 expansions): rejected in ${bomb.ms} ms with ${bomb.codes.join(', ')}`);

// The simulator, alternating with the build before issue 17's simulator work (simulator-baseline.mjs),
// BENCH_SIMULATOR_ROUNDS rounds of each (default 5); the median of each, and of the rounds' ratios, is reported.
let simulatorResult = null;
if (!process.env.BENCH_SKIP_SIMULATOR) {
  const rounds = Number(process.env.BENCH_SIMULATOR_ROUNDS ?? 5);
  const { buildBaselineSimulator, SIMULATOR_BASELINE } = await import('./simulator-baseline.mjs');
  const baseline = buildBaselineSimulator(root);
  if (baseline.problem) console.log(`simulator: ${baseline.problem}; this build alone`);
  const runSimulator = (main) => JSON.parse(execFileSync(process.execPath, [join(here, 'simulator-bench.mjs')], { encoding: 'utf8', maxBuffer: 1 << 26, env: { ...process.env, ...(main ? { BENCH_SIMULATOR: main } : {}) } }).trim());
  try {
    const now = [];
    const before = [];
    for (let i = 0; i < rounds; i++) {
      if (baseline.simulator) before.push(runSimulator(baseline.simulator));
      now.push(runSimulator());
      console.log(`simulator round ${i + 1}/${rounds}: ${before.length ? `${SIMULATOR_BASELINE} ${before.at(-1).wallSeconds} s, ` : ''}this build ${now.at(-1).wallSeconds} s`);
    }
    simulatorResult = { ...medianBy(now, 'wallSeconds'), rounds: now.map((r) => r.wallSeconds) };
    if (before.length) {
      // Each round's two runs are next to each other in time: the median of the rounds' ratios is
      // steadier than a ratio of medians when the machine's speed drifts during the run.
      const ratios = before.map((r, i) => ({ ratio: r.wallSeconds / now[i].wallSeconds }));
      simulatorResult.baseline = { ref: SIMULATOR_BASELINE, ...medianBy(before, 'wallSeconds'), rounds: before.map((r) => r.wallSeconds), fasterByRound: medianBy(ratios, 'ratio').ratio };
    }
    console.log(`simulator: ${simulatorResult.n} Set-MailUser in ${simulatorResult.wallSeconds} s (median), peak RSS ${simulatorResult.peakRssMiB} MiB, ok ${now.every((r) => r.ok)}`);
    simulatorResult.ok = now.every((r) => r.ok);
  } catch (error) {
    console.log(`simulator benchmark failed: ${error.message.split('\n')[0]}`);
  } finally {
    baseline.cleanup?.();
  }
}

// Migration batches: N users in batches of 2,000, derived mail users (batch-bench.mjs).
let batchResult = null;
if (!process.env.BENCH_SKIP_BATCHES) {
  const { batchBench, batchTable } = await import('./batch-bench.mjs');
  batchResult = batchBench({ log: (text) => console.log(`batches: ${text}`) });
  console.log(`\n${batchTable(batchResult)}\n`);
  for (const r of batchResult.results) if (r.problems.length) console.log(`batches, ${r.key}: NOT AS EXPECTED: ${r.problems.join('; ')}`);
}

/** Least-squares slope of log(value) over log(N): value ∝ N^k. */
function exponent(pick) {
  const points = rows.map((r) => [r.n, pick(r)]).filter(([, v]) => typeof v === 'number' && v > 0);
  if (points.length < 2) return 'n/a';
  const xs = points.map(([x]) => Math.log(x));
  const ys = points.map(([, y]) => Math.log(y));
  const mx = xs.reduce((a, b) => a + b) / xs.length;
  const my = ys.reduce((a, b) => a + b) / ys.length;
  const k = xs.reduce((s, x, i) => s + (x - mx) * (ys[i] - my), 0) / xs.reduce((s, x) => s + (x - mx) ** 2, 0);
  return k.toFixed(2);
}

const num = (n) => n.toLocaleString('en-US');
const s = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms} ms`);
const calls = (map, names) => names.map((c) => `${c.replace(/^(Get|Set|Add|Remove|Update|Connect|Disconnect)-/, '$1-')} ${map?.[c] ?? 0}`).join(', ');
const exportCallsText = (m) => Object.entries(m ?? {}).sort().map(([c, k]) => `${c} ${k}`).join(', ');
const stageTable = [
  '| N (MEUs) | YAML + snapshots | parse floor | validate | plan | plan ÷ floor | render | export | apply |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${num(r.n)} | ${r.yamlMiB} + ${r.stateMiB} MiB | ${s(r.floor.ms)} | ${s(r.validate.ms)} · ${r.validate.rss} MiB | ${s(r.plan.ms)} · ${r.plan.rss} MiB | ${r.ratio.toFixed(2)} | ${s(r.render.ms)} · ${r.render.rss} MiB | ${r.export ? `${s(r.export.ms)} · ${r.export.cliRss} / ${r.export.simRss} MiB` : 'not run'} | ${r.apply ? `${s(r.apply.ms)} · ${r.apply.cliRss} / ${r.apply.simRss} MiB` : 'not run'} |`),
].join('\n');
const callTable = [
  '| N (MEUs) | planned actions | export calls (per cmdlet) | export total | apply calls (per cmdlet) | apply total | objects that change | converged |',
  '|---:|---:|---|---:|---|---:|---:|:---:|',
  ...rows.map((r) => {
    const exportTotal = Object.values(r.exportCalls ?? {}).reduce((a, b) => a + b, 0);
    const applyEntries = Object.entries(r.applyCalls ?? {}).filter(([c]) => !/^(Connect|Disconnect)-/.test(c));
    const applyTotal = applyEntries.reduce((a, [, b]) => a + b, 0);
    const changing = r.expected.mailUserUpdates + r.expected.memberAdds + r.expected.memberRemoves;
    return `| ${num(r.n)} | ${r.actions} | ${r.export ? exportCallsText(r.exportCalls) : 'not run'} | ${r.export ? exportTotal : ''} | ${r.apply ? applyEntries.sort().map(([c, k]) => `${c} ${k}`).join(', ') : 'not run'} | ${r.apply ? applyTotal : ''} | ${changing} (${r.expected.mailUserUpdates} MEUs, +${r.expected.memberAdds} / −${r.expected.memberRemoves} members) | ${r.apply ? (r.converged ? 'yes' : '**no**') : ''} |`;
  }),
].join('\n');
const exponents = {
  validateTime: exponent((r) => r.validate.ms), validateRss: exponent((r) => r.validate.rss),
  planTime: exponent((r) => r.plan.ms), planRss: exponent((r) => r.plan.rss),
  floorTime: exponent((r) => r.floor.ms),
  exportTime: exponent((r) => r.export?.ms), exportRss: exponent((r) => r.export?.simRss),
  applyTime: exponent((r) => r.apply?.ms), applyRss: exponent((r) => r.apply?.simRss),
};
console.log(`\n${stageTable}\n\n${callTable}\n\nexponents: ${JSON.stringify(exponents)}`);

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
const results = { date: new Date().toISOString(), machine, sizes, drift, applyMax, rows, exponents, bomb, simulatorResult, stageTable, callTable, batchResult, huge, startup, fanout, applyBudget };
writeFileSync(join(tmpdir(), 'exo-bench-results.json'), JSON.stringify(results, (k, v) => (k === 'stdout' ? undefined : v), 2));
if (!process.env.BENCH_NO_WRITE) {
  const { writeBenchmarksMarkdown } = await import('./report.mjs');
  const { batchSection } = await import('./batch-bench.mjs');
  const file = join(root, 'BENCHMARKS.md');
  // The batches section and the sections after it (the import benchmark's, recorded from import-bench.mjs)
  // are appended as they were; a batches run replaces its own section only.
  const previous = existsSync(file) ? /^## Migration batches [\s\S]*/m.exec(readFileSync(file, 'utf8'))?.[0] : undefined;
  const batchesOnly = /^## Migration batches [^\n]*\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  const fresh = batchResult ? `${batchSection(batchResult).trimEnd()}\n\n` : undefined;
  const tail = fresh ? (previous ? previous.replace(batchesOnly, () => fresh) : fresh) : previous;
  writeFileSync(file, `${writeBenchmarksMarkdown(results).trimEnd()}\n${tail ? `\n${tail.trimEnd()}\n` : ''}`);
  console.log('\nwrote BENCHMARKS.md');
}
