// The validators compiled ahead of time (src/schema/generated/, see src/schema/precompiled.ts) are
// those ajv compiles now from crds/ and the other schemas: a stale module fails here, like a golden
// file, and UPDATE_GOLDEN=1 rewrites it. They also report exactly the errors of validators compiled
// at run time with the same options, so the findings users read are unchanged.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadCrdSchemas } from '../../src/schema/crds.js';
import { SCHEMA_SETS } from '../../src/schema/precompiled.js';
import { generatedModulePath, standaloneModule } from '../../src/schema/standalone.js';
import * as crds from '../../src/schema/generated/crds.js';
import * as settings from '../../src/schema/generated/settings.js';

const root = new URL('../../', import.meta.url).pathname;

describe('precompiled validators', () => {
  for (const set of SCHEMA_SETS) {
    it(`${generatedModulePath(set)} is up to date with its schemas and ajv`, () => {
      const file = join(root, generatedModulePath(set));
      const expected = standaloneModule(set);
      if (process.env.UPDATE_GOLDEN === '1') {
        writeFileSync(file, expected);
        return;
      }
      if (!existsSync(file)) throw new Error(`${file} is missing: run UPDATE_GOLDEN=1 npx vitest run test/cli/precompiled-schemas.test.ts`);
      expect(readFileSync(file, 'utf8') === expected, `${generatedModulePath(set)} is stale (crds/, a schema or ajv changed): UPDATE_GOLDEN=1 npx vitest run test/cli/precompiled-schemas.test.ts rewrites it`).toBe(true);
    });
  }

  it('export the schemas of crds/', () => {
    expect(Object.keys(crds.validators).sort()).toEqual([...loadCrdSchemas().keys()].sort());
    for (const [kind, crd] of loadCrdSchemas()) expect(crds.schemas[kind]).toEqual(crd.schema);
  });

  it('report the errors of validators compiled at run time, document by document', () => {
    const set = SCHEMA_SETS.find((s) => s.name === 'crds')!;
    const ajv = new Ajv(set.options);
    const runtime = new Map([...loadCrdSchemas()].map(([kind, crd]) => [kind, ajv.compile(crd.schema)]));
    const example = join(root, 'examples/contoso-northwind');
    const documents = ['tenants.yaml', 'contoso', 'northwind']
      .flatMap((entry) => {
        const path = join(example, entry);
        return entry.endsWith('.yaml') ? [path] : readdirYaml(path);
      })
      .flatMap((file) => parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Record<string, unknown>));
    expect(documents.length).toBeGreaterThan(5);
    // Each document as written, and broken in the ways the findings explain: unknown fields, wrong
    // types, bad patterns, empty lists, missing fields, the same value twice.
    const broken = documents.flatMap((doc) => [doc, ...mutations(doc)].map((variant) => [doc.kind as keyof typeof crds.validators, variant] as const));
    let invalid = 0;
    for (const [kind, doc] of broken) {
      const compiled = runtime.get(kind)!;
      const precompiled = crds.validators[kind];
      const valid = compiled(doc);
      expect(precompiled(doc)).toBe(valid);
      if (!valid) invalid++;
      expect(precompiled.errors ?? null).toEqual(compiled.errors ?? null);
    }
    expect(invalid).toBeGreaterThan(broken.length / 2);
  });

  it('the settings validator too', () => {
    const set = SCHEMA_SETS.find((s) => s.name === 'settings')!;
    const compiled = new Ajv(set.options).compile(set.schemas().settings!);
    for (const value of [{}, { include: ['a/**'] }, { include: 'a' }, { include: [''] }, { exclude: [1] }, { other: true }, []]) {
      expect(settings.validators.settings(value)).toBe(compiled(value));
      expect(settings.validators.settings.errors ?? null).toEqual(compiled.errors ?? null);
    }
  });
});

function readdirYaml(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join(dir, f));
}

/** Copies of a document with one thing wrong each, at every depth. */
function mutations(doc: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [key, value] of Object.entries(node)) {
      const at = (replacement: unknown): Record<string, unknown> => {
        const copy = structuredClone(doc);
        let target = copy;
        for (const k of path) target = target[k] as Record<string, unknown>;
        target[key] = replacement;
        return copy;
      };
      if (typeof value === 'string') out.push(at(42), at(`${value} not valid!`), at(''));
      else if (typeof value === 'boolean') out.push(at('yes'));
      else if (typeof value === 'number') out.push(at(-1), at('1'));
      else if (Array.isArray(value)) out.push(at([]), at([...value, ...value]), at([{}]));
      else if (value !== null && typeof value === 'object') {
        out.push(at({ ...value, unknownFieldX: 1 }), at({}));
        walk(value as Record<string, unknown>, [...path, key]);
      }
    }
  };
  walk(doc, []);
  return out;
}
