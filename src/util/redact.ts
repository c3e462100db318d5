// Secrets come from the environment; before any process output is shown or stored, every value of a
// variable the configuration names as secret is replaced, so a token echoed by a module's error
// message never reaches a log, a plan or a pull-request comment.
//
// The output may have broken a secret across lines: PowerShell's ConciseView error display wraps a
// long message at the console width, starting each continuation line with `     | ` (coloured with
// ANSI escapes unless OutputRendering is PlainText), and an error record's text may be split
// anywhere. A secret is therefore also found with a line break, and what pwsh puts around one,
// between any two of its characters; each piece of it is replaced, the line layout kept.

export function secretValues(env: NodeJS.ProcessEnv, names: readonly string[]): string[] {
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

const ANSI = String.raw`\u001b\[[0-9;]*m`;
/**
 * Where output may wrap a line: optional ANSI colour codes, a line break (LF, CRLF or CR), then the
 * next line's indentation, an optional ConciseView `|` gutter and its space, with their colour codes.
 */
const WRAP = String.raw`(?:${ANSI})*(?:\r\n|\n|\r)(?:${ANSI}|[ \t])*(?:\|(?:${ANSI}|[ \t])*)?`;
const WRAP_ALONE = new RegExp(WRAP, 'g');

const escapeRegExp = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * The secret, allowing a wrap between any two characters (code points, so a surrogate pair stays
 * whole); a space in it may also be the wrap itself (ConciseView breaks lines at a space and drops it).
 */
function wrappedPattern(secret: string): RegExp {
  const characters = [...secret].map((c) => (c === ' ' ? `(?: |${WRAP})` : escapeRegExp(c)));
  return new RegExp(characters.join(`(?:${WRAP})?`), 'gu');
}

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  // Longest first: a secret that contains another is replaced whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret === '') continue;
    out = out.split(secret).join('***');
    // A match with a line break in it: each line's piece becomes ***, the break and gutter stay.
    out = out.replace(wrappedPattern(secret), (match) => {
      const separators = match.match(WRAP_ALONE) ?? [];
      return match.split(WRAP_ALONE).map((piece, i) => (piece === '' ? '' : '***') + (separators[i] ?? '')).join('');
    });
  }
  return out;
}
