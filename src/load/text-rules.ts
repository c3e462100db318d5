// Rules for the text of a value, shared by YAML values (value-check.ts) and membersFile lines
// (members-file.ts), so an address reads the same wherever it is written.

import { MAX_ADDRESS_LENGTH, MAX_LOCAL_PART_LENGTH } from './limits.js';

/** C0 controls other than tab, line feed and carriage return, and DEL: no Exchange attribute holds them. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/**
 * Half of a surrogate pair with no other half: ill-formed UTF-16, which no file holds (the decoder
 * refuses it) but a `"\ud800"` escape in a double-quoted YAML string writes. Exchange, PowerShell and
 * JSON consumers each handle it differently, so it never converges.
 */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Every line break YAML or PowerShell may honour: LF, CR, NEL, LINE and PARAGRAPH SEPARATOR. */
const LINE_BREAK = /[\n\r\u0085\u2028\u2029]/;

/** Whitespace at either end: JavaScript's \s (spaces, tabs, no-break and other Unicode spaces, BOM) and NEL. */
const LEADING_SPACE = /^[\s\u0085]/;
const TRAILING_SPACE = /[\s\u0085]$/;

/** "U+0007": a character by its code point, so an invisible one can be found. */
export function codePointOf(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The first control character of `text` and its index, if any. */
export function controlCharacterIn(text: string): { index: number; character: string } | undefined {
  const match = CONTROL.exec(text);
  return match ? { index: match.index, character: match[0] } : undefined;
}

/** The first unpaired surrogate of `text` and its index, if any. */
export function unpairedSurrogateIn(text: string): { index: number; character: string } | undefined {
  const match = UNPAIRED_SURROGATE.exec(text);
  return match ? { index: match.index, character: match[0] } : undefined;
}

function describeSpace(character: string): string {
  if (character === ' ') return 'a space';
  if (character === '\t') return 'a tab';
  return `whitespace (${codePointOf(character)})`;
}

/**
 * Why `text` cannot be an identifier (a name, an address, a reference to one): a line break anywhere,
 * or whitespace at either end. Exchange trims or refuses such values, so the live value never equals
 * the desired one and every plan would change it again.
 */
export function identifierProblem(text: string): string | undefined {
  if (LINE_BREAK.test(text)) return 'has a line break';
  if (LEADING_SPACE.test(text)) return `starts with ${describeSpace(text[0]!)}`;
  if (TRAILING_SPACE.test(text)) return `ends with ${describeSpace(text[text.length - 1]!)}`;
  return undefined;
}

/** Why `address` (user@domain) is too long for SMTP, if it is. */
export function addressLengthProblem(address: string): string | undefined {
  const at = address.lastIndexOf('@');
  if (at > MAX_LOCAL_PART_LENGTH) return `has a local part (before the @) of ${at} characters; at most ${MAX_LOCAL_PART_LENGTH} are allowed`;
  if (address.length > MAX_ADDRESS_LENGTH) return `has ${address.length} characters; an address has at most ${MAX_ADDRESS_LENGTH}`;
  return undefined;
}

/** What an …Env field may hold: an environment variable's name. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Shannon entropy in bits per character. */
function entropyOf(value: string): number {
  const counts = new Map<string, number>();
  for (const character of value) counts.set(character, (counts.get(character) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/**
 * A value that looks like a pasted secret (an Entra client secret, an access token, a key): one run
 * of more than 40 token characters, lower- and upper-case letters and digits mixed, at least 4 bits
 * of entropy a character. GUIDs (36), thumbprints (40 hex), addresses (an @), X500s (spaces,
 * slashes) and variable names in capitals never match.
 */
export function looksLikeSecret(value: string): boolean {
  return value.length > 40 && /^[A-Za-z0-9_\-.~+=]+$/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value) && entropyOf(value) >= 4;
}

/** A secret as a message may show it: its length and first two characters, never more. */
export function secretPreview(value: string): string {
  return `${value.length} characters starting "${value.slice(0, 2)}…"`;
}
