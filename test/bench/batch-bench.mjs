// Migration batches at scale: N users (BENCH_BATCH_USERS, default 50,000) in batches of 2,000, no
// MailUser documents, every target mail user (MEU) derived from the source snapshot.
//
//   npm run build && node test/bench/batch-bench.mjs
//
// Config (a temp dir): the tenants, relationships, endpoint and scope group of generate.mjs (its
// generateConfig with no MEUs, so the scope's members.csv is empty and its members are the batch
// users), and one MigrationBatch per 2,000 users in northwind/batches.yaml, each with a usersFile
// (northwind/waves/wave-<k>.csv: an EmailAddress header and 2,000 source addresses).
// Snapshots: contoso with the N source mailboxes (DisplayName, UserPrincipalName, an
// smtp:<alias>@contoso.onmicrosoft.com routing address, an X500, LegacyExchangeDN, a unique
// ExchangeGuid, every tenth with an archive) and the scope group; northwind with the endpoint and
// relationship. Two scenarios, each `plan --state DIR --max-actions 0 --format json --out FILE` in its
// own process:
//   first wave    northwind has no MEUs: N MailUser creates, one scope add-members action, one
//                 MigrationBatch create per batch, no error finding;
//   steady state  northwind has the N MEUs exactly as derived, the scope holds every user and the
//                 batches exist live (Syncing): no action (exit 0).
// Beside them, the existing N-MEU plan of generate.mjs (declared MEUs, 1% drift) as the baseline.
// Each scenario runs BENCH_BATCH_RUNS times (default 3), interleaved; the table gives min–max.
//
//   BENCH_BATCH_USERS=50000   users (a multiple of 2,000 gives full batches)
//   BENCH_BATCH_RUNS=3        runs of each scenario
//   BENCH_NO_WRITE=1          (run.mjs) print only
// Exit code 1 when a scenario's plan is not what it should be (counts, findings, a non-empty
// steady-state plan): a bug in the tool, not something to adjust here.
import { writeSnapshotFile } from '../../dist/load/snapshot-file.js';
import { deriveSnapshotDigest } from '../../dist/plan/digest.js';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem, platform, release } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateConfig, generateSnapshots, guidFor } from './generate.mjs';
import { step } from './step.mjs';

export const BATCH_SIZE = 2000;
const ZERO_GUID = '00000000-0000-0000-0000-000000000000';
const ENDPOINT = 'Contoso-T2T';
const DELIVERY_DOMAIN = 'northwindtraders.onmicrosoft.com';
const hex = (n, width) => n.toString(16).padStart(width, '0');
const hasArchive = (i) => i % 10 === 0;
const alias = (i) => `user${i}`;
const batchName = (k) => `Wave-${k + 1}`;
const batchCount = (n) => Math.ceil(n / BATCH_SIZE);
const sourceDn = (i) => `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i, 32)}-user${i}`;
const sourceX500 = (i) => `X500:/o=Contoso/ou=First Administrative Group/cn=Recipients/cn=user${i}`;
const customAttributes = () => Object.fromEntries(Array.from({ length: 15 }, (_, a) => [`CustomAttribute${a + 1}`, '']));

/** The config: generate.mjs's tenants, relationships, endpoint and scope, and the batches with their CSV files. */
export function generateBatchConfig(dir, n) {
  generateConfig(dir, 0);
  mkdirSync(join(dir, 'northwind', 'waves'), { recursive: true });
  const documents = [];
  for (let k = 0; k < batchCount(n); k++) {
    const lines = ['EmailAddress'];
    for (let i = k * BATCH_SIZE; i < Math.min(n, (k + 1) * BATCH_SIZE); i++) lines.push(`${alias(i)}@contoso.com`);
    writeFileSync(join(dir, 'northwind', 'waves', `wave-${k + 1}.csv`), `${lines.join('\n')}\n`);
    documents.push(`apiVersion: exo.gitops/v1alpha1
kind: MigrationBatch
metadata:
  name: ${batchName(k)}
  tenant: northwind
spec:
  source: contoso
  endpoint: ${ENDPOINT}
  usersFile: waves/wave-${k + 1}.csv
  targetDeliveryDomain: ${DELIVERY_DOMAIN}
  addressMap:
    contoso.com: northwindtraders.com
  autoStart: true
`);
  }
  writeFileSync(join(dir, 'northwind', 'batches.yaml'), documents.join('---\n'));
}

