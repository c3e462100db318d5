// Files whose documents all parse cleanly are parsed document by document (src/load/yaml-source.ts):
// the values, document indexes and every position must be exactly those of the whole-stream parse,
// and any file with a problem must get the stream parser's findings.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { NodePath } from '../../src/model/desired.js';
import { parseByDocument, parseStream, parseYamlFile, type ParsedFile } from '../../src/load/yaml-source.js';

/** Every path to a node of a plain value. */
function paths(value: unknown, prefix: (string | number)[] = []): NodePath[] {
  const out: NodePath[] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => out.push(...paths(item, [...prefix, i])));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function expectSame(actual: ParsedFile, expected: ParsedFile): void {
  expect(actual.findings).toEqual(expected.findings);
  expect(actual.documents.map((d) => [d.index, d.value])).toEqual(expected.documents.map((d) => [d.index, d.value]));
  actual.documents.forEach((doc, i) => {
    for (const path of [...paths(doc.value), ['nope'], ['spec', 'nope', 3]]) {
      expect(doc.locate(path)).toEqual(expected.documents[i]!.locate(path));
      expect(doc.locate(path, 'key')).toEqual(expected.documents[i]!.locate(path, 'key'));
    }
  });
}

function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? yamlFilesUnder(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const CASES: Record<string, string> = {
  'leading comments and marker': '# header\n\n---\na: 1\n---\nb: [1, 2]\n',
  'no marker at all': 'a: 1\nb:\n  c: d\n',
  'trailing marker (an empty document)': 'a: 1\n---\n',
  'empty document in the middle': 'a: 1\n---\n# nothing\n---\nb: 2\n',
  'content on the marker line': '--- {a: 1}\n--- [x]\n--- |\n  text\n  --- not a marker (indented)\n',
  'CRLF line ends': 'a: 1\r\nb: 2\r\n---\r\nc: 3\r\n',
  'marker-like plain scalars': 'a: ---x\n---x: 1\n',
  'null documents': '~\n---\na: 1\n',
  'anchors within a document': 'a: &x {k: v}\nb: *x\n---\nc: 1\n',
  'quoted keys and flow maps': '"a b": {c: [1, {d: e}]}\n---\n? complex\n: value\n',
};

describe('document-by-document parsing', () => {
  for (const [name, text] of Object.entries(CASES)) {
    it(`matches the stream parse: ${name}`, () => {
      expect(parseByDocument(text)).toBeDefined();
      expectSame(parseYamlFile('f.yaml', text), parseStream('f.yaml', text));
    });
  }

  it('matches the stream parse for every example and fixture file', () => {
    const files = [...yamlFilesUnder(new URL('../../examples', import.meta.url).pathname), ...yamlFilesUnder(new URL('../fixtures', import.meta.url).pathname)];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
      expectSame(parseYamlFile(file, text), parseStream(file, text));
    }
  });

  const STREAM_ONLY: Record<string, string> = {
    'a directive': '%YAML 1.2\n---\na: 1\n',
    'a document end marker': 'a: 1\n...\n---\nb: 2\n',
    'a syntax error in the second document': 'a: 1\n---\nb: [1, 2\n---\nc: 3\n',
    'a duplicate key': 'a: 1\n---\nb: 1\nb: 2\n',
    'an alias to another document': 'a: &x 1\n---\nb: *x\n',
    'a tab indentation': 'a:\n\tb: 1\n',
    'an alias bomb': 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n',
    'a flow collection cut by a marker': 'a: [1,\n---\n2]\n',
  };
  for (const [name, text] of Object.entries(STREAM_ONLY)) {
    it(`leaves ${name} to the stream parser, with its findings`, () => {
      expect(parseByDocument(text)).toBeUndefined();
      expectSame(parseYamlFile('f.yaml', text), parseStream('f.yaml', text));
    });
  }
});
