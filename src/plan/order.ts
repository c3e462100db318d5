// The order of work is an explicit, tested sort (Flux's sort.go idea), not an accident of iteration:
// target tenants before sources; within a tenant, organization customization first, then groups
// before the relationships that publish them, endpoints, relationships, IsExchangeCloudManaged before
// the Exchange attributes of the same mailboxes, mail users, and removals last.

import type { Action, TenantPlan } from '../model/plan.js';

function rank(action: Action): number {
  const removal = action.action === 'delete' || action.action === 'replace';
  switch (action.kind) {
    case 'OrganizationConfig':
      return 0;
    case 'DistributionGroup':
      if (action.action === 'create') return 10;
      return action.destructive.includes('remove-member') ? 85 : 11;
    case 'MigrationEndpoint':
      return removal && action.action === 'delete' ? 90 : 20;
    case 'OrganizationRelationship':
      return action.action === 'delete' ? 91 : 30;
    case 'Mailbox':
      return action.id.endsWith('#cloud-managed') ? 40 : 70;
    case 'User':
      return 50;
    case 'MailUser':
      return 60;
  }
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Within one kind of object: creates, then updates (and what is blocked among them), then removals. */
const TYPE_ORDER = { create: 0, update: 1, blocked: 1, replace: 2, delete: 3 } as const;

export function compareActions(a: Action, b: Action): number {
  return rank(a) - rank(b) || TYPE_ORDER[a.action] - TYPE_ORDER[b.action] || collator.compare(a.identity, b.identity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const ROLE_ORDER = { target: 0, other: 1, source: 2 } as const;

export function orderTenants(tenants: TenantPlan[]): TenantPlan[] {
  return [...tenants]
    .map((t) => ({ ...t, actions: [...t.actions].sort(compareActions) }))
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
}
