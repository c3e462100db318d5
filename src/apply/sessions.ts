// The PowerShell sessions an apply opens, in order. One session per tenant, target tenants first, and
// then one more for each tenant with migration batches: a batch starts moves, so it runs after every
// tenant's other changes, the source's scope members included (a move of a mailbox outside the
// published scope fails with MailboxNotInCrossTenantMigrationScopeException). Pure: plan in, sessions out.

import type { Action, TenantPlan } from '../model/plan.js';

export interface ApplySession {
  /** The tenant's actions this session runs, each depending only on actions of the same session. */
  tenant: TenantPlan;
  /** Dependencies on actions of earlier sessions (other tenants, or this tenant's first session), by action id. */
  earlier: ReadonlyMap<string, readonly string[]>;
}

/** Actions that wait for every tenant's other changes. */
export const runsLast = (action: Action): boolean => action.kind === 'MigrationBatch';

function session(tenant: TenantPlan, actions: readonly Action[]): ApplySession {
  const ids = new Set(actions.map((a) => a.id));
  const earlier = new Map<string, readonly string[]>();
  const local = actions.map((action) => {
    const outside = action.dependsOn.filter((id) => !ids.has(id));
    if (outside.length === 0) return action;
    earlier.set(action.id, outside);
    return { ...action, dependsOn: action.dependsOn.filter((id) => ids.has(id)) };
  });
  return { tenant: { ...tenant, actions: local }, earlier };
}

export function applySessions(tenants: readonly TenantPlan[]): ApplySession[] {
  const first = tenants.map((t) => session(t, t.actions.filter((a) => !runsLast(a)))).filter((s) => s.tenant.actions.length > 0);
  const last = tenants.map((t) => session(t, t.actions.filter(runsLast))).filter((s) => s.tenant.actions.length > 0);
  return [...first, ...last];
}
