// Hostile values are stored byte for byte: an apply script that creates mail users with hostile
// Name/DisplayName and sets CustomAttribute1..15 to hostile values (every PowerShell quote
// character, alone, doubled and at the ends; double and smart double quotes; backticks; subexpressions
// and variables; every kind of line break; other control characters; non-BMP characters; a
// 100,000-character value; a value ending in a backtick) runs through real pwsh with the stand-in
// module and through the embedded host, and the final state holds exactly the values of the plan.
import { execa } from 'execa';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, FieldChange, TenantPlan } from '../../src/model/plan.js';
import type { MailUserEntry, Snapshot } from '../../src/model/snapshot.js';
import { renderApplyScript } from '../../src/powershell/apply-script.js';
import { PWSH, ROOT, SIMULATOR, realPwshEnv, realPwshUnavailable } from '../support/real-pwsh.js';
import { timeless } from '../support/steps.js';

const QUOTES = ["'", '\u2018', '\u2019', '\u201A', '\u201B'];

/**
 * A value far longer than any Exchange field, mixing the other kinds in, ending in a backtick. Its
 * one line break is in the middle: each line break is a term of a concatenation in the script, and
 * pwsh takes seconds for an expression of thousands of terms.
 */
const LONG_PART = "O'Brien \u2018q\u2019 \u201Ax\u201B \"dq\" \u201Cs\u201D\u201E `n $(Write-Output pwned) ${env:HOME} \u2028\u0001 😀 ".repeat(800).slice(0, 49_999);
const LONG = `${LONG_PART}\r\n${LONG_PART.slice(0, 49_998)}\``;

const VALUES: string[] = [
  // The five single quotes: alone, doubled, tripled, at both ends, inside, at one end.
  ...QUOTES.flatMap((q) => [q, q + q, q + q + q, `${q}x${q}`, `a${q}b`, `${q}start`, `end${q}`]),
  QUOTES.join(''),
  QUOTES.map((q) => q + q).join(''),
  `'\u2019'\u2018`,
  // Double quotes and the smart double quotes.
  '"', '""', '"x"', '\u201C', '\u201D', '\u201E', '\u201Cx\u201D', '\u201Ex\u201C', `"'"`, `'"'`,
  // Backticks.
  '`', '``', '`n', '`r`n', '`0', '`"', "`'", 'a`nb', 'x`',
  // Subexpressions and variables, which a double-quoted string would expand.
  '$( Write-Output pwned )', '${env:HOME}', '$env:HOME', '$HOME', '$null', '$true', '@(1,2)', '$(', '$', '"$env:HOME"', "'$env:HOME'",
  // Line breaks of every kind, alone, inside and at the ends.
  '\n', '\r', '\r\n', '\n\r', '\n\n', 'a\nb', 'a\rb', 'a\r\nb', '\nx', 'x\n', '\rx', 'x\r', '\u0085', 'a\u0085b', '\u2028', 'a\u2028b', '\u2029', 'a\u2029b',
  "'\n'", '"\n"', '`\n', "x'\r\n'y",
  // Other control characters (NUL is refused by the generator).
  '\u0001', '\u001B', '\u001B[31mred\u001B[0m', '\u007F', 'a\u0001\u001B\u007Fb', '\t', '\u000B\u000C', '\u0008',
  // Beyond the BMP, and other non-ASCII.
  '😀', '\u{1F600}\u{1F4A9}', 'x😀y', 'é\u0301 ñ 中文 עברית', '\uFEFF', '\u00A0',
  // Code.
  '; Remove-Item x #', "'; Remove-Item x; '", '"; Remove-Item x; "', '#', '<#', '#>', '} {', '@{', '|', '&', '2>&1',
  // Whitespace that must not be trimmed.
  ' ', '  lead', 'trail  ',
  LONG,
];

