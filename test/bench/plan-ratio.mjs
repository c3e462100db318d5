// Plan against its parse floor, alternating, for before/after comparisons of the plan's hot path.
// Usage (from the repository root, after npm run build and node test/bench/generate.mjs DIR 50000):
//   node test/bench/plan-ratio.mjs DIR [rounds]
// Prints each round's floor and plan (ms) and the ratio of the medians.
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const dir = process.argv[2];
if (!dir) { console.error('usage: node test/bench/plan-ratio.mjs DIR [rounds]'); process.exit(64); }
const rounds = Number(process.argv[3] ?? 5);
const floor = [], plan = [];
for (let i = 0; i < rounds; i++) {
  const f = JSON.parse(execFileSync('node', ['test/bench/measure-validate.mjs', 'floor', `${dir}/config`, `${dir}/state`], { encoding: 'utf8' }));
  floor.push(f.ms);
  const t = performance.now();
  try { execFileSync('node', ['dist/cli/main.js', 'plan', '--dir', `${dir}/config`, '--state', `${dir}/state`, '--max-actions', '0', '--out', join(tmpdir(), 'exo-gitops-plan-ratio.json')], { stdio: 'ignore' }); } catch (e) { if (e.status !== 2) throw e; }
  plan.push(performance.now() - t);
}
const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
console.log(`floor ${floor.map(Math.round).join(' ')} | plan ${plan.map(Math.round).join(' ')} | median ratio ${(med(plan) / med(floor)).toFixed(2)} (pairwise ${plan.map((p, i) => (p / floor[i]).toFixed(2)).join(' ')})`);
