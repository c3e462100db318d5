// The embedded host and real pwsh (with the stand-in module) are two hosts of one engine: the same
// scripts, run on two copies of the same state, must give the same step results, the same exported
// snapshot, the same final state files, the same engine metrics and the same output. Only values
// random by design are normalised: the hex New-MailUser stamps into a LegacyExchangeDN, exportedAt,
// and the time a credential was last sent; the metrics' peak memory is the host's own.
//
// Scripts: every action type (test/apply/every-action.ts) against the example's northwind state, then
// its export; the same with throttling and injected failures; a plan of values Exchange refuses (the
// error texts of binding and of Exchange's checks); an export that cannot connect (the error record
// pwsh prints); the example's own plan rendered by the built CLI for each tenant, with the tenant's
// export (exportScript) before and after it.
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { groupsToRead, linkedMailboxesToRead } from '../../../src/export/export.js';
import { exportScript } from '../../../src/powershell/export-script.js';
import { parseExported } from '../../support/exported-snapshot.js';

// An export script writes its snapshot into the file EXO_GITOPS_SNAPSHOT_FILE names; each run's file is
// appended to its stdout between these markers, so it is compared with the rest, byte for byte.
const SNAPSHOT_BEGIN = '<<<snapshot file';
const SNAPSHOT_END = 'snapshot file>>>';
import { loadDesiredState } from '../../../src/load/load.js';
import type { Action, TenantPlan } from '../../../src/model/plan.js';
import { renderApplyScript } from '../../../src/powershell/apply-script.js';
import { EVERY_ACTION_TENANT } from '../../apply/every-action.js';
import { PWSH, ROOT, SIMULATOR, realPwshEnv, realPwshUnavailable } from '../../support/real-pwsh.js';
import { replaceOnce } from '../../support/edit.js';
import { timeless } from '../../support/steps.js';

const CLI = join(ROOT, 'dist/cli/main.js');
const EXAMPLE = join(ROOT, 'examples/contoso-northwind');
const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `exo-diff-${prefix}-`));
  temps.push(dir);
  return dir;
};

type Host = 'embedded' | 'pwsh';

interface Case {
  name: string;
  /** Run one after another on the same state. */
  scripts: { label: string; text: string }[];
  /** Environment beyond the secrets the scripts read (fault injection). */
  env?: Record<string, string>;
}

interface ScriptRun {
  label: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
}

interface CaseRun {
  runs: ScriptRun[];
  /** <tenant>.json → text, after the last script. */
  state: Record<string, string>;
  metrics: string;
}

const update = (id: string, kind: Action['kind'], identity: string, changes: Action['changes'], extra: Partial<Action> = {}): Action => ({
  id: `northwind/${kind}/${id}`,
  tenant: 'northwind',
  kind,
  identity,
  action: 'update',
  changes,
  destructive: [],
  dependsOn: [],
  ...extra,
});

/**
 * A plan (as a plan file could hold it) whose values Exchange refuses, each in its own way: binding
 * (argument transformation, validation) and Exchange's own checks. Each step fails; its error text
 * must be the same in both hosts.
 */
