// The schema command's implementation, loaded only when schema runs (its options: commands/schema.ts).
import { join, resolve } from 'node:path';
import { combinedSchema, jsonSchemaFileName, loadCrdSchemas } from '../../schema/crds.js';
import { SETTINGS_SCHEMA_FILE, settingsSchema } from '../../schema/settings.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { CliContext } from '../context.js';

export async function schema(options: { out: string }, context: CliContext): Promise<void> {
  const out = resolve(context.cwd, options.out);
  const written: string[] = [];
  for (const [kind, crd] of loadCrdSchemas()) {
    const file = join(out, jsonSchemaFileName(kind));
    await writeFileAtomic(file, `${JSON.stringify(crd.schema, null, 2)}\n`);
    written.push(file);
  }
  // Applies to exo-gitops documents only (by apiVersion), so it may be mapped onto every YAML file.
  const combined = join(out, 'exo-gitops.schema.json');
  await writeFileAtomic(combined, `${JSON.stringify(combinedSchema(), null, 2)}\n`);
  written.push(combined);
  const settings = join(out, SETTINGS_SCHEMA_FILE);
  await writeFileAtomic(settings, `${JSON.stringify(settingsSchema(), null, 2)}\n`);
  written.push(settings);
  for (const file of written) context.stdout(`wrote ${file}`);
}
