// "Trust nothing": the repository is input from pull requests. Limits checked before any parser runs
// (file sizes, nesting depth), line breaks and aliases the two YAML paths must read alike, and values
// that load but could never converge (ill-formed UTF-16, whitespace around names and addresses,
// addresses too long for SMTP). Each is an error at file:line:column; none throws, none hangs.

import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { loadDesiredState, type LoadResult } from '../../src/load/load.js';
import { MAX_ADDRESS_LENGTH, MAX_LOCAL_PART_LENGTH, MAX_MEMBERS_FILE_BYTES, MAX_NESTING_DEPTH, MAX_YAML_FILE_BYTES } from '../../src/load/limits.js';
import { parseMembersFile } from '../../src/load/members-file.js';
import { findDeepNesting } from '../../src/load/nesting.js';
import { parseByDocument, parseYamlFile } from '../../src/load/yaml-source.js';
import { FINDING_CODES, type FindingCode } from '../../src/model/finding.js';
import { FixtureRepo, codes, removeTempDirs, summary, where } from '../fixtures/repo.js';
import { CLAIM, SCOPE, TENANT, ours } from './documents.js';
import { replaceEach, replaceOnce } from '../support/edit.js';

afterAll(removeTempDirs);

const F = 'f.yaml';
const MiB = 1024 * 1024;
const S = 'fabrikam/source.yaml';
const M = 'tailspin/mailusers.yaml';

const brief = (r: { findings: LoadResult['findings'] }): [string, string, string][] => r.findings.map((f) => [f.code, where(f), f.message]);


