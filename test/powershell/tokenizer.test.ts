// The test tokenizer of PowerShell (ps-tokenizer.ts) against the real one: hand-picked scripts whose
// tokens pwsh 7.6.9 gives ([System.Management.Automation.Language.Parser]::ParseInput, written out
// below), the same scripts and thousands of random ones run through real pwsh when it is here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tokenize, type Token } from './tokenizer.js';
import { disagreements, pwshTokenize, pwshUnavailable, unsafeDisagreements } from './pwsh-tokens.js';

/** Tokens as [kind, text], code tokens marked `ambiguous` as 'ambiguous'. */
const shape = (script: string): [string, string][] => tokenize(script).map((t: Token) => [t.ambiguous ? 'ambiguous' : t.kind, t.text]);

/**
 * Scripts and how pwsh 7.6.9 tokenizes them (its token kinds in the comment), in this tokenizer's
 * terms. Whitespace is no token; `unterminated` marks a string PowerShell reports as incomplete.
 */
const CASES: { script: string; tokens: [string, string][]; pwsh: string }[] = [
  { script: "$x = 'a'#c", tokens: [['code', '$x'], ['code', '='], ['string', "'a'"], ['comment', '#c']], pwsh: 'Variable Equals StringLiteral Comment' },
  { script: "echo 'a'#y", tokens: [['code', 'echo'], ['string', "'a'"], ['comment', '#y']], pwsh: 'Identifier StringLiteral Comment' },
  { script: '(1)#c', tokens: [['code', '('], ['code', '1'], ['code', ')'], ['comment', '#c']], pwsh: 'LParen Number RParen Comment' },
  { script: 'a;#c', tokens: [['code', 'a'], ['code', ';'], ['comment', '#c']], pwsh: 'Identifier Semi Comment' },
  { script: '@{a=1}#c', tokens: [['code', '@'], ['code', '{'], ['code', 'a=1'], ['code', '}'], ['comment', '#c']], pwsh: 'AtCurly Identifier Equals Number RCurly Comment' },
  // Five single quotes, four double quotes; doubling with any two of a family.
  { script: "'a\u2018\u2018b' 'c\u201B'", tokens: [['string', "'a\u2018\u2018b'"], ['string', "'c\u201B'"]], pwsh: 'StringLiteral StringLiteral' },
  { script: '"a\u201Cb"', tokens: [['string', '"a\u201C'], ['code', 'b'], ['string', '"']], pwsh: 'StringExpandable Generic(b") — the last " unterminated' },
  { script: '"a\u201C\u201Cb" x', tokens: [['string', '"a\u201C\u201Cb"'], ['code', 'x']], pwsh: 'StringExpandable Identifier' },
  { script: '"a\u201D\u201Eb"', tokens: [['string', '"a\u201D\u201Eb"']], pwsh: 'StringExpandable' },
  { script: '"a\u201Fb"', tokens: [['string', '"a\u201Fb"']], pwsh: 'StringExpandable: U+201F is no quote' },
  { script: '"a`"b" "c""d"', tokens: [['string', '"a`"b"'], ['string', '"c""d"']], pwsh: 'StringExpandable StringExpandable' },
  { script: "'a`'", tokens: [['string', "'a`'"]], pwsh: 'StringLiteral: no escapes in single quotes' },
  // Subexpressions in "…" count parentheses only.
  { script: '"$("a")" y', tokens: [['string', '"$("a")"'], ['code', 'y']], pwsh: 'StringExpandable Identifier' },
  { script: '"$(")")"x', tokens: [['string', '"$(")"'], ['code', ')'], ['string', '"x']], pwsh: 'StringExpandable RParen StringExpandable(unterminated)' },
  { script: '"$( # c )\n )" y', tokens: [['string', '"$( # c )\n )"'], ['code', 'y']], pwsh: 'StringExpandable Identifier' },
  { script: '"$(\u201C)\u201C)" y', tokens: [['string', '"$(\u201C)\u201C'], ['code', ')'], ['string', '" y']], pwsh: 'StringExpandable RParen StringExpandable' },
  { script: '"$("\u201C)" y', tokens: [['string', '"$("\u201C)"'], ['code', 'y']], pwsh: 'StringExpandable Identifier: "“ is a pair' },
  { script: '"${x"}" y', tokens: [['string', '"${x"}"'], ['code', 'y']], pwsh: 'StringExpandable Identifier' },
  { script: '"@$${\u201D-(', tokens: [['string', '"@$${\u201D'], ['code', '-'], ['code', '(']], pwsh: 'StringExpandable Minus LParen: $$ is a variable' },
  { script: '"$x#y"', tokens: [['string', '"$x#y"']], pwsh: 'StringExpandable' },
  // Here-strings.
  { script: "@'\nx'\ny\n'@\nz", tokens: [['string', "@'\nx'\ny\n'@"], ['newline', '\n'], ['code', 'z']], pwsh: 'HereStringLiteral NewLine Identifier' },
  { script: '@\u2018\nx\n\u2019@\nz', tokens: [['string', '@\u2018\nx\n\u2019@'], ['newline', '\n'], ['code', 'z']], pwsh: 'HereStringLiteral NewLine Identifier' },
  { script: '@"\nx `\n"@\n"@ z', tokens: [['string', '@"\nx `\n"@\n"@'], ['code', 'z']], pwsh: 'HereStringExpandable Identifier: an escaped line break is no end' },
  { script: '@"\n$(\n"@\n)\n"@ z', tokens: [['string', '@"\n$(\n"@\n)\n"@'], ['code', 'z']], pwsh: 'HereStringExpandable Identifier' },
  { script: "@'\nx\n '@\n'@", tokens: [['string', "@'\nx\n '@\n'@"]], pwsh: 'HereStringLiteral: an indented footer is no end' },
  { script: "@'\n'@ z", tokens: [['string', "@'\n'@"], ['code', 'z']], pwsh: 'HereStringLiteral Identifier' },
  { script: "@'x\n'@", tokens: [['string', "@'x"], ['newline', '\n'], ['string', "'@"]], pwsh: 'HereStringLiteral(error) NewLine StringLiteral(unterminated)' },
  // Comments: only CR and LF end one; block comments do not nest.
  { script: 'x # a\u2028b\u0085c\u2029d\ny', tokens: [['code', 'x'], ['comment', '# a\u2028b\u0085c\u2029d'], ['newline', '\n'], ['code', 'y']], pwsh: 'Identifier Comment NewLine Identifier' },
  { script: 'x # ab\ry', tokens: [['code', 'x'], ['comment', '# ab'], ['newline', '\r'], ['code', 'y']], pwsh: 'Identifier Comment NewLine Identifier' },
  { script: 'x # ab\r\ny', tokens: [['code', 'x'], ['comment', '# ab'], ['newline', '\r\n'], ['code', 'y']], pwsh: 'Identifier Comment NewLine Identifier' },
  { script: '<# <# #> x #>', tokens: [['comment', '<# <# #>'], ['code', 'x'], ['comment', '#>']], pwsh: 'Comment Identifier Comment' },
  { script: "'a'<#b#>#c", tokens: [['string', "'a'"], ['comment', '<#b#>'], ['comment', '#c']], pwsh: 'StringLiteral Comment Comment' },
  { script: 'a `\n#c', tokens: [['code', 'a'], ['comment', '#c']], pwsh: 'Identifier LineContinuation Comment' },
  // PowerShell's whitespace includes U+2028, U+0085, U+00A0 and U+3000; U+200B is no whitespace.
  { script: 'x\u2028#c', tokens: [['code', 'x'], ['comment', '#c']], pwsh: 'Identifier Comment' },
  { script: 'x\u0085#c', tokens: [['code', 'x'], ['comment', '#c']], pwsh: 'Identifier Comment' },
  { script: 'x\u3000#c', tokens: [['code', 'x'], ['comment', '#c']], pwsh: 'Identifier Comment' },
  // Code that hides nothing: escaped #, braced variables, quotes inside a bare word.
  { script: '`#x', tokens: [['code', '`#x']], pwsh: 'Generic' },
  { script: '${a#b} c', tokens: [['code', '${a#b}'], ['code', 'c']], pwsh: 'Variable Identifier' },
  { script: "a'#'b #c", tokens: [['code', 'a'], ['string', "'#'"], ['code', 'b'], ['comment', '#c']], pwsh: "Generic(a'#'b) Comment" },
  // Glued to a word, PowerShell's mode decides: flagged, never guessed.
  { script: 'Write-Output a#b', tokens: [['code', 'Write-Output'], ['code', 'a'], ['ambiguous', '#'], ['code', 'b']], pwsh: 'Generic Generic(a#b); but $a#b is Variable Comment' },
  { script: 'x\u200B#c', tokens: [['code', 'x\u200B'], ['ambiguous', '#'], ['code', 'c']], pwsh: 'Generic(x​#c)' },
  { script: 'echo a$(b)#c', tokens: [['code', 'echo'], ['code', 'a'], ['ambiguous', '$('], ['code', 'b'], ['code', ')'], ['comment', '#c']], pwsh: 'Identifier Generic(a$(b)#c)' },
];

