// BENCHMARKS.md from the results of run.mjs. The figures are generated; the notes below them
// (targets, what was changed and why, before/after) live in test/bench/notes.md and are kept as written.
import { existsSync, readFileSync } from 'node:fs';

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
same snapshot JSON (JSON.parse), and nothing else: the physical floor of reading the inputs.

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
  Measured earlier: 9.4 s wall, 980 MiB peak RSS.

${notes}`;
}
