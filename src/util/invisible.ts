// The one escaping of invisible characters, for every view of a plan and every script comment.

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
