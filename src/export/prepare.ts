// The use case every planning command shares (plan, apply, the GitHub reports): load and validate
// the YAML, get live state (read snapshots, or export first), find the commit, and build the plan.
// Side effects live here and in export; the plan itself is pure.
//
// plan --tenant NAME: only NAME's live state is read (with NAME's credentials alone); the other
// tenants' state is their last snapshot (--peer-state, or --state's directory), or missing. The plan
// is the whole plan cut to NAME's part (as apply --tenant cuts it), and says for each other tenant
// which snapshot its cross-tenant checks used (PeerStateFromSnapshot) or which checks it skipped
// (PeerStateMissing).

import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commitOf } from '../load/git.js';
import { readSnapshots, snapshotPath } from '../load/snapshot.js';
import type { DesiredState } from '../model/desired.js';
import { finding, hasErrors, sortFindings, type Finding, type FindingCode } from '../model/finding.js';
import { summarize, type Plan, type ReadinessRow } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { TenantIndex } from '../model/tenant-index.js';
import { endpointKey } from '../plan/context.js';
import { desiredDigest } from '../plan/digest.js';
import { buildPlan } from '../plan/plan.js';
import { sortReadiness } from '../plan/readiness.js';
import type { RemovedSince } from '../plan/unmanaged.js';
import type { UseCaseContext } from '../settings/environment.js';
import { foundNoDocuments, validateDirectory, validateDirectoryAt, type ValidationResult } from '../validate/validate.js';

export interface LiveStateOptions {
  dir: string;
  /** Read snapshots <state>/<tenant>.json; with `refresh`, export into it first. Absent: export into a temporary directory. */
  state?: string;
  refresh?: boolean;
  /** At most this many tenants exported at once (--concurrency). */
  concurrency?: number;
}

export interface PrepareOptions extends LiveStateOptions {
  maxActions: number;
  /** A commit whose desired state is already live: endpoint secrets are sent again where `rotation` differs from it. */
  baselineRef?: string;
  /** Plan only this tenant: its live state alone is read (exported with its credentials, or from --state). */
  tenant?: string;
  /** With `tenant`: the other tenants' snapshots, <peerState>/<tenant>.json. Absent: those in `state`, if given. */
  peerState?: string;
}

export type RotationBaseline = Map<string, string | undefined>;

/** Each endpoint's credentials.rotation in a desired state. */
export function rotationsOf(desired: DesiredState): RotationBaseline {
  return new Map(desired.endpoints.filter((e) => e.tenant !== null).map((e) => [endpointKey(e.tenant!, e.name), e.spec.credentials?.rotation]));
}

/**
 * What the commit already applied (or a pull request's base) says for this plan: each endpoint's
 * credentials.rotation then (secrets are sent again where it changed), and its documents (those
 * removed since are reported as no longer managed).
 */
export async function sinceBaseline(directory: string, ref: string): Promise<{ baseline: RotationBaseline; removedSince: RemovedSince }> {
  const desired = (await validateDirectoryAt(directory, ref)).desired;
  return { baseline: rotationsOf(desired), removedSince: { ref, desired } };
}

export type Prepared =
  /** `problem`: why there is no plan when it is not the desired state's findings (an unknown --tenant). */
  | { ok: false; findings: Finding[]; problem?: string }
  | { ok: true; desired: DesiredState; snapshots: Map<string, Snapshot>; plan: Plan };

/** Whether the desired state can be planned at all: every document loaded and at least one Tenant. */
export function plannable(validation: ValidationResult): boolean {
  return validation.rulesRan && validation.desired.tenants.length > 0;
}

/** Why a desired state that is not plannable is not, in the words plan, apply and export use after its findings. */
export function unplannableReason(findings: readonly Finding[]): string {
  if (foundNoDocuments({ findings })) return 'no exo-gitops documents found';
  if (hasErrors(findings)) return 'the desired state is invalid';
  return 'no Tenant documents found';
}

export async function loadLiveState(desired: DesiredState, options: LiveStateOptions, context: UseCaseContext): Promise<Map<string, Snapshot>> {
  const tenants = desired.tenants.map((t) => t.name);
  if (options.state !== undefined && !options.refresh) return readSnapshots(resolve(context.cwd, options.state), tenants);
  // No --state: export into a temporary directory that lives only for this run.
  const directory = options.state !== undefined ? resolve(context.cwd, options.state) : await mkdtemp(join(tmpdir(), 'exo-gitops-state-'));
  try {
    // Loaded only to export: a plan from saved state starts no PowerShell and needs no execa.
    const { exportTenants } = await import('./export.js');
    const exported = await exportTenants(desired, desired.tenants, directory, { env: context.env, cwd: resolve(context.cwd, options.dir), ...(context.retry ? { retry: context.retry } : {}), ...(context.progress ? { progress: context.progress } : {}), ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) });
    for (const e of exported) context.stderr(`exported ${e.tenant} in ${e.durationMs} ms`);
    return new Map(exported.map((e) => [e.tenant, e.snapshot]));
  } finally {
    if (options.state === undefined) await rm(directory, { recursive: true, force: true });
  }
}

