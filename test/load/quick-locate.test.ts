// The line scan that locates most positions without re-parsing (yaml-source.ts, quickLocation) must
// give yaml's own position wherever it answers: checked on every leaf of the example repository and
// on generated documents mixing the styles the scan must decline (quotes, flow, block scalars, lists,
// comments, anchors).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import jsyaml from 'js-yaml';
import { LineCounter, isMap, isScalar, parseDocument, type Node as YamlNode } from 'yaml';
import { describe, expect, it } from 'vitest';
import { listYamlFiles } from '../../src/load/load.js';
import { quickLocation } from '../../src/load/yaml-source.js';

const root = new URL('../../', import.meta.url).pathname;

/** yaml's position of a path's value (or key), as the locator reports it. */
function yamlLocation(text: string, path: string[], part: 'key' | 'value'): { line: number; column: number } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let node: YamlNode | null = doc.contents;
  let key: YamlNode | undefined;
  for (const segment of path) {
    if (!isMap(node)) return undefined;
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
    if (!pair) return undefined;
    key = pair.key as YamlNode;
    node = pair.value as YamlNode | null;
  }
  const target = part === 'key' ? key : node;
  if (!target?.range) return undefined;
  const { line, col } = lines.linePos(target.range[0]);
  return { line, column: col };
}

/** Every path of keys to a scalar leaf of a plain value. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return prefix.length > 0 ? [prefix] : [];
  return Object.entries(value).flatMap(([k, v]) => leafPaths(v, [...prefix, k]));
}

function agrees(text: string): number {
  let answered = 0;
  const value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
  for (const path of leafPaths(value)) {
    for (const part of ['key', 'value'] as const) {
      const quick = quickLocation(text, 0, text.length, value, path, part);
      if (quick === undefined) continue;
      answered++;
      expect({ path, part, at: quick }).toEqual({ path, part, at: yamlLocation(text, path, part) });
    }
  }
  return answered;
}

describe('quick location', () => {
  it("answers yaml's position for the example's documents, metadata.name among them", () => {
    let answered = 0;
    for (const file of listYamlFiles(join(root, 'examples'))) {
      for (const text of readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').split(/^(?=---(?:[ \t\n]|$))/m)) {
        if (jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) == null) continue;
        answered += agrees(text);
        const value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA }) as { metadata?: { name?: unknown } };
        if (typeof value.metadata?.name === 'string' && /^[\w.@-]+$/.test(value.metadata.name)) expect(quickLocation(text, 0, text.length, value, ['metadata', 'name'], 'value')).toBeDefined();
      }
    }
    expect(answered).toBeGreaterThan(50);
  });

  it('agrees with yaml or declines, whatever the style of the document', () => {
    const key = fc.constantFrom('name', 'metadata', 'spec', 'tenant', 'a', 'b-c', 'x.y');
    const scalar = fc.oneof(
      fc.constantFrom('user0', 'x', 'a b', 'true', '12', '1.0', 'a#b', 'a #b', '"q"', "'s'", '|', '>', '&anchor v', '*alias', '!!str z', '[1]', '{a: b}', '- item', ''),
      fc.stringMatching(/^[a-z0-9@.]{1,6}$/),
    );
    const comment = fc.constantFrom('', ' # note', '  #x');
    type Tree = { key: string; value: string | Tree[]; comment: string; blankBefore: boolean; indentStep: number };
    const tree: fc.Arbitrary<Tree[]> = fc.letrec<{ nodes: Tree[] }>((tie) => ({
      nodes: fc.array(
        fc.record({
          key,
          value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('nodes') as fc.Arbitrary<Tree[]>),
          comment,
          blankBefore: fc.boolean(),
          indentStep: fc.constantFrom(1, 2, 4),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    })).nodes as fc.Arbitrary<Tree[]>;
    const render = (nodes: Tree[], indent: number): string =>
      nodes
        .map((n) => {
          const pad = ' '.repeat(indent);
          const before = n.blankBefore ? '\n# c\n' : '';
          if (typeof n.value === 'string') return `${before}${pad}${n.key}: ${n.value}${n.comment}\n`;
          return `${before}${pad}${n.key}:${n.comment}\n${render(n.value, indent + n.indentStep)}`;
        })
        .join('');
    let answered = 0;
    fc.assert(
      fc.property(tree, fc.boolean(), (nodes, marker) => {
        const text = `${marker ? '---\n' : ''}${render(nodes, 0)}`;
        let value: unknown;
        try {
          value = jsyaml.load(text, { schema: jsyaml.CORE_SCHEMA });
        } catch {
          return; // not YAML (a duplicate key, a bad indicator): never located
        }
        answered += agrees(text);
      }),
      { numRuns: 400 },
    );
    // Not a test that only ever declines.
    expect(answered).toBeGreaterThan(200);
  });
});