const INVALID_VALUES: TenantPlan = {
  ...EVERY_ACTION_TENANT,
  organization: 'northwindtraders.onmicrosoft.com',
  actions: [
    update('guid', 'MailUser', 'LaraN', [{ field: 'ExchangeGuid', before: '', after: 'not-a-guid' }]),
    update('capability', 'OrganizationRelationship', 'Contoso', [{ field: 'MailboxMoveCapability', before: 'Inbound', after: 'Inbound, Bogus' }]),
    update('enabled', 'OrganizationRelationship', 'Contoso', [{ field: 'Enabled', before: true, after: 'maybe' }]),
    update('scopes', 'OrganizationRelationship', 'Contoso', [{ field: 'MailboxMovePublishedScopes', before: [], after: ['a', 'b'] }]),
    update('unlimited', 'MigrationEndpoint', 'Contoso-T2T', [{ field: 'MaxConcurrentMigrations', before: 20, after: 'abc' }]),
    update('negative', 'MigrationEndpoint', 'Contoso-T2T', [{ field: 'MaxConcurrentMigrations', before: 20, after: -1 }]),
    update('address', 'MailUser', 'LaraN', [{ field: 'PrimarySmtpAddress', before: '', after: 'not an address' }]),
    update('domain', 'MailUser', 'LaraN', [{ field: 'EmailAddresses', add: ['smtp:x@notaccepted.com'] }]),
    update('taken', 'MailUser', 'LaraN', [{ field: 'EmailAddresses', add: ['smtp:Bianca.Pisani@northwindtraders.com'] }]),
    update('synced', 'MailUser', 'DiegoS', [{ field: 'CustomAttribute1', before: '', after: 'x' }]),
    update('cloud', 'Mailbox', 'Nestor Wilke', [{ field: 'IsExchangeCloudManaged', before: false, after: 'maybe' }]),
    update('member', 'DistributionGroup', 'Nobody-Group', [{ field: 'Members', add: ['nobody@northwindtraders.com'] }]),
    update('existing', 'MailUser', 'LaraN', [{ field: 'CustomAttribute1', before: '', after: 'ok' }], { dependsOn: ['northwind/MailUser/guid'] }),
    { ...update('duplicate', 'MailUser', 'Lara Newton', []), action: 'create', changes: [{ field: 'Name', after: 'Lara Newton' }, { field: 'Alias', after: 'LaraN2' }, { field: 'ExternalEmailAddress', after: 'SMTP:LaraN2@contoso.onmicrosoft.com' }] },
  ],
};

/** Every `$env:NAME` a script reads, set to a dummy value (no script here needs a real secret). */
function secretsOf(script: string): Record<string, string> {
  return Object.fromEntries([...script.matchAll(/\$env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => [m[1]!, `dummy-${m[1]!.toLowerCase()}`]));
}

async function runCase(host: Host, c: Case, original: string): Promise<CaseRun> {
  // Folders of one length for both hosts: pwsh wraps error messages (which name the state folder) at its width.
  const dir = temp(host === 'pwsh' ? 'pwsh' : 'embd');
  const state = join(dir, 'state');
  cpSync(original, state, { recursive: true });
  const metrics = join(dir, 'metrics.json');
  const runs: ScriptRun[] = [];
  for (const [i, script] of c.scripts.entries()) {
    const file = join(dir, `${i}.ps1`);
    writeFileSync(file, script.text);
    const snapshotFile = join(dir, `${i}.snapshot.jsonl`);
    const env = realPwshEnv(state, { ...secretsOf(script.text), NO_COLOR: '1', EXO_SIM_METRICS: metrics, EXO_GITOPS_SNAPSHOT_FILE: snapshotFile, ...c.env });
    const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file];
    const options = { env, extendEnv: false, reject: false, stripFinalNewline: false, timeout: 60_000 } as const;
    const result = host === 'pwsh' ? await execa(PWSH, args, options) : await execa(process.execPath, [SIMULATOR, ...args], options);
    const local = (text: string): string => text.replaceAll(dir, '<dir>');
    const written = existsSync(snapshotFile) ? `${SNAPSHOT_BEGIN}\n${readFileSync(snapshotFile, 'utf8')}${SNAPSHOT_END}\n` : '';
    runs.push({ label: script.label, exitCode: result.exitCode, stdout: local(timeless(`${String(result.stdout)}${written}`)), stderr: local(String(result.stderr)) });
  }
  const files = Object.fromEntries(readdirSync(state).filter((f) => f.endsWith('.json')).sort().map((f) => [f, readFileSync(join(state, f), 'utf8')]));
  return { runs, state: files, metrics: existsSync(metrics) ? readFileSync(metrics, 'utf8') : '' };
}

