// `npm run bench`: generate configs of growing size, measure each stage in its own process, print a
// table and write BENCHMARKS.md. Figures are measurements, never test assertions.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, tmpdir, platform, release } from 'node:os';
import { join } from 'node:path';
import { generateConfig } from './generate.mjs';

const sizes = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const here = new URL('.', import.meta.url).pathname;
const measure = (mode, dir) => JSON.parse(execFileSync(process.execPath, [join(here, 'measure-validate.mjs'), mode, dir ?? ''], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim().split('\n').pop());

const rows = [];
for (const n of sizes) {
  const dir = mkdtempSync(join(tmpdir(), `exo-bench-${n}-`));
  try {
    generateConfig(dir, n);
    const parse = measure('parse', dir);
    const validate = measure('validate', dir);
    rows.push({ n, parseMs: parse.ms, validateMs: validate.ms, ratio: (validate.ms / parse.ms).toFixed(2), validateRss: validate.maxRssMiB, findings: validate.findings });
    console.log(`N=${n}: parse ${parse.ms} ms, validate ${validate.ms} ms (x${(validate.ms / parse.ms).toFixed(2)}), peak RSS ${validate.maxRssMiB} MiB, findings ${validate.findings}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const bomb = measure('alias-bomb');
console.log(`alias bomb (9^9 expansions): rejected in ${bomb.ms} ms with ${bomb.codes.join(', ')}`);

// Growth exponent between the smallest and largest size: time ∝ N^k.
const first = rows[0];
const last = rows[rows.length - 1];
const exponent = rows.length > 1 ? (Math.log(last.validateMs / first.validateMs) / Math.log(last.n / first.n)).toFixed(2) : 'n/a';

const simulatorBench = join(here, 'simulator-bench.mjs');
let simulatorLine = '';
if (existsSync(simulatorBench) && !process.env.BENCH_SKIP_SIMULATOR) {
  try {
    simulatorLine = execFileSync(process.execPath, [simulatorBench], { encoding: 'utf8', maxBuffer: 1 << 26 }).trim();
    console.log(simulatorLine);
  } catch (error) {
    simulatorLine = `simulator benchmark failed: ${error.message.split('\n')[0]}`;
    console.log(simulatorLine);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;
const table = ['| MailUsers (N) | parse YAML (floor) | validate | validate ÷ parse | peak RSS (validate) |', '|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.n.toLocaleString('en-US')} | ${r.parseMs} ms | ${r.validateMs} ms | ${r.ratio} | ${r.validateRss} MiB |`)].join('\n');
const markdown = `# Benchmarks

Measured by \`npm run bench\` (\`BENCH_SIZES=${sizes.join(',')}\`) on ${new Date().toISOString().slice(0, 10)}.
Machine: ${machine}.

Each figure is one run of the step in its own Node process (wall time inside the process, peak RSS of
that process). The generated repository has two tenants, the relationship pair, an endpoint, a scope
group of N members in a CSV, and N target MailUsers with source links and X500 addresses, in files of
5,000 documents.

## Validate

${table}

Growth exponent of validate time from N=${first.n} to N=${last.n}: ${exponent} (1.0 is linear).
"parse" is the physical floor: reading the same YAML files and converting them to JavaScript values
with the yaml library, nothing else.

Alias bomb (a billion-laughs document, 9^9 expansions): rejected in ${bomb.ms} ms (${bomb.codes.join(', ')}).

## Simulator

${simulatorLine || 'not measured in this run'}
`;
if (!process.env.BENCH_NO_WRITE) writeFileSync(new URL('../../BENCHMARKS.md', import.meta.url), markdown);
console.log('\nwrote BENCHMARKS.md');
