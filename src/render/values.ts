// One way to show a value in every rendering of a plan.

import type { Action, ActionType, FieldChange } from '../model/plan.js';

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
