#!/usr/bin/env node
// Simulator benchmark: a 50,000-MEU tenant and a script of 50,000 Set-MailUser calls, run through the
// BUILT simulator (dist/simulator/main.js) the way the tool runs pwsh. Prints one JSON result: wall
// time, CPU time, peak RSS, and the simulator's own phases (EXO_SIM_TIMING=1): parsing (the grammar,
// then the conversion of its tree), loading the state, running, flushing.
// Usage: npm run build && node test/bench/simulator-bench.mjs [count]
//   BENCH_SIMULATOR=/other/dist/simulator/main.js   runs another build (before/after comparisons)
//   KEEP=1                                           keeps the work directory (printed last)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const count = Number(process.argv[2] ?? 50_000);
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const simulator = process.env.BENCH_SIMULATOR ?? join(repoRoot, 'dist', 'simulator', 'main.js');
if (!existsSync(simulator)) {
  console.error('dist/simulator/main.js is missing: run `npx tsc -p tsconfig.json` first.');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'exo-sim-bench-'));
const hex = (n) => n.toString(16).padStart(12, '0');
const guid = (n) => `4e3188c6-39f5-4387-adc7-${hex(n)}`;
const empty = '00000000-0000-0000-0000-000000000000';
const mailUsers = [];
for (let i = 0; i < count; i++) {
  const alias = `user${i}`;
  const entry = {
    Name: alias,
    Alias: alias,
    PrimarySmtpAddress: `${alias}@northwindtraders.com`,
    ExternalEmailAddress: `SMTP:${alias}@contoso.onmicrosoft.com`,
    MicrosoftOnlineServicesID: `${alias}@northwindtraders.onmicrosoft.com`,
    ExchangeGuid: empty,
    ArchiveGuid: empty,
    LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i)}-${alias}`,
    EmailAddresses: [`SMTP:${alias}@northwindtraders.com`, `smtp:${alias}@northwindtraders.onmicrosoft.com`],
    IsDirSynced: false,
    RecipientTypeDetails: 'MailUser',
    PreviousRecipientTypeDetails: 'None',
  };
  for (let a = 1; a <= 15; a++) entry[`CustomAttribute${a}`] = '';
  mailUsers.push(entry);
}
const snapshot = {
  snapshotVersion: 1,
  tenant: { name: 'northwind', tenantId: '22222222-2222-2222-2222-222222222222', organization: 'northwindtraders.onmicrosoft.com' },
  exportedAt: new Date().toISOString(),
  OrganizationConfig: { IsDehydrated: false },
  AcceptedDomain: [
    { DomainName: 'northwindtraders.com', DomainType: 'Authoritative' },
    { DomainName: 'northwindtraders.onmicrosoft.com', DomainType: 'Authoritative' },
  ],
  OrganizationRelationship: [],
  MigrationEndpoint: [],
  DistributionGroup: [],
  MailUser: mailUsers,
  Mailbox: [],
};
writeFileSync(join(work, 'northwind.json'), JSON.stringify(snapshot, null, 2));

const lines = [
  "$ErrorActionPreference = 'Stop'",
  "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB' -Organization 'northwindtraders.onmicrosoft.com' -ShowBanner:$false",
];
for (let i = 0; i < count; i++) {
  lines.push(
    `Set-MailUser -Identity 'user${i}@northwindtraders.com' -ExchangeGuid '${guid(i)}' -EmailAddresses @{Add='X500:/o=Contoso/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i)}-user${i}'} -CustomAttribute1 'wave-1'`,
  );
}
lines.push("Write-Output 'done'", 'Disconnect-ExchangeOnline -Confirm:$false');
const script = join(work, 'apply.ps1');
writeFileSync(script, `${lines.join('\n')}\n`);

const useTime = existsSync('/usr/bin/time');
const command = useTime ? '/usr/bin/time' : process.execPath;
const args = useTime ? ['-f', '%M %e %U %S', process.execPath, simulator, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', script] : [simulator, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', script];
const started = performance.now();
const stateBytesBefore = readFileSync(join(work, 'northwind.json')).length;
const child = spawn(command, args, { env: { ...process.env, EXO_SIM_STATE: work, EXO_SIM_METRICS: join(work, 'metrics.json'), EXO_SIM_TIMING: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
let peakKb = 0;
let cpuSeconds = null;
// Without /usr/bin/time, sample the child's high-water mark while it runs.
const poll = useTime ? null : setInterval(() => {
  try {
    const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const match = /VmHWM:\s+(\d+)/.exec(status);
    if (match) peakKb = Math.max(peakKb, Number(match[1]));
  } catch {
    // The process has ended.
  }
}, 50);
let stdout = '';
let stderr = '';
child.stdout.on('data', (chunk) => (stdout += chunk));
child.stderr.on('data', (chunk) => (stderr += chunk));
const code = await new Promise((resolve) => child.on('close', resolve));
if (poll) clearInterval(poll);
const wallSeconds = (performance.now() - started) / 1000;
if (useTime) {
  const timeLine = stderr.trim().split('\n').pop() ?? '';
  const [maxRss, , user, system] = timeLine.split(' ').map(Number);
  peakKb = maxRss;
  cpuSeconds = Number((user + system).toFixed(2));
  stderr = stderr.trim().split('\n').slice(0, -1).join('\n');
}
// The simulator's phase timings (older builds print fewer of them: those are null).
const timing = (pattern) => {
  const match = pattern.exec(stderr);
  return match ? Number(match[1]) : null;
};
const phases = {
  parseMs: timing(/timing: parse (\d+) ms/),
  grammarMs: timing(/timing: parse \d+ ms \(grammar (\d+) ms/),
  convertMs: timing(/timing: parse \d+ ms \(grammar \d+ ms, convert (\d+) ms/),
  runMs: timing(/timing: run (\d+) ms since start/),
  doneMs: timing(/timing: done (\d+) ms since start/),
  stateLoadMs: timing(/state load (\d+) ms/),
  stateFlushes: timing(/(\d+) state flushes/),
  stateFlushMs: timing(/state flushes (\d+) ms/),
};
stderr = stderr
  .split('\n')
  .filter((line) => !line.startsWith('exo-gitops-sim timing:'))
  .join('\n');
const after = JSON.parse(readFileSync(join(work, 'northwind.json'), 'utf8'));
const last = after.MailUser[count - 1];
const metrics = JSON.parse(readFileSync(join(work, 'metrics.json'), 'utf8'));
const ok = code === 0 && stdout.trim() === 'done' && last.ExchangeGuid === guid(count - 1) && last.CustomAttribute1 === 'wave-1' && metrics.calls['Set-MailUser'] === count;
console.log(
  JSON.stringify(
    {
      benchmark: 'simulator: Set-MailUser x N against an N-MEU tenant',
      n: count,
      ok,
      exitCode: code,
      wallSeconds: Number(wallSeconds.toFixed(2)),
      cpuSeconds,
      peakRssMiB: Number((peakKb / 1024).toFixed(1)),
      phases,
      scriptBytes: readFileSync(script).length,
      stateBytesBefore,
      stateBytes: readFileSync(join(work, 'northwind.json')).length,
      machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    },
    null,
    2,
  ),
);
if (!ok) console.error(stderr.slice(0, 4000));
if (!process.env.KEEP) rmSync(work, { recursive: true, force: true }); else console.log(work);
process.exitCode = ok ? 0 : 1;