/** `n` levels of block mappings, one a line, each indented one more: `a:\n a:\n  a: 1`. */
const blockLevels = (n: number): string => `${Array.from({ length: n }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;

describe('A1: limits checked before parsing', () => {
  it('the limits are the documented ones', () => {
    expect([MAX_YAML_FILE_BYTES, MAX_MEMBERS_FILE_BYTES, MAX_NESTING_DEPTH]).toEqual([16 * MiB, 64 * MiB, 64]);
  });

  it('20 MB of [ is FileTooLarge at 1:1, at once (it used to run for minutes and die out of memory)', () => {
    const started = Date.now();
    const r = FixtureRepo.empty().set(F, '['.repeat(20 * MiB)).load();
    expect(brief(r)).toEqual([['FileTooLarge', `${F}:1:1`, 'the file is 20.0 MiB; a YAML file may hold at most 16 MiB']]);
    expect(r.findings[0]!.severity).toBe('error');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a file of a gigabyte is refused without being read', () => {
    const dir = FixtureRepo.empty().set('tenant.yaml', TENANT).set(F, '').write();
    truncateSync(join(dir, F), 1024 * MiB); // sparse: nothing to read, were it read
    const r = loadDesiredState(dir, { cwd: dir });
    expect(brief(r)).toEqual([['FileTooLarge', `${F}:1:1`, 'the file is 1024.0 MiB; a YAML file may hold at most 16 MiB']]);
    expect(r.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
    expect(r.desired.files).toEqual([F, 'tenant.yaml']);
  });

  it('a file of exactly 16 MiB of [ is read, and stops at level 65', () => {
    const r = FixtureRepo.empty().set(F, ours('['.repeat(MAX_YAML_FILE_BYTES - CLAIM.length))).load();
    expect(brief(r)).toEqual([['YamlNestingLimit', `${F}:1:65`, 'collections nest more than 64 levels deep here, so no document of this file is parsed']]);
  });

  it('a membersFile over 64 MiB is FileTooLarge at the membersFile value, without being read', () => {
    const repo = FixtureRepo.empty().set('tenant.yaml', TENANT).set('fabrikam/scope.yaml', SCOPE('  membersFile: movers.csv\n')).set('fabrikam/movers.csv', '');
    const dir = repo.write();
    truncateSync(join(dir, 'fabrikam/movers.csv'), MAX_MEMBERS_FILE_BYTES + 1);
    const r = loadDesiredState(dir, { cwd: dir });
    expect(brief(r)).toEqual([
      ['FileTooLarge', repo.valueAt('fabrikam/scope.yaml', 'membersFile: movers.csv'), 'membersFile "movers.csv" is 64.0 MiB; a membersFile may hold at most 64 MiB'],
    ]);
    expect(r.findings[0]).toMatchObject({ severity: 'error', kind: 'MigrationScope', object: 'Movers' });
  });

  it('a membersFile of exactly 64 MiB is read', () => {
    const repo = FixtureRepo.empty().set('tenant.yaml', TENANT).set('fabrikam/scope.yaml', SCOPE('  membersFile: movers.csv\n'));
    const dir = repo.write();
    // One address, then a comment up to the limit.
    const head = 'ada@fabrikam.com\n# ';
    const text = `${head}${'x'.repeat(MAX_MEMBERS_FILE_BYTES - head.length)}`;
    expect(Buffer.byteLength(text)).toBe(MAX_MEMBERS_FILE_BYTES);
    writeFileSync(join(dir, 'fabrikam/movers.csv'), text);
    const r = loadDesiredState(dir, { cwd: dir });
    expect(summary(r.findings)).toEqual([]);
    expect([...r.desired.scopeMembers.values()][0]!.map((m) => m.address)).toEqual(['ada@fabrikam.com']);
  });

  it.each([
    ['flow sequences', `${'['.repeat(65)}${']'.repeat(65)}`, 0, 64],
    ['flow mappings', `${'{a: '.repeat(65)}1${'}'.repeat(65)}`, 0, 64 * 4],
    ['block mappings', blockLevels(65), 64, 64],
    ['block sequences, each on its own line', `${Array.from({ length: 65 }, (_, i) => `${' '.repeat(2 * i)}-`).join('\n')} 1\n`, 64, 128],
    ['compact block sequences', `${'- '.repeat(65)}x\n`, 0, 128],
  ])('%s: level 65 is found where it opens, level 64 is fine', (_name, text, line, column) => {
    const offsets = findDeepNesting(text);
    expect(offsets).toHaveLength(1);
    const before = text.slice(0, offsets[0]);
    expect([before.split('\n').length - 1, offsets[0]! - (before.lastIndexOf('\n') + 1)]).toEqual([line, column]);
    expect(findDeepNesting(text, 65)).toEqual([]);
  });

  it('counts exactly the levels of any value, however it is written (block, compact, flow, folded)', () => {
    const depth = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depth)) : 0;
    const writers: [string, (v: unknown) => string][] = [
      ['yaml, indented sequences', (v) => stringify(v, { indentSeq: true, lineWidth: 20 })],
      ['yaml, compact sequences', (v) => stringify(v, { indentSeq: false, lineWidth: 20 })],
      ['yaml, flow', (v) => stringify(v, { collectionStyle: 'flow', lineWidth: 20 })],
      ['js-yaml', (v) => jsyaml.dump(v, { lineWidth: 20 })],
      ['js-yaml, flow from level 2', (v) => jsyaml.dump(v, { flowLevel: 2, lineWidth: 20 })],
    ];
    for (const [name, write] of writers) {
      fc.assert(
        fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
          const levels = depth(value);
          const text = write(value);
          const doc = parseDocument(text);
          // Only text that reads back as the value (js-yaml sometimes writes keys flow context cannot hold).
          if (levels === 0 || doc.errors.length > 0 || JSON.stringify(doc.toJS()) !== JSON.stringify(value)) return;
          expect(findDeepNesting(text, levels), `${name}\n${text}`).toEqual([]);
          expect(findDeepNesting(text, levels - 1), `${name}\n${text}`).toHaveLength(1);
        }),
        { numRuns: 300 },
      );
    }
  });

  it('block and flow levels add up: 60 mappings and the fifth [ inside them', () => {
    const text = `${Array.from({ length: 59 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')}\n${' '.repeat(59)}a: [[[[[x]]]]]\n`;
    const r = FixtureRepo.empty().set(F, ours(text)).load();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['YamlNestingLimit', `${F}:60:67`]]);
  });

  it.each([
    ['keys after keys', `a: ${'a: '.repeat(1_000_000)}x\n`, 193],
    ['dashes after a key', `a: ${'- '.repeat(1_000_000)}x\n`, 130],
  ])('%s on one line (not YAML, and seconds per megabyte for the parser) stop at level 65', (_name, text, column) => {
    const started = Date.now();
    const r = FixtureRepo.empty().set(F, ours(text)).load();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['YamlNestingLimit', `${F}:1:${column}`]]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('64 levels are allowed: the document is read (and is no resource)', () => {
    const r = FixtureRepo.empty().set(F, ours(blockLevels(64))).load();
    expect(codes(r.findings)).toEqual(['UnknownKind']);
  });

  it('brackets in quoted strings, comments, block scalars and plain text hold no levels', () => {
    const many = '['.repeat(100);
    const text = `${replaceOnce(TENANT, 'spec:\n', `# ${many} {{{{\nspec:\n`)}---
apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata: {name: AdaL, tenant: fabrikam}
spec:
  displayName: "${many}"
  customAttributes:
    "1": '${'{'.repeat(100)}'
    "2": |
      ${many}
    "3": a${many}b
`;
    const r = FixtureRepo.empty().set(F, text).load();
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.mailUsers[0]!.spec.customAttributes).toEqual({ '1': '{'.repeat(100), '2': `${many}\n`, '3': `a${many}b` });
  });

  it('a deep second document is found at its place in the file; the file yields no resources', () => {
    const text = `${TENANT}---\n${blockLevels(100)}`;
    const r = FixtureRepo.empty().set(F, text).load();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['YamlNestingLimit', `${F}:${TENANT.split('\n').length + 65}:65`]]);
    expect(r.desired.tenants).toEqual([]);
  });

  it('other files still load', () => {
    const r = FixtureRepo.empty().set('a.yaml', ours('['.repeat(1000))).set('b.yaml', TENANT).load();
    expect(codes(r.findings)).toEqual(['YamlNestingLimit']);
    expect(r.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
  });
});

describe('A2: CR-only line breaks', () => {
  const cr = (s: string): string => s.replace(/\n/g, '\r');
  const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
  /** An anchor sends the document to the yaml library instead of js-yaml (yaml-source.ts). */
  const WITH_ANCHOR = replaceOnce(TENANT, 'name: fabrikam', 'name: &n fabrikam');
  const BLOCK_SCALARS = 'a: |\n  l1\n  l2\nb: >\n  f1\n  f2\n\n  p2\nc: "q1\n  q2"\nd: [x,\n  y]\n';

  it.each([
    ['the js-yaml path', TENANT],
    ['the yaml path (an anchor)', WITH_ANCHOR],
    ['block and multi-line scalars', BLOCK_SCALARS],
    ['block scalars on the yaml path', `x: &x 1\ny: *x\n${BLOCK_SCALARS}`],
  ])('%s: CR, CRLF and LF read the same values', (_name, text) => {
    const values = (t: string): unknown[] => parseYamlFile(F, t).documents.map((d) => d.value);
    const lf = values(text);
    expect(lf).toHaveLength(1);
    expect(values(cr(text))).toEqual(lf);
    expect(values(crlf(text))).toEqual(lf);
    expect(values(text.replace(/\n/g, (_m, offset: number) => ['\r', '\r\n', '\n'][offset % 3]!))).toEqual(lf);
    expect(parseByDocument(cr(text)) !== undefined).toBe(parseByDocument(text) !== undefined);
  });

  it('positions count CR-only breaks as lines, on both paths', () => {
    const bad = (t: string): string => replaceOnce(t, '  organization:', '  organisation: x\n  organization:');
    for (const text of [TENANT, WITH_ANCHOR]) {
      const r = FixtureRepo.empty().set(F, cr(bad(text))).load();
      expect(r.findings.map((f) => [f.code, where(f)]), text).toEqual([['SchemaViolation', `${F}:7:3`]]);
    }
  });

  it('a syntax error in a CR-only file is at its line', () => {
    const r = FixtureRepo.empty().set(F, cr(replaceOnce(TENANT, '  name: fabrikam', '\tname: fabrikam'))).load();
    expect(brief(r)).toEqual([['YamlSyntax', `${F}:4:1`, 'Tabs are not allowed as indentation']]);
  });

  it('a later document of a CR-only file is found at its line', () => {
    const text = cr(`${TENANT}---\n${replaceEach(TENANT, ['name: fabrikam', 'name: tailspin'], ['11111111-1111', 'zzzz'])}`);
    const r = FixtureRepo.empty().set(F, text).load();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['SchemaViolation', `${F}:16:13`]]);
  });

  it('a CR-only membersFile has the right lines', () => {
    const r = parseMembersFile('m.csv', 'EmailAddress\rada@fabrikam.com\r\r  bad\rbob@fabrikam.com\r\n# note\rcy@fabrikam.com');
    expect(r.members.map((m) => `${m.address} ${m.location.line}:${m.location.column}`)).toEqual(['ada@fabrikam.com 2:1', 'bob@fabrikam.com 5:1', 'cy@fabrikam.com 7:1']);
    expect(r.findings.map(where)).toEqual(['m.csv:4:3']);
  });
});

describe('A3: cyclic aliases', () => {
  it('&a [*a] is YamlAliasCycle at the alias', () => {
    const r = FixtureRepo.empty().set(F, ours('a: &a [*a]\n')).load();
    expect(brief(r)).toEqual([['YamlAliasCycle', `${F}:1:8`, 'alias *a stands for a node that contains the alias itself']]);
  });

  it.each([
    ['a mapping that holds itself', replaceOnce(TENANT, 'metadata:\n  name: fabrikam', 'metadata: &m\n  name: fabrikam\n  self: *m'), '*m'],
    ['through a nested anchor', replaceOnce(TENANT, 'spec:\n', 'spec: &s\n  extra: &e [1, {back: *s}]\n'), '*s'],
    ['a key that is an alias of its own mapping', ours('a: &a\n  ? *a\n  : 1\n'), '*a'],
    ['the second of two cycles', ours('a: [1, &b [*b]]\nc: &c {d: *c}\n'), '*b'],
  ])('%s: at the alias, not a crash', (_name, text, alias) => {
    const repo = FixtureRepo.empty().set(F, text);
    const r = repo.load();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['YamlAliasCycle', repo.at(F, alias)]]);
  });

  it('an anchor written again inside its node is not a cycle: the alias takes the nearer one', () => {
    const r = FixtureRepo.empty().set(F, SCOPE('  members: &m [&m ada@fabrikam.com, *m]\n')).load();
    expect(codes(r.findings)).toEqual([]);
    expect(r.desired.scopes[0]!.spec.members).toEqual(['ada@fabrikam.com', 'ada@fabrikam.com']);
  });

  it('a cycle in one document does not stop the next one', () => {
    const r = FixtureRepo.empty().set(F, `x: &x [*x]\n---\n${TENANT}`).load();
    expect(codes(r.findings)).toEqual(['YamlAliasCycle']);
    expect(r.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
  });
});

describe('A4: no stack overflow from large lists', () => {
  it('a 150,000-line membersFile loads and validates', () => {
    const csv = `EmailAddress\n${Array.from({ length: 150_000 }, (_, i) => `user${i}@fabrikam.com`).join('\n')}\n`;
    const repo = FixtureRepo.baseline().edit(S, '  members:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n', '  membersFile: movers.csv\n').set('fabrikam/movers.csv', csv);
    const r = repo.validate();
    expect(r.rulesRan).toBe(true);
    expect(codes(r.findings)).toEqual(['ScopeTooLarge']);
    const members = [...r.desired.scopeMembers.values()][0]!;
    expect(members).toHaveLength(150_000);
    expect(members.at(-1)).toEqual({ address: 'user149999@fabrikam.com', location: { file: 'fabrikam/movers.csv', line: 150_001, column: 1 } });
  });

  it('150,000 bad members in YAML are 150,000 findings, not RangeError', () => {
    const lines = Array.from({ length: 150_000 }, (_, i) => `    - not-an-address-${i}`).join('\n');
    const r = FixtureRepo.empty().set(F, SCOPE(`  members:\n${lines}\n`)).load();
    expect(r.findings).toHaveLength(150_000);
    expect(r.findings.every((f) => f.code === 'SchemaViolation')).toBe(true);
    expect(where(r.findings.at(-1)!)).toBe(`${F}:150007:7`);
  });
});

describe('B1: ill-formed UTF-16', () => {
  const USER = `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata: {name: AdaL, tenant: tailspin}
spec:
  displayName: Ada
  emailAddresses: [smtp:ada@tailspin.com]
  customAttributes: {"1": x}
`;

  it.each([
    ['a lone high surrogate', 'displayName: Ada', 'displayName: "Ada \\ud800"', 'spec.displayName holds U+D800', '"Ada'],
    ['a lone low surrogate', 'displayName: Ada', 'displayName: "\\uDC00Ada"', 'spec.displayName holds U+DC00', '"\\u'],
    ['a 32-bit escape of a surrogate', 'displayName: Ada', 'displayName: "\\U0000D800"', 'spec.displayName holds U+D800', '"\\U'],
    ['the halves in the wrong order', 'displayName: Ada', 'displayName: "\\ude00\\ud83d"', 'spec.displayName holds U+DE00', '"\\ude00'],
    ['in a list item', '[smtp:ada@tailspin.com]', '[smtp:ada@tailspin.com, "X500:/o=x\\ud83d"]', 'spec.emailAddresses[1] holds U+D83D', '"X500'],
    ['in a custom attribute', '{"1": x}', '{"1": "x\\udfff"}', 'spec.customAttributes.1 holds U+DFFF', '"x\\'],
  ])('%s is InvalidUnicode at the value', (_name, from, to, message, needle) => {
    for (const text of [USER, replaceOnce(USER, 'kind: MailUser', 'kind: &k MailUser')]) {
      const repo = FixtureRepo.empty().set(F, text).edit(F, from, to);
      const r = repo.load();
      expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['InvalidUnicode', 'error', repo.at(F, needle)]]);
      expect(r.findings[0]!.message).toBe(`${message}, half of a surrogate pair without its other half (ill-formed UTF-16)`);
    }
  });

  it('a surrogate pair written as two escapes is one character, and fine', () => {
    const r = FixtureRepo.empty().set(F, replaceOnce(USER, 'displayName: Ada', 'displayName: "Ada \\ud83d\\ude00"')).load();
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.mailUsers[0]!.spec.displayName).toBe('Ada 😀');
  });
});

describe('B2: names, addresses and scope references are one line with no spaces at either end', () => {
  interface Case {
    title: string;
    file: string;
    from: string;
    to: string;
    code: FindingCode;
    message: string;
    /** The needle of the value, in the edited file. */
    at: string;
  }
  const long = (n: number): string => 'l'.repeat(n);
  /** A domain of 189 characters: with a 64-character local part, an address of 254. */
  const DOMAIN = `${'d'.repeat(63)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`;
  const cases: Case[] = [
    { title: 'a name ending in a space', file: M, from: 'name: AdaL', to: 'name: "AdaL "', code: 'InvalidName', message: 'metadata.name "AdaL " ends with a space', at: '"AdaL ' },
    { title: 'a name with a line break (moved here from the rules)', file: M, from: 'name: AdaL', to: 'name: "Ada\\nL"', code: 'InvalidName', message: 'metadata.name "Ada\\nL" has a line break', at: '"Ada' },
    { title: 'a name with a LINE SEPARATOR', file: M, from: 'name: AdaL', to: 'name: "Ada\\LL"', code: 'InvalidName', message: 'metadata.name "Ada\u2028L" has a line break', at: '"Ada' },
    { title: 'a name with a CR inside', file: M, from: 'name: AdaL', to: 'name: "Ada\\rL"', code: 'InvalidName', message: 'metadata.name "Ada\\rL" has a line break', at: '"Ada' },
    { title: 'a name starting with a no-break space', file: M, from: 'name: AdaL', to: 'name: "\\u00a0AdaL"', code: 'InvalidName', message: 'metadata.name "\u00a0AdaL" starts with whitespace (U+00A0)', at: '"\\u00a0' },
    { title: 'metadata.tenant ending in a space', file: M, from: '  tenant: tailspin\nspec:\n  externalEmailAddress: SMTP:ada', to: '  tenant: "tailspin "\nspec:\n  externalEmailAddress: SMTP:ada', code: 'InvalidName', message: 'metadata.tenant "tailspin " ends with a space', at: '"tailspin ' },
    { title: 'a scope name starting with a space', file: S, from: 'name: Movers', to: 'name: " Movers"', code: 'InvalidName', message: 'metadata.name " Movers" starts with a space', at: '" Movers' },
    { title: 'a scope group ending in a tab', file: S, from: '  create: true\n', to: '  create: true\n  group: "T2T-Movers\\t"\n', code: 'InvalidName', message: 'spec.group "T2T-Movers\\t" ends with a tab', at: '"T2T' },
    { title: 'a published scope ending in a space', file: S, from: '[Movers]', to: '["Movers "]', code: 'InvalidName', message: 'spec.mailboxMovePublishedScopes[0] "Movers " ends with a space', at: '"Movers ' },
    { title: 'a partner with a line break', file: S, from: 'partner: tailspin', to: 'partner: "tailspin\\n"', code: 'InvalidName', message: 'spec.partner "tailspin\\n" has a line break', at: '"tailspin' },
    { title: 'source.tenant starting with a space', file: M, from: 'tenant: fabrikam\n    mailbox: ada@', to: 'tenant: " fabrikam"\n    mailbox: ada@', code: 'InvalidName', message: 'spec.source.tenant " fabrikam" starts with a space', at: '" fabrikam' },
    { title: 'source.mailbox ending in a space', file: M, from: 'mailbox: ada@fabrikam.com', to: 'mailbox: "ada@fabrikam.com "', code: 'InvalidAddress', message: 'spec.source.mailbox "ada@fabrikam.com " ends with a space', at: '"ada@fabrikam.com ' },
    { title: 'primarySmtpAddress starting with a space (one finding, not a schema one too)', file: M, from: 'primarySmtpAddress: ada@tailspin.com', to: 'primarySmtpAddress: " ada@tailspin.com"', code: 'InvalidAddress', message: 'spec.primarySmtpAddress " ada@tailspin.com" starts with a space', at: '" ada@tailspin' },
    { title: 'externalEmailAddress ending in a line break', file: M, from: 'externalEmailAddress: SMTP:ada@fabrikam.onmicrosoft.com', to: 'externalEmailAddress: "SMTP:ada@fabrikam.onmicrosoft.com\\n"', code: 'InvalidAddress', message: 'spec.externalEmailAddress "SMTP:ada@fabrikam.onmicrosoft.com\\n" has a line break', at: '"SMTP:ada@fabrikam' },
    { title: 'an X500 proxy ending in a space (the schema accepts it)', file: M, from: '- X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ada', to: '- "X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ada "', code: 'InvalidAddress', message: 'spec.emailAddresses[1] "...Labs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=ada " ends with a space', at: '"X500' },
    { title: 'a scope member ending in a space', file: S, from: '    - bob@fabrikam.com', to: '    - "bob@fabrikam.com "', code: 'InvalidAddress', message: 'spec.members[1] "bob@fabrikam.com " ends with a space', at: '"bob@' },
    { title: 'a cloud-managed mailbox starting with a tab', file: S, from: '  mailboxes:\n    - ada@fabrikam.com', to: '  mailboxes:\n    - "\\tada@fabrikam.com"', code: 'InvalidAddress', message: 'spec.mailboxes[0] "\\tada@fabrikam.com" starts with a tab', at: '"\\tada' },
    { title: 'an accepted domain ending in a space', file: 'tenants.yaml', from: '[tailspin.com]', to: '["tailspin.com "]', code: 'InvalidAddress', message: 'spec.acceptedDomains[0] "tailspin.com " ends with a space', at: '"tailspin.com ' },
    { title: 'a scope member with a local part of 65 characters', file: S, from: '    - bob@fabrikam.com', to: `    - ${long(65)}@fabrikam.com`, code: 'InvalidAddress', message: `spec.members[1] "${long(65)}@fabrikam.com" has a local part (before the @) of 65 characters; at most 64 are allowed`, at: `${long(65)}@` },
    { title: 'a scope member of 255 characters', file: S, from: '    - bob@fabrikam.com', to: `    - ${long(64)}@d${DOMAIN}`, code: 'InvalidAddress', message: 'has 255 characters; an address has at most 254', at: `${long(64)}@d` },
    { title: 'an smtp: proxy with a local part of 65 characters', file: M, from: 'smtp:ada.l@tailspin.com', to: `smtp:${long(65)}@tailspin.com`, code: 'InvalidAddress', message: 'has a local part (before the @) of 65 characters', at: `smtp:${long(65)}` },
  ];

  for (const c of cases) {
    it(`${c.title}: ${c.code} at the value`, () => {
      const repo = FixtureRepo.baseline().edit(c.file, c.from, c.to);
      const r = repo.validate();
      expect(r.findings.map((f) => [f.code, f.severity, where(f)]), summary(r.findings).join('\n')).toEqual([[c.code, 'error', repo.at(c.file, c.at)]]);
      const message = r.findings[0]!.message;
      if (c.message.startsWith('has ')) expect(message).toContain(c.message);
      else expect(message).toBe(c.message);
      expect(r.findings[0]!.hint).toBe((FINDING_CODES[c.code] as { hint?: string }).hint);
      expect(r.rulesRan).toBe(false);
    });
  }

  it.each([
    ['spaces inside a name', S, 'name: To Tailspin', 'name: To  Tailspin'],
    ['a local part of 64 characters', S, '    - bob@fabrikam.com', `    - ${long(64)}@fabrikam.com`],
    ['an address of 254 characters', S, '    - bob@fabrikam.com', `    - ${long(64)}@${DOMAIN}`],
  ])('near miss: %s loads clean', (_name, file, from, to) => {
    const r = FixtureRepo.baseline().edit(file, from, to).validate();
    expect(summary(r.findings)).toEqual([]);
  });

  it('a display name with a space at its end is kept as written', () => {
    const r = FixtureRepo.baseline().edit(M, '  primarySmtpAddress: ada@tailspin.com', '  displayName: "Ada "\n  primarySmtpAddress: ada@tailspin.com').validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.mailUsers[0]!.spec.displayName).toBe('Ada ');
  });

  it('the 254-character address is exactly the limit', () => {
    expect(`${long(64)}@${DOMAIN}`).toHaveLength(MAX_ADDRESS_LENGTH);
    expect(MAX_LOCAL_PART_LENGTH).toBe(64);
  });
});

describe('B3: membersFile lines obey the rules of YAML members', () => {
  const DOMAIN = `${'d'.repeat(63)}.${'e'.repeat(60)}.${'f'.repeat(60)}.com`;

  it('control characters: ControlCharacter at the character, even where trimming would hide it', () => {
    const r = parseMembersFile('m.csv', 'EmailAddress\nada@fab\u0007rikam.com\n\u000Bbob@fabrikam.com\ncy@fabrikam.com,note\u007F\n\u000C\ndee@fabrikam.com\n');
    expect(brief(r)).toEqual([
      ['ControlCharacter', 'm.csv:2:8', 'line 2 contains the control character U+0007'],
      ['ControlCharacter', 'm.csv:3:1', 'line 3 contains the control character U+000B'],
      ['ControlCharacter', 'm.csv:4:21', 'line 4 contains the control character U+007F'],
      ['ControlCharacter', 'm.csv:5:1', 'line 5 contains the control character U+000C'],
    ]);
    expect(r.members.map((m) => m.address)).toEqual(['dee@fabrikam.com']);
  });

  it('a comment is # in column 1 only', () => {
    const r = parseMembersFile('m.csv', '# wave 1\n#x@fabrikam.com\n  # indented\nada@fabrikam.com # Ada\n\t#tab\nbob@fabrikam.com\n');
    expect(brief(r)).toEqual([
      ['InvalidMemberAddress', 'm.csv:3:3', '"# indented" is not an SMTP address: a comment is a line starting with # in column 1'],
      ['InvalidMemberAddress', 'm.csv:4:1', '"ada@fabrikam.com # Ada" is not an SMTP address: a comment is a line starting with # in column 1'],
      ['InvalidMemberAddress', 'm.csv:5:2', '"#tab" is not an SMTP address: a comment is a line starting with # in column 1'],
    ]);
    expect(r.members.map((m) => m.address)).toEqual(['bob@fabrikam.com']);
  });

  it('the local part at most 64 characters, the address at most 254', () => {
    const ok64 = `${'l'.repeat(64)}@fabrikam.com`;
    const ok254 = `${'l'.repeat(64)}@${DOMAIN}`;
    const r = parseMembersFile('m.csv', [ok64, `${'l'.repeat(65)}@fabrikam.com`, ok254, `${'l'.repeat(64)}@d${DOMAIN}`].join('\n'));
    expect(r.members.map((m) => m.address)).toEqual([ok64, ok254]);
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([
      ['InvalidMemberAddress', 'm.csv:2:1'],
      ['InvalidMemberAddress', 'm.csv:4:1'],
    ]);
    expect(r.findings[0]!.message).toMatch(/^"l{60}…" has a local part \(before the @\) of 65 characters; at most 64 are allowed$/);
    expect(r.findings[1]!.message).toMatch(/^"l{60}…" has 255 characters; an address has at most 254$/);
  });

  it('through the loader: errors at the line, and the rules do not run', () => {
    const csv = 'EmailAddress\nada@fabrikam.com\n  # not a comment\nbob@\u0001fabrikam.com\n';
    const repo = FixtureRepo.baseline().edit(S, '  members:\n    - ada@fabrikam.com\n    - bob@fabrikam.com\n', '  membersFile: movers.csv\n').set('fabrikam/movers.csv', csv);
    const r = repo.validate();
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([
      ['InvalidMemberAddress', 'fabrikam/movers.csv:3:3'],
      ['ControlCharacter', 'fabrikam/movers.csv:4:5'],
    ]);
    expect(r.rulesRan).toBe(false);
  });

  it('the rule is documented in the README and in the CRD', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const crd = readFileSync(new URL('../../crds/migrationscope.yaml', import.meta.url), 'utf8');
    expect(readme).toMatch(/starting with `#` in column 1/);
    expect(crd.replace(/\s+/g, ' ')).toMatch(/starting with # in column 1/);
  });
});

describe('the catalogue and the README', () => {
  const NEW_CODES: FindingCode[] = ['FileTooLarge', 'YamlNestingLimit', 'YamlAliasCycle', 'InvalidUnicode', 'InvalidAddress'];

  it('every new code is an error with a hint, listed in the validate table of the README', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('### `exo-gitops validate'), readme.indexOf('### `exo-gitops export'));
    for (const code of [...NEW_CODES, 'InvalidName', 'ControlCharacter'] as FindingCode[]) {
      expect(FINDING_CODES[code].severity, code).toBe('error');
      expect((FINDING_CODES[code] as { hint?: string }).hint, code).toBeDefined();
      expect(table, code).toContain(`\`${code}\``);
    }
    for (const limit of ['16 MiB', '64 MiB', '64 levels']) expect(table).toContain(limit);
  });
});