function sourceMailbox(i) {
  const a = alias(i);
  return {
    Name: `User ${i}`, Alias: a, DisplayName: `User Number ${i}`, UserPrincipalName: `${a}@contoso.com`, PrimarySmtpAddress: `${a}@contoso.com`,
    ExchangeGuid: guidFor(i, 1), ArchiveGuid: hasArchive(i) ? guidFor(i, 2) : ZERO_GUID, LegacyExchangeDN: sourceDn(i),
    EmailAddresses: [`SMTP:${a}@contoso.com`, `smtp:${a}@contoso.onmicrosoft.com`, sourceX500(i)],
    RecipientTypeDetails: 'UserMailbox', IsDirSynced: false, IsExchangeCloudManaged: false, LitigationHoldEnabled: false,
    DelayHoldApplied: false, DelayReleaseHoldApplied: false, ComplianceTagHoldApplied: false, InPlaceHolds: [], GrantSendOnBehalfTo: [],
    ...customAttributes(),
  };
}

/** The MEU as the plan derives it from sourceMailbox(i), as Exchange then prints it. */
function derivedMailUser(i) {
  const a = alias(i);
  return {
    Name: `User ${i}`, Alias: a, DisplayName: `User Number ${i}`, PrimarySmtpAddress: `${a}@northwindtraders.com`, ExternalEmailAddress: `SMTP:${a}@contoso.onmicrosoft.com`,
    MicrosoftOnlineServicesID: `${a}@northwindtraders.com`,
    ExchangeGuid: guidFor(i, 1), ArchiveGuid: hasArchive(i) ? guidFor(i, 2) : ZERO_GUID,
    LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=${hex(i + 0x10000000, 32)}-${a}`,
    EmailAddresses: [`SMTP:${a}@northwindtraders.com`, `smtp:${a}@northwindtraders.onmicrosoft.com`, `X500:${sourceDn(i)}`, sourceX500(i)],
    IsDirSynced: false, RecipientTypeDetails: 'MailUser', PreviousRecipientTypeDetails: 'None',
    ...customAttributes(),
  };
}

/** Every tenth user (i % 10 === 9) delegates to the next: FullAccess, Send As and Send on Behalf. */
const delegates = (i, n) => i % 10 === 9 && i + 1 < n;

/**
 * The delegates as the export reads them for the batch users: each mailbox's NT AUTHORITY\SELF entry
 * (one Get-EXOMailboxPermission per user), and user i's grants to user i + 1 where delegates(i).
 */
function addDelegates(contoso, n) {
  contoso.MailboxPermission = [];
  contoso.RecipientPermission = [];
  for (let i = 0; i < n; i++) {
    const guid = contoso.Mailbox[i].ExchangeGuid;
    contoso.MailboxPermission.push({ MailboxGuid: guid, Identity: `User ${i}`, User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false });
    if (!delegates(i, n)) continue;
    const delegate = `${alias(i + 1)}@contoso.com`;
    contoso.MailboxPermission.push({ MailboxGuid: guid, Identity: `User ${i}`, User: delegate, AccessRights: ['FullAccess'], IsInherited: false, Deny: false });
    contoso.RecipientPermission.push({ Identity: `User ${i}`, Trustee: delegate, AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' });
    contoso.Mailbox[i].GrantSendOnBehalfTo = [delegate];
  }
}

/** Delegating pairs: each its own group (user i + 1 delegates to no one). */
export function delegatingPairs(n) {
  let count = 0;
  for (let i = 0; i < n; i++) if (delegates(i, n)) count++;
  return count;
}

/** Delegating pairs that cross a batch boundary: the plan's split pairs. */
export function splitPairCount(n) {
  let count = 0;
  for (let i = 0; i < n; i++) if (delegates(i, n) && Math.floor(i / BATCH_SIZE) !== Math.floor((i + 1) / BATCH_SIZE)) count++;
  return count;
}

/**
 * Writes <state>/contoso.json and <state>/northwind.json from generate.mjs's empty snapshots: the N
 * source mailboxes; with `steady`, also the derived MEUs, the full scope group and the live batches.
 */
export function generateBatchSnapshots(stateDir, n, { steady }) {
  generateSnapshots(stateDir, 0, 0, { layout: 'document' });
  const read = (tenant) => JSON.parse(readFileSync(join(stateDir, `${tenant}.json`), 'utf8'));
  const contoso = read('contoso');
  const northwind = read('northwind');
  for (let i = 0; i < n; i++) contoso.Mailbox.push(sourceMailbox(i));
  addDelegates(contoso, n);
  northwind.MailboxPermission = [];
  northwind.RecipientPermission = [];
  northwind.MigrationBatch = [];
  northwind.MigrationUser = [];
  if (steady) {
    contoso.DistributionGroup[0].Members = Array.from({ length: n }, (_, i) => `${alias(i)}@contoso.com`);
    for (let i = 0; i < n; i++) northwind.MailUser.push(derivedMailUser(i));
    for (let k = 0; k < batchCount(n); k++) {
      const count = Math.min(n, (k + 1) * BATCH_SIZE) - k * BATCH_SIZE;
      northwind.MigrationBatch.push({
        Identity: batchName(k), Status: 'Syncing', SourceEndpoint: ENDPOINT, TargetDeliveryDomain: DELIVERY_DOMAIN, NotificationEmails: [], CompleteAfterUTC: null,
        TotalCount: count, ActiveCount: count, SyncedCount: 0, FinalizedCount: 0, FailedCount: 0,
      });
    }
    for (let i = 0; i < n; i++) {
      northwind.MigrationUser.push({ Identity: `${alias(i)}@northwindtraders.com`, BatchId: batchName(Math.floor(i / BATCH_SIZE)), Status: 'Syncing', ErrorSummary: '' });
    }
  }
  // Pretty-printed, as `exo-gitops export` writes snapshots.
  // As export writes snapshots: one object per line, with the digest.
  writeSnapshotFile(join(stateDir, 'contoso.json'), contoso, deriveSnapshotDigest(contoso));
  writeSnapshotFile(join(stateDir, 'northwind.json'), northwind, deriveSnapshotDigest(northwind));
}

const tokens = { CONTOSO_EXO_TOKEN: 'bench-token', NORTHWIND_EXO_TOKEN: 'bench-token', NORTHWIND_MIGRATION_APP_SECRET: 'bench-secret' };
const num = (n) => n.toLocaleString('en-US');
const secs = (ms) => (ms / 1000).toFixed(2);

/** An action for a report: long lists cut to their first entries. */
const brief = (a) => ({ ...a, dependsOn: a.dependsOn.length > 3 ? [...a.dependsOn.slice(0, 3), `… ${a.dependsOn.length} in all`] : a.dependsOn, changes: a.changes.map((c) => ({ ...c, ...(c.add?.length > 5 ? { add: [...c.add.slice(0, 5), `… ${c.add.length} in all`] } : {}), ...(c.remove?.length > 5 ? { remove: [...c.remove.slice(0, 5), `… ${c.remove.length} in all`] } : {}) })) });

/** Counts of a JSON plan, and what differs from the expectation (an empty list: as expected). */
function examine(plan, expected, usual = () => false) {
  const actions = plan.tenants.flatMap((t) => t.actions);
  const count = (pred) => actions.filter(pred).length;
  const errors = plan.findings.filter((f) => f.severity === 'error');
  const bySeverity = {};
  for (const f of plan.findings) bySeverity[`${f.severity} ${f.code}`] = (bySeverity[`${f.severity} ${f.code}`] ?? 0) + 1;
  const got = {
    actions: actions.length,
    mailUserCreates: count((a) => a.kind === 'MailUser' && a.action === 'create'),
    mailUserUpdates: count((a) => a.kind === 'MailUser' && a.action === 'update'),
    // The plan's JSON carries an action's step in its id (tenant/Kind/identity#step).
    scopeAddMembers: count((a) => a.kind === 'DistributionGroup' && a.id.endsWith('#add-members')),
    scopeRemoveMembers: count((a) => a.kind === 'DistributionGroup' && a.id.endsWith('#remove-members')),
    batchCreates: count((a) => a.kind === 'MigrationBatch' && a.action === 'create'),
    blocked: count((a) => a.action === 'blocked'),
    errorFindings: errors.length,
    splitPairs: plan.delegation?.splitPairs.length ?? 0,
    delegationGroups: plan.delegation?.groups.length ?? 0,
  };
  const wrong = Object.entries(expected).filter(([k, v]) => got[k] !== v).map(([k, v]) => `${k}: expected ${v}, got ${got[k]}`);
  return { got, wrong, findings: bySeverity, firstActions: actions.filter((a) => !usual(a)).slice(0, 5).map(brief), firstErrors: errors.slice(0, 5) };
}

/** Generate, run every scenario `runs` times (interleaved), check each plan; rows for the table. */
export function batchBench({ n = Number(process.env.BENCH_BATCH_USERS ?? 50000), runs = Number(process.env.BENCH_BATCH_RUNS ?? 3), log = console.error } = {}) {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const cli = join(root, 'dist', 'cli', 'main.js');
  const work = mkdtempSync(join(tmpdir(), `exo-batch-bench-${n}-`));
  const batches = batchCount(n);
  try {
    const started = performance.now();
    const batchCfg = join(work, 'batch-config');
    generateBatchConfig(batchCfg, n);
    generateBatchSnapshots(join(work, 'state-first'), n, { steady: false });
    generateBatchSnapshots(join(work, 'state-steady'), n, { steady: true });
    const baseCfg = join(work, 'base-config');
    generateConfig(baseCfg, n);
    const baseExpected = generateSnapshots(join(work, 'state-base'), n, 0.01);
    log(`generated in ${((performance.now() - started) / 1000).toFixed(1)} s (${work})`);

    const scenarios = [
      {
        key: 'first', label: `first wave: ${num(n)} derived MEUs to create`, cfg: batchCfg, state: 'state-first', exit: 2,
        expected: { actions: n + 1 + batches, mailUserCreates: n, scopeAddMembers: 1, batchCreates: batches, blocked: 0, errorFindings: 0, splitPairs: splitPairCount(n), delegationGroups: delegatingPairs(n) },
        usual: (a) => (a.kind === 'MailUser' || a.kind === 'MigrationBatch') ? a.action === 'create' : a.id === 'contoso/DistributionGroup/T2T-Scope#add-members',
      },
      {
        key: 'steady', label: 'steady state: MEUs, scope and batches live', cfg: batchCfg, state: 'state-steady', exit: 0,
        expected: { actions: 0, errorFindings: 0, splitPairs: splitPairCount(n), delegationGroups: delegatingPairs(n) },
      },
      {
        key: 'baseline', label: `baseline: ${num(n)} declared MEUs, 1% drift (generate.mjs)`, cfg: baseCfg, state: 'state-base', exit: 2,
        expected: { actions: baseExpected.mailUserUpdates + 2, mailUserUpdates: baseExpected.mailUserUpdates, scopeAddMembers: 1, scopeRemoveMembers: 1, errorFindings: 0 },
        usual: (a) => (a.kind === 'MailUser' && a.action === 'update') || a.kind === 'DistributionGroup',
      },
    ];
    const results = Object.fromEntries(scenarios.map((s) => [s.key, { ...s, runs: [], problems: [] }]));
    for (let run = 1; run <= runs; run++) {
      for (const s of scenarios) {
        const out = join(work, `plan-${s.key}.json`);
        const r = step(`plan (${s.key})`, [cli, 'plan', '--dir', s.cfg, '--state', join(work, s.state), '--max-actions', '0', '--format', 'json', '--out', out], { cwd: work, env: tokens, expect: [0, 1, 2] });
        const result = results[s.key];
        result.runs.push({ ms: r.ms, rss: r.rss, exit: r.exit });
        const plan = JSON.parse(readFileSync(out, 'utf8'));
        rmSync(out, { force: true });
        const seen = examine(plan, s.expected, s.usual);
        if (r.exit !== s.exit) seen.wrong.unshift(`exit: expected ${s.exit}, got ${r.exit}`);
        result.got = seen.got;
        result.findings = seen.findings;
        if (seen.wrong.length > 0 && result.problems.length === 0) {
          result.problems = seen.wrong;
          result.firstActions = seen.firstActions;
          result.firstErrors = seen.firstErrors;
        }
        log(`run ${run} ${s.key}: ${r.ms} ms, ${r.rss} MiB, exit ${r.exit}, ${seen.got.actions} actions${seen.wrong.length ? ` — NOT AS EXPECTED: ${seen.wrong.join('; ')}` : ''}`);
      }
    }
    return { n, batches, runs, results: Object.values(results) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const range = (values, fmt) => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? fmt(lo) : `${fmt(lo)}–${fmt(hi)}`;
};

export const machine = () => `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${platform()} ${release()}, Node ${process.version}`;

/** The table: one row per scenario, wall time and peak RSS as min–max over the runs. */
export function batchTable(bench) {
  const rows = bench.results.map((r) => {
    const ms = r.runs.map((x) => x.ms);
    const rss = r.runs.map((x) => x.rss);
    const g = r.got ?? {};
    const what = r.key === 'steady' ? `${g.actions} actions` : r.key === 'first' ? `${num(g.mailUserCreates)} MailUser creates, ${g.scopeAddMembers} add-members, ${g.batchCreates} MigrationBatch creates` : `${g.mailUserUpdates} MailUser updates, ${g.scopeAddMembers} add-members, ${g.scopeRemoveMembers} remove-members`;
    const within = Math.max(...ms) < 5000 && Math.max(...rss) < 1000 ? 'yes' : '**no**';
    return `| ${r.label} | ${range(ms, secs)} s | ${range(rss, String)} MiB | ${r.runs.map((x) => x.exit).join(', ')} | ${what}; ${g.errorFindings} error findings | ${r.problems.length ? `**no**: ${r.problems.join('; ')}` : 'yes'} | ${within} |`;
  });
  return [
    `| plan (${bench.runs} runs each) | wall time | peak RSS | exit | plan | as expected | < 5 s and < 1 GB |`,
    '|---|---:|---:|---|---|:---:|:---:|',
    ...rows,
  ].join('\n');
}

/** The BENCHMARKS.md section. */
export function batchSection(bench, { date = new Date().toISOString().slice(0, 10) } = {}) {
  return `## Migration batches (${num(bench.n)} users in ${bench.batches} batches, derived mail users)

Measured by \`npm run build && node test/bench/batch-bench.mjs\` (\`BENCH_BATCH_USERS=${bench.n} BENCH_BATCH_RUNS=${bench.runs}\`; also run by \`npm run bench\`) on ${date}.
Machine: ${machine()}.

Each row is \`exo-gitops plan --state DIR --max-actions 0 --format json --out FILE\` in its own process,
${bench.runs} runs each, interleaved (min–max); wall time from outside, peak RSS of the process (rss-hook.mjs).
The repository (test/bench/batch-bench.mjs): generate.mjs's tenants, relationships, endpoint and scope
group, and ${bench.batches} \`MigrationBatch\` documents of ${num(BATCH_SIZE)} users each (\`usersFile\`, \`addressMap\`
contoso.com → northwindtraders.com), no \`MailUser\` document. Contoso's snapshot has the ${num(bench.n)} source
mailboxes (DisplayName, UPN, an @contoso.onmicrosoft.com routing address, an X500, every tenth with an
archive) and their delegates as the export reads them (each mailbox's NT AUTHORITY\\SELF entry; every tenth
user grants the next FullAccess, Send As and Send on Behalf: ${num(delegatingPairs(bench.n))} delegation groups, ${splitPairCount(bench.n)} of
them split across two batches). First wave: Northwind has no MEUs. Steady state: Northwind has every MEU as derived, the
scope group holds every user and the batches are Syncing. Baseline: the ${num(bench.n)}-MEU repository of
the stage tables (declared MEUs, 1% drift), same command.

${batchTable(bench)}
`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const bench = batchBench();
  console.log(`\n${batchTable(bench)}\n`);
  for (const r of bench.results) {
    console.log(`${r.key}: findings ${JSON.stringify(r.findings)}`);
    if (r.problems.length) {
      console.log(`${r.key}: NOT AS EXPECTED: ${r.problems.join('; ')}`);
      console.log(`  first unexpected actions: ${JSON.stringify(r.firstActions, null, 1).slice(0, 8000)}`);
      if (r.firstErrors.length) console.log(`  first error findings: ${JSON.stringify(r.firstErrors, null, 1).slice(0, 4000)}`);
    }
  }
  if (process.env.BENCH_BATCH_JSON) writeFileSync(process.env.BENCH_BATCH_JSON, JSON.stringify(bench, null, 2));
  if (bench.results.some((r) => r.problems.length)) process.exitCode = 1;
}
