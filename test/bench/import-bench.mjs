// `node test/bench/import-bench.mjs` (after npm run build): import both tenants of generate.mjs's
// snapshots (N target MEUs linked to N source mailboxes, 1% drifted) and plan the imported YAML against
// the same snapshots, which must plan no action. Wall time and peak RSS of each step (step.mjs).
//
//   BENCH_IMPORT_SIZES=5000,50000
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateSnapshots } from './generate.mjs';
import { step } from './step.mjs';

const cli = join(fileURLToPath(new URL('../..', import.meta.url)), 'dist', 'cli', 'main.js');
const sizes = (process.env.BENCH_IMPORT_SIZES ?? '5000,50000').split(',').map(Number);
console.log(`Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`);
console.log('| MEUs | import northwind (target) | import contoso (source) | plan of the imported YAML | actions |');
console.log('|--:|--:|--:|--:|--:|');
for (const n of sizes) {
  const work = mkdtempSync(join(tmpdir(), `exo-import-bench-${n}-`));
  try {
    const state = join(work, 'state');
    const out = join(work, 'imported');
    generateSnapshots(state, n, 0.01);
    const target = step('import northwind', [cli, 'import', '--tenant', 'northwind', '--state', state, '--out', out]);
    const source = step('import contoso', [cli, 'import', '--tenant', 'contoso', '--state', state, '--out', out]);
    // Exit 1: the generated state's own error findings (drifted users outside the scope); the actions are what counts.
    const plan = step('plan', [cli, 'plan', '--dir', out, '--state', state, '--max-actions', '0', '--format', 'json'], { expect: [0, 1, 2] });
    const summary = JSON.parse(plan.stdout).summary;
    const actions = summary.create + summary.update + summary.delete + summary.replace + summary.blocked;
    const cell = (s) => `${(s.ms / 1000).toFixed(1)} s, ${s.cliRss} MiB`;
    console.log(`| ${n.toLocaleString('en')} | ${cell(target)} | ${cell(source)} | ${cell(plan)} | ${actions} |`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
