// A corpus of malformed input: every file must yield findings (with code and exact position) or load,
// never throw, never hang. Sizes are real (10 MB files, 10,000 levels of nesting); the vitest
// timeout bounds each test.

import { afterAll, describe, expect, it } from 'vitest';
import type { LoadResult } from '../../src/load/load.js';
import { parseMembersFile } from '../../src/load/members-file.js';
import { FixtureRepo, removeTempDirs, summary, where } from '../fixtures/repo.js';
import { SCOPE, TENANT, ours } from './documents.js';
import { replaceEach, replaceOnce } from '../support/edit.js';

afterAll(removeTempDirs);

const F = 'f.yaml';
const MB = 1024 * 1024;

/** Load, failing the test (not crashing the run) if the loader throws. */
function load(repo: FixtureRepo): LoadResult {
  let result: LoadResult | undefined;
  expect(() => {
    result = repo.load();
  }).not.toThrow();
  return result!;
}

const brief = (r: LoadResult): [string, string, string][] => r.findings.map((f) => [f.code, where(f), f.message]);


const BILLION_LAUGHS = `apiVersion: exo.gitops/v1alpha1
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
`;

describe('YAML syntax', () => {
  it('tabs as indentation', () => {
    const r = load(FixtureRepo.empty().set(F, replaceOnce(TENANT, '  name: fabrikam', '\tname: fabrikam')));
    expect(brief(r)).toEqual([['YamlSyntax', `${F}:4:1`, 'Tabs are not allowed as indentation']]);
  });

  it('a duplicate key, at the second occurrence', () => {
    const r = load(FixtureRepo.empty().set(F, replaceOnce(TENANT, 'kind: Tenant\n', 'kind: Tenant\nkind: Tenant\n')));
    expect(brief(r)).toEqual([['YamlSyntax', `${F}:3:1`, 'Map keys must be unique']]);
  });

  it('duplicate keys in a nested flow mapping and in a later document', () => {
    const text = `${TENANT}---\n${replaceOnce(TENANT, 'metadata:\n  name: fabrikam', 'metadata: {name: fabrikam, tenant: x, name: again}')}`;
    const repo = FixtureRepo.empty().set(F, text);
    const r = load(repo);
    expect(brief(r)).toEqual([['YamlSyntax', repo.at(F, 'name: again'), 'Map keys must be unique']]);
    expect(r.desired.tenants).toHaveLength(1);
  });

  it('keys that differ only in type are not duplicates (1 and "1")', () => {
    const r = load(FixtureRepo.empty().set(F, replaceOnce(TENANT, 'kind: Tenant\n', 'kind: Tenant\n1: a\n"1": b\n')));
    expect(r.findings.map((f) => [f.code, f.message])).toEqual([
      ['SchemaViolation', 'unknown field "1" in document'],
    ]);
  });

  it('a billion-laughs alias bomb ends with YamlAliasLimit at the first alias', () => {
    const r = load(FixtureRepo.empty().set(F, BILLION_LAUGHS));
    expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['YamlAliasLimit', 'error', `${F}:3:8`]]);
    expect(r.findings[0]!.message).toMatch(/^aliases expand more than 100 times in this document/);
  });

  it('a bomb in one document does not stop the next one from loading', () => {
    const r = load(FixtureRepo.empty().set(F, `${BILLION_LAUGHS}---\n${TENANT}`));
    expect(r.findings.map((f) => f.code)).toEqual(['YamlAliasLimit']);
    expect(r.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
  });

  it('a few ordinary aliases are fine', () => {
    const text = `apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata:
  name: &group T2T-Movers
  tenant: fabrikam
spec:
  group: *group
  members: [&ada ada@fabrikam.com, bob@fabrikam.com]
---
apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata: {name: cm, tenant: fabrikam}
spec: {isExchangeCloudManaged: true, mailboxes: [ada@fabrikam.com]}
`;
    const r = load(FixtureRepo.empty().set(F, text));
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.scopes[0]!.spec.group).toBe('T2T-Movers');
  });

  it('an alias used before its anchor is a syntax error at the document, not an alias-limit error', () => {
    const r = load(FixtureRepo.empty().set(F, replaceOnce(SCOPE('  group: &g T2T-Movers\n'), 'name: Movers', 'name: *g')));
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['YamlSyntax', `${F}:4:9`]]);
    expect(r.findings[0]!.message).toMatch(/Unresolved alias/);
  });

  it('an unknown custom tag', () => {
    const r = load(FixtureRepo.empty().set(F, replaceOnce(TENANT, 'organization: fabrikam', 'organization: !vault fabrikam')));
    expect(brief(r)).toEqual([['YamlSyntax', `${F}:7:17`, 'Unresolved tag: !vault']]);
  });

  it('an unterminated quoted scalar', () => {
    const r = load(FixtureRepo.empty().set(F, 'apiVersion: "exo.gitops/v1alpha1\nkind: Tenant\n'));
    expect(r.findings.map((f) => [f.code, f.message])).toEqual([['YamlSyntax', 'Missing closing "quote']]);
    expect(r.findings[0]!.location).toMatchObject({ file: F, line: 3, column: 1 });
  });

  it('an unterminated flow sequence', () => {
    const r = load(FixtureRepo.empty().set(F, 'apiVersion: exo.gitops/v1alpha1\nkind: [Tenant\nmetadata: {}\n'));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.code === 'YamlSyntax' && f.severity === 'error')).toBe(true);
    expect(r.findings.map(where)).toContain(`${F}:3:1`);
  });

  it('an unterminated flow mapping', () => {
    const r = load(FixtureRepo.empty().set(F, 'apiVersion: exo.gitops/v1alpha1\nmetadata: {name: x\n'));
    expect(r.findings.length).toBeGreaterThan(0);
    expect(r.findings.every((f) => f.code === 'YamlSyntax' && f.location?.file === F)).toBe(true);
    expect(r.desired.tenants).toEqual([]);
  });

  // Nesting is measured before parsing (nesting.ts): the parsers need minutes and all memory for it.
  it('10,000 unclosed [ yield one YamlNestingLimit where level 65 opens', () => {
    const r = load(FixtureRepo.empty().set(F, ours('['.repeat(10_000))));
    expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['YamlNestingLimit', 'error', `${F}:1:65`]]);
  });

  it('10,000 levels of closed flow sequences yield YamlNestingLimit, not a crash', () => {
    const r = load(FixtureRepo.empty().set(F, ours(`${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)));
    expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['YamlNestingLimit', 'error', `${F}:1:65`]]);
  });

  it('3,000 levels of block mappings yield YamlNestingLimit at the key of level 65, not a crash', () => {
    const text = `${Array.from({ length: 3000 }, (_, i) => `${' '.repeat(i)}a:`).join('\n')} 1\n`;
    const r = load(FixtureRepo.empty().set(F, ours(text)));
    expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['YamlNestingLimit', 'error', `${F}:65:65`]]);
  });
});

describe('empty and non-text files', () => {
  it('an empty file is an EmptyFile warning, and validation still passes', () => {
    const repo = FixtureRepo.baseline().set('empty.yaml', '');
    const r = repo.validate();
    expect(brief(r)).toEqual([['EmptyFile', 'empty.yaml:1:1', 'the file holds no YAML documents']]);
    expect(r.findings[0]!.severity).toBe('warning');
    expect(r.rulesRan).toBe(true);
  });

  it.each([
    ['comments only', '# nothing here yet\n# really\n'],
    ['whitespace and blank lines', '\n   \n\n'],
    ['a lone document marker', '---\n'],
    ['empty documents', '---\n---\n...\n'],
  ])('%s is EmptyFile', (_name, text) => {
    const r = load(FixtureRepo.empty().set(F, text));
    expect(r.findings.map((f) => [f.code, f.severity, where(f)])).toEqual([['EmptyFile', 'warning', `${F}:1:1`]]);
  });

  it('a binary file (NUL bytes) is BinaryFile, naming the byte', () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: exo'), Buffer.from([0, 1, 2, 0xff]), Buffer.from('\n')]);
    const r = load(FixtureRepo.empty().set(F, bytes));
    expect(brief(r)).toEqual([['BinaryFile', `${F}:1:1`, 'not a YAML text file: binary content (a NUL byte) at byte 15']]);
    expect(r.findings[0]!.severity).toBe('error');
  });

  it('invalid UTF-8 is BinaryFile', () => {
    const bytes = Buffer.concat([Buffer.from(replaceOnce(TENANT, 'fabrikam.onmicrosoft', 'fabrik')), Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0x0a])]);
    const r = load(FixtureRepo.empty().set(F, bytes));
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['BinaryFile', `${F}:1:1`]]);
    expect(r.findings[0]!.message).toMatch(/not valid UTF-8/);
  });

  it('a UTF-8 byte order mark is ignored, and columns on line 1 do not count it', () => {
    const ok = load(FixtureRepo.empty().set(F, `\uFEFF${TENANT}`));
    expect(summary(ok.findings)).toEqual([]);
    expect(ok.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
    const bad = load(FixtureRepo.empty().set(F, `\uFEFF${replaceOnce(TENANT, 'exo.gitops/v1alpha1', 'exo.gitops/v2')}`));
    expect(brief(bad)).toEqual([['UnknownApiVersion', `${F}:1:13`, 'unknown apiVersion "exo.gitops/v2"']]);
  });

  it('a file that is not *.yaml or *.yml is not read', () => {
    const r = load(FixtureRepo.empty().set('notes.txt', '\0\0\0').set('tenant.YML', TENANT));
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.files).toEqual(['tenant.YML']);
  });
});

describe('line endings and document lists', () => {
  it('CRLF line endings: positions are still right and values carry no \\r', () => {
    const crlf = (s: string): string => s.replace(/\n/g, '\r\n');
    const good = load(FixtureRepo.empty().set(F, crlf(TENANT)));
    expect(summary(good.findings)).toEqual([]);
    expect(good.desired.tenants[0]!.spec.organization).toBe('fabrikam.onmicrosoft.com');
    const repo = FixtureRepo.empty().set(F, crlf(`${TENANT}---\n${replaceEach(TENANT, ['  organization:', '  organisation: x\n  organization:'], ['name: fabrikam', 'name: tailspin'])}`));
    const bad = load(repo);
    expect(bad.findings.map((f) => [f.code, where(f), f.hint])).toEqual([['SchemaViolation', `${F}:17:3`, 'Did you mean organization?']]);
    expect(repo.at(F, 'organisation')).toBe(`${F}:17:3`);
  });

  it('a trailing --- adds no document and no finding', () => {
    const r = load(FixtureRepo.empty().set(F, `${TENANT}---\n`));
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.tenants).toHaveLength(1);
  });

  it('a document list with a leading --- and a ... end marker', () => {
    const r = load(FixtureRepo.empty().set(F, `---\n${TENANT}...\n---\n${SCOPE('  members: [ada@fabrikam.com]\n')}`));
    expect(summary(r.findings)).toEqual([]);
    expect([r.desired.tenants.length, r.desired.scopes.length]).toEqual([1, 1]);
  });
});

describe('10 MB files', () => {
  it('one huge scalar: an error whose message stays short', () => {
    const huge = 'x'.repeat(10 * MB);
    const repo = FixtureRepo.empty().set(F, `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: AdaL
  tenant: tailspin
spec:
  displayName: ${huge}
`);
    const r = load(repo);
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['SchemaViolation', `${F}:7:16`]]);
    expect(r.findings[0]!.message).toMatch(/^spec\.displayName must NOT have more than 256 characters/);
    expect(r.findings[0]!.message.length).toBeLessThan(200);
  });

  it('one huge scalar as the whole document', () => {
    // A kind of ours without apiVersion makes the file ours (src/load/ownership.ts).
    const r = load(FixtureRepo.empty().set(F, `a: ${'y'.repeat(10 * MB)}\nkind: Tenant\n`));
    expect(brief(r)).toEqual([['UnknownApiVersion', `${F}:1:1`, 'missing apiVersion: this is not an exo-gitops document']]);
  });

  it('one mapping with about 100,000 unknown keys: one finding per key, at the key', () => {
    const lines: string[] = [];
    let size = TENANT.length;
    for (let i = 0; size < 10 * MB; i++) {
      const line = `  unknown${i}: ${'v'.repeat(80)}`;
      lines.push(line);
      size += line.length + 1;
    }
    const text = replaceOnce(TENANT, 'spec:\n', `spec:\n${lines.join('\n')}\n`);
    const r = load(FixtureRepo.empty().set(F, text));
    expect(text.length).toBeGreaterThanOrEqual(10 * MB);
    expect(r.findings).toHaveLength(lines.length);
    expect(r.findings.every((f) => f.code === 'SchemaViolation')).toBe(true);
    expect(where(r.findings[0]!)).toBe(`${F}:6:3`);
    expect(where(r.findings[lines.length - 1]!)).toBe(`${F}:${6 + lines.length - 1}:3`);
  });

  it('one mapping with about 100,000 keys, one of them repeated at the end', () => {
    const lines: string[] = [];
    for (let i = 0; lines.length * 100 < 10 * MB; i++) lines.push(`k${i}: ${'v'.repeat(90)}`);
    lines.push('k0: again');
    const r = load(FixtureRepo.empty().set(F, ours(`${lines.join('\n')}\n`)));
    expect(brief(r)).toEqual([['YamlSyntax', `${F}:${lines.length}:1`, 'Map keys must be unique']]);
  });

  it('about 10,000 documents: all load', () => {
    const pad = `# ${'p'.repeat(900)}\n`;
    const docs: string[] = [];
    let size = 0;
    for (let i = 0; size < 10 * MB; i++) {
      const d = `${pad}${replaceOnce(SCOPE(`  members: [user${i}@fabrikam.com]\n`), 'name: Movers', `name: Movers-${i}`)}`;
      docs.push(d);
      size += d.length + 4;
    }
    const r = load(FixtureRepo.empty().set(F, docs.join('---\n')));
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.scopes).toHaveLength(docs.length);
    expect(r.desired.scopes.at(-1)!.name).toBe(`Movers-${docs.length - 1}`);
  });
});

