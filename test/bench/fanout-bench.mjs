// Fan-out: export and apply of T tenants (default 40) through the simulator, at --concurrency 4 (the
// default) and at T (every tenant at once, as before issue 17), measuring the peak of the memory of the
// whole process tree (the CLI and every simulator "pwsh" it starts, summed at each moment) and the wall
// time. Each tenant has M mail users (default 5,000), one of which drifts, so apply has one change a tenant.
//
//   npm run build && node test/bench/fanout-bench.mjs        (BENCH_FANOUT_TENANTS, BENCH_FANOUT_USERS)
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const simulator = join(root, 'dist', 'simulator', 'main.js');
const PAGE = 4096;

const hex = (n, width) => n.toString(16).padStart(width, '0');
const guid = (t, i) => `${hex(t, 8)}-${hex(i >>> 16, 4)}-4${hex(i & 0xfff, 3)}-8000-${hex(i, 12)}`;

/** T Tenant documents, each with one declared MailUser, and T simulated tenants of M mail users each. */
export function generateFanout(dir, tenants, users) {
  const config = join(dir, 'config');
  const state = join(dir, 'sim');
  mkdirSync(config, { recursive: true });
  mkdirSync(state, { recursive: true });
  const docs = [];
  const env = {};
  for (let t = 0; t < tenants; t++) {
    const name = `tenant${t}`;
    const domain = `${name}.example`;
    env[`${name.toUpperCase()}_EXO_TOKEN`] = 'bench-token';
    docs.push(`apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata: {name: ${name}}
spec: {tenantId: ${guid(t, 0)}, organization: ${name}.onmicrosoft.com, acceptedDomains: [${domain}], connection: {accessTokenEnv: ${name.toUpperCase()}_EXO_TOKEN}}
`, `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata: {name: user0, tenant: ${name}}
spec:
  externalEmailAddress: SMTP:user0@elsewhere.example
  primarySmtpAddress: user0@${domain}
  customAttributes: {"1": Fan-Out-Bench}
`);
    const mailUsers = Array.from({ length: users }, (_, i) => ({
      Name: `user${i}`, Alias: `user${i}`, PrimarySmtpAddress: `user${i}@${domain}`, ExternalEmailAddress: `SMTP:user${i}@elsewhere.example`,
      ExchangeGuid: guid(t, i + 1), ArchiveGuid: '00000000-0000-0000-0000-000000000000',
      LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-user${i}`,
      EmailAddresses: [`SMTP:user${i}@${domain}`, `smtp:user${i}@${name}.onmicrosoft.com`], IsDirSynced: false,
      RecipientTypeDetails: 'MailUser', PreviousRecipientTypeDetails: 'None', CustomAttribute1: '',
    }));
    const snapshot = {
      snapshotVersion: 1, tenant: { name, tenantId: guid(t, 0), organization: `${name}.onmicrosoft.com` }, exportedAt: '2026-12-01T00:00:00Z',
      OrganizationConfig: { IsDehydrated: false },
      AcceptedDomain: [{ DomainName: domain, DomainType: 'Authoritative' }, { DomainName: `${name}.onmicrosoft.com`, DomainType: 'Authoritative' }],
      OrganizationRelationship: [], MigrationEndpoint: [], DistributionGroup: [], MailUser: mailUsers, Mailbox: [],
    };
    writeFileSync(join(state, `${name}.json`), `${JSON.stringify(snapshot)}\n`);
  }
  writeFileSync(join(config, 'tenants.yaml'), docs.join('---\n'));
  return { config, state, env };
}

/** Resident memory of `pid` and every process below it, summed (Linux /proc). */
function treeRss(pid) {
  const parents = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      parents.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) if (tree.has(parent) && !tree.has(child)) tree.add(child), (grew = true);
  }
  let pages = 0;
  for (const p of tree) {
    try {
      pages += Number(readFileSync(`/proc/${p}/statm`, 'utf8').split(' ')[1]);
    } catch {
      // ended
    }
  }
  return { bytes: pages * PAGE, processes: tree.size };
}

/** Run the CLI; sample the tree's memory every 50 ms. Resolves to wall time, peak memory and the most processes at once. */
function measured(args, env) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    let most = 0;
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    const timer = setInterval(() => {
      const { bytes, processes } = treeRss(child.pid);
      peak = Math.max(peak, bytes);
      most = Math.max(most, processes);
    }, 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve({ exit: code, ms: Math.round(performance.now() - started), peakMiB: Math.round(peak / 2 ** 20), processes: most, stderr });
    });
  });
}

export async function fanoutBench({ tenants = Number(process.env.BENCH_FANOUT_TENANTS ?? 40), users = Number(process.env.BENCH_FANOUT_USERS ?? 5000), log = console.error } = {}) {
  const work = mkdtempSync(join(tmpdir(), 'exo-fanout-'));
  try {
    const generated = generateFanout(work, tenants, users);
    const rows = [];
    for (const concurrency of [4, tenants]) {
      const sim = join(work, `sim-${concurrency}`);
      cpSync(generated.state, sim, { recursive: true });
      const env = { ...generated.env, EXO_GITOPS_PWSH: simulator, EXO_SIM_STATE: sim };
      const exported = await measured(['export', '--dir', generated.config, '--state', join(work, `exported-${concurrency}`), '--concurrency', String(concurrency)], env);
      if (exported.exit !== 0) throw new Error(`export --concurrency ${concurrency} exited ${exported.exit}: ${exported.stderr.slice(-2000)}`);
      const applied = await measured(['apply', '--dir', generated.config, '--state', sim, '--yes', '--max-actions', '0', '--concurrency', String(concurrency)], env);
      if (applied.exit !== 0) throw new Error(`apply --concurrency ${concurrency} exited ${applied.exit}: ${applied.stderr.slice(-2000)}`);
      const row = { concurrency, export: exported, apply: applied };
      log(`fan-out, ${tenants} tenants of ${users} mail users, --concurrency ${concurrency}: export ${exported.ms} ms, peak ${exported.peakMiB} MiB (${exported.processes} processes at most); apply ${applied.ms} ms, peak ${applied.peakMiB} MiB (${applied.processes})`);
      rows.push(row);
    }
    return { tenants, users, rows };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

export function fanoutTable(bench) {
  return [
    `| ${bench.tenants} tenants × ${bench.users.toLocaleString('en-US')} mail users | export: wall · peak memory of all processes | at most | apply (1 change a tenant): wall · peak | at most |`,
    '|---|---:|---:|---:|---:|',
    ...bench.rows.map((r) => `| --concurrency ${r.concurrency}${r.concurrency === 4 ? ' (default)' : ' (all at once)'} | ${(r.export.ms / 1000).toFixed(1)} s · ${r.export.peakMiB} MiB | ${r.export.processes} processes | ${(r.apply.ms / 1000).toFixed(1)} s · ${r.apply.peakMiB} MiB | ${r.apply.processes} processes |`),
  ].join('\n');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bench = await fanoutBench();
  console.log(fanoutTable(bench));
}
