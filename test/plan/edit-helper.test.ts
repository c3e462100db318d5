// The fixture-edit helper every test in test/ edits YAML through: a miss or an ambiguous match throws.
import { describe, expect, it } from 'vitest';
import { FixtureRepo } from '../fixtures/repo.js';
import { replaceEach, replaceOnce } from '../support/edit.js';

describe('replaceOnce', () => {
  it('replaces the one occurrence of a string or RegExp', () => {
    expect(replaceOnce('a: 1\nb: 2\n', 'b: 2', 'b: 3')).toBe('a: 1\nb: 3\n');
    expect(replaceOnce('a: 1\nb: 2\n', /b: \d/, 'b: 3')).toBe('a: 1\nb: 3\n');
    expect(replaceOnce('x: 1', 'x', (m) => m.toUpperCase())).toBe('X: 1');
  });

  it('inserts the replacement literally ($& and $1 are text)', () => {
    expect(replaceOnce('cost: 1', '1', '$&$1')).toBe('cost: $&$1');
    expect(replaceOnce('cost: 1', /(\d)/, '$1$1')).toBe('cost: $1$1');
  });

  it('throws on a miss, naming the text and where', () => {
    expect(() => replaceOnce('a: 1\n', 'b: 1', 'b: 2')).toThrow('fixture text not found: "b: 1"');
    expect(() => replaceOnce('a: 1\n', /b: \d/, 'b: 2', { in: 'x.yaml' })).toThrow('fixture text not found: /b: \\d/ (in x.yaml)');
    expect(() => replaceOnce('a: 1\n', '', 'b')).toThrow(/empty search text/);
  });

  it('throws when a string or non-global RegExp occurs more than once, unless asked for all', () => {
    expect(() => replaceOnce('a\na\n', 'a', 'b')).toThrow('fixture text found 2 times: "a"');
    expect(() => replaceOnce('a\na\n', /a/, 'b')).toThrow('fixture text found 2 times: /a/');
    expect(replaceOnce('a\na\n', 'a', 'b', { all: true })).toBe('b\nb\n');
    expect(replaceOnce('a\na\n', /a/, 'b', { all: true })).toBe('b\nb\n');
    expect(replaceOnce('a\na\n', /a/g, 'b')).toBe('b\nb\n');
    expect(() => replaceOnce('c\n', 'a', 'b', { all: true })).toThrow('fixture text not found');
  });

  it('replaceEach applies edits in order and checks each', () => {
    expect(replaceEach('a: 1', ['a', 'b'], ['b: 1', 'b: 2'])).toBe('b: 2');
    expect(() => replaceEach('a: 1', ['a', 'b'], ['a', 'c'])).toThrow('fixture text not found: "a"');
  });

  it('FixtureRepo.edit goes through it', () => {
    const repo = FixtureRepo.empty().set('t.yaml', 'kind: Tenant\n');
    expect(repo.edit('t.yaml', 'Tenant', 'MailUser').text('t.yaml')).toBe('kind: MailUser\n');
    expect(() => repo.edit('t.yaml', 'Tenant', 'x')).toThrow('fixture text not found: "Tenant" (in t.yaml)');
  });
});
