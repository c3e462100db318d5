// PowerShell's own tokens of scripts, from the pinned pwsh (.tools/pwsh, restored by npm test's
// pretest): [System.Management.Automation.Language.Parser]::ParseInput, one pwsh process for a batch
// of scripts. Used to check test/render/ps-tokenizer.ts against the real tokenizer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Token } from './tokenizer.js';

export const PWSH = fileURLToPath(new URL('../../.tools/pwsh', import.meta.url));

/** Why real pwsh cannot be used here, or null when it can. Under CI=true a missing pwsh is an error. */
export function pwshUnavailable(): string | null {
  if (existsSync(PWSH)) return null;
  if (process.env.CI === 'true') throw new Error('real pwsh is required under CI=true: no .tools/pwsh');
  return 'no .tools/pwsh (npm test restores it where the .NET SDK is present)';
}

export interface PsToken {
  kind: string;
  start: number;
  end: number;
  text: string;
}

// Scripts travel as base64 of UTF-16LE, so every character (lone CR, U+2028, control characters)
// reaches PowerShell exactly; offsets are UTF-16 indexes on both sides.
const TOKENIZE = `param([string]$In, [string]$Out)
$result = [System.Collections.Generic.List[object]]::new()
foreach ($line in [IO.File]::ReadAllLines($In)) {
  $text = [Text.Encoding]::Unicode.GetString([Convert]::FromBase64String($line))
  $tokens = $null; $errors = $null
  [void][System.Management.Automation.Language.Parser]::ParseInput($text, [ref]$tokens, [ref]$errors)
  $list = [System.Collections.Generic.List[object]]::new()
  foreach ($token in $tokens) {
    if ($token.Kind -ne 'EndOfInput') { $list.Add(@([string]$token.Kind, $token.Extent.StartOffset, $token.Extent.EndOffset)) }
  }
  $result.Add($list)
}
[IO.File]::WriteAllText($Out, (ConvertTo-Json -InputObject $result -Depth 6 -Compress))
`;

/** PowerShell's top-level tokens of each script (nested tokens of expandable strings are inside their string). */
export function pwshTokenize(scripts: readonly string[]): PsToken[][] {
  const dir = mkdtempSync(join(tmpdir(), 'exo-pwsh-tokens-'));
  try {
    const input = join(dir, 'scripts.txt');
    const output = join(dir, 'tokens.json');
    writeFileSync(join(dir, 'tokenize.ps1'), TOKENIZE);
    // An empty script is one empty line; ReadAllLines would drop a last empty line, so each line ends with one.
    writeFileSync(input, scripts.map((s) => `${Buffer.from(s, 'utf16le').toString('base64')}\n`).join(''));
    execFileSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(dir, 'tokenize.ps1'), input, output], { stdio: 'pipe', timeout: 120_000 });
    const raw = JSON.parse(readFileSync(output, 'utf8').replace(/^\uFEFF/, '')) as [string, number, number][][];
    if (raw.length !== scripts.length) throw new Error(`pwsh tokenized ${raw.length} scripts of ${scripts.length}`);
    return raw.map((tokens, i) => tokens.map(([kind, start, end]) => ({ kind, start, end, text: scripts[i]!.slice(start, end) })));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const PS_STRINGS = new Set(['StringLiteral', 'StringExpandable', 'HereStringLiteral', 'HereStringExpandable']);

/**
 * Where ps-tokenizer.ts and PowerShell disagree about one script: comments and line breaks must be
 * the same; every PowerShell string literal must be one of ours; a string of ours PowerShell has no
 * token for must lie inside one of its other tokens (a quoted part of a bare word: a'#'b).
 */
export function disagreements(script: string, ours: readonly Token[], theirs: readonly PsToken[]): string[] {
  const span = (t: { start: number; end: number }): string => `${t.start}-${t.end} ${JSON.stringify(script.slice(t.start, t.end))}`;
  const problems: string[] = [];
  const set = (tokens: readonly { start: number; end: number }[]): Set<string> => new Set(tokens.map((t) => `${t.start}-${t.end}`));
  const compare = (what: string, a: readonly { start: number; end: number }[], b: readonly { start: number; end: number }[]): void => {
    const sa = set(a);
    const sb = set(b);
    for (const t of a) if (!sb.has(`${t.start}-${t.end}`)) problems.push(`${what} only ours: ${span(t)}`);
    for (const t of b) if (!sa.has(`${t.start}-${t.end}`)) problems.push(`${what} only PowerShell's: ${span(t)}`);
  };
  compare('comment', ours.filter((t) => t.kind === 'comment'), theirs.filter((t) => t.kind === 'Comment'));
  compare('line break', ours.filter((t) => t.kind === 'newline'), theirs.filter((t) => t.kind === 'NewLine'));
  const ourStrings = ours.filter((t) => t.kind === 'string');
  const ourSet = set(ourStrings);
  const theirStrings = theirs.filter((t) => PS_STRINGS.has(t.kind));
  const theirSet = set(theirStrings);
  for (const t of theirStrings) if (!ourSet.has(`${t.start}-${t.end}`)) problems.push(`string only PowerShell's: ${span(t)}`);
  for (const t of ourStrings) {
    if (theirSet.has(`${t.start}-${t.end}`)) continue;
    const inside = theirs.some((p) => !PS_STRINGS.has(p.kind) && p.start <= t.start && t.end <= p.end);
    if (!inside) problems.push(`string only ours: ${span(t)}`);
  }
  return problems;
}

type Class = 'code' | 'comment' | 'string';

/**
 * Where ps-tokenizer.ts reads a character as part of a comment or string literal and PowerShell does
 * not: the one kind of disagreement that could hide code from a test. (Reading as code what
 * PowerShell reads as a comment, where its mode decides, only makes a test stricter. A quoted part
 * of a bare word, a'#'b, is a literal in PowerShell too, inside its Generic token.)
 */
export function unsafeDisagreements(script: string, ours: readonly Token[], theirs: readonly PsToken[]): string[] {
  const theirClass: Class[] = new Array(script.length).fill('code');
  const inGeneric: boolean[] = new Array(script.length).fill(false);
  for (const t of theirs) {
    for (let k = t.start; k < t.end; k++) {
      if (t.kind === 'Comment') theirClass[k] = 'comment';
      else if (PS_STRINGS.has(t.kind)) theirClass[k] = 'string';
      else if (t.kind === 'Generic') inGeneric[k] = true;
    }
  }
  const problems: string[] = [];
  for (const t of ours) {
    if (t.kind !== 'comment' && t.kind !== 'string') continue;
    for (let k = t.start; k < t.end; k++) {
      const theirs = theirClass[k]!;
      if (theirs === t.kind || (t.kind === 'string' && theirs === 'code' && inGeneric[k])) continue;
      problems.push(`ours reads a ${t.kind} at ${k} in ${JSON.stringify(t.text)}, PowerShell reads ${theirs}`);
      break;
    }
  }
  return problems;
}
