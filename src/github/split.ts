// Base versus head (pure): which of a pull request's planned actions it introduces, and which were
// already planned at its base commit against the same live snapshots (drift that was already there).

import type { Finding } from '../model/finding.js';
import { EMPTY_SUMMARY, summarize, type Action, type Plan, type TenantPlan } from '../model/plan.js';

export interface PlanSplit {
  /** The head plan's actions (and findings) that the base plan does not have identically. */
  introduced: Plan;
  /** The head plan's actions (and findings) the base plan has too: not this pull request's doing. */
  alreadyThere: Plan;
  /** Base-plan actions the head plan no longer has, or has differently: the pull request undoes or changes drift. */
  removed: Action[];
}

/** Same id and the same change: same action type, same field changes (in order), same destructive classes. */
function actionKey(action: Action): string {
  return JSON.stringify([action.id, action.action, action.changes, action.destructive]);
}

function findingKey(f: Finding): string {
  return JSON.stringify([f.code, f.severity, f.tenant ?? null, f.kind ?? null, f.object ?? null, f.message]);
}

/** Part of the head plan. The readiness report and the batches' status are the head's, whole: they go with what the pull request introduces. */
function subPlan(plan: Plan, keep: (action: Action) => boolean, findings: Finding[], withReadiness: boolean): Plan {
  const tenants: TenantPlan[] = plan.tenants.map((t) => ({ ...t, actions: t.actions.filter(keep) }));
  return { ...plan, tenants, findings, summary: summarize(tenants), readiness: withReadiness ? plan.readiness : [], batches: withReadiness ? plan.batches : [] };
}

export function splitPlans(base: Plan, head: Plan): PlanSplit {
  const baseActions = new Set(base.tenants.flatMap((t) => t.actions.map(actionKey)));
  const headActions = new Set(head.tenants.flatMap((t) => t.actions.map(actionKey)));
  const baseFindings = new Set(base.findings.map(findingKey));
  const old = (a: Action) => baseActions.has(actionKey(a));
  return {
    introduced: subPlan(head, (a) => !old(a), head.findings.filter((f) => !baseFindings.has(findingKey(f))), true),
    alreadyThere: subPlan(head, old, head.findings.filter((f) => baseFindings.has(findingKey(f))), false),
    removed: base.tenants.flatMap((t) => t.actions.filter((a) => !headActions.has(actionKey(a)))),
  };
}

/** The split when the base could not be planned: the whole head plan is shown as the pull request's. */
export function allIntroduced(head: Plan): PlanSplit {
  const alreadyThere: Plan = { ...head, tenants: head.tenants.map((t) => ({ ...t, actions: [] })), findings: [], summary: EMPTY_SUMMARY, readiness: [], batches: [] };
  return { introduced: head, alreadyThere, removed: [] };
}
