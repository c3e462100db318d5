// A tokenizer of PowerShell for tests: where comments and string literals begin and end, following
// PowerShell's own tokenizer (System.Management.Automation.Language.Tokenizer), and everything else
// as code. It answers one question about a generated script: which characters PowerShell reads as
// code. Its rules, each checked against [System.Management.Automation.Language.Parser]::ParseInput of
// pwsh 7.6.9 in ps-tokenizer.test.ts:
//
// - Single quotes are the five characters ' ‘ ’ ‚ ‛ (U+0027, U+2018, U+2019, U+201A, U+201B);
//   double quotes the four characters " “ ” „ (U+0022, U+201C, U+201D, U+201E; U+201F is not one).
//   Inside a string, a quote followed by a quote of the same family is one escaped quote, whichever
//   the two characters are; any other quote of the family ends the string. A quote starts a string
//   wherever it is in code, also inside a bare word (a'b c'd is one argument).
// - '…' has no escapes. "…" has backtick escapes (` and the next character), `$(…)` subexpressions
//   and `${…}` variables ($$, $? and $^ being variables of their own). A subexpression inside "…" is
//   scanned as PowerShell scans it: counting parentheses only (nested strings and comments are not
//   recognised there), a backtick or double quote followed by a double quote skipped as a pair.
// - Here-strings: `@'` or `@"`, optional whitespace, a line break; they end at a line break followed
//   directly by a quote of the family and `@`. In `@"…"@`, backtick escapes and `$(…)` (counting
//   parentheses, no quote pairs) apply, so an escaped line break is no end.
// - `#` starts a comment running to CR or LF (only those: NEL, U+2028 and U+2029 do not end it);
//   `<#` starts a block comment running to the first `#>` (they do not nest).
// - Whitespace is PowerShell's: space, tab, vertical tab, form feed, U+00A0, U+0085 and every Unicode
//   separator (Zs, Zl, Zp, so U+2028 and U+2029 too). ( ) { } ; , | & are tokens of their own.
// - In code, a backtick takes the next character with it (`` `# `` is no comment); before a line
//   break it is a line continuation, and before whitespace at the start of a token it is whitespace.
//   `${…}` is one variable whatever it holds.
//
// Where PowerShell's reading depends on its mode (command or expression), which only its parser
// knows, the tokenizer does not guess: `#`, `<#`, `@'`, `@"`, `$(` or `${` glued to a bare word or
// to an operator (`a#b` is one argument, `$a#b` a variable and a comment; `a$(b)` one argument) make
// an `ambiguous` code token. Generated scripts have none: a test asserts it. Everywhere else the
// tokenizer agrees with PowerShell on every comment and string literal; the one known difference is
// a backtick before a line break right after an operator (`+`, `-`): a line continuation for
// PowerShell, an escaped CR here, which only moves where a line break is counted within code.

export type TokenKind = 'code' | 'newline' | 'comment' | 'string';

export interface Token {
  kind: TokenKind;
  /** The token's text, from start (inclusive) to end (exclusive) in the script, in UTF-16 units. */
  text: string;
  start: number;
  end: number;
  /** For strings: which kind of literal. */
  literal?: 'single' | 'double' | 'here-single' | 'here-double';
  /** False when the script ended inside the token (an unterminated string or block comment). */
  terminated: boolean;
  /** For code: why PowerShell's reading of it depends on its parsing mode (see above). */
  ambiguous?: string;
}

const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201A', '\u201B']);
const DOUBLE_QUOTES = new Set(['"', '\u201C', '\u201D', '\u201E']);
const isSingle = (c: string | undefined): boolean => c !== undefined && SINGLE_QUOTES.has(c);
const isDouble = (c: string | undefined): boolean => c !== undefined && DOUBLE_QUOTES.has(c);
const isBreak = (c: string | undefined): boolean => c === '\r' || c === '\n';
const WHITESPACE = /^[ \t\v\f\u00A0\u0085\p{Zs}\p{Zl}\p{Zp}]$/u;
const isSpace = (c: string | undefined): boolean => c !== undefined && WHITESPACE.test(c);
/** Characters that are a token of their own and end any bare word before them. */
const PUNCTUATION = new Set(['(', ')', '{', '}', ';', ',', '|', '&']);

