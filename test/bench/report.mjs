// BENCHMARKS.md from the results of run.mjs. The figures are generated; the notes below them
// (targets, what was changed and why, before/after) live in test/bench/notes.md and are kept as written.
import { existsSync, readFileSync } from 'node:fs';
import { startupTable } from './startup-bench.mjs';
import { fanoutTable } from './fanout-bench.mjs';

const fmt = (ms) => (ms >= 10000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);
const yes = (met) => (met ? 'met' : '**not met**');

/** Issue 17's targets, each beside its reference measured in the same run. */
function targetsSection(r) {
  const lines = ['## Targets (issue 17), each beside its reference in the same run', '', '| target | measured | reference, same run | ratio | |', '|---|---:|---:|---:|---|'];
  if (r.startup) {
    const base = r.startup.commands[0];
    for (const t of r.startup.targets) {
      const c = r.startup.commands.find((x) => x.name === t.name);
      lines.push(`| \`${t.name}\` ≤ ${t.limit}× \`node -e 0\` (median of ${r.startup.runs}, alternating) | ${fmt(c.median)} | ${fmt(base.median)} | ${t.ratio.toFixed(2)}× | ${yes(t.met)} |`);
    }
  }
  const at50k = r.rows.find((x) => x.n === 50000);
  if (at50k) lines.push(`| plan at 50,000 MEUs ≤ 1.5× its floor${at50k.plan.rounds ? ` (medians of ${at50k.plan.rounds.length} rounds, alternating)` : ''} | ${fmt(at50k.plan.ms)} · ${at50k.plan.rss} MiB | ${fmt(at50k.floor.ms)} · ${at50k.floor.rss} MiB | ${at50k.ratio.toFixed(2)}× | ${yes(at50k.ratio <= 1.5)} |`);
  if (at50k?.bound) {
    lines.push(`| least any plan must do at 50,000 (plan-bound.mjs: inputs kept and indexed, two threads; streaming: snapshots on both threads, no document kept) | ${fmt(at50k.bound.ms)}; ${fmt(at50k.boundStreaming.ms)} | ${fmt(at50k.floor.ms)} | ${(at50k.bound.ms / at50k.floor.ms).toFixed(2)}×; ${(at50k.boundStreaming.ms / at50k.floor.ms).toFixed(2)}× | bound |`);
  }
  if (r.huge) lines.push(`| ${r.huge.n.toLocaleString('en-US')} MEUs planned (snapshots ${r.huge.stateMiB} MiB, the largest ${r.huge.largestSnapshotMiB} MiB: above the old 512 MiB string ceiling) | ${fmt(r.huge.plan.ms)} · ${r.huge.plan.rss} MiB, ${r.huge.actions} actions | ${fmt(r.huge.floor.ms)} · ${r.huge.floor.rss} MiB | ${r.huge.ratio.toFixed(2)}× | planned |`);
  if (r.fanout) {
    const [bounded, all] = r.fanout.rows;
    lines.push(`| ${r.fanout.tenants} tenants exported at --concurrency 4 (default): memory of all processes | ${fmt(bounded.export.ms)} · ${bounded.export.peakMiB} MiB | all at once: ${fmt(all.export.ms)} · ${all.export.peakMiB} MiB | ${(bounded.export.peakMiB / all.export.peakMiB).toFixed(2)}× | ${bounded.export.peakMiB < all.export.peakMiB ? 'bounded' : '**not bounded**'} |`);
    lines.push(`| ${r.fanout.tenants} tenants applied at --concurrency 4 (default) | ${fmt(bounded.apply.ms)} · ${bounded.apply.peakMiB} MiB | all at once: ${fmt(all.apply.ms)} · ${all.apply.peakMiB} MiB | ${(bounded.apply.peakMiB / all.apply.peakMiB).toFixed(2)}× | |`);
  }
  if (r.applyBudget) {
    const b = r.applyBudget;
    lines.push(`| apply within 15% of the budget's ideal (${b.budget}, ${b.changes} changes) | ${b.secondsPerChange.toFixed(3)} s a change | ideal ${b.idealSecondsPerChange.toFixed(3)} s | ${(b.secondsPerChange / b.idealSecondsPerChange).toFixed(2)}× | ${yes(b.secondsPerChange <= b.idealSecondsPerChange * 1.15)} |`);
  }
  const sim = r.simulatorResult;
  if (sim?.baseline) {
    const faster = sim.baseline.fasterByRound ?? sim.baseline.wallSeconds / sim.wallSeconds;
    lines.push(`| simulator, ${sim.n.toLocaleString('en-US')}-statement script ≥ 1.5× faster (${sim.rounds.length} rounds alternating; medians, and the median of the rounds' ratios) | ${sim.wallSeconds} s · ${sim.peakRssMiB} MiB | ${sim.baseline.ref} (before the simulator work): ${sim.baseline.wallSeconds} s · ${sim.baseline.peakRssMiB} MiB | ${faster.toFixed(2)}× faster | ${yes(faster >= 1.5)} |`);
  } else if (sim) {
    lines.push(`| simulator, ${sim.n.toLocaleString('en-US')}-statement script ≥ 1.5× faster | ${sim.wallSeconds} s · ${sim.peakRssMiB} MiB | the baseline build was not available in this run | | not compared |`);
  }
  return `${lines.join('\n')}\n${r.startup ? `\nStartup (\`node test/bench/startup-bench.mjs\`):\n\n${startupTable(r.startup)}\n` : ''}${r.fanout ? `\nFan-out (\`node test/bench/fanout-bench.mjs\`: the peak of the summed resident memory of the CLI and every simulator process it started, sampled every 50 ms):\n\n${fanoutTable(r.fanout)}\n` : ''}`;
}

export function writeBenchmarksMarkdown(r) {
  const notesFile = new URL('./notes.md', import.meta.url);
  const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8') : '';
  const sim = r.simulatorResult;
  const e = r.exponents;
  // The exponent between the two largest sizes, where fixed costs no longer weigh.
  const [a, b] = r.rows.slice(-2);
  const tail = (pick) => (a && b && pick(a) > 0 && pick(b) > 0 ? (Math.log(pick(b) / pick(a)) / Math.log(b.n / a.n)).toFixed(2) : 'n/a');
  return `# Benchmarks

Measured by \`npm run bench\` (\`BENCH_SIZES=${r.sizes.join(',')} BENCH_DRIFT=${r.drift}\`) on ${r.date.slice(0, 10)}.
Machine: ${r.machine}.

Each step is the built CLI run as a user runs it, in its own process (\`exo-gitops validate\`,
\`plan --state\`, \`render\`, \`export\`, \`apply --yes --allow remove-member\`), with the Exchange Online
simulator standing in for pwsh for export and apply. Wall time is measured from outside the process;
peak RSS is each Node process's own high-water mark (CLI / simulator). The generated repository
(test/bench/generate.mjs): two tenants, the relationship pair, an endpoint, a scope group of N members
(CSV), N target MEUs with source links and X500 addresses (every tenth with an archive) in files of
5,000 documents; snapshots of both tenants with N source mailboxes and the N MEUs, where a fraction
${r.drift} of the MEUs drifts (a missing X500, a cleared CustomAttribute1, or an unstamped
ExchangeGuid/ArchiveGuid), those mailboxes are missing from the scope group, and a tenth as many
leavers are still in it.

"parse floor" reads and parses the same YAML (js-yaml's loadAll, the fastest parser the tool uses) and the
same snapshots, as export writes them (one object per line: read as bytes in 8 MiB chunks, each line one
JSON.parse), and nothing else: the physical floor of reading the inputs.

${targetsSection(r)}
## Stages (wall time · peak RSS)

${r.stageTable}

## Remote calls (Exchange cmdlet calls counted by the simulator)

${r.callTable}

Export counts are per run of both tenants (Connect/Disconnect once per tenant); apply counts leave
out Connect/Disconnect. "converged": after apply, \`plan\` against the simulator's state reports no change.

## Growth (least-squares exponent k of value ∝ N^k over the sizes measured; 1.0 is linear)

| | time, all sizes | peak RSS, all sizes | time, ${a?.n ?? '?'}→${b?.n ?? '?'} | peak RSS, ${a?.n ?? '?'}→${b?.n ?? '?'} |
|---|---:|---:|---:|---:|
| parse floor | ${e.floorTime} | | ${tail((x) => x.floor.ms)} | ${tail((x) => x.floor.rss)} |
| validate | ${e.validateTime} | ${e.validateRss} | ${tail((x) => x.validate.ms)} | ${tail((x) => x.validate.rss)} |
| plan | ${e.planTime} | ${e.planRss} | ${tail((x) => x.plan.ms)} | ${tail((x) => x.plan.rss)} |
| export (simulator RSS) | ${e.exportTime} | ${e.exportRss} | ${tail((x) => x.export?.ms ?? 0)} | ${tail((x) => x.export?.simRss ?? 0)} |
| apply (simulator RSS) | ${e.applyTime} | ${e.applyRss} | ${tail((x) => x.apply?.ms ?? 0)} | ${tail((x) => x.apply?.simRss ?? 0)} |

Below 1.0 means fixed costs (process start, module loading, the WebAssembly grammar) still weigh at
1k; what matters is that no stage grows faster than linearly.

## Robustness and the simulator

- Alias bomb (a billion-laughs document, 9^9 expansions): rejected in ${r.bomb.ms} ms (${r.bomb.codes.join(', ')}).
- Simulator (\`node test/bench/simulator-bench.mjs\`: ${sim ? `${sim.n.toLocaleString('en-US')} Set-MailUser calls against a ${sim.n.toLocaleString('en-US')}-MEU state): ${sim.wallSeconds} s wall, ${sim.cpuSeconds ?? '?'} s CPU, ${sim.peakRssMiB} MiB peak RSS, ok: ${sim.ok}` : 'not measured in this run)'}.
${sim?.baseline ? `  Rounds, alternating: this build ${sim.rounds.join(', ')} s; ${sim.baseline.ref} (before the simulator work) ${sim.baseline.rounds.join(', ')} s, median ${sim.baseline.wallSeconds} s, ${sim.baseline.peakRssMiB} MiB.` : '  No baseline build in this run (simulator-baseline.mjs).'}

${notes}`;
}