const CUSTOM = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`);
/** The mail users of examples/contoso-northwind/state/northwind.json that are not directory-synced. */
const EXISTING = ['LaraN', 'BiancaP', 'MeganB', 'AdeleV'];

const action = (id: string, identity: string, type: Action['action'], changes: FieldChange[]): Action => ({
  id,
  tenant: 'northwind',
  kind: 'MailUser',
  identity,
  action: type,
  changes,
  destructive: [],
  dependsOn: [],
});

interface Expected {
  alias: string;
  actionId: string;
  name?: string;
  displayName?: string;
  attributes: Record<string, string>;
  /** The Name starts or ends with whitespace (the value at that end is a space, tab, line break, U+FEFF, U+00A0…). */
  edgeName: boolean;
}

/**
 * One mail user created per value: the value at the start (even i) or end (odd i) of its Name, the
 * value alone as its DisplayName; then CustomAttribute1..15 of every created user and of the four
 * existing ones set, round robin over the values (so each value lands in every position).
 */
function hostilePlan(): { tenant: TenantPlan; expected: Expected[] } {
  const short = VALUES.filter((v) => v !== LONG);
  let next = 0;
  const attributes = (): Record<string, string> => Object.fromEntries(CUSTOM.map((field) => [field, short[next++ % short.length]!]));
  const actions: Action[] = [];
  const expected: Expected[] = [];
  VALUES.forEach((value, i) => {
    const alias = `hostile${i}`;
    const name = i % 2 === 0 ? `${value} #${i}` : `#${i} ${value}`;
    const set = attributes();
    if (value === LONG) set.CustomAttribute15 = LONG;
    const id = `northwind/MailUser/${name}`;
    actions.push(
      action(id, name, 'create', [
        { field: 'Name', after: name },
        { field: 'Alias', after: alias },
        { field: 'DisplayName', after: value },
        { field: 'ExternalEmailAddress', after: `SMTP:${alias}@contoso.onmicrosoft.com` },
        { field: 'MicrosoftOnlineServicesID', after: `${alias}@northwindtraders.onmicrosoft.com` },
        ...Object.entries(set).map(([field, after]) => ({ field, after })),
      ]),
    );
    expected.push({ alias, actionId: id, name, displayName: value, attributes: set, edgeName: name !== name.trim() });
  });
  for (const alias of EXISTING) {
    const set = attributes();
    const id = `northwind/MailUser/${alias}`;
    actions.push(action(id, alias, 'update', Object.entries(set).map(([field, after]) => ({ field, before: '', after }))));
    expected.push({ alias, actionId: id, attributes: set, edgeName: false });
  }
  // A blocked action's reason and a skipped action's dependency are printed by the script as they are.
  actions.push(
    { ...action(BLOCKED_ID, 'AdeleV', 'blocked', [{ field: 'CustomAttribute1', before: '', after: 'never' }]), reason: MIXED },
    { ...action(`northwind/MailUser/AdeleV#after ${MIXED}`, 'AdeleV', 'update', [{ field: 'CustomAttribute1', before: '', after: 'never' }]), dependsOn: [BLOCKED_ID] },
  );
  return { tenant: { tenant: 'northwind', organization: 'northwindtraders.onmicrosoft.com', connection: { accessTokenEnv: 'NORTHWIND_TOKEN' }, role: 'target', actions }, expected };
}

/** Several kinds at once, for the texts the script prints rather than stores. */
const MIXED = "O'Brien \u2018q\u2019 \u201Ax\u201B \"dq\" \u201Cs\u201D `n $(Write-Output pwned) ${env:HOME} \r\n \u0085 \u2028 \u0001\u001B 😀 x`";
const BLOCKED_ID = `northwind/MailUser/blocked ${MIXED}`;

interface Step {
  exoGitopsStep: string;
  status: string;
  error?: string;
  reason?: string;
}

interface HostRun {
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  steps: Step[];
  state: Snapshot;
}

