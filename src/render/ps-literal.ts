// Values reach PowerShell as literals no content can end. PowerShell's tokenizer treats five
// characters as a single quote (' ‘ ’ ‚ ‛: U+0027, U+2018, U+2019, U+201A, U+201B) and, inside a
// single-quoted string, reads any of them followed by another as one literal quote (it keeps the
// second). Doubling each of them is therefore exact; nothing else is special inside '…': no $, no
// backtick, no escape sequence, and newlines are literal.

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

const LINE_BREAKS = /(\r\n|\r|\n)/;
const BREAK_ESCAPES: Record<string, string> = { '\r\n': '"`r`n"', '\r': '"`r"', '\n': '"`n"' };

function singleQuoted(value: string): string {
  return `'${value.replace(SINGLE_QUOTES, (quote) => quote + quote)}'`;
}

/**
 * A PowerShell expression for the string. A value with line breaks becomes a concatenation whose
 * breaks are the escapes "`n" and "`r", so every literal stays on one line of the script: indenting
 * the script, or reading it line by line, can never change a value.
 */
export function psString(value: string): string {
  // Validation rejects control characters in YAML; a NUL here would end the script for some readers.
  if (value.includes('\u0000')) throw new Error('a value with a NUL character cannot be passed to PowerShell');
  if (!LINE_BREAKS.test(value)) return singleQuoted(value);
  const parts = value.split(LINE_BREAKS).filter((part) => part !== '');
  return `(${parts.map((part) => BREAK_ESCAPES[part] ?? singleQuoted(part)).join(' + ')})`;
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
