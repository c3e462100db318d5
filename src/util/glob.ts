// Globs for the include and exclude lists of the settings file (src/load/settings-file.ts), matched
// against paths relative to the config directory with / between folders.
//
// Our own small matcher, not a dependency: picomatch is in node_modules only as a dependency of
// vitest (a dev dependency, absent where exo-gitops is installed), and Node 20's path.matchesGlob is
// experimental (it prints an ExperimentalWarning on every run) and never matches names starting with
// a dot. The syntax is that of picomatch with { dot: true }, and test/util/glob.test.ts checks the two
// agree on random patterns:
//
//   *        any characters but /, names starting with a dot included
//   ?        one character but /
//   [abc]    one of the characters; [a-z] a range; [^abc] or [!abc] none of them (never /)
//   {a,b}    either alternative (which may hold globs themselves); {a} without a comma is literal text
//   **       as a whole segment: any number of folders, none included (a/**/b matches a/b), and a
//            trailing a/** everything below a; elsewhere ** is a *
//
// Everything else is literal text. Where picomatch has quirks we do as minimatch and the shells do:
// [!abc] negates (picomatch reads a literal !), parentheses are literal (picomatch passes them to the
// regular expression), a/** never matches a itself (picomatch's does when a has no wildcard), and a
// ** inside a name (**.yaml) never crosses a / (picomatch's sometimes does).
// Backslash escapes are not supported: settings-file.ts refuses a backslash, which on Windows would be
// a folder separator.

export class GlobError extends Error {
  override name = 'GlobError';
  constructor(
    message: string,
    /** Offset in the pattern of the character at fault. */
    readonly offset: number,
  ) {
    super(message);
  }
}

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\]/;

/** A compiled glob: does a relative path (folders separated by /) match it? */
export function compileGlob(pattern: string): (path: string) => boolean {
  const source = translate(pattern, 0, pattern.length, true);
  let regex: RegExp;
  try {
    regex = new RegExp(`^${source}$`, 'u');
  } catch {
    // A set whose range runs backwards ([z-a]) is the one mistake translate lets through.
    throw new GlobError('a range in [ ] runs backwards (write [a-z], not [z-a])', Math.max(0, pattern.indexOf('[')));
  }
  return (path) => regex.test(path);
}

/**
 * The regular expression source for pattern[start, end). `segments` is true where a `**` may be a
 * whole segment (at the top level; inside braces `**` is a plain `*`).
 */
function translate(pattern: string, start: number, end: number, segments: boolean): string {
  let out = '';
  let i = start;
  while (i < end) {
    const c = pattern[i]!;
    if (c === '*') {
      let stars = 1;
      while (i + stars < end && pattern[i + stars] === '*') stars++;
      const wholeSegment = segments && stars === 2 && (i === start || pattern[i - 1] === '/') && (i + 2 === end || pattern[i + 2] === '/');
      if (wholeSegment) {
        if (i + 2 === end) {
          // a/** : anything below a (not a itself); ** alone: any path.
          out += '.*';
          i += 2;
        } else {
          // **/ : any number of whole folders, none included.
          out += '(?:[^/]+/)*';
          i += 3;
        }
        continue;
      }
      out += '[^/]*';
      i += stars;
      continue;
    }
    if (c === '?') {
      out += '[^/]';
      i++;
      continue;
    }
    if (c === '[') {
      const close = classEnd(pattern, i, end);
      if (close === -1) throw new GlobError('[ opens a set of characters that no ] closes', i);
      let body = pattern.slice(i + 1, close);
      const negated = body.startsWith('!') || body.startsWith('^');
      if (negated) body = body.slice(1);
      const escaped = [...body].map((ch) => (ch === '\\' || ch === ']' || ch === '[' || ch === '^' ? `\\${ch}` : ch)).join('');
      out += negated ? `[^/${escaped}]` : `(?!/)[${escaped}]`;
      i = close + 1;
      continue;
    }
    if (c === '{') {
      const close = braceEnd(pattern, i, end);
      if (close === -1) throw new GlobError('{ opens a list of alternatives that no } closes', i);
      const commas = topLevelCommas(pattern, i + 1, close);
      if (commas.length === 0) {
        // {a}: literal text, as in picomatch and the shells.
        out += escapeLiteral('{') + translate(pattern, i + 1, close, false) + escapeLiteral('}');
      } else {
        const bounds = [i, ...commas, close];
        const alternatives: string[] = [];
        for (let k = 0; k + 1 < bounds.length; k++) alternatives.push(translate(pattern, bounds[k]! + 1, bounds[k + 1]!, false));
        out += `(?:${alternatives.join('|')})`;
      }
      i = close + 1;
      continue;
    }
    out += escapeLiteral(c);
    i++;
  }
  return out;
}

function escapeLiteral(c: string): string {
  return REGEX_SPECIAL.test(c) ? `\\${c}` : c;
}

/** The index of the ] that closes the set opened at `open`; a ] first in the set is one of its characters. */
function classEnd(pattern: string, open: number, end: number): number {
  let i = open + 1;
  if (pattern[i] === '!' || pattern[i] === '^') i++;
  if (pattern[i] === ']') i++;
  for (; i < end; i++) {
    if (pattern[i] === '/') return -1;
    if (pattern[i] === ']') return i;
  }
  return -1;
}

/** The index of the } that closes the { at `open`, counting nested braces and skipping sets. */
function braceEnd(pattern: string, open: number, end: number): number {
  let depth = 0;
  for (let i = open; i < end; i++) {
    const c = pattern[i];
    if (c === '[') {
      const close = classEnd(pattern, i, end);
      if (close !== -1) i = close;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  return -1;
}

function topLevelCommas(pattern: string, start: number, end: number): number[] {
  const commas: number[] = [];
  let depth = 0;
  for (let i = start; i < end; i++) {
    const c = pattern[i];
    if (c === '[') {
      const close = classEnd(pattern, i, end);
      if (close !== -1) i = close;
    } else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) commas.push(i);
  }
  return commas;
}
