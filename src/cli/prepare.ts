// The steps plan (and later apply) share: load and validate the YAML, get live state (read
// snapshots, or export first), find the commit, and build the plan. Side effects live here and in
// export; the plan itself is pure.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { exportTenants } from '../export/export.js';
import { commitOf } from '../load/git.js';
import { loadDesiredStateAt } from '../load/git-ref.js';
import { endpointKey } from '../plan/context.js';
import { readSnapshots } from '../load/snapshot.js';
import type { DesiredState } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import type { Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { desiredDigest } from '../plan/digest.js';
import { buildPlan } from '../plan/plan.js';
import { validateDirectory } from '../validate/validate.js';
import type { CliContext } from './context.js';

export interface PrepareOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  maxActions?: number;
  /** A commit whose desired state is already live: endpoint secrets are sent again where `rotation` differs from it. */
  baselineRef?: string;
}

/** Each endpoint's credentials.rotation at the baseline commit. */
export async function rotationBaseline(directory: string, ref: string): Promise<Map<string, string | undefined>> {
  const baseline = await loadDesiredStateAt(directory, ref);
  return new Map(baseline.desired.endpoints.filter((e) => e.tenant !== null).map((e) => [endpointKey(e.tenant!, e.name), e.spec.credentials?.rotation]));
}

export type Prepared =
  | { ok: false; findings: Finding[] }
  | { ok: true; desired: DesiredState; snapshots: Map<string, Snapshot>; plan: Plan };

export async function loadLiveState(desired: DesiredState, options: PrepareOptions, context: CliContext): Promise<Map<string, Snapshot>> {
  const tenants = desired.tenants.map((t) => t.name);
  if (options.state !== undefined && !options.refresh) return readSnapshots(resolve(context.cwd, options.state), tenants);
  // No --state: export into a temporary directory that lives only for this run.
  const directory = options.state !== undefined ? resolve(context.cwd, options.state) : await mkdtemp(join(tmpdir(), 'exo-gitops-state-'));
  try {
    const exported = await exportTenants(desired, desired.tenants, directory, { env: context.env, cwd: resolve(context.cwd, options.dir), ...(context.retry ? { retry: context.retry } : {}) });
    for (const e of exported) context.stderr(`exported ${e.tenant} in ${e.durationMs} ms`);
    return new Map(exported.map((e) => [e.tenant, e.snapshot]));
  } finally {
    if (options.state === undefined) await rm(directory, { recursive: true, force: true });
  }
}

export async function preparePlan(options: PrepareOptions, context: CliContext): Promise<Prepared> {
  const validation = validateDirectory(options.dir, { cwd: context.cwd });
  if (!validation.rulesRan || validation.desired.tenants.length === 0) {
    return { ok: false, findings: validation.findings };
  }
  const snapshots = await loadLiveState(validation.desired, options, context);
  const commit = await commitOf(resolve(context.cwd, options.dir));
  const baseline = options.baselineRef !== undefined ? await rotationBaseline(resolve(context.cwd, options.dir), options.baselineRef) : undefined;
  const plan = buildPlan({
    ...(baseline ? { rotationBaseline: baseline } : {}),
    desired: validation.desired,
    snapshots,
    validationFindings: validation.findings,
    commit,
    desiredDigest: desiredDigest(validation.desired.contentHashes),
    ...(options.maxActions !== undefined ? { maxActionsPerTenant: options.maxActions } : {}),
  });
  return { ok: true, desired: validation.desired, snapshots, plan };
}

