// Values reach PowerShell as literals no content can end. PowerShell's tokenizer treats five
// characters as a single quote (' ‘ ’ ‚ ‛: U+0027, U+2018, U+2019, U+201A, U+201B) and, inside a
// single-quoted string, reads any of them followed by another as one literal quote (it keeps the
// second). Doubling each of them is therefore exact; nothing else is special inside '…': no $, no
// backtick, no escape sequence, and newlines are literal.

const SINGLE_QUOTES = /['\u2018\u2019\u201A\u201B]/g;

export function psString(value: string): string {
  // Validation rejects control characters in YAML; a NUL here would end the script for some readers.
  if (value.includes('\u0000')) throw new Error('a value with a NUL character cannot be passed to PowerShell');
  return `'${value.replace(SINGLE_QUOTES, (quote) => quote + quote)}'`;
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
