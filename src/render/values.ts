// One way to show a value in every rendering of a plan.

import { formatAddress } from '../model/address.js';
import { delegateRightsText, readinessCounts, type Action, type ActionType, type BatchStatus, type DelegateNotMoved, type DelegationMember, type DelegationPair, type FieldChange, type PendingRestamp, type ReadinessRow } from '../model/plan.js';

function showValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  return String(value);
}

export const ACTION_SYMBOL: Record<ActionType, string> = { create: '+', update: '~', delete: '-', replace: '-/+', blocked: '!' };

/** Lines describing one field change, without indentation. */
export function describeChange(change: FieldChange): string[] {
  const note = change.derivedFrom ? `  (from ${change.derivedFrom})` : '';
  if (change.sensitive) return [`${change.field}: (sensitive value, sent from the environment)${note}`];
  if (change.add || change.remove) {
    return [
      ...(change.add ?? []).map((v) => `${change.field}: + ${showValue(v)}${note}`),
      ...(change.remove ?? []).map((v) => `${change.field}: - ${showValue(v)}${note}`),
    ];
  }
  if (change.before === undefined) return [`${change.field}: ${showValue(change.after)}${note}`];
  return [`${change.field}: ${showValue(change.before)} → ${showValue(change.after)}${note}`];
}

/** "MailUser LaraN  [destructive: remove-address]": what an action is about, without its symbol. */
export function actionTitle(action: Action): string {
  const flags = action.destructive.length > 0 ? `  [destructive: ${action.destructive.join(', ')}]` : '';
  return `${action.kind} ${action.identity}${action.action === 'replace' ? ' (must be replaced)' : ''}${flags}`;
}

export function actionHeadline(action: Action): string {
  return `${ACTION_SYMBOL[action.action]} ${actionTitle(action)}`;
}

/** Destructive actions first, then the plan's order: what a reviewer must see before anything else. */
export function destructiveFirst(actions: readonly Action[]): Action[] {
  return [...actions.filter((a) => a.destructive.length > 0), ...actions.filter((a) => a.destructive.length === 0)];
}

/** "3 moving mailboxes: 1 blocked, 1 warning, 1 ready" (the readiness report's count line). */
export function readinessLine(rows: readonly ReadinessRow[]): string {
  const counts = readinessCounts(rows);
  return `${rows.length} moving mailbox${rows.length === 1 ? '' : 'es'}: ${counts.blocked} blocked, ${counts.warning} with warnings, ${counts.ready} ready`;
}

/** One row that is not ready, without its status: the mail user, its source, and why. */
export function readinessReason(row: ReadinessRow): { mailUser: string; source: string; why: string } {
  const why = [...row.codes, ...row.blockedActions.map((id) => `blocked ${id}`)].join(', ');
  return { mailUser: `${formatAddress(row.tenant, 'MailUser', row.mailUser)}${row.batch !== undefined ? ` (batch ${row.batch})` : ''}`, source: `${row.source.tenant} ${row.source.mailbox}`, why };
}

/** "northwind/MigrationBatch/Wave-1 ← contoso: Syncing; 25 listed, 25 in Exchange: 20 synced, 3 completed, 2 failed" (a batch's progress). */
const placeOf = (member: DelegationMember): string => (member.batch === null ? 'no batch' : `batch ${member.batch}`);

/** A principal and delegate moving apart, both with their batch. */
export function splitPairLine(pair: DelegationPair): string {
  return `${pair.delegate.user} (${placeOf(pair.delegate)}) holds ${delegateRightsText(pair.rights)} on ${pair.principal.user} (${placeOf(pair.principal)})`;
}

/** A delegate that is not a mailbox: it stays where it is. */
export function notMovedLine(item: DelegateNotMoved): string {
  return `${item.delegate} holds ${delegateRightsText(item.rights)} on ${item.principal.user} (${placeOf(item.principal)}): ${item.reason}; not moved`;
}

/** A moved mailbox's grant that waits for its delegate to arrive in the target. */
export function pendingLine(item: PendingRestamp): string {
  return `${item.tenant}: ${delegateRightsText(item.rights)} on ${item.mailbox} for ${item.delegate}, once ${item.delegate} has moved`;
}

export function batchLine(batch: BatchStatus): string {
  const where = `${formatAddress(batch.tenant, 'MigrationBatch', batch.batch)} ← ${batch.source}`;
  const counts = batch.counts;
  const progress = batch.status === 'NotCreated' || batch.status === 'Removed'
    ? batch.status === 'Removed' ? 'not in Exchange' : 'not created yet'
    : `${counts.total} in Exchange: ${counts.synced} synced, ${counts.finalized} completed, ${counts.failed} failed`;
  const waiting = batch.blocked.length > 0 ? `; ${batch.blocked.length} not ready` : '';
  return `${where}: ${batch.status}; ${batch.users} listed, ${progress}${waiting}`;
}
