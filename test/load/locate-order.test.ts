// Positions of documents parsed one by one (src/load/yaml-source.ts, withLocators) come from each
// document's start line, counted once per file on the first position asked, plus the line within the
// document. Whichever document is located first, and in whatever order, every position must be the
// stream parse's.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStream, parseYamlFile } from '../../src/load/yaml-source.js';

const documents = [
  '# leading comment\n\n',
  'a: 1\nb:\n  c: [x, y]\n',
  '# only a comment\n',
  '--- {k: v}\n',
  'list:\n  - one\n  - two: |\n      block\n      text\n',
  'q: "multi\n  line"\nr: 2\n',
  '\n\nlate: start\n',
];

function fileOf(parts: readonly string[], lineBreak: string): string {
  return parts.map((part, i) => (i === 0 || part.startsWith('---') ? part : `---\n${part}`)).join('').replace(/\n/g, lineBreak);
}

describe('document positions', () => {
  it('are the stream parse positions whichever document is located first, in any order', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...documents), { minLength: 1, maxLength: 12 }), fc.constantFrom('\n', '\r\n', '\r'), fc.infiniteStream(fc.nat()), (parts, lineBreak, picks) => {
        const text = fileOf(parts, lineBreak);
        const split = parseYamlFile('f.yaml', text);
        const stream = parseStream('f.yaml', text);
        expect(split.documents.map((d) => d.index)).toEqual(stream.documents.map((d) => d.index));
        const order = split.documents.map((_, i) => i);
        const iterator = picks[Symbol.iterator]();
        for (let i = order.length - 1; i > 0; i--) {
          const j = iterator.next().value % (i + 1);
          [order[i], order[j]] = [order[j]!, order[i]!];
        }
        for (const i of order) {
          for (const path of [[], ['a'], ['b', 'c', 1], ['list', 1, 'two'], ['q'], ['late'], ['k'], ['nope']]) {
            expect(split.documents[i]!.locate(path)).toEqual(stream.documents[i]!.locate(path));
            expect(split.documents[i]!.locate(path, 'key')).toEqual(stream.documents[i]!.locate(path, 'key'));
          }
        }
      }),
      { numRuns: 200 },
    );
  });
});
