// The order of work is an explicit, tested table (Flux's sort.go idea), not an accident of
// iteration: target tenants before sources; within a tenant, the rows of WORK_ORDER from first to
// last; within a row, creates, then updates (and what is blocked among them), then removals.

import { TENANT_ROLES, type Action, type ActionStep, type ActionType, type ObjectKind, type TenantPlan } from '../model/plan.js';

interface Row {
  kind: ObjectKind;
  /** Only actions taking this step (Action.step). */
  step?: ActionStep;
  /** Only actions of these types. */
  types?: readonly ActionType[];
  /** Why here. */
  why: string;
}

/** An action takes the place of the first row it matches. */
const WORK_ORDER: readonly Row[] = [
  { kind: 'OrganizationConfig', step: 'customize', why: 'a dehydrated tenant refuses changes until its organization is customized' },
  { kind: 'OrganizationConfig', why: "the tenant's defaults (cloud-managed by default) before the objects" },
  { kind: 'DistributionGroup', types: ['create'], why: 'a scope group exists before a relationship publishes it' },
  { kind: 'DistributionGroup', step: 'add-members', why: 'members are in scope before anything moves' },
  { kind: 'MigrationEndpoint', types: ['create', 'update', 'replace', 'blocked'], why: 'the endpoint is there before batches use it' },
  { kind: 'OrganizationRelationship', types: ['create', 'update', 'replace', 'blocked'], why: 'relationships after the groups they publish' },
  { kind: 'Mailbox', step: 'cloud-managed', why: "IsExchangeCloudManaged before the same mailboxes' Exchange attributes" },
  { kind: 'User', why: 'a previous mailbox is cleared before its mail user is stamped' },
  { kind: 'MailUser', why: 'target mail users' },
  { kind: 'Mailbox', why: "moved mailboxes' attributes and re-stamped delegates (Send on Behalf is an Exchange attribute), after their cloud management" },
  { kind: 'DistributionGroup', why: 'members removed last among the changes' },
  { kind: 'MigrationEndpoint', why: 'removals last: endpoints' },
  { kind: 'OrganizationRelationship', why: 'removals last: relationships, after the endpoints that use them' },
  // Batches run in a session of their own after every tenant's other changes (apply/sessions.ts).
  { kind: 'MigrationBatch', types: ['create'], why: 'a batch starts moves: after its users, their scope membership and the endpoint' },
  { kind: 'MigrationBatch', step: 'add-users', why: 'users join a batch that exists' },
  { kind: 'MigrationBatch', step: 'start', why: 'a batch starts once its users are in it' },
  { kind: 'MigrationBatch', step: 'complete', why: 'completion after the rest' },
  { kind: 'MigrationBatch', why: "a batch's settings, and batches removed" },
];

function matches(row: Row, action: Action): boolean {
  return row.kind === action.kind && (row.step === undefined || row.step === action.step) && (row.types === undefined || row.types.includes(action.action));
}

function workOrderRank(action: Action): number {
  const rank = WORK_ORDER.findIndex((row) => matches(row, action));
  if (rank === -1) throw new Error(`no place in the work order for ${action.id}`);
  return rank;
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/** Within one row: creates, then updates (and what is blocked among them), then removals. */
const TYPE_ORDER: Record<ActionType, number> = { create: 0, update: 1, blocked: 1, replace: 2, delete: 3 };

export function compareActions(a: Action, b: Action): number {
  return workOrderRank(a) - workOrderRank(b) || TYPE_ORDER[a.action] - TYPE_ORDER[b.action] || collator.compare(a.identity, b.identity) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

export function orderTenants(tenants: readonly TenantPlan[]): TenantPlan[] {
  return [...tenants]
    .map((t) => ({ ...t, actions: [...t.actions].sort(compareActions) }))
    .sort((a, b) => TENANT_ROLES.indexOf(a.role) - TENANT_ROLES.indexOf(b.role) || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0));
}