/** Values random by design, replaced by placeholders: hex New-MailUser stamps (any not in the original state), exportedAt, lastSetAt. */
function normaliser(originalTexts: string[]): (text: string) => string {
  const known = new Set(originalTexts.flatMap((t) => [...t.matchAll(/cn=Recipients\/cn=([0-9a-f]{32})-/g)].map((m) => m[1]!)));
  return (text) =>
    text
      .replace(/cn=Recipients\/cn=([0-9a-f]{32})-/g, (all, hex: string) => (known.has(hex) ? all : 'cn=Recipients/cn=<random>-'))
      .replace(/("exportedAt":\s*)"[^"]*"/g, '$1"<time>"')
      .replace(/("lastSetAt":\s*)"[^"]*"/g, '$1"<time>"');
}

interface Output {
  steps: unknown[];
  snapshot: unknown;
  other: string[];
}

/** A script's stdout in its parts: step results, the snapshot between the markers, every other line. */
function parseOutput(stdout: string): Output {
  const lines = stdout.split('\n');
  const steps: unknown[] = [];
  const other: string[] = [];
  let snapshot: unknown = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.includes('"exoGitopsStep"')) steps.push(JSON.parse(line));
    else if (line === SNAPSHOT_BEGIN) {
      const end = lines.indexOf(SNAPSHOT_END, i + 1);
      snapshot = parseExported(`${lines.slice(i + 1, end === -1 ? undefined : end).join('\n')}\n`);
      if (end === -1) other.push('(no end marker)');
      i = end === -1 ? lines.length : end;
    } else other.push(line);
  }
  return { steps, snapshot, other };
}

/** Where two texts first differ, shortly; null when they are equal. */
function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  return `line ${line}: embedded ${JSON.stringify(a.slice(Math.max(0, i - 40), i + 60))} | pwsh ${JSON.stringify(b.slice(Math.max(0, i - 40), i + 60))}`;
}

/** Every difference between the two hosts' runs of a case, as readable lines. */
function differences(embedded: CaseRun, pwsh: CaseRun, normalise: (text: string) => string): string[] {
  const found: string[] = [];
  const diff = (what: string, a: string, b: string): void => {
    const d = firstDifference(a, b);
    if (d) found.push(`${what}: ${d}`);
  };
  embedded.runs.forEach((e, i) => {
    const p = pwsh.runs[i]!;
    if (e.exitCode !== p.exitCode) found.push(`${e.label}: exit code embedded ${e.exitCode} | pwsh ${p.exitCode}`);
    const eo = parseOutput(normalise(e.stdout));
    const po = parseOutput(normalise(p.stdout));
    // Step results in order, compared whole: id, status, error text, reason.
    const steps = Math.max(eo.steps.length, po.steps.length);
    for (let k = 0; k < steps; k++) {
      const [es, ps] = [JSON.stringify(eo.steps[k] ?? null), JSON.stringify(po.steps[k] ?? null)];
      if (es !== ps) found.push(`${e.label}: step result #${k + 1}:\n  embedded ${es}\n  pwsh     ${ps}`);
    }
    diff(`${e.label}: exported snapshot`, JSON.stringify(eo.snapshot, null, 1), JSON.stringify(po.snapshot, null, 1));
    diff(`${e.label}: other stdout`, eo.other.join('\n'), po.other.join('\n'));
    // Then byte for byte (JSON escaping, spacing): only when the parsed forms agree, to report one thing once.
    if (found.length === 0) diff(`${e.label}: stdout bytes`, normalise(e.stdout), normalise(p.stdout));
    diff(`${e.label}: stderr`, e.stderr, p.stderr);
  });
  for (const file of new Set([...Object.keys(embedded.state), ...Object.keys(pwsh.state)])) diff(`state ${file}`, normalise(embedded.state[file] ?? '(none)'), normalise(pwsh.state[file] ?? '(none)'));
  // The peak memory of the process that ran the engine differs by host (the CLI's own, or pwsh's engine process).
  const withoutMemory = (metrics: string) => metrics.replace(/"peakRssMiB": \d+/, '"peakRssMiB": "(host\'s)"');
  diff('metrics', withoutMemory(normalise(embedded.metrics)), withoutMemory(normalise(pwsh.metrics)));
  return found;
}

