// The settings file's globs (src/util/glob.ts) against picomatch with { dot: true }, whose syntax they
// follow: fixed cases, then random patterns and paths from a small alphabet, where both must agree.
// picomatch is here only as vitest's dependency; the tool itself never loads it.

import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileGlob, GlobError } from '../../src/util/glob.js';

const picomatch = createRequire(import.meta.url)('picomatch') as (pattern: string, options: { dot: boolean }) => (path: string) => boolean;

const matches = (pattern: string, path: string): boolean => compileGlob(pattern)(path);

describe('globs', () => {
  it.each([
    ['*.yml', 'mkdocs.yml', true],
    ['*.yml', '.pre-commit-config.yml', true],
    ['*.yml', 'docs/mkdocs.yml', false],
    ['**/*.yml', 'mkdocs.yml', true],
    ['**/*.yml', 'a/b/.c.yml', true],
    ['docs/**', 'docs', false],
    ['docs/**', 'docs/a/b.yaml', true],
    ['docs/**', 'docsx/a.yaml', false],
    ['a/**/b.yaml', 'a/b.yaml', true],
    ['a/**/b.yaml', 'a/x/y/b.yaml', true],
    ['**', 'a/.b/c.yaml', true],
    ['{docs,site}/*.yaml', 'site/x.yaml', true],
    ['{docs,site}/*.yaml', 'src/x.yaml', false],
    ['compose{,.*}.y{a,}ml', 'compose.override.yml', true],
    ['compose{,.*}.y{a,}ml', 'compose.yaml', true],
    ['x{a}.yaml', 'x{a}.yaml', true],
    ['x{a}.yaml', 'xa.yaml', false],
    ['[!a]*.yaml', 'b.yaml', true],
    ['[!a]*.yaml', 'a.yaml', false],
    ['[a-c].yaml', 'b.yaml', true],
    ['?.yaml', 'ab.yaml', false],
    ['a**b', 'axxb', true],
    ['a**b', 'ax/xb', false],
    ['(x)+.yaml', '(x)+.yaml', true],
    ['(x)+.yaml', 'xx.yaml', false],
    ['*/**', 'a', false],
    ['*/**', 'a/b', true],
    ['**', 'a', true],
    ['**.yaml', 'a/b.yaml', false],
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });

  it.each([
    ['docs/[ab.yaml', 5, '[ opens a set of characters that no ] closes'],
    ['{docs,site/*.yaml', 0, '{ opens a list of alternatives that no } closes'],
    ['[z-a].yaml', 0, 'a range in [ ] runs backwards (write [a-z], not [z-a])'],
  ])('%s is refused at offset %i', (pattern, offset, message) => {
    let error: unknown;
    try {
      compileGlob(pattern);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GlobError);
    expect((error as GlobError).message).toBe(message);
    expect((error as GlobError).offset).toBe(offset);
  });

  it('agrees with picomatch { dot: true } on random patterns and paths', () => {
    const name = fc.constantFrom('a', 'b', 'ab', '.a', 'a.yaml', 'b.yml', '.c.yaml', 'x-y', 'a b');
    const path = fc.array(name, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('/'));
    // Not [!a], parentheses, a trailing /** or ** inside a name, where picomatch has its quirks (src/util/glob.ts).
    const piece = fc.constantFrom('a', 'b', '.', '*', '?', '.yaml', '.y*ml', '[ab]', '[^a]', '[a-b]', '{a,b}', '{a,.c,}', '{a}', '-', ' ');
    const segment = fc.oneof(
      { weight: 1, arbitrary: fc.constant('**') },
      // Never . or .. alone: the settings file refuses them (picomatch drops a leading ./).
      { weight: 4, arbitrary: fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => p.join('')).filter((s) => s !== '.' && s !== '..' && !s.includes('**')) },
    );
    // The last segment never matches the empty name, which would make a/**/x a trailing a/**.
    const last = fc.tuple(fc.array(piece, { maxLength: 2 }), fc.constantFrom('a', '.yaml', '*l', 'b')).map(([p, end]) => p.join('') + end).filter((s) => !s.includes('**'));
    const pattern = fc.tuple(fc.array(segment, { maxLength: 3 }), last).map(([parts, end]) => [...parts, end].join('/'));
    fc.assert(
      fc.property(pattern, fc.array(path, { minLength: 1, maxLength: 8 }), (p, paths) => {
        const ours = compileGlob(p);
        const theirs = picomatch(p, { dot: true });
        for (const candidate of paths) expect(ours(candidate), `${p} against ${candidate}`).toBe(theirs(candidate));
      }),
      { numRuns: 3000 },
    );
  });
});
