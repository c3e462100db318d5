// The CRD manifests in crds/ are the single source of truth for each kind's shape. This module reads
// them and derives plain JSON Schema (draft-07): the form ajv compiles and editors understand.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parse } from 'yaml';
import { API_VERSION, RESOURCE_KINDS, type ResourceKind } from '../model/desired.js';

type JsonSchema = Record<string, unknown>;

/** crds/ sits at the package root: two levels up from both src/schema and dist/schema. */
const CRD_DIRECTORY = fileURLToPath(new URL('../../crds/', import.meta.url));

export interface CrdSchema {
  kind: ResourceKind;
  file: string;
  /** JSON Schema derived from the CRD's openAPIV3Schema. */
  schema: JsonSchema;
}

/**
 * Kubernetes prunes or rejects unknown fields of a structural schema by itself; plain JSON Schema
 * needs it said. Every object that lists its properties therefore gets additionalProperties: false,
 * so a misspelt field is an error, not a silently ignored setting.
 */
function toStrictJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toStrictJsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] = toStrictJsonSchema(value);
  }
  if (out.type === 'object' && out.properties !== undefined && out.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

let cache: Map<ResourceKind, CrdSchema> | undefined;

export function loadCrdSchemas(directory: string = CRD_DIRECTORY): Map<ResourceKind, CrdSchema> {
  if (cache && directory === CRD_DIRECTORY) return cache;
  const byKind = new Map<ResourceKind, CrdSchema>();
  for (const name of readdirSync(directory).sort()) {
    if (!/\.ya?ml$/.test(name)) continue;
    const file = join(directory, name);
    const crd = parse(readFileSync(file, 'utf8')) as {
      spec: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: JsonSchema } }[] };
    };
    const kind = crd.spec.names.kind as ResourceKind;
    if (!RESOURCE_KINDS.includes(kind)) throw new Error(`${file}: CRD for unknown kind ${kind}`);
    const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
    if (!version) throw new Error(`${file}: no v1alpha1 version`);
    const schema = toStrictJsonSchema(version.schema.openAPIV3Schema) as JsonSchema;
    byKind.set(kind, {
      kind,
      file,
      schema: {
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: jsonSchemaFileName(kind),
        title: `exo-gitops ${kind}`,
        ...schema,
      },
    });
  }
  for (const kind of RESOURCE_KINDS) {
    if (!byKind.has(kind)) throw new Error(`${directory}: no CRD for ${kind}`);
  }
  if (directory === CRD_DIRECTORY) cache = byKind;
  return byKind;
}

export function jsonSchemaFileName(kind: ResourceKind): string {
  return `${kind.toLowerCase()}.schema.json`;
}

/** Any-case letters of a word, as a JSON Schema pattern (ECMA-262 patterns take no i flag). */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
}

/**
 * One schema for every exo-gitops YAML file, choosing the kind's schema by `kind`, so an editor can be
 * pointed at a single file for all documents of the repository, or at every YAML file of it: the
 * schema constrains only documents that claim to be ours, and accepts any other (mkdocs.yml, a compose
 * file, a CI file) as it is. A document claims to be ours, as for the loader (src/load/ownership.ts),
 * by an apiVersion that starts with exo in any case (so exo.gitop/v1alpha1 and Exo.Gitops/v1alpha1
 * are flagged), or by a kind of ours with no apiVersion. The editor's test is simpler than the
 * loader's edit distance: JSON Schema has patterns only.
 */
export function combinedSchema(): JsonSchema {
  const ours = {
    anyOf: [
      { type: 'object', required: ['apiVersion'], properties: { apiVersion: { type: 'string', pattern: `^\\s*${anyCase('exo')}` } } },
      { type: 'object', required: ['kind'], properties: { kind: { enum: [...RESOURCE_KINDS] } }, not: { required: ['apiVersion'] } },
    ],
  };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'exo-gitops.schema.json',
    title: 'exo-gitops resource',
    description: 'Documents whose apiVersion starts with exo, or with a kind of exo-gitops and no apiVersion, are exo-gitops resources; other YAML is left alone.',
    if: ours,
    then: {
      type: 'object',
      required: ['apiVersion', 'kind'],
      properties: {
        apiVersion: { const: API_VERSION },
        kind: { enum: [...RESOURCE_KINDS] },
      },
      allOf: RESOURCE_KINDS.map((kind) => ({
        if: { properties: { kind: { const: kind } }, required: ['kind'] },
        then: { $ref: jsonSchemaFileName(kind) },
      })),
    },
  };
}
