// The use case every planning command shares (plan, apply, the GitHub reports): load and validate
// the YAML, get live state (read snapshots, or export first), find the commit, and build the plan.
// Side effects live here and in export; the plan itself is pure.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { commitOf } from '../load/git.js';
import { readSnapshots } from '../load/snapshot.js';
import type { DesiredState } from '../model/desired.js';
import { hasErrors, type Finding } from '../model/finding.js';
import type { Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { endpointKey } from '../plan/context.js';
import { desiredDigest } from '../plan/digest.js';
import { buildPlan } from '../plan/plan.js';
import type { RemovedSince } from '../plan/unmanaged.js';
import type { UseCaseContext } from '../settings/environment.js';
import { foundNoDocuments, validateDirectory, validateDirectoryAt, type ValidationResult } from '../validate/validate.js';
import { exportTenants } from './export.js';

export interface LiveStateOptions {
  dir: string;
  /** Read snapshots <state>/<tenant>.json; with `refresh`, export into it first. Absent: export into a temporary directory. */
  state?: string;
  refresh?: boolean;
}

export interface PrepareOptions extends LiveStateOptions {
  maxActions: number;
  /** A commit whose desired state is already live: endpoint secrets are sent again where `rotation` differs from it. */
  baselineRef?: string;
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
  | { ok: false; findings: Finding[] }
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
    const exported = await exportTenants(desired, desired.tenants, directory, { env: context.env, cwd: resolve(context.cwd, options.dir), ...(context.retry ? { retry: context.retry } : {}), ...(context.progress ? { progress: context.progress } : {}) });
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
  const snapshots = await loadLiveState(validation.desired, options, context);
  // The commit already applied: endpoint secrets whose rotation changed since, and documents removed since.
  const since = options.baselineRef !== undefined ? await sinceBaseline(resolve(context.cwd, options.dir), options.baselineRef) : {};
  const plan = await planValidated(validation, snapshots, { dir: options.dir, maxActions: options.maxActions, ...since }, context);
  return { ok: true, desired: validation.desired, snapshots, plan };
}