/** The plan of a validated desired state against live state: the one place buildPlan gets its inputs from a repository. */
export async function planValidated(
  validation: ValidationResult,
  snapshots: Map<string, Snapshot>,
  options: { dir: string; maxActions: number; baseline?: RotationBaseline; commit?: Plan['commit']; removedSince?: RemovedSince },
  context: UseCaseContext,
): Promise<Plan> {
  return buildPlan({
    desired: validation.desired,
    snapshots,
    validationFindings: validation.findings,
    commit: options.commit !== undefined ? options.commit : await commitOf(resolve(context.cwd, options.dir)),
    desiredDigest: desiredDigest(validation.desired.contentHashes),
    maxActionsPerTenant: options.maxActions,
    ...(options.baseline ? { rotationBaseline: options.baseline } : {}),
    ...(options.removedSince ? { removedSince: options.removedSince } : {}),
  });
}

export async function preparePlan(options: PrepareOptions, context: UseCaseContext): Promise<Prepared> {
  const validation = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
  if (!plannable(validation)) return { ok: false, findings: validation.findings };
  const desired = validation.desired;
  let snapshots: Map<string, Snapshot>;
  let peers: PeerState[] | undefined;
  if (options.tenant === undefined) snapshots = await loadLiveState(desired, options, context);
  else {
    const tenant = desired.tenants.find((t) => t.name === options.tenant);
    if (!tenant) return { ok: false, findings: [], problem: noSuchTenant(desired, options.tenant) };
    // The peers first: a snapshot that does not load stops the plan before anything is exported.
    peers = readPeerStates(desired, tenant.name, options, context);
    snapshots = await loadLiveState({ ...desired, tenants: [tenant] }, options, context);
    for (const peer of peers) if (peer.snapshot) snapshots.set(peer.tenant, peer.snapshot);
  }
  // The commit already applied: endpoint secrets whose rotation changed since, and documents removed since.
  const since = options.baselineRef !== undefined ? await sinceBaseline(resolve(context.cwd, options.dir), options.baselineRef) : {};
  const whole = await planValidated(validation, snapshots, { dir: options.dir, maxActions: options.maxActions, ...since }, context);
  const plan = options.tenant !== undefined && peers ? planOfTenant(whole, desired, options.tenant, peers) : whole;
  return { ok: true, desired, snapshots, plan };
}

/** An unknown --tenant, in the words plan uses (export says the same). */
export function noSuchTenant(desired: DesiredState, name: string): string {
  return `no Tenant named ${JSON.stringify(name)} (declared: ${desired.tenants.map((t) => t.name).join(', ') || 'none'})`;
}

/** Another tenant's state as plan --tenant got it: its snapshot and the file it came from, or why there is none. */
export type PeerState = { tenant: string; snapshot: Snapshot; file: string } | { tenant: string; snapshot?: undefined; reason: string };

/**
 * The other tenants' snapshots for plan --tenant: <peerState>/<tenant>.json, else <state>/<tenant>.json.
 * A missing file is a missing peer (the plan goes on without it); a file that does not load is an error.
 */
export function readPeerStates(desired: DesiredState, tenant: string, options: { state?: string; peerState?: string }, context: UseCaseContext): PeerState[] {
  const directory = options.peerState ?? options.state;
  const peers: PeerState[] = [];
  for (const { name } of desired.tenants) {
    if (name === tenant) continue;
    if (directory === undefined) {
      peers.push({ tenant: name, reason: 'no --peer-state given' });
      continue;
    }
    // Named as given (relative to where the command runs): the plan file says it, on another machine too.
    const file = snapshotPath(directory, name);
    if (!existsSync(resolve(context.cwd, file))) {
      peers.push({ tenant: name, reason: `${file} does not exist` });
      continue;
    }
    const snapshot = readSnapshots(resolve(context.cwd, directory), [name]).get(name)!;
    context.stderr(`read ${name}'s snapshot ${file}${snapshot.exportedAt ? ` (exported ${snapshot.exportedAt})` : ''}`);
    peers.push({ tenant: name, snapshot, file });
  }
  return peers;
}

/** Findings about a tenant's own planned actions: its own plan --tenant shows them, with its actions. */
const OWN_ACTIONS: ReadonlySet<FindingCode> = new Set<FindingCode>(['BlockedChange', 'TooManyActions']);

