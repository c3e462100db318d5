// Values from YAML must reach PowerShell unchanged whatever they hold: the quoting is checked against
// the PowerShell grammar (tree-sitter) and against PowerShell's own rule for quotes inside '…'.
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { psArray, psComment, psEnv, psReportString, psString, PsValueError } from '../../src/powershell/literal.js';
import { powershellParser, syntaxErrors } from '../support/powershell-grammar.js';

const QUOTES = ["'", '\u2018', '\u2019', '\u201A', '\u201B'];

/** PowerShell's tokenizer inside '…': a quote followed by a quote is one literal quote (the second). */
function unquote(literal: string): string {
  expect(QUOTES).toContain(literal[0]);
  let out = '';
  for (let i = 1; i < literal.length - 1; i++) {
    const c = literal[i]!;
    if (QUOTES.includes(c)) {
      expect(QUOTES).toContain(literal[i + 1]);
      out += literal[i + 1];
      i++;
    } else out += c;
  }
  return out;
}

/** The value of what psString returns (one '…' literal, or (-join @('…', "`n", …))), read as PowerShell reads it. */
function evaluate(expression: string): string {
  let i = 0;
  let out = '';
  const grouped = expression.startsWith('(-join @(');
  if (grouped) i = '(-join @('.length;
  for (;;) {
    if (QUOTES.includes(expression[i]!)) {
      // A single-quoted literal: up to a quote that is not followed by another quote.
      let j = i + 1;
      for (;;) {
        if (j >= expression.length) throw new Error(`unterminated literal in ${expression}`);
        if (QUOTES.includes(expression[j]!)) {
          if (QUOTES.includes(expression[j + 1] ?? '')) j += 2;
          else break;
        } else j++;
      }
      out += unquote(expression.slice(i, j + 1));
      i = j + 1;
    } else {
      const escape = /^"((?:`[rn])+)"/.exec(expression.slice(i));
      if (!escape) throw new Error(`unexpected text at ${i} in ${expression}`);
      out += escape[1]!.replace(/`r/g, '\r').replace(/`n/g, '\n');
      i += escape[0].length;
    }
    if (!grouped) break;
    if (expression.startsWith(', ', i)) i += 2;
    else break;
  }
  expect(i).toBe(expression.length - (grouped ? 2 : 0));
  return out;
}

/** Strings rich in everything that ends or escapes a literal in some shell. */
const hostile = fc.array(
  fc.oneof(
    fc.constantFrom(...QUOTES, '"', '`', '$', '$(', ')', '${', '}', ';', '|', '&', '#', ' + ', "' + '", '"`n"', '(', '<#', '#>', '@', '\n', '\r\n', '\t', '\u2028', '\u0085', '\u201C', '\u201D', '😀', '𝔘', 'valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty'),
    fc.string({ unit: 'grapheme', maxLength: 4 }).map((s) => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, '')),
  ),
  { maxLength: 30 },
).map((parts) => parts.join(''));

