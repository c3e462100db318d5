// A plan is data (Terraform's plans/changes.go idea): the ordered actions per tenant, the findings of
// validation and preflight, and what the plan was made from (commit, digests). No I/O, no methods;
// every rendering (text, markdown, JSON, PowerShell) reads this shape.

import type { TenantSpec } from './desired.js';
import type { Finding, SourceLocation } from './finding.js';

export const PLAN_FORMAT_VERSION = 1;

export type ActionType = 'create' | 'update' | 'delete' | 'replace' | 'blocked';

/** Kinds of Exchange objects an action changes (Exchange's nouns, not the YAML kinds). */
export type ObjectKind =
  | 'OrganizationConfig'
  | 'OrganizationRelationship'
  | 'MigrationEndpoint'
  | 'DistributionGroup'
  | 'MailUser'
  | 'Mailbox'
  | 'User';

/** Changes apply refuses unless the user allows their class (`apply --allow CLASS`). */
export const DESTRUCTIVE_CLASSES = ['delete', 'remove-member', 'remove-address', 'change-guid', 'clear-previous-mailbox-info'] as const;
export type DestructiveClass = (typeof DESTRUCTIVE_CLASSES)[number];

/**
 * One field of one object. `before`/`after` are the values as Exchange prints them; for multi-valued
 * fields `add`/`remove` say exactly which values change (EmailAddresses @{Add=…; Remove=…}).
 * `sensitive` fields (credentials) carry no value at all, only the fact that they change.
 */
export interface FieldChange {
  field: string;
  before?: unknown;
  after?: unknown;
  add?: string[];
  remove?: string[];
  sensitive?: boolean;
  /** Why this change is planned when the YAML does not say it directly (derived from the source mailbox). */
  derivedFrom?: string;
}

export interface Action {
  /** Stable within a plan and across re-plans of the same state: tenant/Kind/identity/step. */
  id: string;
  tenant: string;
  kind: ObjectKind;
  /** The Exchange identity the cmdlets will be called with. */
  identity: string;
  action: ActionType;
  changes: FieldChange[];
  destructive: DestructiveClass[];
  /** For blocked actions: why apply will not make this change. */
  reason?: string;
  /** Actions (by id) that must succeed first. */
  dependsOn: string[];
  /** The YAML that asked for it, when there is one. */
  source?: SourceLocation;
  /** The resource kind in YAML this action serves (display only). */
  resourceKind?: string;
  /** Data the PowerShell renderer needs beyond the field changes (e.g. the secret's variable name). */
  parameters?: Record<string, string | number | boolean | string[]>;
}

export type TenantRole = 'target' | 'source' | 'other';

/** How to sign in to a tenant: names and identifiers only, never a secret (those stay in the environment). */
export interface TenantConnection {
  organization: string;
  environment?: string;
  connection: TenantSpec['connection'];
}

export interface TenantPlan extends TenantConnection {
  tenant: string;
  role: TenantRole;
  actions: Action[];
}

export interface PlanSummary {
  create: number;
  update: number;
  delete: number;
  replace: number;
  blocked: number;
  destructive: number;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** Commit of the config repository, null outside git; `dirty` when the work tree has changes. */
  commit: { sha: string; dirty: boolean } | null;
  /** sha256 of the desired state's files (paths and contents). */
  desiredDigest: string;
  /** sha256 per tenant of its snapshot, without the export time, so re-exporting unchanged state keeps it. */
  snapshotDigests: Record<string, string>;
  /** Target tenants first, then sources. */
  tenants: TenantPlan[];
  findings: Finding[];
  summary: PlanSummary;
  /** Per-tenant limit on actions the plan was made with (0: none). */
  maxActionsPerTenant: number;
}

export function summarize(tenants: readonly TenantPlan[]): PlanSummary {
  const summary: PlanSummary = { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 };
  for (const tenant of tenants) {
    for (const action of tenant.actions) {
      summary[action.action]++;
      if (action.destructive.length > 0) summary.destructive++;
    }
  }
  return summary;
}

export function actionCount(summary: PlanSummary): number {
  return summary.create + summary.update + summary.delete + summary.replace + summary.blocked;
}

const UNSET_GUID = /^(?:|0{8}-0{4}-0{4}-0{4}-0{12})$/i;

/**
 * The destructive classes an action belongs to, from what it does: the one definition, used when a
 * plan is made and again when a saved plan is read (a plan file is never trusted to say it itself).
 */
export function destructiveClassesOf(action: Pick<Action, 'kind' | 'action' | 'changes'>): DestructiveClass[] {
  const classes = new Set<DestructiveClass>();
  if (action.action === 'delete' || action.action === 'replace') classes.add('delete');
  if (action.kind === 'User') classes.add('clear-previous-mailbox-info');
  for (const change of action.changes) {
    if (change.field === 'Members' && (change.remove?.length ?? 0) > 0) classes.add('remove-member');
    if (change.field === 'EmailAddresses' && (change.remove?.length ?? 0) > 0) classes.add('remove-address');
    if ((change.field === 'ExchangeGuid' || change.field === 'ArchiveGuid') && change.before !== undefined && change.before !== null && !UNSET_GUID.test(String(change.before))) {
      classes.add('change-guid');
    }
  }
  return DESTRUCTIVE_CLASSES.filter((c) => classes.has(c));
}
