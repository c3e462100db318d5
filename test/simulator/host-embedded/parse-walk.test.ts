// The embedded host reads tree-sitter's tree through the WebAssembly binding's own cursor functions
// (parse.ts, rawWalker): far fewer crossings than web-tree-sitter's TreeCursor; and it parses a long
// script in pieces cut between top-level statements (pieceStarts), falling back to the whole text
// when a cut was not between two statements. Each way must give the same AST, and the same syntax or
// not-supported error, for any text: here every script of the simulator's and the generator's tests,
// the fixtures, the generated scripts, and the grammar's quirks.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../../src/model/desired.js';
import { exportScript } from '../../../src/powershell/export-script.js';
import { renderApplyScript } from '../../../src/powershell/apply-script.js';
import { ParseError, parseScript, parserWalksRaw } from '../../../src/simulator/host-embedded/parse.js';
import { EVERY_ACTION_TENANT } from '../../apply/every-action.js';

const here = new URL('.', import.meta.url).pathname;
const simulatorTests = join(here, '..');

function filesUnder(dir: string, suffix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, suffix);
    return entry.name.endsWith(suffix) ? [path] : [];
  });
}

/** The script texts written in the simulator's tests (template literals), as they stand in the source. */
function scriptsInTests(): string[] {
  const scripts: string[] = [];
  for (const file of [...filesUnder(simulatorTests, '.test.ts'), ...filesUnder(join(simulatorTests, '..', 'powershell'), '.test.ts')]) {
    const text = readFileSync(file, 'utf8');
    // Template literals (split at any backtick: PowerShell's escapes make pieces, also worth parsing),
    // and quoted strings that look like a command.
    for (const match of text.matchAll(/`([^`]*)`/g)) if (match[1]!.trim() !== '') scripts.push(match[1]!);
    for (const match of text.matchAll(/'((?:[A-Z][a-z]+-[A-Z]|\$)[^'\n]*)'/g)) scripts.push(match[1]!);
  }
  return scripts;
}

const TENANT = {
  kind: 'Tenant',
  name: 'contoso',
  spec: { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f', organization: 'contoso.onmicrosoft.com', connection: { accessTokenEnv: 'CONTOSO_EXO_TOKEN' } },
} as unknown as Resource<'Tenant'>;

const QUIRKS = [
  "Set-MailUser -Identity 'a@b' -CustomAttribute1 'x' -CustomAttribute15:'y' # comment\n",
  '# only a comment\n<# block\ncomment #>\n',
  'if ($true) {}\nforeach ($x in @()) { }\n$f = {}\n& {}\n',
  'Select-Object Name, Alias, @{ n = "x"; e = { $_.Name } }\n',
  '$r = 1..3\n$s = "a`tb$($r.Count)"\n',
  "$h = @'\r\nline\r\n'@\r\nWrite-Output $h\r\n",
  'function F {\n  param([string]$Name, [switch]$Force)\n  # inside\n  return $Name\n}\nF -Name x\n',
  'Write-Output (',
  "Write-Output 'unterminated\n",
  'if ($true) {\n  Write-Output 1\n',
  'switch ($x) { 1 { } }\n',
  'param($x)\nWrite-Output $x\n',
  'Get-X 2>&1\n',
  "$x = 'it’s'\n",
  '$s = @"\n$name is here\nSet-MailUser -Identity x\n"@\nWrite-Output $s\n',
  "$t = @'\nSet-MailUser -Identity x\n$y\n'@\n$u = 1\n",
  '<#\nSet-MailUser -Identity x\n$y = 2\n#>\n$z = 3\n',
  '$m = "multi\n$line\nGet-Thing"\n$n = 1\n',
  "Set-MailUser -Identity 'a' `\n-CustomAttribute2 'b'\n$after = 1\n",
  '$x = 1 +\n$y\nGet-X -A 1 |\nSet-X\n',
  'if ($a) { 1 }\nelse { 2 }\ntry { Get-X }\ncatch { $_ }\nfinally { }\ndo { $i++ }\nwhile ($i -lt 3)\n$done = 1\n',
  'function G {\n$inner = 1\nGet-Inner\n}\n$h = @{\nA = 1\n}\n$arr = @(\n$a\n)\n',
  '',
  '\n\n',
  Array.from({ length: 200 }, (_, i) => `Set-MailUser -Identity 'user${i}@contoso.com' -ExchangeGuid '4e3188c6-39f5-4387-adc7-${String(i).padStart(12, '0')}' -EmailAddresses @{Add='X500:/o=Contoso/cn=${i}'} -CustomAttribute1 'wave-1'`).join('\n'),
];

/** What a parse gives: the AST, or the error's kind, text and place. */
async function outcome(source: string, options: Parameters<typeof parseScript>[2]): Promise<unknown> {
  try {
    return await parseScript(source, 'case.ps1', options);
  } catch (error) {
    const failure = error as Error;
    return { error: failure.constructor.name, message: failure.message, position: error instanceof ParseError ? error.position : null };
  }
}

describe('the raw tree walk', () => {
  it('is the one this process uses', async () => {
    expect(await parserWalksRaw()).toBe(true);
  });

  it('and the pieces give the same AST and the same errors as the whole text through web-tree-sitter\'s TreeCursor', async () => {
    const corpus = [
      ...QUIRKS,
      ...filesUnder(join(simulatorTests, 'fixtures'), '.ps1').map((file) => readFileSync(file, 'utf8')),
      renderApplyScript({ ...EVERY_ACTION_TENANT, organization: 'northwindtraders.onmicrosoft.com' }),
      exportScript(TENANT, { groups: ['T2T-Migration-Scope'], linkedMailboxes: ['Lara.Newton@contoso.com', 'BiancaP'] }),
      ...scriptsInTests(),
    ];
    expect(corpus.length).toBeGreaterThan(300);
    let failures = 0;
    const pieces = { cut: 0, whole: 0 };
    for (const source of corpus) {
      const reference = await outcome(source, { publicCursor: true, pieceChars: Infinity });
      if (reference && typeof reference === 'object' && 'error' in reference) failures++;
      // The default (pieces of 128 KiB: these scripts are one piece), then cuts at every line that may
      // start a statement, and at fewer of them (one bad cut parses the whole text instead).
      expect(await outcome(source, {}), source.slice(0, 200)).toEqual(reference);
      let cut = false;
      for (const pieceChars of [1, 100, 400]) {
        const stats: { pieces?: number } = {};
        expect(await outcome(source, { pieceChars, stats }), source.slice(0, 200)).toEqual(reference);
        if ((stats.pieces ?? 1) > 1) cut = true;
      }
      expect(await outcome(source, { pieceChars: 1, publicCursor: true }), source.slice(0, 200)).toEqual(reference);
      if (cut) pieces.cut++;
      else pieces.whole++;
    }
    // Both kinds of outcome are compared: scripts that parse, and ones that fail; cut and whole.
    expect(failures).toBeGreaterThan(5);
    expect(pieces.cut).toBeGreaterThan(10);
  });
});
