// How close to its floor can any plan get? The part of plan's work that no design can skip, measured
// beside the floor and the plan in the same rounds (alternating, each step its own process, wall time
// from outside as plan-ratio.mjs measures plan):
//   floor   js-yaml over the YAML, JSON.parse over the snapshot lines, nothing kept (measure-validate.mjs);
//   keep    the same inputs kept in memory, as a plan must hold them to compare, read with the tool's own
//           snapshot reader, and each tenant's recipients indexed by identity (plan/live.ts) so that
//           50,000 mail users can each find theirs: one thread;
//   keep2   the same on two threads: a worker parses every other YAML file and hands nothing back (the
//           best case of any split: no structured clone), the main thread parses the rest and reads
//           and indexes the snapshots;
//   stream2 the design that diffs each document on the thread that parsed it and then drops it: both
//           threads read and index the snapshots first, then parse their half of the YAML, keeping
//           no document;
//   plan    exo-gitops plan --max-actions 0 (as plan-ratio.mjs).
// None of keep* validates, diffs, checks a value or writes a plan: each is a lower bound.
//
// Usage (from the repository root, after npm run build and node test/bench/generate.mjs DIR 50000):
//   node test/bench/plan-bound.mjs DIR [rounds]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const listYaml = (d) =>
  readdirSync(d, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? listYaml(`${d}/${e.name}`) : /\.ya?ml$/i.test(e.name) ? [`${d}/${e.name}`] : []));

/** Parse the YAML files of one share (every other file, by `share`; -1: all), keeping every document unless `drop`. */
async function parseShare(config, share, drop = false) {
  const { default: jsyaml } = await import('js-yaml');
  const documents = [];
  let count = 0;
  listYaml(config).forEach((file, i) => {
    if (share !== -1 && i % 2 !== share) return;
    jsyaml.loadAll(readFileSync(file, 'utf8'), (doc) => (drop ? count++ : documents.push(doc)), { schema: jsyaml.CORE_SCHEMA });
  });
  return drop ? count : documents.length;
}

/** Read both snapshots with the tool's reader and index their recipients (one lookup of each kind builds both indexes). */
async function readAndIndex(state) {
  const { readSnapshots } = await import('../../dist/load/snapshot.js');
  const { LiveTenant } = await import('../../dist/plan/live.js');
  const tenants = readdirSync(state).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  const live = [...readSnapshots(state, tenants).values()].map((s) => new LiveTenant(s));
  for (const tenant of live) {
    tenant.mailUser('nobody');
    tenant.mailbox('nobody');
    tenant.mailUser('nobody@example.com');
    tenant.mailbox('nobody@example.com');
  }
  return live;
}

if (!isMainThread) {
  const { config, state, share, stream } = workerData;
  // The snapshots stay indexed while the YAML is parsed, as they would while a plan compares.
  const live = stream ? await readAndIndex(state) : [];
  const documents = await parseShare(config, share, stream);
  parentPort.postMessage({ documents, tenants: live.length });
} else if (process.argv[2] === '--step') {
  // One lower-bound step in this process; prints the documents it kept.
  const [, , , mode, dir] = process.argv;
  const config = `${dir}/config`;
  const state = `${dir}/state`;
  if (mode === 'keep') {
    const documents = await parseShare(config, -1);
    const live = await readAndIndex(state);
    console.log(documents, live.length);
  } else {
    const stream = mode === 'stream2';
    const worker = new Worker(new URL(import.meta.url), { workerData: { config, state, share: 1, stream } });
    const theirs = new Promise((resolve, reject) => worker.once('message', resolve).once('error', reject));
    const live = await readAndIndex(state);
    const documents = await parseShare(config, 0, stream);
    console.log(documents + (await theirs).documents, live.length);
    await worker.terminate();
  }
} else {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node test/bench/plan-bound.mjs DIR [rounds]');
    process.exit(64);
  }
  const rounds = Number(process.argv[3] ?? 3);
  const self = new URL(import.meta.url).pathname;
  const wall = (args, ok = [0]) => {
    const started = performance.now();
    try {
      execFileSync(process.execPath, args, { stdio: 'ignore' });
    } catch (error) {
      if (!ok.includes(error.status)) throw error;
    }
    return performance.now() - started;
  };
  const times = { floor: [], keep: [], keep2: [], stream2: [], plan: [] };
  for (let i = 0; i < rounds; i++) {
    const floor = JSON.parse(execFileSync(process.execPath, ['test/bench/measure-validate.mjs', 'floor', `${dir}/config`, `${dir}/state`], { encoding: 'utf8' }));
    times.floor.push(floor.ms);
    for (const mode of ['keep', 'keep2', 'stream2']) times[mode].push(wall([self, '--step', mode, dir]));
    times.plan.push(wall(['dist/cli/main.js', 'plan', '--dir', `${dir}/config`, '--state', `${dir}/state`, '--max-actions', '0', '--out', join(tmpdir(), 'exo-gitops-plan-bound.json')], [0, 2]));
  }
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const floor = median(times.floor);
  for (const [mode, list] of Object.entries(times)) {
    console.log(`${mode.padEnd(7)} ${list.map((ms) => String(Math.round(ms)).padStart(5)).join(' ')} ms | median ${Math.round(median(list))} ms = ${(median(list) / floor).toFixed(2)}x the floor`);
  }
}
