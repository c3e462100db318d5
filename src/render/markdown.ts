// GitHub-flavoured markdown, the pieces every markdown rendering is made of: the plan (render/plan-markdown.ts)
// and the pull-request comment, drift issue and apply report (github/bodies.ts) use these and no
// copies of them. Values pass through showInvisible here: GitHub would render a bidi override or a
// zero-width character as it is, and the reviewer would not see it.

import { findingPlace } from '../model/address.js';
import type { Finding } from '../model/finding.js';
import { showInvisible } from '../util/invisible.js';

/** A value on one line of markdown (a table cell, a list item): line breaks as spaces, invisible characters escaped, pipes kept out of tables. */
export const inline = (text: string): string => showInvisible(text.replace(/\r\n|\r|\n/g, ' ')).replace(/\|/g, '\\|');

/** A value as a code span, escaped as by `inline`. */
export const code = (text: string): string => `\`${inline(text)}\``;

/** A line of a fenced block: invisible characters escaped first, then no ``` may close the fence (its U+200B is ours). */
export const fenceSafe = (text: string): string => showInvisible(text).replace(/```/g, '`\u200b``');

/** "1 action", "2 actions". */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** A GitHub alert: a quoted block that GitHub shows as a coloured call-out. */
export const alert = (kind: 'NOTE' | 'WARNING', text: string): string => `> [!${kind}]\n> ${text}`;

/** Small print at the foot of a body: the parts that are set, separated by middle dots; '' when none is. */
export function smallPrint(parts: readonly (string | undefined)[]): string {
  const set = parts.filter((p): p is string => p !== undefined);
  return set.length > 0 ? `<sub>${set.join(' · ')}</sub>` : '';
}

/** One finding as a list item: severity, code, where, message, and the hint on a second line. */
export function findingItem(f: Finding): string {
  return `- ${f.severity === 'error' ? '❌ **error**' : '⚠️ warning'} ${code(f.code)} ${code(findingPlace(f))}: ${inline(f.message)}${f.hint ? ` <br>_${inline(f.hint)}_` : ''}`;
}

/**
 * How many of `lines`, in order, fit when `used` characters are already taken: a line fits while
 * `used` plus its length stays within `room`; each line then takes its length plus `separator` (the
 * line feed that joins it). Returns the count and the characters used after them.
 */
export function linesThatFit(lines: readonly string[], used: number, room: number, separator = 1): { count: number; used: number } {
  let count = 0;
  for (const line of lines) {
    if (used + line.length > room) break;
    used += line.length + separator;
    count++;
  }
  return { count, used };
}
