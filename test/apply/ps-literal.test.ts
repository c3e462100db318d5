// Values from YAML must reach PowerShell unchanged whatever they hold: the quoting is checked against
// the PowerShell grammar (tree-sitter) and against PowerShell's own rule for quotes inside '…'.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psArray, psEnv, psString } from '../../src/render/ps-literal.js';
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

/** The value of what psString returns (one '…' literal, or ( '…' + "`n" + … )), read as PowerShell reads it. */
function evaluate(expression: string): string {
  let i = 0;
  let out = '';
  const grouped = expression.startsWith('(');
  if (grouped) i = 1;
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
    if (expression.startsWith(' + ', i)) i += 3;
    else break;
  }
  expect(i).toBe(expression.length - (grouped ? 1 : 0));
  return out;
}

/** Strings rich in everything that ends or escapes a literal in some shell. */
const hostile = fc.array(
  fc.oneof(
    fc.constantFrom(...QUOTES, '"', '`', '$', '$(', ')', '${', '}', ';', '|', '&', '#', ' + ', "' + '", '"`n"', '(', '<#', '#>', '@', '\n', '\r\n', '\t', '\u2028', '\u0085', '\u201C', '\u201D', '😀', '𝔘'),
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

  it('keeps every literal on one line: line breaks become "`n" and "`r" pieces', () => {
    expect(psString('a\nb')).toBe('(\'a\' + "`n" + \'b\')');
    expect(psString("x'\r\n")).toBe('(\'x\'\'\' + "`r`n")');
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
