// Runs the BUILT simulator (dist/simulator/main.js) the way the tool runs pwsh, on temporary state.
import { readExported } from '../support/exported-snapshot.js';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import type { MailboxEntry, MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { runEmbeddedScript } from '../../src/simulator/host-embedded/host.js';

export const SIMULATOR = fileURLToPath(new URL('../../dist/simulator/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(SIMULATOR)) throw new Error('dist/simulator/main.js is missing: run `npx tsc -p tsconfig.json` (npm test does) first.');
}

const EMPTY = '00000000-0000-0000-0000-000000000000';

export function mailbox(alias: string, domain: string, extra: Partial<MailboxEntry> = {}): MailboxEntry {
  return {
    Name: alias,
    Alias: alias,
    PrimarySmtpAddress: `${alias}@${domain}`,
    ExchangeGuid: '4e3188c6-39f5-4387-adc7-b355b6b852c8',
    ArchiveGuid: EMPTY,
    LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=0123456789abcdef-${alias}`,
    EmailAddresses: [`SMTP:${alias}@${domain}`],
    RecipientTypeDetails: 'UserMailbox',
    IsDirSynced: false,
    IsExchangeCloudManaged: false,
    LitigationHoldEnabled: false,
    InPlaceHolds: [],
    GrantSendOnBehalfTo: [],
    ...extra,
  };
}

export function mailUser(alias: string, domain: string, extra: Partial<MailUserEntry> = {}): MailUserEntry {
  return {
    Name: alias,
    Alias: alias,
    PrimarySmtpAddress: `${alias}@${domain}`,
    ExternalEmailAddress: `SMTP:${alias}@contoso.onmicrosoft.com`,
    MicrosoftOnlineServicesID: `${alias}@${domain}`,
    ExchangeGuid: EMPTY,
    ArchiveGuid: EMPTY,
    LegacyExchangeDN: `/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=fedcba9876543210-${alias}`,
    EmailAddresses: [`SMTP:${alias}@${domain}`],
    IsDirSynced: false,
    RecipientTypeDetails: 'MailUser',
    PreviousRecipientTypeDetails: 'None',
    CustomAttribute1: '',
    ...extra,
  };
}

/** The source tenant of the guide (contoso) and the target (northwind). */
export function contoso(extra: Partial<Snapshot> = {}): Snapshot {
  return {
    snapshotVersion: 1,
    tenant: { name: 'contoso', tenantId: '11111111-1111-1111-1111-111111111111', organization: 'contoso.onmicrosoft.com' },
    exportedAt: '2026-11-21T00:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [
      { DomainName: 'contoso.com', DomainType: 'Authoritative' },
      { DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
    OrganizationRelationship: [],
    MigrationEndpoint: [],
    DistributionGroup: [],
    MailUser: [],
    Mailbox: [mailbox('lara', 'contoso.com', { EmailAddresses: ['SMTP:lara@contoso.com', 'smtp:LaraN@contoso.onmicrosoft.com'] }), mailbox('john', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000001' })],
    ...extra,
  };
}

export function northwind(extra: Partial<Snapshot> = {}): Snapshot {
  return {
    snapshotVersion: 1,
    tenant: { name: 'northwind', tenantId: '22222222-2222-2222-2222-222222222222', organization: 'northwindtraders.onmicrosoft.com' },
    exportedAt: '2026-11-21T00:00:00Z',
    OrganizationConfig: { IsDehydrated: false },
    AcceptedDomain: [
      { DomainName: 'northwindtraders.com', DomainType: 'Authoritative' },
      { DomainName: 'northwindtraders.onmicrosoft.com', DomainType: 'Authoritative' },
    ],
    OrganizationRelationship: [],
    MigrationEndpoint: [],
    DistributionGroup: [],
    MailUser: [],
    Mailbox: [],
    ...extra,
  };
}

export interface SimulatorRun {
  stdout: string;
  stderr: string;
  exitCode: number;
  stateDir: string;
  state(tenant: string): Promise<Snapshot>;
  /** What an export script of this run wrote into EXO_GITOPS_SNAPSHOT_FILE (unchecked), or null. */
  exported(): Record<string, unknown> | null;
  metrics(): Promise<Record<string, unknown> & { calls: Record<string, number> }>;
  cleanup(): Promise<void>;
}

export interface RunOptions {
  tenants?: Snapshot[];
  env?: Record<string, string>;
  /** Pass the script on stdin with -Command - instead of -File. */
  stdin?: boolean;
  /** Reuse a state directory (for runs that build on one another). */
  stateDir?: string;
}

export async function runScript(script: string, options: RunOptions = {}): Promise<SimulatorRun> {
  assertBuilt();
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'exo-sim-test-')));
  for (const tenant of options.tenants ?? (options.stateDir ? [] : [contoso(), northwind()])) {
    await writeFile(join(stateDir, `${tenant.tenant.name}.json`), JSON.stringify(tenant, null, 2));
  }
  const scriptFile = join(stateDir, 'script.ps1');
  const snapshotFile = join(stateDir, `exported-${++runs}.jsonl`);
  const env = { EXO_SIM_STATE: stateDir, EXO_SIM_METRICS: join(stateDir, 'metrics.json'), EXO_GITOPS_SNAPSHOT_FILE: snapshotFile, ...options.env };
  let result;
  if (options.stdin) {
    result = await execa('node', [SIMULATOR, '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], { input: script, env, reject: false });
  } else {
    await writeFile(scriptFile, script);
    result = await execa('node', [SIMULATOR, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', scriptFile], { env, reject: false });
  }
  return {
    stdout: String(result.stdout),
    stderr: String(result.stderr),
    exitCode: result.exitCode ?? -1,
    stateDir,
    state: async (tenant) => JSON.parse(await readFile(join(stateDir, `${tenant}.json`), 'utf8')) as Snapshot,
    exported: () => readExported(snapshotFile),
    metrics: async () => JSON.parse(await readFile(join(stateDir, 'metrics.json'), 'utf8')),
    cleanup: () => rm(stateDir, { recursive: true, force: true }),
  };
}

/** Runs so far: each gets its own file for what an export script writes. */
let runs = 0;

export const CONNECT_CONTOSO = "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false";
export const CONNECT_NORTHWIND = "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'northwindtraders.onmicrosoft.com' -ShowBanner:$false";

/** A script body wrapped in a session, each statement's error caught and printed as ERR:<reason>:<message>. */
export function session(connect: string, body: string): string {
  return `$ErrorActionPreference = 'Stop'\n${connect}\n${body}\nDisconnect-ExchangeOnline -Confirm:$false\n`;
}

/** `try { <statement> } catch { 'ERR:' + reason + ':' + message }` for one statement. */
export function attempt(statement: string): string {
  return `try { ${statement} } catch { Write-Output ('ERR:' + $_.CategoryInfo.Reason + ':' + $_.Exception.Message) }`;
}

/** runScript for a test file: every run's state folder is removed after each test (SIM_DEBUG=1 prints what ran). */
export function cleanedUpRunner(): (script: string, options?: Parameters<typeof runScript>[1]) => Promise<SimulatorRun> {
  const runs: SimulatorRun[] = [];
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });
  return async (script, options = {}) => {
    const result = await runScript(script, options);
    if (process.env.SIM_DEBUG) console.log(`STDOUT<<${result.stdout}>>\nSTDERR<<${result.stderr}>>`);
    runs.push(result);
    return result;
  };
}

/**
 * A script through the embedded host inside this process (no build, no process to start): fast, for
 * the engine's rules. Same options and result as runScript; the caller removes the state folder.
 */
export async function runInProcess(script: string, options: RunOptions = {}): Promise<SimulatorRun> {
  const stateDir = options.stateDir ?? (await mkdtemp(join(tmpdir(), 'exo-sim-test-')));
  for (const tenant of options.tenants ?? (options.stateDir ? [] : [contoso(), northwind()])) {
    await writeFile(join(stateDir, `${tenant.tenant.name}.json`), JSON.stringify(tenant, null, 2));
  }
  let stdout = '';
  let stderr = '';
  const snapshotFile = join(stateDir, `exported-${++runs}.jsonl`);
  const exitCode = await runEmbeddedScript(script, {
    scriptFile: join(stateDir, 'script.ps1'),
    scriptArgs: [],
    scriptScope: true,
    env: { EXO_SIM_STATE: stateDir, EXO_SIM_METRICS: join(stateDir, 'metrics.json'), EXO_GITOPS_SNAPSHOT_FILE: snapshotFile, ...options.env },
    out: (text) => {
      stdout += text;
    },
    err: (text) => {
      stderr += text;
    },
  });
  return {
    stdout: stdout.replace(/\n$/, ''),
    stderr: stderr.replace(/\n$/, ''),
    exitCode,
    stateDir,
    state: async (tenant) => JSON.parse(await readFile(join(stateDir, `${tenant}.json`), 'utf8')) as Snapshot,
    exported: () => readExported(snapshotFile),
    metrics: async () => JSON.parse(await readFile(join(stateDir, 'metrics.json'), 'utf8')),
    cleanup: () => rm(stateDir, { recursive: true, force: true }),
  };
}

/** runInProcess for a test file: every run's state folder is removed after each test (SIM_DEBUG=1 prints what ran). */
export function cleanedUpInProcessRunner(): (script: string, options?: RunOptions) => Promise<SimulatorRun> {
  const runs: SimulatorRun[] = [];
  afterEach(async () => {
    await Promise.all(runs.splice(0).map((r) => r.cleanup()));
  });
  return async (script, options = {}) => {
    const result = await runInProcess(script, options);
    if (process.env.SIM_DEBUG) console.log(`STDOUT<<${result.stdout}>>\nSTDERR<<${result.stderr}>>`);
    runs.push(result);
    return result;
  };
}
