import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { combinedSchema, jsonSchemaFileName, loadCrdSchemas } from '../../schema/crds.js';
import { SETTINGS_SCHEMA_FILE, settingsSchema } from '../../schema/settings.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { CliContext } from '../context.js';

export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('Write the JSON Schema of every kind (derived from crds/) and of the settings file, for editors such as VS Code with the YAML extension.')
    .requiredOption('-o, --out <dir>', `directory to write <kind>.schema.json, exo-gitops.schema.json and ${SETTINGS_SCHEMA_FILE} into`)
    .action(async (options: { out: string }) => {
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
    });
}
