// Edits of fixture text (YAML, CSV, JSON a test writes) that cannot silently stop testing: a test
// that replaces text it cannot find, or finds in more places than it meant, is a broken test, and
// String.prototype.replace would let it pass while testing nothing. Every fixture edit in test/ goes
// through replaceOnce (FixtureRepo.edit included).

export interface ReplaceOptions {
  /** Replace every occurrence (at least one must exist). Without it, `from` must occur exactly once. */
  all?: boolean;
  /** Named in the error (a file path, a fixture's name). */
  in?: string;
}

/** A replacement: inserted literally (no `$&`/`$1` patterns), or computed from the match like String.replace's function. */
export type Replacement = string | ((match: string, ...groups: any[]) => string);

function describe(from: string | RegExp): string {
  return typeof from === 'string' ? JSON.stringify(from) : String(from);
}

function occurrences(text: string, from: string | RegExp): number {
  if (typeof from === 'string') {
    let count = 0;
    for (let i = text.indexOf(from); i !== -1; i = text.indexOf(from, i + from.length)) count++;
    return count;
  }
  const flags = from.flags.includes('g') ? from.flags : `${from.flags}g`;
  return [...text.matchAll(new RegExp(from.source, flags))].length;
}

/**
 * `text` with `from` replaced by `to`. Throws `fixture text not found: …` when `from` does not occur,
 * and `fixture text found N times: …` when a string or non-global RegExp occurs more than once
 * (pass `{ all: true }`, or a RegExp with the g flag, to replace every occurrence).
 */
export function replaceOnce(text: string, from: string | RegExp, to: Replacement, options: ReplaceOptions = {}): string {
  const where = options.in === undefined ? '' : ` (in ${options.in})`;
  if (from === '') throw new Error(`fixture edit with an empty search text${where}`);
  const count = occurrences(text, from);
  if (count === 0) throw new Error(`fixture text not found: ${describe(from)}${where}`);
  const all = options.all === true || (typeof from !== 'string' && from.global);
  if (count > 1 && !all) throw new Error(`fixture text found ${count} times: ${describe(from)}${where}; make it unique or pass { all: true }`);
  const replacement = typeof to === 'string' ? () => to : to;
  if (typeof from === 'string') return all ? text.replaceAll(from, replacement) : text.replace(from, replacement);
  const pattern = all && !from.global ? new RegExp(from.source, `${from.flags}g`) : from;
  return text.replace(pattern, replacement);
}

/** Several edits in order, each checked as replaceOnce checks it: `replaceEach(text, [from, to], [from, to])`. */
export function replaceEach(text: string, ...edits: [from: string | RegExp, to: Replacement, options?: ReplaceOptions][]): string {
  return edits.reduce((current, [from, to, options]) => replaceOnce(current, from, to, options), text);
}