describe('psString', () => {
  it('doubles every kind of single quote and nothing else', () => {
    expect(psString("it's")).toBe("'it''s'");
    expect(psString('a\u2019b')).toBe("'a\u2019\u2019b'");
    expect(psString('$(Remove-Item x) `n "q"')).toBe('\'$(Remove-Item x) `n "q"\'');
    expect(psString('')).toBe("''");
  });

  it('round-trips any value through PowerShell\'s quoting rule', () => {
    fc.assert(fc.property(hostile, (value) => evaluate(psString(value)) === value), { numRuns: 2000 });
  });

  it('quotes a piece named like an Object.prototype member, never writes a function into the script', () => {
    for (const name of ['valueOf', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(psString(`a\n${name}`)).toBe(`(-join @('a', "\`n", '${name}'))`);
      expect(psReportString(`${name}\u0000`)).not.toContain('native code');
    }
  });

  it('keeps every literal on one line: line breaks become "`n" and "`r" pieces', () => {
    expect(psString('a\nb')).toBe('(-join @(\'a\', "`n", \'b\'))');
    expect(psString("x'\r\n")).toBe('(-join @(\'x\'\'\', "`r`n"))');
    fc.assert(fc.property(hostile, (value) => !/[\r\n]/.test(psString(value))), { numRuns: 1000 });
  });

  it('always parses as exactly one string literal argument, whatever the value', async () => {
    const parser = await powershellParser();
    fc.assert(
      fc.property(hostile, (value) => {
        const script = `$parameters = [ordered]@{ Identity = 'x'; CustomAttribute1 = ${psString(value)} }\nSet-MailUser @parameters\nWrite-Output 'after'\n`;
        const tree = parser.parse(script)!;
        expect(syntaxErrors(tree.rootNode)).toEqual([]);
        // Two commands and two hashtable entries, whatever the value: nothing in it started a new statement.
        const commands = tree.rootNode.descendantsOfType('command');
        expect(commands.map((c) => c!.childForFieldName('command_name')?.text)).toEqual(['Set-MailUser', 'Write-Output']);
        expect(tree.rootNode.descendantsOfType('hash_entry')).toHaveLength(2);
        tree.delete();
      }),
      { numRuns: 500 },
    );
  });
});

describe('control characters', () => {
  it('psString refuses NUL rather than pass it on', () => {
    expect(() => psString('a\u0000b')).toThrow(/NUL/);
    expect(() => psString('a\u0000b')).toThrow(PsValueError);
  });

  it('psReportString writes a NUL as the escape "`0", for ids and messages that must be reported whatever they hold', () => {
    expect(psReportString('a\u0000b')).toBe('(-join @(\'a\', "`0", \'b\'))');
    expect(psReportString("it's\r\n")).toBe('(-join @(\'it\'\'s\', "`r`n"))');
    expect(psReportString('plain')).toBe("'plain'");
    fc.assert(fc.property(hostile, (value) => psReportString(value) === psString(value)), { numRuns: 300 });
  });
});

const BREAKS: [string, string][] = [['CR', '\r'], ['LF', '\n'], ['CRLF', '\r\n'], ['NEL', '\u0085'], ['LINE SEPARATOR', '\u2028'], ['PARAGRAPH SEPARATOR', '\u2029']];

describe('psComment', () => {
  it.each(BREAKS)('replaces %s by a space', (_name, brk) => {
    expect(psComment(`a${brk}Remove-Item x`)).toBe('a Remove-Item x');
  });

  it('shows other invisible and control characters escaped, and leaves the rest', () => {
    expect(psComment('a\u202Eb\u0000c\td')).toBe('a\\u202Eb\\u0000c\\u0009d');
    expect(psComment("O'Brien \"q\" `x` $(y) #> <# \u2018")).toBe("O'Brien \"q\" `x` $(y) #> <# \u2018");
    fc.assert(fc.property(hostile, (value) => !/[\r\n\u0085\u2028\u2029]/.test(psComment(value))), { numRuns: 1000 });
  });
});

const PWSH = new URL('../../.tools/pwsh', import.meta.url).pathname;

describe.skipIf(!existsSync(PWSH))('in real pwsh', () => {
  // What ends a comment, asked of PowerShell itself: `# comment<break>Write-Output 'RAN'`.
  it('only CR and LF end a comment (NEL, U+2028, U+2029 do not); a psComment never ends; psReportString keeps a NUL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-comment-'));
    try {
      const lines = BREAKS.flatMap(([name, brk]) => [`# raw${brk}Write-Output 'RAN ${name}'`, `# ${psComment(`scrubbed${brk}Write-Output 'SCRUBBED RAN ${name}'`)}`]);
      const script = join(dir, 'comments.ps1');
      writeFileSync(script, `${lines.join('\n')}\nWrite-Output ("length " + ${psReportString('a\u0000b')}.Length)\nWrite-Output 'end'\n`);
      const out = execFileSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script], { encoding: 'utf8' });
      expect(out.trim().split(/\r?\n/)).toEqual(['RAN CR', 'RAN LF', 'RAN CRLF', 'length 3', 'end']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('psArray and psEnv', () => {
  it('quotes each element', () => {
    expect(psArray(["a'b", 'c'])).toBe("@('a''b', 'c')");
    expect(psArray([])).toBe('@()');
  });

  it('refuses anything that is not a plain variable name', () => {
    expect(psEnv('NORTHWIND_SECRET')).toBe('$env:NORTHWIND_SECRET');
    for (const bad of ['A-B', 'A;Remove-Item', '1A', '', 'A B', 'A}']) expect(() => psEnv(bad)).toThrow(/not an environment variable name/);
  });
});
