// The JSON Schemas whose ajv validators are compiled ahead of time (ajv's standalone code), so no run
// compiles a schema, nor even loads ajv: compiling the six CRD schemas took ~0.2 s of every validate.
//
// Each set becomes one generated module, src/schema/generated/<name>.ts, committed beside the
// sources so the tests (which run src/ in-process) and the built CLI (dist/, compiled from it by tsc)
// run the same validators. test/cli/precompiled-schemas.test.ts regenerates every set and fails
// when a module is stale (crds/ edited, a schema or ajv changed):
//
//   UPDATE_GOLDEN=1 npx vitest run test/cli/precompiled-schemas.test.ts     # rewrites them
//
// To precompile another schema: add a set here (its schemas as a function, so nothing is computed
// until the generator runs), run the command above, and import the generated module where the schema
// was compiled (`import { validators } from '../schema/generated/<name>.js'`). The options must be the
// ones the schema was compiled with at run time: ajv's errors, hence the findings, depend on them.
// Nothing at run time imports this module (it reads crds/ with a YAML parser): only the generator does.

import type { Options } from 'ajv';
import { loadCrdSchemas } from './crds.js';
import { PLAN_FILE_SCHEMA } from './plan-file.js';
import { settingsSchema } from './settings.js';
import { SNAPSHOT_SCHEMA, snapshotEntrySchemas } from './snapshot.js';

type JsonSchema = Record<string, unknown>;

export interface SchemaSet {
  /** The generated module: src/schema/generated/<name>.ts. */
  name: string;
  /** What the set is for, written at the top of the generated module. */
  purpose: string;
  /** ajv's options, as at run time: the validators' errors depend on them. */
  options: Options;
  /** Export name (an identifier) → JSON Schema. Compiled in this order, with one ajv instance. */
  schemas: () => Record<string, JsonSchema>;
  /** Also export the schemas themselves as `schemas` (for messages that look into the schema). */
  exportSchemas?: boolean;
}

export const SCHEMA_SETS: readonly SchemaSet[] = [
  {
    name: 'crds',
    purpose: "Each kind's schema, derived from crds/*.yaml by src/schema/crds.ts; used by src/load/schema-check.ts.",
    options: { allErrors: true, strict: true, allowUnionTypes: true },
    schemas: () => Object.fromEntries([...loadCrdSchemas()].map(([kind, crd]) => [kind, crd.schema])),
    exportSchemas: true,
  },
  {
    name: 'settings',
    purpose: 'The settings file (exo-gitops.yaml) of src/schema/settings.ts, as src/load/settings-file.ts checks it.',
    options: { allErrors: true, strict: true },
    schemas: () => ({ settings: settingsSchema() }),
  },
  {
    name: 'snapshot',
    purpose: "A live snapshot of src/schema/snapshot.ts, whole and each collection's entry on its own; used by src/load/snapshot.ts.",
    options: { allErrors: false, strict: false },
    schemas: () => ({ snapshot: SNAPSHOT_SCHEMA as unknown as JsonSchema, ...(snapshotEntrySchemas() as Record<string, JsonSchema>) }),
  },
  {
    name: 'plan-file',
    purpose: 'A saved plan file, of src/schema/plan-file.ts; used by src/plan/plan-file.ts (apply, render, show).',
    options: { allErrors: false, strict: false },
    schemas: () => ({ planFile: PLAN_FILE_SCHEMA as unknown as JsonSchema }),
  },
];