describe('membersFile', () => {
  const scopeWith = (file: string): FixtureRepo =>
    FixtureRepo.empty().set('fabrikam/scope.yaml', SCOPE(`  members: [ada@fabrikam.com]\n  membersFile: ${JSON.stringify(file)}\n`));

  it('a missing file is MembersFileUnreadable at the membersFile value', () => {
    const repo = scopeWith('movers.csv');
    const r = load(repo);
    expect(brief(r)).toEqual([['MembersFileUnreadable', repo.valueAt('fabrikam/scope.yaml', 'membersFile: "movers.csv"'), 'membersFile "movers.csv" does not exist']]);
    expect(r.findings[0]!).toMatchObject({ severity: 'error', kind: 'MigrationScope', object: 'Movers' });
  });

  it.each([
    ['a relative path out of the directory', '../../outside.csv'],
    ['a sibling directory of the config directory', '../../config-other/m.csv'],
    ['an absolute path', '/etc/passwd'],
  ])('%s is refused without being read', (_name, path) => {
    const repo = scopeWith(path);
    const r = load(repo);
    expect(brief(r)).toEqual([
      ['MembersFileUnreadable', repo.valueAt('fabrikam/scope.yaml', `membersFile: ${JSON.stringify(path)}`), `membersFile ${JSON.stringify(path)} is outside the config directory`],
    ]);
  });

  it('a path into a sibling folder inside the directory is fine', () => {
    const repo = scopeWith('../lists/./movers.csv').set('lists/movers.csv', 'bob@fabrikam.com\n');
    const r = load(repo);
    expect(summary(r.findings)).toEqual([]);
    expect([...r.desired.scopeMembers.values()][0]!.map((m) => [m.address, `${m.location.file}:${m.location.line}:${m.location.column}`])).toEqual([
      ['ada@fabrikam.com', repo.at('fabrikam/scope.yaml', 'ada@fabrikam.com')],
      ['bob@fabrikam.com', 'lists/movers.csv:1:1'],
    ]);
  });

  it('a directory named as membersFile is unreadable, not a crash', () => {
    const repo = scopeWith('lists').set('fabrikam/lists/keep.txt', '');
    const r = load(repo);
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['MembersFileUnreadable', repo.valueAt('fabrikam/scope.yaml', 'membersFile: "lists"')]]);
  });

  it('bad address lines at their exact line and column; header, comments and blank lines skipped; extra columns and quotes', () => {
    const csv = [
      'EmailAddress,DisplayName',
      '# wave 1',
      'ada.l@fabrikam.com,Ada Lovelace',
      '',
      '  not-an-address',
      '"bob@fabrikam.com","Bob, the builder"',
      '   # indented comment',
      'cy@fabrikam.com , notes',
      'dee@@fabrikam.com',
    ].join('\n');
    const r = load(scopeWith('movers.csv').set('fabrikam/movers.csv', `${csv}\n`));
    // A comment starts with # in column 1 only: an indented one is a bad line (README, the CRD).
    expect(brief(r)).toEqual([
      ['InvalidMemberAddress', 'fabrikam/movers.csv:5:3', '"not-an-address" is not an SMTP address'],
      ['InvalidMemberAddress', 'fabrikam/movers.csv:7:4', '"# indented comment" is not an SMTP address: a comment is a line starting with # in column 1'],
      ['InvalidMemberAddress', 'fabrikam/movers.csv:9:1', '"dee@@fabrikam.com" is not an SMTP address'],
    ]);
    expect([...r.desired.scopeMembers.values()][0]!.map((m) => m.address)).toEqual([
      'ada@fabrikam.com',
      'ada.l@fabrikam.com',
      'bob@fabrikam.com',
      'cy@fabrikam.com',
    ]);
  });

  it('a header is skipped only on the first address line', () => {
    const r = parseMembersFile('m.csv', 'ada@fabrikam.com\nEmailAddress\n');
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['InvalidMemberAddress', 'm.csv:2:1']]);
    expect(parseMembersFile('m.csv', 'PrimarySmtpAddress\nada@fabrikam.com\n').findings).toEqual([]);
  });

  it('CRLF and a byte order mark in the CSV keep positions right', () => {
    const r = parseMembersFile('m.csv', '\uFEFFEmailAddress\r\nada@fabrikam.com\r\n  bad\r\n');
    expect(r.members.map((m) => [m.address, m.location.line, m.location.column])).toEqual([['ada@fabrikam.com', 2, 1]]);
    expect(r.findings.map((f) => [f.code, where(f)])).toEqual([['InvalidMemberAddress', 'm.csv:3:3']]);
  });

  it('a binary CSV yields one finding at membersFile, not a crash', () => {
    const r = load(scopeWith('movers.csv').set('fabrikam/movers.csv', Buffer.from([0, 1, 2, 10, 0xff, 0xfe, 10])));
    expect(r.findings.map((f) => [f.code, f.message])).toEqual([['MembersFileUnreadable', 'membersFile "movers.csv" is not a text file: binary content (a NUL byte)']]);
  });
});