const temps: string[] = [];
afterAll(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function run(host: 'embedded' | 'pwsh', script: string): Promise<HostRun> {
  const dir = mkdtempSync(join(tmpdir(), `exo-hostile-${host}-`));
  temps.push(dir);
  const state = join(dir, 'state');
  mkdirSync(state);
  cpSync(join(ROOT, 'examples/contoso-northwind/state/northwind.json'), join(state, 'northwind.json'));
  const file = join(dir, 'apply.ps1');
  writeFileSync(file, script);
  const env = realPwshEnv(state, { NORTHWIND_TOKEN: 'dummy-token', NO_COLOR: '1' });
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file];
  const result =
    host === 'pwsh'
      ? await execa(PWSH, args, { env, extendEnv: false, reject: false, stripFinalNewline: false })
      : await execa(process.execPath, [SIMULATOR, ...args], { env, extendEnv: false, reject: false, stripFinalNewline: false });
  const stdout = timeless(String(result.stdout));
  const steps = stdout
    .split('\n')
    .filter((line) => line.includes('"exoGitopsStep"'))
    .map((line) => JSON.parse(line) as Step);
  return { exitCode: result.exitCode, stdout, stderr: String(result.stderr), steps, state: JSON.parse(readFileSync(join(state, 'northwind.json'), 'utf8')) as Snapshot };
}

/** A short, readable form of a value for a failure message. */
const show = (value: unknown): string => {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}… (${text.length} chars)` : text);
};

/** Where two outputs first differ, shortly; null when they are equal. */
function firstDifference(a: string, b: string): string | null {
  if (a === b) return null;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const line = a.slice(0, i).split('\n').length;
  return `line ${line}: embedded ${JSON.stringify(a.slice(Math.max(0, i - 30), i + 30))} | pwsh ${JSON.stringify(b.slice(Math.max(0, i - 30), i + 30))}`;
}

/** What is wrong with a run, for the mail users of one group: [] when every value is stored exactly and every step succeeded. */
function problems(host: string, result: HostRun, tenant: TenantPlan, expected: Expected[], group: 'main' | 'edge-name'): string[] {
  const found: string[] = [];
  const inGroup = expected.filter((e) => e.edgeName === (group === 'edge-name'));
  if (group === 'main') {
    if (result.exitCode !== 0) found.push(`${host}: exit code ${result.exitCode}`);
    if (result.stderr !== '') found.push(`${host}: stderr ${show(result.stderr)}`);
    const reported = result.steps.map((s) => s.exoGitopsStep);
    const ids = tenant.actions.map((a) => a.id);
    const i = ids.findIndex((id, k) => reported[k] !== id);
    if (i !== -1 || reported.length !== ids.length) found.push(`${host}: ${reported.length} step results for ${ids.length} actions; first wrong id at #${i}: ${show(reported[i])} for ${show(ids[i])}`);
    // Every mail user exists, with its DisplayName as New-MailUser stored it.
    for (const want of expected) {
      const entry = result.state.MailUser.find((u) => u.Alias === want.alias) as (MailUserEntry & Record<string, unknown>) | undefined;
      if (!entry) found.push(`${host}: no mail user ${want.alias}`);
      else if (want.displayName !== undefined && entry['DisplayName'] !== want.displayName) found.push(`${host}: ${want.alias}.DisplayName is ${show(entry['DisplayName'])}, not ${show(want.displayName)}`);
    }
  }
  for (const want of inGroup) {
    const named = result.state.MailUser.find((u) => u.Alias === want.alias);
    if (named && want.name !== undefined && named.Name !== want.name) found.push(`${host}: ${want.alias}.Name is ${show(named.Name)}, not ${show(want.name)}`);
    const step = result.steps.find((s) => s.exoGitopsStep === want.actionId);
    if (step && step.status !== 'succeeded') {
      // Its CustomAttributes are not set then: the step says why.
      found.push(`${host}: step ${show(step.exoGitopsStep)} ${step.status}: ${show(step.error ?? step.reason)}`);
      continue;
    }
    const entry = result.state.MailUser.find((u) => u.Alias === want.alias);
    for (const [field, value] of Object.entries(want.attributes)) {
      const stored = entry?.[field as `CustomAttribute${number}`];
      if (entry && stored !== value) found.push(`${host}: ${want.alias}.${field} is ${show(stored)}, not ${show(value)}`);
    }
  }
  return found;
}