/** At most `limit` of the jobs at a time (real pwsh takes a core for a second or two to start). */
async function limited<T>(jobs: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(jobs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker));
  return results;
}

const CASES = [
  'every action type, then the export',
  'every action type, throttled every 4th call and with injected failures',
  'values Exchange refuses, every 2nd call throttled',
  'an organization the state does not have (the script ends with an error)',
  "the example's northwind: export, apply, export",
  "the example's contoso: export, apply, export",
  'the preflight cmdlets: property sets, statistics, the cloud-managed default, Unlimited, a failed availability test',
];

/**
 * The cmdlets the cross-tenant preflight added (issue 13), called directly on the example's
 * northwind: Get-EXOMailbox's property sets, both statistics cmdlets, Set-OrganizationConfig's
 * switches, MaxConcurrentMigrations Unlimited, Test-MigrationServerAvailability's outcomes (an
 * injected failure is a Failed result), and their binding errors. Module functions do not see the
 * script's $ErrorActionPreference (module.ts), so each call says -ErrorAction Stop.
 */
const PREFLIGHT_CMDLETS = `$ErrorActionPreference = 'Stop'
Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'northwindtraders.onmicrosoft.com' -ShowBanner:$false -ErrorAction Stop
try {
  Get-EXOMailbox -ResultSize Unlimited -PropertySets Archive, Hold -Properties MailboxLocations, LegacyExchangeDN -ErrorAction Stop | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 3 }
  (Get-EXOMailbox 'Nestor.Wilke@northwindtraders.com' -ErrorAction Stop).PSObject.Properties.Name -join ','
  (Get-MailboxStatistics -Identity 'NestorW' -ErrorAction Stop).TotalDeletedItemSize
  Get-EXOMailboxStatistics -ExchangeGuid 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e' -ErrorAction Stop | ForEach-Object { $_ | ConvertTo-Json -Compress }
  Get-MailUser -ResultSize Unlimited -ErrorAction Stop | ForEach-Object { [string]$_.RecoverableItemsQuota + '|' + (@($_.PersistedCapabilities) -join ',') }
  Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault -ErrorAction Stop
  (Get-OrganizationConfig -ErrorAction Stop).ExchangeAttributesCloudManagedByDefault
  (Get-OrganizationConfig -ErrorAction Stop).ExternalDirectoryOrganizationId.ToString()
  Set-MigrationEndpoint 'Contoso-T2T' -MaxConcurrentMigrations Unlimited -ErrorAction Stop
  (Get-MigrationEndpoint 'Contoso-T2T' -ErrorAction Stop).MaxConcurrentMigrations
  Test-MigrationServerAvailability -Endpoint 'Contoso-T2T' -ErrorAction Stop | ForEach-Object { $_.Result + '|' + $_.Message }
  Test-MigrationServerAvailability -Endpoint 'Contoso-T2T' -ErrorAction Stop | ForEach-Object { $_.Result + '|' + $_.Message }
  foreach ($call in @(
    { Get-EXOMailbox -PropertySets Bogus -ErrorAction Stop },
    { Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault -ExchangeAttributesServerManagedByDefault -ErrorAction Stop },
    { Get-MailboxStatistics -ErrorAction Stop },
    { Get-EXOMailboxStatistics -ExchangeGuid 'not-a-guid' -ErrorAction Stop },
    { Get-EXOMailboxStatistics -Identity 'nobody' -ErrorAction Stop }
  )) {
    try { & $call } catch { 'ERR:' + $_.Exception.Message }
  }
} finally {
  Disconnect-ExchangeOnline -Confirm:$false
}
`;

