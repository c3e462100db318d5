// Which plan an apply run makes: the plan the YAML and live state give now, or, with --plan, the
// same plan rebuilt and checked against the saved file (saved-plan.ts). Either way the caller gets
// the plan to run, or why there is none, with the plan to record the refusal against.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { preparePlan, tenantOfPlan, unplannableReason } from '../export/prepare.js';
import type { Finding } from '../model/finding.js';
import { EMPTY_SUMMARY, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import { readPlanFile } from '../plan/plan-file.js';
import type { UseCaseContext } from '../settings/environment.js';
import { planForTenant, verifySavedPlan } from './saved-plan.js';

export interface PlanToApplyOptions {
  dir: string;
  /** A saved plan (plan --out): rebuilt and compared, never run as read. */
  plan?: string;
  state?: string;
  peerState?: string;
  tenant?: string;
  baselineRef?: string;
  maxActions: number;
  /** At most this many tenants exported at once (--concurrency). */
  concurrency?: number;
}

export type PlanToApply =
  | { ok: true; plan: Plan }
  /** `recorded`: the plan the refusal is recorded against; `findings`: invalid desired state, to show. */
  | { ok: false; problem: string; record: string; recorded?: Plan; findings?: readonly Finding[] };

/** The record of a run that never had a plan to speak of (unreadable plan file, invalid YAML). */
export const NO_PLAN: Plan = { formatVersion: PLAN_FORMAT_VERSION, commit: null, desiredDigest: '', snapshotDigests: {}, maxActionsPerTenant: 0, tenants: [], findings: [], summary: EMPTY_SUMMARY, readiness: [], batches: [] };

/**
 * Why a plan made with plan --tenant is not applied as asked, or undefined when it may be checked:
 * it is applied only to its own tenant, with the snapshots of the others it was made from
 * (--peer-state, or --state), and never when it was made without one of them (PeerStateMissing).
 */
function tenantPlanRefusal(saved: Plan, file: string, options: PlanToApplyOptions): string | undefined {
  const scope = tenantOfPlan(saved);
  if (!scope) return undefined;
  const peers = scope.peers.map((p) => p.tenant).join(', ');
  if (scope.tenant === undefined) return `${file} is not a valid plan: its findings say it was made with plan --tenant, but it holds ${saved.tenants.length} tenants: re-plan`;
  const alone = `${file} was made for tenant ${scope.tenant} alone (plan --tenant ${scope.tenant})`;
  if (options.tenant === undefined) return `${alone}: apply it with --tenant ${scope.tenant} --peer-state DIR (the snapshots of ${peers} it was made from)`;
  if (options.tenant !== scope.tenant) return `${alone}: it holds no actions of ${options.tenant} (plan them with plan --tenant ${options.tenant})`;
  const missing = scope.peers.filter((p) => p.missing).map((p) => p.tenant);
  if (missing.length > 0) {
    return `${alone} without the state of ${missing.join(', ')} (PeerStateMissing): the cross-tenant checks were skipped, so it is not applied; plan again with --peer-state DIR holding ${missing.map((t) => `${t}.json`).join(', ')}`;
  }
  if (options.peerState === undefined && options.state === undefined) return `${alone} from the snapshots of ${peers}: apply it with --peer-state DIR holding those snapshots`;
  return undefined;
}

function noSuchTenant(from: Plan, name: string): PlanToApply {
  const problem = `no tenant ${JSON.stringify(name)} in the plan (tenants: ${from.tenants.map((t) => t.tenant).join(', ') || 'none'})`;
  return { ok: false, problem: `${problem}; nothing was changed`, record: problem, recorded: from };
}

export async function planToApply(options: PlanToApplyOptions, context: UseCaseContext): Promise<PlanToApply> {
  if (options.plan === undefined) {
    const prepared = await preparePlan(
      {
        dir: options.dir,
        ...(options.state !== undefined ? { state: options.state } : {}),
        maxActions: options.maxActions,
        ...(options.baselineRef !== undefined ? { baselineRef: options.baselineRef } : {}),
        ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
      },
      context,
    );
    if (!prepared.ok) {
      const reason = unplannableReason(prepared.findings);
      return { ok: false, problem: `${reason}; nothing was changed`, record: reason, findings: prepared.findings };
    }
    if (options.tenant === undefined) return { ok: true, plan: prepared.plan };
    if (!prepared.plan.tenants.some((t) => t.tenant === options.tenant)) return noSuchTenant(prepared.plan, options.tenant);
    return { ok: true, plan: planForTenant(prepared.plan, options.tenant) };
  }

  const { plan: saved, declaredSummary: declared } = readPlanFile(await readFile(resolve(context.cwd, options.plan), 'utf8'), options.plan);
  if (JSON.stringify(declared) !== JSON.stringify(saved.summary)) {
    const problem = `${options.plan} is not a valid plan: its summary does not count its actions (${JSON.stringify(declared)}, the actions make ${JSON.stringify(saved.summary)}): re-plan`;
    return { ok: false, problem: `${problem}; nothing was changed`, record: problem, recorded: saved };
  }
  const refusal = tenantPlanRefusal(saved, options.plan, options);
  if (refusal !== undefined) return { ok: false, problem: `${refusal}; nothing was changed`, record: refusal, recorded: saved };
  if (options.tenant !== undefined && !saved.tenants.some((t) => t.tenant === options.tenant) && !(options.tenant in saved.snapshotDigests)) return noSuchTenant(saved, options.tenant);
  // Nothing of the file runs: the plan is rebuilt, and the file must say the same.
  const verified = await verifySavedPlan(
    saved,
    {
      dir: options.dir,
      ...(options.state !== undefined ? { state: options.state } : {}),
      ...(options.peerState !== undefined ? { peerState: options.peerState } : {}),
      ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
      ...(options.baselineRef !== undefined ? { baselineRef: options.baselineRef } : {}),
      ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    },
    context,
  );
  if (!verified.ok) {
    return {
      ok: false,
      problem: `plan is stale: re-plan (${verified.reasons.join('; ')})`,
      record: `the plan is stale: ${verified.reasons.join('; ')}`,
      recorded: options.tenant !== undefined ? planForTenant(saved, options.tenant) : saved,
    };
  }
  return { ok: true, plan: verified.plan };
}