/** What plan --tenant skips without a peer's state, in words: the links between the two tenants the YAML declares. */
function skippedWithout(desired: DesiredState, tenant: string, peer: string): string[] {
  const index = new TenantIndex(desired);
  const between = (a: string | null, b: string | undefined) => (a === tenant && b === peer) || (a === peer && b === tenant);
  const skipped: string[] = [];
  const paired =
    desired.relationships.some((r) => r.spec.ensure !== 'Absent' && between(r.tenant, index.relationshipPartner(r)?.name)) ||
    desired.endpoints.some((e) => e.spec.ensure !== 'Absent' && between(e.tenant, index.endpointRemote(e)?.name));
  if (paired) skipped.push(`the checks of the two tenants' relationships and endpoint together`);
  const users = desired.mailUsers.filter((u) => between(u.tenant, u.spec.source?.tenant)).length;
  if (users > 0) {
    skipped.push(`${users} mail user(s) moving between them not checked against their source mailbox, planned without the values taken from it (ExchangeGuid, ArchiveGuid, X500 addresses), readiness unknown`);
  }
  const batches = desired.batches.filter((b) => b.spec.ensure !== 'Absent' && between(b.tenant, b.spec.source)).map((b) => b.name);
  if (batches.length > 0) skipped.push(`migration batch(es) ${batches.join(', ')} not planned`);
  return skipped;
}

/**
 * The plan of one tenant (plan --tenant): its actions alone, every finding but those about the other
 * tenants' own actions (BlockedChange, TooManyActions: their plan shows them), and for each other
 * tenant a finding saying whose snapshot the cross-tenant checks used, or which checks were skipped
 * without one. A move whose other tenant has no state is not known to be ready: a warning, with
 * PeerStateMissing among its codes. Pure: apply --plan rebuilds a plan made with --tenant with it.
 */
export function planOfTenant(plan: Plan, desired: DesiredState, tenant: string, peers: readonly PeerState[]): Plan {
  const missing = new Set(peers.filter((p) => !p.snapshot).map((p) => p.tenant));
  const findings = plan.findings.filter(
    (f) => f.tenant === undefined || f.tenant === tenant || !(OWN_ACTIONS.has(f.code) || (f.code === 'SnapshotMissing' && missing.has(f.tenant))),
  );
  for (const peer of peers) {
    const notShown = `${peer.tenant}'s own actions are not shown (plan --tenant ${peer.tenant})`;
    if (peer.snapshot) {
      const when = peer.snapshot.exportedAt ? `exported ${peer.snapshot.exportedAt}` : 'with no export time';
      findings.push(finding('PeerStateFromSnapshot', `Cross-tenant checks use ${peer.tenant}'s snapshot ${when} (${peer.file}; not read live by this plan); ${notShown}`, { tenant: peer.tenant }));
    } else {
      const skipped = skippedWithout(desired, tenant, peer.tenant);
      const what = skipped.length > 0 ? `checks that need its state are skipped: ${skipped.join('; ')}` : `nothing planned for ${tenant} needs it`;
      findings.push(finding('PeerStateMissing', `No state of ${peer.tenant} (${peer.reason}): ${what}; ${notShown}`, { tenant: peer.tenant }));
    }
  }
  const readiness = plan.readiness.map((row): ReadinessRow => {
    if (!missing.has(row.tenant) && !missing.has(row.source.tenant)) return row;
    return { ...row, status: row.status === 'blocked' ? 'blocked' : 'warning', codes: row.codes.includes('PeerStateMissing') ? row.codes : [...row.codes, 'PeerStateMissing'] };
  });
  const tenants = plan.tenants.filter((t) => t.tenant === tenant);
  return { ...plan, tenants, findings: sortFindings(findings), summary: summarize(tenants), readiness: sortReadiness(readiness) };
}

/**
 * The tenant a saved plan was made for with plan --tenant, and its peers (missing: planned without
 * their state), read from its PeerState* findings; undefined for a plan of every tenant. Nothing of
 * this is trusted: apply rebuilds the plan the same way, and the two must be the same.
 */
export function tenantOfPlan(plan: Plan): { tenant: string | undefined; peers: { tenant: string; missing: boolean }[] } | undefined {
  const peers = plan.findings
    .filter((f) => (f.code === 'PeerStateFromSnapshot' || f.code === 'PeerStateMissing') && f.tenant !== undefined)
    .map((f) => ({ tenant: f.tenant!, missing: f.code === 'PeerStateMissing' }));
  if (peers.length === 0) return undefined;
  return { tenant: plan.tenants.length === 1 ? plan.tenants[0]!.tenant : undefined, peers };
}
