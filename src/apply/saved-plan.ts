// A saved plan is an artifact, and nothing in it is trusted. `apply --plan` applies the plan that
// the desired state (the YAML checked out here) and live state give NOW, and only after checking
// that the file says exactly the same: any difference refuses it, naming the first one. So no value
// of the file (connection, organization, environment, an environment-variable name, a `before`,
// destructive classes, findings) ever reaches PowerShell: what runs is rebuilt.
//
// The live state it is rebuilt from: every tenant's, exported (or read from --state). With
// --tenant, the applied tenant's is exported and the other tenants' come from --peer-state, the
// snapshots the plan was made from (plan --state DIR --refresh), each checked against the plan's
// digest; without --peer-state they are exported too (read-only credentials).

import { resolve } from 'node:path';
import { loadLiveState, planOfTenant, planValidated, sinceBaseline, tenantOfPlan, type PeerState } from '../export/prepare.js';
import { readSnapshots, snapshotPath } from '../load/snapshot.js';
import { summarize, type Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { desiredDigest } from '../plan/digest.js';
import { planSignature } from '../plan/plan-file.js';
import type { UseCaseContext } from '../settings/environment.js';
import { validateDirectory } from '../validate/validate.js';

export interface SavedPlanOptions {
  dir: string;
  state?: string;
  peerState?: string;
  tenant?: string;
  baselineRef?: string;
  /** At most this many tenants exported at once (--concurrency). */
  concurrency?: number;
}

export type Verified = { ok: true; plan: Plan } | { ok: false; reasons: string[] };

/** One tenant's part of a plan: its actions, every finding (an error anywhere still refuses), its digest. */
export function planForTenant(plan: Plan, tenant: string): Plan {
  const tenants = plan.tenants.filter((t) => t.tenant === tenant);
  return {
    ...plan,
    tenants,
    snapshotDigests: Object.fromEntries(Object.entries(plan.snapshotDigests).filter(([name]) => name === tenant)),
    summary: summarize(tenants),
  };
}

/** Where two plans first differ, in words: the first action (or finding, or tenant) that is not the same. */
export function firstDifference(saved: Plan, fresh: Plan): string {
  const savedJson = JSON.parse(planSignature(saved)) as { tenants: Record<string, unknown>[]; findings: unknown[] };
  const freshJson = JSON.parse(planSignature(fresh)) as { tenants: Record<string, unknown>[]; findings: unknown[] };
  const tenantNames = (json: typeof savedJson) => json.tenants.map((t) => String(t.tenant));
  if (tenantNames(savedJson).join('\n') !== tenantNames(freshJson).join('\n')) {
    return `its tenants are ${tenantNames(savedJson).join(', ') || 'none'}, the plan the YAML and live state give has ${tenantNames(freshJson).join(', ') || 'none'}`;
  }
  for (let index = 0; index < savedJson.tenants.length; index++) {
    type TenantJson = Record<string, unknown> & { actions: Record<string, unknown>[] };
    const { actions: savedActions, ...savedTenant } = savedJson.tenants[index]! as TenantJson;
    const { actions: freshActions, ...freshTenant } = freshJson.tenants[index]! as TenantJson;
    const name = String(savedTenant.tenant);
    for (const field of new Set([...Object.keys(savedTenant), ...Object.keys(freshTenant)])) {
      if (JSON.stringify(savedTenant[field]) !== JSON.stringify(freshTenant[field])) return `tenant ${name}'s ${field} differs`;
    }
    const count = Math.max(savedActions.length, freshActions.length);
    for (let a = 0; a < count; a++) {
      const s = savedActions[a];
      const f = freshActions[a];
      if (JSON.stringify(s) === JSON.stringify(f)) continue;
      if (s === undefined) return `it lacks action ${String(f!.id)}`;
      if (f === undefined) return `it has an action the YAML and live state do not give: ${String(s.id)}`;
      if (s.id !== f.id) return `action ${a + 1} of tenant ${name} is ${String(s.id)} in the file, ${String(f.id)} now`;
      const fields = [...new Set([...Object.keys(s), ...Object.keys(f)])].filter((key) => JSON.stringify(s[key]) !== JSON.stringify(f[key]));
      return `action ${String(s.id)} differs in ${fields.join(', ')}`;
    }
  }
  if (JSON.stringify(savedJson.findings) !== JSON.stringify(freshJson.findings)) {
    const key = (f: unknown) => JSON.stringify(f);
    const freshKeys = new Set(freshJson.findings.map(key));
    const savedKeys = new Set(savedJson.findings.map(key));
    const missing = freshJson.findings.find((f) => !savedKeys.has(key(f)));
    const extra = savedJson.findings.find((f) => !freshKeys.has(key(f)));
    return missing ? `it lacks the finding ${(missing as string[]).filter(Boolean).join(' ')}` : `it has a finding the YAML and live state do not give: ${((extra ?? []) as string[]).filter(Boolean).join(' ')}`;
  }
  return 'its content differs';
}

/** The plan to apply: rebuilt from the YAML and live state, and only when the saved one says the same. */
export async function verifySavedPlan(saved: Plan, options: SavedPlanOptions, context: UseCaseContext): Promise<Verified> {
  const validation = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
  if (!validation.rulesRan) return { ok: false, reasons: ['the desired state no longer loads: re-plan'] };
  const desired = validation.desired;
  const reasons: string[] = [];
  const digestOfDesired = desiredDigest(desired.contentHashes);
  if (digestOfDesired !== saved.desiredDigest) reasons.push('the desired state changed since the plan was made');

  const applied = options.tenant !== undefined ? [options.tenant] : desired.tenants.map((t) => t.name);
  for (const name of applied) {
    if (!desired.tenants.some((t) => t.name === name)) reasons.push(`tenant ${name} is not in the desired state`);
    // Without the plan's digest of a tenant's live state there is nothing to compare: stale.
    else if (!(name in saved.snapshotDigests)) reasons.push(`the plan has no digest of tenant ${name}'s live state`);
  }
  if (reasons.length > 0) return { ok: false, reasons };

  const live = new Map<string, Snapshot>();
  const fromPeerState = (name: string): boolean => options.peerState !== undefined && !applied.includes(name);
  const exported = await loadLiveState(
    { ...desired, tenants: desired.tenants.filter((t) => !fromPeerState(t.name)) },
    { dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}) },
    context,
  );
  for (const [name, snapshot] of exported) live.set(name, snapshot);
  const peers = desired.tenants.filter((t) => fromPeerState(t.name)).map((t) => t.name);
  if (options.peerState !== undefined && peers.length > 0) {
    for (const [name, snapshot] of readSnapshots(resolve(context.cwd, options.peerState), peers)) live.set(name, snapshot);
  }

  const since = options.baselineRef !== undefined ? await sinceBaseline(resolve(context.cwd, options.dir), options.baselineRef) : {};
  const fresh = await planValidated(validation, live, { dir: options.dir, commit: saved.commit, maxActions: saved.maxActionsPerTenant, ...since }, context);
  // Every tenant's state must be the one the plan was made from (the rebuilt plan has its digests):
  // the applied tenant's as exported now, the others' as exported now or from --peer-state.
  for (const { name } of desired.tenants) {
    const digest = saved.snapshotDigests[name];
    if (digest === undefined) reasons.push(`the plan has no digest of tenant ${name}'s live state`);
    else if (fresh.snapshotDigests[name] !== digest) {
      if (fromPeerState(name)) reasons.push(`the snapshot of tenant ${name} in ${options.peerState} is not the one the plan was made from`);
      else if (applied.includes(name)) reasons.push(`live state of tenant ${name} changed since the plan was made`);
      else reasons.push(`live state of tenant ${name} changed since the plan was made (after an earlier apply job, pass --peer-state with the snapshots the plan was made from)`);
    }
  }
  if (reasons.length > 0) return { ok: false, reasons };
  // A plan made with plan --tenant (plan-to-apply.ts lets through only one applied to its own tenant
  // with its peers' snapshots): rebuilt the same way, from the same snapshots.
  const scope = tenantOfPlan(saved);
  const peerDirectory = options.peerState ?? options.state;
  const rebuilt =
    scope && options.tenant !== undefined && peerDirectory !== undefined
      ? planOfTenant(
          fresh,
          desired,
          options.tenant,
          desired.tenants.filter((t) => t.name !== options.tenant).map((t): PeerState => ({ tenant: t.name, snapshot: live.get(t.name)!, file: snapshotPath(peerDirectory, t.name) })),
        )
      : fresh;
  // Peers' state is the plan-time state (checked above), so their part of the plan is the saved one
  // too: the whole plan must match, not just the applied tenant's actions.
  if (planSignature(rebuilt) !== planSignature(saved)) {
    return { ok: false, reasons: [`the plan file does not match the plan its desired and live state give: ${firstDifference(saved, rebuilt)} (was it edited, or made with another --baseline-ref?)`] };
  }
  return { ok: true, plan: options.tenant !== undefined ? planForTenant(rebuilt, options.tenant) : rebuilt };
}