describe('ps-tokenizer', () => {
  it.each(CASES.map((c) => [JSON.stringify(c.script), c] as const))('%s', (_name, c) => {
    expect(shape(c.script)).toEqual(c.tokens);
  });

  it('marks strings and block comments the script ends inside', () => {
    expect(tokenize("'abc").map((t) => t.terminated)).toEqual([false]);
    expect(tokenize('"a$(b').map((t) => t.terminated)).toEqual([false]);
    expect(tokenize('<# x').map((t) => t.terminated)).toEqual([false]);
    expect(tokenize("@'\nx\n").map((t) => t.terminated)).toEqual([false]);
    expect(tokenize("'a'").map((t) => t.terminated)).toEqual([true]);
  });
});

const pwsh = pwshUnavailable();

describe.skipIf(pwsh !== null)('ps-tokenizer against real pwsh', () => {
  it('agrees with pwsh on every comment, string literal and line break of the hand-picked scripts (those with no ambiguity)', () => {
    const scripts = CASES.map((c) => c.script).filter((s) => !tokenize(s).some((t) => t.ambiguous));
    const theirs = pwshTokenize(scripts);
    for (const [i, script] of scripts.entries()) expect(disagreements(script, tokenize(script), theirs[i]!), JSON.stringify(script)).toEqual([]);
  });

  it('never reads as comment or string what pwsh reads otherwise, in thousands of random scripts', () => {
    const fragments = [
      "'", '\u2018', '\u2019', '\u201A', '\u201B', '"', '\u201C', '\u201D', '\u201E', '\u201F', '`', '$', '$(', '${', '$$', '(', ')', '{', '}', '#', '<#', '#>', '@',
      "@'", '@"', "'@", '"@', '\n', '\r', '\r\n', ' ', '\t', 'a', 'x1', ';', '|', ',', '=', '+', '-', '&', '\u2028', '\u0085', '\u200B', '\u00A0',
    ];
    const scripts = fc.sample(fc.array(fc.constantFrom(...fragments), { maxLength: 40 }).map((parts) => parts.join('')), { numRuns: 3000, seed: 20_250_601 });
    const theirs = pwshTokenize(scripts);
    let compared = 0;
    for (const [i, script] of scripts.entries()) {
      const ours = tokenize(script);
      if (ours.some((t) => t.ambiguous)) continue;
      compared++;
      expect(unsafeDisagreements(script, ours, theirs[i]!), JSON.stringify(script)).toEqual([]);
    }
    // The ambiguity flag must not empty the sample.
    expect(compared).toBeGreaterThan(2_000);
  });
});