describe.skipIf(realPwshUnavailable() !== null)('hostile values are stored byte for byte', () => {
  const { tenant, expected } = hostilePlan();
  // Not paced: real pwsh would wait 10 s for each 20 of its calls.
  const script = renderApplyScript(tenant, { budget: null });
  let embedded: HostRun;
  let pwsh: HostRun;

  // A value of many short lines: each line break is a term of the concatenation the script holds
  // (4,000 here; real pwsh itself overflows its stack near 9,500).
  const MANY_LINES = 'line\n'.repeat(2000);
  const manyLines: TenantPlan = { ...tenant, actions: [action('northwind/MailUser/LaraN', 'LaraN', 'update', [{ field: 'CustomAttribute1', before: '', after: MANY_LINES }])] };
  let manyPwsh: HostRun;
  let manyEmbedded: HostRun;

  beforeAll(async () => {
    const manyScript = renderApplyScript(manyLines);
    [pwsh, embedded, manyPwsh, manyEmbedded] = await Promise.all([run('pwsh', script), run('embedded', script), run('pwsh', manyScript), run('embedded', manyScript)]);
  });

  it('the plan puts every value in a Name, a DisplayName and every CustomAttribute position', () => {
    expect(LONG.length).toBe(100_000);
    expect(LONG).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    for (const value of VALUES) {
      expect(expected.some((e) => e.name?.includes(value)), show(value)).toBe(true);
      expect(expected.some((e) => e.displayName === value), show(value)).toBe(true);
      for (const field of CUSTOM) if (value !== LONG) expect(expected.some((e) => e.attributes[field] === value), `${field} ${show(value)}`).toBe(true);
    }
    expect(expected.some((e) => e.attributes.CustomAttribute15 === LONG)).toBe(true);
    // Line breaks never reach the script as such: each is a "`r" / "`n" escape.
    expect(script).not.toContain('\r');
  });

  it('through real pwsh and the stand-in module', () => {
    expect(problems('pwsh', pwsh, tenant, expected, 'main')).toEqual([]);
  });

  it('through the embedded host', () => {
    expect(problems('embedded', embedded, tenant, expected, 'main')).toEqual([]);
  });

  it('a Name that starts or ends with whitespace is stored as it is, and the follow-up Set-MailUser finds the mail user by it', () => {
    expect(expected.filter((e) => e.edgeName).length).toBeGreaterThan(10);
    expect([...problems('pwsh', pwsh, tenant, expected, 'edge-name'), ...problems('embedded', embedded, tenant, expected, 'edge-name')]).toEqual([]);
  });

  it('a blocked reason and a dependency reach the step results as they are', () => {
    for (const [host, result] of [['pwsh', pwsh], ['embedded', embedded]] as const) {
      const [blocked, after] = result.steps.slice(-2);
      expect(blocked, host).toEqual({ exoGitopsStep: BLOCKED_ID, status: 'skipped', reason: `blocked: ${MIXED}` });
      expect(after, host).toEqual({ exoGitopsStep: `northwind/MailUser/AdeleV#after ${MIXED}`, status: 'skipped', reason: `depends on ${BLOCKED_ID}, which did not succeed` });
    }
  });

  it('a value of 2,000 lines', () => {
    for (const [host, result] of [['pwsh', manyPwsh], ['embedded', manyEmbedded]] as const) {
      expect({ host, exitCode: result.exitCode, stderr: result.stderr.slice(0, 200), steps: result.steps }).toEqual({ host, exitCode: 0, stderr: '', steps: [{ exoGitopsStep: 'northwind/MailUser/LaraN', status: 'succeeded' }] });
      expect(result.state.MailUser.find((u) => u.Alias === 'LaraN')?.CustomAttribute1 === MANY_LINES, host).toBe(true);
    }
  });

  it('both hosts report the same step results', () => {
    expect(embedded.steps).toEqual(pwsh.steps);
  });

  it('both hosts print the same bytes (ConvertTo-Json escapes alike)', () => {
    expect(firstDifference(embedded.stdout, pwsh.stdout)).toBeNull();
  });
});
