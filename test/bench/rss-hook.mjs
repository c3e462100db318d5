// Loaded into every Node process of a benchmark step through NODE_OPTIONS=--import: at exit, each
// process (the CLI and the simulator it starts) writes its own peak RSS, so a step's memory is known
// per process without /usr/bin/time.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.BENCH_RSS_DIR;
if (dir) {
  process.on('exit', () => {
    const script = process.argv[1] ?? '';
    const role = /simulator/.test(script) ? 'simulator' : /cli/.test(script) ? 'cli' : 'other';
    try {
      writeFileSync(join(dir, `${process.pid}.json`), JSON.stringify({ role, script, maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }));
    } catch {
      // Measuring must never change the outcome of the step.
    }
  });
}
