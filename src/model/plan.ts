// A plan is data (Terraform's plans/changes.go idea): the ordered actions per tenant, the findings of
// validation and preflight, and what the plan was made from (commit, digests). No I/O, no methods;
// every rendering (text, markdown, JSON, PowerShell) reads this shape.

import { formatActionId } from './address.js';
import type { TenantSpec } from './desired.js';
import type { Finding, SourceLocation } from './finding.js';

export const PLAN_FORMAT_VERSION = 1;

export const ACTION_TYPES = ['create', 'update', 'delete', 'replace', 'blocked'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

/** Kinds of Exchange objects an action changes (Exchange's nouns, not the YAML kinds). */
export const OBJECT_KINDS = ['OrganizationConfig', 'OrganizationRelationship', 'MigrationEndpoint', 'DistributionGroup', 'MailUser', 'Mailbox', 'User', 'MigrationBatch'] as const;
export type ObjectKind = (typeof OBJECT_KINDS)[number];

/**
 * The step an action takes when its object takes more than one kind (its id ends in `#step`):
 * organization customization, IsExchangeCloudManaged apart from the mailbox's other attributes,
 * clearing a previous mailbox before the mail user is stamped, scope members added and removed
 * apart, a change Exchange cannot make through this object, a batch's users added, its start and
 * its completion, and a moved mailbox's Send on Behalf, Send As and FullAccess delegates.
 */
export const ACTION_STEPS = [
  'customize', 'cloud-managed-default', 'cloud-managed', 'clear-previous-mailbox', 'add-members', 'remove-members', 'microsoft-online-services-id', 'add-users', 'start', 'complete',
  // A moved mailbox's delegates, granted again in the target (plan/delegation.ts).
  'send-on-behalf', 'send-as', 'full-access',
] as const;
export type ActionStep = (typeof ACTION_STEPS)[number];

/** Changes apply refuses unless the user allows their class (`apply --allow CLASS`). */
export const DESTRUCTIVE_CLASSES = ['delete', 'remove-member', 'remove-address', 'change-guid', 'clear-previous-mailbox-info', 'revert-cloud-managed'] as const;
export type DestructiveClass = (typeof DESTRUCTIVE_CLASSES)[number];

/**
 * One field of one object. `before`/`after` are the values as Exchange prints them; for multi-valued
 * fields `add`/`remove` say exactly which values change (EmailAddresses @{Add=…; Remove=…}).
 * `sensitive` fields (credentials) carry no value at all, only the fact that they change.
 */
export interface FieldChange {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
  readonly sensitive?: boolean;
  /** Why this change is planned when the YAML does not say it directly (derived from the source mailbox). */
  readonly derivedFrom?: string;
  /** This field's change is why the object must be replaced (a replace action's cause, as Terraform marks it). */
  readonly forcesReplacement?: boolean;
}

export interface Action {
  /** Stable within a plan and across re-plans of the same state: tenant/Kind/identity#step (model/address.ts). */
  readonly id: string;
  readonly tenant: string;
  readonly kind: ObjectKind;
  /** The Exchange identity the cmdlets will be called with. */
  readonly identity: string;
  /** Which of the object's steps this is, when it takes more than one (the `#step` of the id). */
  readonly step?: ActionStep;
  readonly action: ActionType;
  readonly changes: readonly FieldChange[];
  /** Computed from what the action does (destructiveClassesOf), never written by a diff or read from a file. */
  readonly destructive: readonly DestructiveClass[];
  /** For blocked actions: why apply will not make this change. */
  readonly reason?: string;
  /** Actions (by id) that must succeed first. */
  readonly dependsOn: readonly string[];
  /** The YAML that asked for it, when there is one. */
  readonly source?: SourceLocation;
  /** The resource kind in YAML this action serves (display only). */
  readonly resourceKind?: string;
  /** Data the PowerShell renderer needs beyond the field changes (e.g. the secret's variable name). */
  readonly parameters?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
}

/** An action as a diff describes it: its id and destructive classes follow from the rest (planAction). */
export type ActionDraft = Omit<Action, 'id' | 'destructive'>;

export const TENANT_ROLES = ['target', 'other', 'source'] as const;
export type TenantRole = (typeof TENANT_ROLES)[number];

/** How to sign in to a tenant: names and identifiers only, never a secret (those stay in the environment). */
export interface TenantConnection {
  readonly organization: string;
  readonly environment?: string;
  readonly connection: TenantSpec['connection'];
}

export interface TenantPlan extends TenantConnection {
  readonly tenant: string;
  readonly role: TenantRole;
  readonly actions: readonly Action[];
}

export interface PlanSummary {
  readonly create: number;
  readonly update: number;
  readonly delete: number;
  readonly replace: number;
  readonly blocked: number;
  readonly destructive: number;
}

export const READINESS = ['blocked', 'warning', 'ready'] as const;
export type Readiness = (typeof READINESS)[number];

/**
 * One moving mailbox, before any batch exists: its target mail user, its source mailbox, and whether
 * the move would start (ready), start with warnings, or fail (blocked), with the finding codes and
 * the blocked actions that say why. The answer to "which of my users will fail, and why".
 */
export interface ReadinessRow {
  readonly tenant: string;
  readonly mailUser: string;
  /** The MigrationBatch the user moves in, when one lists it. */
  readonly batch?: string;
  readonly source: { readonly tenant: string; readonly mailbox: string };
  readonly status: Readiness;
  /** Finding codes about this mailbox, its pair of tenants and the two tenants, errors first. */
  readonly codes: readonly string[];
  /** Its actions apply will not run. */
  readonly blockedActions: readonly string[];
}

export interface Plan {
  readonly formatVersion: typeof PLAN_FORMAT_VERSION;
  /** Commit of the config repository, null outside git; `dirty` when the work tree has changes. */
  readonly commit: { readonly sha: string; readonly dirty: boolean } | null;
  /** sha256 of the desired state's files (paths and contents). */
  readonly desiredDigest: string;
  /** sha256 per tenant of its snapshot, without the export time, so re-exporting unchanged state keeps it. */
  readonly snapshotDigests: Readonly<Record<string, string>>;
  /** Target tenants first, then sources. */
  readonly tenants: readonly TenantPlan[];
  readonly findings: readonly Finding[];
  readonly summary: PlanSummary;
  /** One row per target mail user linked to a source mailbox: blocked first, then warnings, then ready. */
  readonly readiness: readonly ReadinessRow[];
  /** Per-tenant limit on actions the plan was made with (0: none). */
  readonly maxActionsPerTenant: number;
  /** Each declared batch's live status and progress (status, not drift: never an action by itself). */
  readonly batches: readonly BatchStatus[];
  /** Who grants whom what among the batches' source mailboxes; absent in plans made before it existed. */
  readonly delegation?: DelegationReport;
}

export const DELEGATE_RIGHTS = ['FullAccess', 'SendAs', 'SendOnBehalf'] as const;
export type DelegateRight = (typeof DELEGATE_RIGHTS)[number];

/** A mailbox of the source and the batch it moves in (null: none of the declared batches lists it). */
export interface DelegationMember {
  readonly user: string;
  readonly batch: string | null;
}

/** A principal and a delegate of the source: the delegate holds these rights on the principal's mailbox. */
export interface DelegationPair {
  readonly tenant: string;
  readonly principal: DelegationMember;
  readonly delegate: DelegationMember;
  readonly rights: readonly DelegateRight[];
}

/** A delegate that is not a mailbox (a group, a service account, an unresolved entry): reported, never moved. */
export interface DelegateNotMoved {
  readonly tenant: string;
  readonly principal: DelegationMember;
  readonly delegate: string;
  readonly rights: readonly DelegateRight[];
  readonly reason: string;
}

/** A grant the target will get once its delegate has moved too (it has no target identity yet). */
export interface PendingRestamp {
  readonly tenant: string;
  readonly mailbox: string;
  readonly delegate: string;
  readonly rights: readonly DelegateRight[];
}

/**
 * The permission graph of the batches' source mailboxes: each connected group of mailboxes (which must
 * move together), the pairs a split leaves apart (principal and delegate in different batches, or
 * one not moving), the delegates that never move, and the grants waiting for their delegate.
 */
export interface DelegationReport {
  readonly groups: readonly { readonly tenant: string; readonly members: readonly DelegationMember[]; readonly split: boolean }[];
  readonly splitPairs: readonly DelegationPair[];
  readonly notMoved: readonly DelegateNotMoved[];
  readonly pending: readonly PendingRestamp[];
}

const RIGHT_NAMES: Record<DelegateRight, string> = { FullAccess: 'FullAccess', SendAs: 'Send As', SendOnBehalf: 'Send on Behalf' };

/** Rights in their fixed order (FullAccess, Send As, Send on Behalf), as the documents name them. */
export function delegateRightsText(rights: Iterable<DelegateRight>): string {
  const held = new Set(rights);
  return DELEGATE_RIGHTS.filter((right) => held.has(right)).map((right) => RIGHT_NAMES[right]).join(', ');
}

export const EMPTY_DELEGATION: DelegationReport = { groups: [], splitPairs: [], notMoved: [], pending: [] };

/** A migration user of a batch that Exchange reports failed, with Exchange's error. */
export interface FailedMigrationUser {
  readonly user: string;
  readonly status: string;
  readonly error: string;
}

/**
 * A declared batch as it stands: Exchange's status and counts (NotCreated before New-MigrationBatch,
 * Removed once an Absent batch is gone), how many users the YAML lists and how many are ready, and the
 * users Exchange failed.
 */
export interface BatchStatus {
  readonly tenant: string;
  readonly batch: string;
  readonly source: string;
  readonly status: string;
  readonly users: number;
  readonly blocked: readonly string[];
  readonly counts: { readonly total: number; readonly active: number; readonly synced: number; readonly finalized: number; readonly failed: number };
  readonly failedUsers: readonly FailedMigrationUser[];
}

export function readinessCounts(rows: readonly ReadinessRow[]): Record<Readiness, number> {
  const counts: Record<Readiness, number> = { blocked: 0, warning: 0, ready: 0 };
  for (const row of rows) counts[row.status]++;
  return counts;
}

export const EMPTY_SUMMARY: PlanSummary = { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 };

export function summarize(tenants: readonly TenantPlan[]): PlanSummary {
  const summary: { -readonly [K in keyof PlanSummary]: number } = { ...EMPTY_SUMMARY };
  for (const tenant of tenants) {
    for (const action of tenant.actions) {
      summary[action.action]++;
      // What apply refuses without --allow: a blocked action never runs, whatever it would do.
      if (action.destructive.length > 0 && action.action !== 'blocked') summary.destructive++;
    }
  }
  return summary;
}

export function actionCount(summary: PlanSummary): number {
  return summary.create + summary.update + summary.delete + summary.replace + summary.blocked;
}

/**
 * The actions apply would run: blocked ones are not "changes to apply" (exo-gitops cannot make them;
 * they are findings saying where to act), so a plan of only blocked actions exits 0 and asks no approval.
 */
export function runnableCount(summary: PlanSummary): number {
  return summary.create + summary.update + summary.delete + summary.replace;
}

/** Batch statuses after which nothing of the batch runs any more. */
export const COMPLETED_BATCH = /^(completed|completedwitherrors)$/i;

const UNSET_GUID = /^(?:|0{8}-0{4}-0{4}-0{4}-0{12})$/i;

/**
 * The destructive classes an action belongs to, from what it does: the one definition, used when a
 * plan is made and again when a saved plan is read (a plan file is never trusted to say it itself).
 */
export function destructiveClassesOf(action: Pick<Action, 'kind' | 'action' | 'changes'>): readonly DestructiveClass[] {
  const classes = new Set<DestructiveClass>();
  // A completed batch is history: removing it stops nothing (its Status before the removal says so).
  const completedBatch = action.kind === 'MigrationBatch' && action.changes.some((c) => c.field === 'Status' && typeof c.before === 'string' && COMPLETED_BATCH.test(c.before));
  if ((action.action === 'delete' && !completedBatch) || action.action === 'replace') classes.add('delete');
  if (action.kind === 'User') classes.add('clear-previous-mailbox-info');
  for (const change of action.changes) {
    if (change.field === 'Members' && (change.remove?.length ?? 0) > 0) classes.add('remove-member');
    if (change.field === 'EmailAddresses' && (change.remove?.length ?? 0) > 0) classes.add('remove-address');
    // Back to on-premises management: the next sync overwrites what was edited in the cloud.
    if (change.field === 'IsExchangeCloudManaged' && change.before === true && change.after === false) classes.add('revert-cloud-managed');
    if ((change.field === 'ExchangeGuid' || change.field === 'ArchiveGuid') && change.before !== undefined && change.before !== null && !UNSET_GUID.test(String(change.before))) {
      classes.add('change-guid');
    }
  }
  return DESTRUCTIVE_CLASSES.filter((c) => classes.has(c));
}

/** An action from its draft: the id from its address and step, the destructive classes from what it does. */
export function planAction(draft: ActionDraft): Action {
  // A create has no "before": what it sets is shown as values, never as null → value.
  const changes = draft.action === 'create' ? draft.changes.map(({ before: _before, ...change }) => change) : draft.changes;
  const action = { ...draft, changes };
  return { id: formatActionId(draft.tenant, draft.kind, draft.identity, draft.step), ...action, destructive: destructiveClassesOf(action) };
}
