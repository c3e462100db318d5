// Values reach PowerShell as literals no content can end. PowerShell's tokenizer treats five
// characters as a single quote (' ‘ ’ ‚ ‛: U+0027, U+2018, U+2019, U+201A, U+201B) and, inside a
// single-quoted string, reads any of them followed by another as one literal quote (it keeps the
// second). Doubling each of them is therefore exact; nothing else is special inside '…': no $, no
// backtick, no escape sequence, and newlines are literal.
//
// Text outside a literal is either code exo-gitops writes or a comment. Every value written into a
// comment goes through psComment, so no value can end the comment and become code.

import { showInvisible } from '../util/invisible.js';

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

const LINE_BREAKS = /(\r\n|\r|\n)/;
const BREAK_ESCAPES: Record<string, string> = { '\r\n': '"`r`n"', '\r': '"`r"', '\n': '"`n"' };
const NUL_ESCAPE = '"`0"';

const NUL_PROBLEM = 'holds a NUL character (U+0000), which cannot be passed to PowerShell';

/** A value that cannot be written into a script; `problem` completes a sentence about it ("… holds a NUL character"). */
export class PsValueError extends Error {
  override name = 'PsValueError';
  constructor(
    readonly problem: string,
    subject = 'a value',
  ) {
    super(`${subject} ${problem}`);
  }
}

function singleQuoted(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (quote) => quote + quote)}'`;
}

/**
 * '…' pieces and escapes in double quotes joined by `-join @(…)`, so no literal spans two lines.
 * An array, not a chain of `+`: PowerShell compiles `a + b + …` recursively, and a value with a few
 * thousand line breaks overflowed its stack ("Stack overflow", pwsh 7.6.9, about 4,800 breaks).
 */
function pieces(value: string, splitter: RegExp, escapes: Record<string, string>): string {
  if (!splitter.test(value)) return singleQuoted(value);
  const parts = value.split(splitter).filter((part) => part !== '');
  // Own properties only: a piece named like an Object.prototype member ("valueOf", "constructor") is
  // text to quote, never an escape (it would have written a function's source into the script).
  return `(-join @(${parts.map((part) => (Object.hasOwn(escapes, part) ? escapes[part]! : singleQuoted(part))).join(', ')}))`;
}

/**
 * A PowerShell expression for the string. A value with line breaks becomes a join of literals whose
 * breaks are the escapes "`n" and "`r", so every literal stays on one line of the script: indenting
 * the script, or reading it line by line, can never change a value.
 */
export function psString(value: string): string {
  // Validation rejects control characters in YAML, but live data may hold anything; Exchange takes no
  // NUL, and a NUL in a script file ends it for some readers.
  if (value.includes('\u0000')) throw new PsValueError(NUL_PROBLEM);
  return pieces(value, LINE_BREAKS, BREAK_ESCAPES);
}

const REPORT_SPLIT = /(\r\n|\r|\n|\u0000)/;
const REPORT_ESCAPES: Record<string, string> = { ...BREAK_ESCAPES, '\u0000': NUL_ESCAPE };

/**
 * A string the script only compares or prints (step ids, skip reasons, error messages), never passes
 * to Exchange: as psString, but a NUL becomes the escape "`0" rather than being refused, so an
 * action whose id holds one can still report that it failed.
 */
export function psReportString(value: string): string {
  return pieces(value, REPORT_SPLIT, REPORT_ESCAPES);
}

export function psBool(value: boolean): string {
  return value ? '$true' : '$false';
}

export function psArray(values: readonly string[]): string {
  return values.length === 0 ? '@()' : `@(${values.map(psString).join(', ')})`;
}

/** `$env:NAME` for a variable name the schema allows; anything else is refused, never interpolated. */
export function psEnv(name: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`not an environment variable name: ${JSON.stringify(name)}`);
  return `$env:${name}`;
}

/**
 * Every line break a reader of the script might honour: CR and LF end a comment in PowerShell; NEL
 * (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029) do not (pwsh 7.6.9: after
 * `# comment`, each of them followed by `Write-Output 'RAN'` prints nothing, and
 * [System.Management.Automation.Language.Parser]::ParseInput returns one Comment token running past
 * it, while CR, LF and CRLF each end the comment and the Write-Output runs), but editors, diff views
 * and other parsers break lines there, and a reviewer must read the script as PowerShell runs it.
 */
const COMMENT_BREAKS = /\r\n|[\r\n\u0085\u2028\u2029]/g;

/**
 * The one way a value enters a comment (or any header line) of a generated script: every line break
 * (CR, LF, CRLF, U+0085, U+2028, U+2029) is replaced by a space, so the comment ends where the
 * script's line ends and no value can run on as code; other invisible and control characters (bidi
 * overrides, zero-width characters, NUL…) are shown escaped (`\u202E`), as in every plan rendering.
 */
export function psComment(text: string): string {
  return showInvisible(text.replace(COMMENT_BREAKS, ' '));
}
