// The PowerShell sessions an apply opens, in order. One session per tenant, target tenants first, and
// then one more for each tenant with migration batches: a batch starts moves, so it runs after every
// tenant's other changes, the source's scope members included (a move of a mailbox outside the
// published scope fails with MailboxNotInCrossTenantMigrationScopeException). Pure: plan in, sessions out.

import type { Action, TenantPlan } from '../model/plan.js';

export interface ApplySession {
  /** 0: the tenant's changes; 1: its migration batches, after every tenant's changes. */
  phase: 0 | 1;
  /** The tenant's actions this session runs, each depending only on actions of the same session. */
  tenant: TenantPlan;
  /** Dependencies on actions of earlier sessions (other tenants, or this tenant's first session), by action id. */
  earlier: ReadonlyMap<string, readonly string[]>;
}

/** Actions that wait for every tenant's other changes. */
export const runsLast = (action: Action): boolean => action.kind === 'MigrationBatch';

function session(phase: ApplySession['phase'], tenant: TenantPlan, actions: readonly Action[]): ApplySession {
  const ids = new Set(actions.map((a) => a.id));
  const earlier = new Map<string, readonly string[]>();
  const local = actions.map((action) => {
    const outside = action.dependsOn.filter((id) => !ids.has(id));
    if (outside.length === 0) return action;
    earlier.set(action.id, outside);
    return { ...action, dependsOn: action.dependsOn.filter((id) => ids.has(id)) };
  });
  return { phase, tenant: { ...tenant, actions: local }, earlier };
}

/**
 * Which earlier sessions each session waits for, by index: every earlier session of another phase or
 * role (targets, then other tenants, then sources; batches after every tenant's changes), and any
 * earlier session holding an action it depends on. Sessions of one phase and role (two target
 * tenants) wait for no one but those: they may run at the same time.
 */
export function sessionWaits(sessions: readonly ApplySession[]): number[][] {
  const sessionOf = new Map<string, number>();
  sessions.forEach((s, index) => s.tenant.actions.forEach((a) => sessionOf.set(a.id, index)));
  return sessions.map((s, j) => {
    const needs = new Set([...s.earlier.values()].flat().map((id) => sessionOf.get(id)).filter((i): i is number => i !== undefined && i < j));
    const waits: number[] = [];
    for (let i = 0; i < j; i++) {
      const other = sessions[i]!;
      if (other.phase !== s.phase || other.tenant.role !== s.tenant.role || needs.has(i)) waits.push(i);
    }
    return waits;
  });
}

export function applySessions(tenants: readonly TenantPlan[]): ApplySession[] {
  const first = tenants.map((t) => session(0, t, t.actions.filter((a) => !runsLast(a)))).filter((s) => s.tenant.actions.length > 0);
  const last = tenants.map((t) => session(1, t, t.actions.filter(runsLast))).filter((s) => s.tenant.actions.length > 0);
  return [...first, ...last];
}