export function tokenize(script: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let word: number | undefined;

  const push = (kind: TokenKind, start: number, end: number, terminated = true, literal?: Token['literal']): void => {
    tokens.push({ kind, text: script.slice(start, end), start, end, terminated, ...(literal ? { literal } : {}) });
  };
  const endWord = (): void => {
    if (word !== undefined) push('code', word, i);
    word = undefined;
  };

  /** From just after `$(` inside a string: to just after the `)` that closes it (or the end). */
  const subexpression = (from: number, hereString: boolean): { end: number; terminated: boolean } => {
    let j = from;
    let depth = 1;
    while (j < script.length) {
      const c = script[j]!;
      if (c === '(') depth++;
      else if (c === ')') {
        if (--depth === 0) return { end: j + 1, terminated: true };
      } else if ((c === '`' || isDouble(c)) && !hereString && isDouble(script[j + 1])) j++;
      j++;
    }
    return { end: j, terminated: false };
  };

  /** From just after `${`: to just after the `}` that closes the braced variable name. */
  const bracedVariable = (from: number): { end: number; terminated: boolean } => {
    let j = from;
    while (j < script.length) {
      const c = script[j]!;
      if (c === '}') return { end: j + 1, terminated: true };
      if (c === '`') j++;
      j++;
    }
    return { end: script.length, terminated: false };
  };

  /** `$` at j inside an expandable string: where scanning resumes after it. */
  const dollar = (j: number, hereString: boolean): { end: number; terminated: boolean } => {
    if (script[j + 1] === '(') return subexpression(j + 2, hereString);
    if (script[j + 1] === '{') return bracedVariable(j + 2);
    // $$, $? and $^ are variables of their own: "$${" holds no braced variable.
    if (script[j + 1] === '$' || script[j + 1] === '?' || script[j + 1] === '^') return { end: j + 2, terminated: true };
    return { end: j + 1, terminated: true };
  };

  const singleQuoted = (start: number): void => {
    let j = start + 1;
    while (j < script.length) {
      if (isSingle(script[j])) {
        if (isSingle(script[j + 1])) j += 2;
        else return push('string', start, (i = j + 1), true, 'single');
      } else j++;
    }
    push('string', start, (i = j), false, 'single');
  };

  const doubleQuoted = (start: number): void => {
    let j = start + 1;
    while (j < script.length) {
      const c = script[j]!;
      if (isDouble(c)) {
        if (isDouble(script[j + 1])) j += 2;
        else return push('string', start, (i = j + 1), true, 'double');
      } else if (c === '$') {
        const after = dollar(j, false);
        if (!after.terminated) return push('string', start, (i = after.end), false, 'double');
        j = after.end;
      } else if (c === '`') j += script[j + 1] === undefined ? 1 : 2;
      else j++;
    }
    push('string', start, (i = j), false, 'double');
  };

  /** `@` + quote at start: a here-string (PowerShell reports an error when more than whitespace follows the header). */
  const hereString = (start: number): void => {
    const expandable = isDouble(script[start + 1]);
    const family = expandable ? isDouble : isSingle;
    let j = start + 2;
    while (isSpace(script[j])) j++;
    if (!isBreak(script[j])) {
      // PowerShell reports an error and skips to the ASCII quote of the family followed by @ ('@ or
      // "@, whichever quote the header had) on this line, or to the line's end.
      const quote = expandable ? '"' : "'";
      while (j < script.length && !isBreak(script[j]) && !(script[j] === quote && script[j + 1] === '@')) j++;
      const end = j < script.length && !isBreak(script[j]) ? j + 2 : j;
      push('string', start, (i = end), false, expandable ? 'here-double' : 'here-single');
      return;
    }
    j += script[j] === '\r' && script[j + 1] === '\n' ? 2 : 1;
    // At the start of each line of the body: the footer ends the string.
    for (;;) {
      if (family(script[j]) && script[j + 1] === '@') {
        push('string', start, (i = j + 2), true, expandable ? 'here-double' : 'here-single');
        return;
      }
      while (j < script.length && !isBreak(script[j])) {
        const c = script[j]!;
        if (expandable && c === '$') {
          const after = dollar(j, true);
          j = after.end;
          if (!after.terminated) break;
        } else if (expandable && c === '`') j += script[j + 1] === undefined ? 1 : 2;
        else j++;
      }
      if (j >= script.length) {
        push('string', start, (i = script.length), false, expandable ? 'here-double' : 'here-single');
        return;
      }
      j += script[j] === '\r' && script[j + 1] === '\n' ? 2 : 1;
    }
  };

  // What the next character follows: the end of a token (whitespace, a line break, one of
  // ( ) { } ; , | &, a string literal that began a token, or the start), or a bare word (glued to it).
  let after: 'start' | 'word' = 'start';
  const ambiguous = (start: number, end: number, why: string): void => {
    endWord();
    tokens.push({ kind: 'code', text: script.slice(start, end), start, end, terminated: true, ambiguous: why });
    i = end;
    after = 'word';
  };

  while (i < script.length) {
    const c = script[i]!;
    const next = script[i + 1];
    if (isBreak(c)) {
      endWord();
      const end = c === '\r' && next === '\n' ? i + 2 : i + 1;
      push('newline', i, end);
      i = end;
      after = 'start';
    } else if (isSpace(c)) {
      endWord();
      i++;
      after = 'start';
    } else if (c === '`') {
      if ((isBreak(next) || isSpace(next)) && after === 'start') {
        // A line continuation, or an escaped space starting a token: whitespace.
        i += next === '\r' && script[i + 2] === '\n' ? 3 : 2;
        after = 'start';
      } else {
        word ??= i;
        i += next === undefined ? 1 : 2;
        after = 'word';
      }
    } else if (c === '#' || (c === '<' && next === '#')) {
      if (after === 'word') {
        ambiguous(i, i + (c === '#' ? 1 : 2), `${c === '#' ? '#' : '<#'} glued to a word: a comment or part of the word, as PowerShell's mode decides`);
        continue;
      }
      endWord();
      if (c === '#') {
        let j = i;
        while (j < script.length && !isBreak(script[j])) j++;
        push('comment', i, j);
        i = j;
      } else {
        const close = script.indexOf('#>', i + 2);
        const end = close === -1 ? script.length : close + 2;
        push('comment', i, end, close !== -1);
        i = end;
      }
      after = 'start';
    } else if (isSingle(c) || isDouble(c)) {
      const glued: boolean = after === 'word';
      endWord();
      if (isSingle(c)) singleQuoted(i);
      else doubleQuoted(i);
      after = glued ? 'word' : 'start';
    } else if (c === '@' && (isSingle(next) || isDouble(next))) {
      if (after === 'word') {
        ambiguous(i, i + 2, `@${next} glued to a word: a here-string or not, as PowerShell's mode decides`);
        continue;
      }
      endWord();
      hereString(i);
      after = 'start';
    } else if (PUNCTUATION.has(c)) {
      endWord();
      push('code', i, i + 1);
      i++;
      after = 'start';
    } else if (c === '@' && after === 'start' && !/^[\p{L}\p{N}_?$:({]$/u.test(next ?? '')) {
      // A lone @ (no splat, no @( or @{) is a token of its own, as PowerShell reads it.
      endWord();
      push('code', i, i + 1);
      i++;
    } else if (c === '$' && (next === '(' || next === '{') && after === 'word') {
      ambiguous(i, i + 2, `$${next} glued to a word: PowerShell scans it as part of the word`);
    } else if (c === '$' && next === '{') {
      word ??= i;
      i = bracedVariable(i + 2).end;
      after = 'word';
    } else {
      word ??= i;
      i++;
      after = 'word';
    }
  }
  endWord();
  return tokens;
}

/** Tokens that are no string and no comment: what PowerShell runs. */
export function codeTokens(tokens: readonly Token[]): Token[] {
  return tokens.filter((t) => t.kind === 'code' || t.kind === 'newline');
}
