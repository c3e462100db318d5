// One way to show a value in every rendering of a plan.

import type { Action, ActionType, FieldChange } from '../model/plan.js';

/**
 * Characters a reader cannot see, or that change how the text around them is shown: C0 and C1
 * controls (Cc), format characters (Cf: bidi embeddings, overrides and isolates U+202A–U+202E,
 * U+2066–U+2069, the marks U+200E/U+200F, zero-width characters U+200B–U+200D, U+FEFF, the soft
 * hyphen U+00AD, tag characters…), the line and paragraph separators U+2028/U+2029, every other
 * default-ignorable code point (variation selectors, Hangul fillers…) and lone surrogates.
 */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}\p{Cs}]/gu;

/**
 * The text with every invisible, format or control character shown as an escape (`\u202E`,
 * `\u{E0041}` beyond the BMP), so a reviewer sees exactly what will run: a bidi override cannot
 * reorder what follows it, and two values that look alike but differ show the difference. The one
 * escaping of the text plan, the markdown plan and the pull-request bodies (and of script comments).
 */
export function showInvisible(text: string): string {
  return text.replace(INVISIBLE, (c) => {
    const code = c.codePointAt(0)!;
    return code > 0xffff ? `\\u{${code.toString(16).toUpperCase()}}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  });
}

export function showValue(value: unknown): string {
  if (value === undefined) return '(none)';
  if (value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(showValue).join(', ')}]`;
  return String(value);
}

export const ACTION_SYMBOL: Record<ActionType, string> = { create: '+', update: '~', delete: '-', replace: '-/+', blocked: '!' };

export const ACTION_VERB: Record<ActionType, string> = {
  create: 'create',
  update: 'update',
  delete: 'delete',
  replace: 'replace',
  blocked: 'blocked',
};

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