describe.skipIf(realPwshUnavailable() !== null)('embedded host and real pwsh agree', () => {
  const cases: Case[] = [];
  const results = new Map<string, { embedded: CaseRun; pwsh: CaseRun }>();
  let normalise: (text: string) => string = (text) => text;

  beforeAll(async () => {
    // A copy of the example (config and state), planned and rendered by the built CLI.
    const example = join(temp('example'), 'contoso-northwind');
    cpSync(EXAMPLE, example, { recursive: true });
    const original = join(example, 'state');
    const planFile = join(example, '..', 'plan.json');
    const cliEnv = { PATH: process.env.PATH ?? '', NO_COLOR: '1' };
    const planned = await execa(process.execPath, [CLI, 'plan', '--dir', example, '--state', original, '--out', planFile], { env: cliEnv, extendEnv: false, reject: false });
    expect(planned.exitCode, planned.stderr).toBe(2);
    const render = async (tenant: string): Promise<string> => {
      const r = await execa(process.execPath, [CLI, 'render', '--plan', planFile, '--tenant', tenant], { env: cliEnv, extendEnv: false, reject: false });
      expect(r.exitCode, r.stderr).toBe(0);
      return String(r.stdout);
    };
    const { desired, findings } = loadDesiredState(example, { parallel: 'never' });
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    // Not paced: the contoso export makes more calls than the budget's first 20, and real pwsh would wait 10 s.
    const exportOf = (tenant: string): string => exportScript(desired.tenants.find((t) => t.name === tenant)!, { groups: groupsToRead(desired, tenant), linkedMailboxes: linkedMailboxesToRead(desired, tenant), retry: { budget: null } });

    const everyAction = { ...EVERY_ACTION_TENANT, organization: 'northwindtraders.onmicrosoft.com' };
    cases.push(
      // Paced to a budget of 5 calls per 300 ms, so both hosts wait for tokens (pacing.test.ts times it in real pwsh).
      { name: 'every action type, then the export', scripts: [{ label: 'apply', text: renderApplyScript(everyAction, { budget: { requests: 5, windowMs: 300 } }) }, { label: 'export', text: exportOf('northwind') }] },
      {
        name: 'every action type, throttled every 4th call and with injected failures',
        scripts: [{ label: 'apply', text: renderApplyScript(everyAction, { baseDelayMs: 1, maxDelayMs: 2, budget: null }) }],
        env: { EXO_SIM_THROTTLE_EVERY: '4', EXO_SIM_FAIL: 'Set-MailUser#1,New-MigrationEndpoint,Set-User:LaraN' },
      },
    );
    // Throttled too: a call the binder refuses must count (or not) as a call the same way in both hosts.
    cases.push({ name: 'values Exchange refuses, every 2nd call throttled', scripts: [{ label: 'apply', text: renderApplyScript(INVALID_VALUES, { baseDelayMs: 1, maxDelayMs: 2, budget: null }) }], env: { EXO_SIM_THROTTLE_EVERY: '2' } });
    const northwind = desired.tenants.find((t) => t.name === 'northwind')!;
    cases.push({
      name: 'an organization the state does not have (the script ends with an error)',
      scripts: [{ label: 'export', text: exportScript({ ...northwind, spec: { ...northwind.spec, organization: 'missing.onmicrosoft.com' } }, { groups: [] }) }],
    });
    cases.push({
      name: 'the preflight cmdlets: property sets, statistics, the cloud-managed default, Unlimited, a failed availability test',
      scripts: [{ label: 'preflight', text: PREFLIGHT_CMDLETS }],
      // The second availability test fails (a Failed result, not an error).
      env: { EXO_SIM_FAIL: 'Test-MigrationServerAvailability:Contoso-T2T#2' },
    });
    for (const tenant of ['northwind', 'contoso']) {
      cases.push({
        name: `the example's ${tenant}: export, apply, export`,
        scripts: [
          { label: 'export before', text: exportOf(tenant) },
          { label: 'apply', text: await render(tenant) },
          { label: 'export after', text: exportOf(tenant) },
        ],
      });
    }

    const originals = readdirSync(original).map((f) => readFileSync(join(original, f), 'utf8'));
    const job = (host: Host, c: Case) => async () => ({ name: c.name, host, run: await runCase(host, c, original) });
    // The first import of the stand-in module compiles its exception types: one pwsh run first, with
    // the embedded runs beside it, then the other pwsh runs at once on the cores there are.
    const [first, ...rest] = cases.map((c) => job('pwsh', c));
    const done = (await Promise.all([limited([first!], 1), limited(cases.map((c) => job('embedded', c)), 1)])).flat();
    done.push(...(await limited(rest, Math.max(2, Math.min(3, availableParallelism())))));
    for (const { name, host, run } of done) {
      const entry = results.get(name) ?? ({} as { embedded: CaseRun; pwsh: CaseRun });
      entry[host] = run;
      results.set(name, entry);
    }
    normalise = normaliser(originals);
  }, 120_000);

  it('the scripts ran: every step reported, snapshots printed', () => {
    expect(cases.length).toBe(CASES.length);
    for (const c of cases) {
      const { pwsh } = results.get(c.name)!;
      c.scripts.forEach((script, i) => {
        const out = parseOutput(pwsh.runs[i]!.stdout);
        const run = pwsh.runs[i]!;
        if (c.name.startsWith('an organization')) {
          expect(run.exitCode).toBe(1);
          expect(run.stderr).toMatch(/'missing\.onmicrosoft\.com' was not found/);
          return;
        }
        if (script.label.startsWith('export')) expect(out.snapshot, `${c.name}: ${script.label}`).not.toBeNull();
        else if (script.label === 'preflight') expect(out.other.filter((line) => line.startsWith('ERR:')).length, `${c.name}: ${run.stdout}`).toBe(5);
        else expect(out.steps.length, `${c.name}: ${script.label}`).toBeGreaterThan(0);
        expect(run.exitCode, `${c.name}: ${script.label}: ${run.stderr}`).toBe(0);
      });
    }
  });

  it('the scripts did what the cases say: faults were injected, New-MailUser stamped its random hex', () => {
    const faults = JSON.parse(results.get('every action type, throttled every 4th call and with injected failures')!.pwsh.metrics) as Record<string, Record<string, number>>;
    expect(Object.values(faults.throttled ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(Object.values(faults.injectedFailures ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const refusedRun = results.get('values Exchange refuses, every 2nd call throttled')!.pwsh;
    expect(Object.values((JSON.parse(refusedRun.metrics) as Record<string, Record<string, number>>).throttled ?? {}).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    const refused = parseOutput(refusedRun.runs[0]!.stdout).steps as { exoGitopsStep: string; status: string }[];
    expect(refused.map((s) => `${s.exoGitopsStep} ${s.status}`)).toEqual(INVALID_VALUES.actions.map((a) => `${a.id} ${a.dependsOn.length ? 'skipped' : 'failed'}`));
    const state = normalise(results.get('every action type, then the export')!.pwsh.state['northwind.json']!);
    expect(state).toContain('cn=Recipients/cn=<random>-NewUser');
  });

  it('the comparison can fail: a changed error text, snapshot value or state value is a difference', () => {
    const { embedded, pwsh } = results.get('every action type, then the export')!;
    const changed = (run: CaseRun, i: number, from: string, to: string): CaseRun => ({ ...run, runs: run.runs.map((r, k) => (k === i ? { ...r, stdout: replaceOnce(r.stdout, from, to, { all: true }) } : r)) });
    expect(differences(changed(embedded, 0, "couldn't be found", 'could not be found'), pwsh, normalise).join('\n')).toMatch(/apply: step result #\d+/);
    expect(differences(changed(embedded, 1, '"IsDehydrated":false', '"IsDehydrated":true'), pwsh, normalise).join('\n')).toMatch(/export: exported snapshot/);
    expect(differences({ ...embedded, state: { 'northwind.json': replaceOnce(embedded.state['northwind.json']!, 'Cross-Tenant-Project', 'x', { all: true }) } }, pwsh, normalise).join('\n')).toMatch(/state northwind\.json/);
  });

  for (const name of CASES) {
    it(name, () => {
      const { embedded, pwsh } = results.get(name)!;
      expect(differences(embedded, pwsh, normalise)).toEqual([]);
    });
  }
});
