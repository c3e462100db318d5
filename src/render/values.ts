// One way to show a value in every rendering of a plan.

import { formatAddress } from '../model/address.js';
import type { SourceLocation } from '../model/finding.js';
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

/** "MailUser LaraN  [destructive: remove-address]": what one action is about, without its symbol. */
export function actionTitle(action: Action): string {
  const flags = action.destructive.length > 0 ? `  [destructive: ${action.destructive.join(', ')}]` : '';
  return `${action.kind} ${action.identity}${action.action === 'replace' ? ' (must be replaced)' : ''}${flags}`;
}

/** The one line that explains the symbols, in every view. */
export const LEGEND = 'Symbols: + create, ~ update, - delete, -/+ replace, ! blocked (never applied).';

/**
 * One line of an object's diff: `+` a value set or added, `-` a value removed, `~` a value changed
 * (before → after), ' ' neutral (a blocked action's changes, which never apply, and its reason).
 */
export interface DiffLine {
  sign: '+' | '-' | '~' | ' ';
  field?: string;
  text: string;
  /** For '~': the two sides, so a view may show them as a removed and an added line. */
  before?: string;
  after?: string;
}

/**
 * Everything a plan does to one Exchange object (a group's creation and its members, a mailbox's
 * several re-stamp steps): shown once, under one symbol.
 */
export interface ObjectBlock {
  symbol: string;
  title: string;
  source?: SourceLocation;
  destructive: readonly string[];
  ids: string[];
  lines: DiffLine[];
}

const sameValue = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function changeLines(action: Action, change: FieldChange): DiffLine[] {
  const note = `${change.derivedFrom ? `  (from ${change.derivedFrom})` : ''}${change.forcesReplacement ? '  # forces replacement' : ''}`;
  const field = change.field;
  if (action.action === 'blocked') return describeChange(change).map((text) => ({ sign: ' ', field, text }));
  if (change.sensitive) {
    const text = `${field}: (sensitive value, sent from the environment)${note}`;
    return [action.action === 'create' ? { sign: '+', field, text } : { sign: '~', field, text, before: `${field}: (sensitive value)`, after: text }];
  }
  if (change.add || change.remove) {
    return [
      ...(change.add ?? []).map((v) => ({ sign: '+' as const, field, text: `${field}: ${showValue(v)}${note}` })),
      ...(change.remove ?? []).map((v) => ({ sign: '-' as const, field, text: `${field}: ${showValue(v)}${note}` })),
    ];
  }
  if (change.before === undefined) return [{ sign: '+', field, text: `${field}: ${showValue(change.after)}${note}` }];
  // A replace re-creates the object with every value: only those that change are worth a line.
  if (action.action === 'replace' && sameValue(change.before, change.after)) return [];
  const before = showValue(change.before);
  const after = showValue(change.after);
  return [{ sign: '~', field, text: `${field}: ${before} → ${after}${note}`, before: `${field}: ${before}`, after: `${field}: ${after}${note}` }];
}

const objectKey = (action: Action): string => `${action.tenant}\0${action.kind}\0${action.identity.toLowerCase()}`;

function blockSymbol(actions: readonly Action[]): string {
  const run = actions.filter((a) => a.action !== 'blocked');
  if (run.length === 0) return ACTION_SYMBOL.blocked;
  for (const type of ['replace', 'create', 'delete'] as const) if (run.some((a) => a.action === type)) return ACTION_SYMBOL[type];
  return ACTION_SYMBOL.update;
}

/**
 * The plan's actions as one block per object, destructive objects first and then in plan order:
 * what a reviewer must see before anything else, each object once.
 */
export function objectBlocks(actions: readonly Action[]): ObjectBlock[] {
  const groups = new Map<string, Action[]>();
  for (const action of actions) {
    const key = objectKey(action);
    const group = groups.get(key);
    if (group) group.push(action);
    else groups.set(key, [action]);
  }
  const blocks = [...groups.values()].map((group): ObjectBlock => {
    const first = group[0]!;
    // A blocked action never runs: what it would destroy is not a destructive change to approve.
    const destructive = [...new Set(group.filter((a) => a.action !== 'blocked').flatMap((a) => a.destructive))];
    const forcing = group.flatMap((a) => (a.action === 'replace' ? a.changes.filter((c) => c.forcesReplacement).map((c) => c.field) : []));
    const replaced = group.some((a) => a.action === 'replace') ? ` (must be replaced${forcing.length > 0 ? `: ${forcing.join(', ')} changes` : ''})` : '';
    const lines = group.flatMap((action) => [
      ...(action.action === 'blocked' ? [{ sign: ' ' as const, text: `blocked: ${action.reason ?? ''}` }] : []),
      ...action.changes.flatMap((change) => changeLines(action, change)),
    ]);
    return {
      symbol: blockSymbol(group),
      title: `${first.kind} ${first.identity}${replaced}${destructive.length > 0 ? `  [destructive: ${destructive.join(', ')}]` : ''}`,
      ...(group.find((a) => a.source)?.source ? { source: group.find((a) => a.source)!.source! } : {}),
      destructive,
      ids: group.map((a) => a.id),
      lines,
    };
  });
  return [...blocks.filter((b) => b.destructive.length > 0), ...blocks.filter((b) => b.destructive.length === 0)];
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
