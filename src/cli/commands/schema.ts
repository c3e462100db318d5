import type { Command } from 'commander';
import { join, resolve } from 'node:path';
import { combinedSchema, jsonSchemaFileName, loadCrdSchemas } from '../../schema/crds.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { CliContext } from '../context.js';

export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('Write the JSON Schema of every kind (derived from crds/) for editors such as VS Code with the YAML extension.')
    .requiredOption('-o, --out <dir>', 'directory to write <kind>.schema.json and exo-gitops.schema.json into')
    .action(async (options: { out: string }) => {
      const out = resolve(context.cwd, options.out);
      const written: string[] = [];
      for (const [kind, crd] of loadCrdSchemas()) {
        const file = join(out, jsonSchemaFileName(kind));
        await writeFileAtomic(file, `${JSON.stringify(crd.schema, null, 2)}\n`);
        written.push(file);
      }
      const combined = join(out, 'exo-gitops.schema.json');
      await writeFileAtomic(combined, `${JSON.stringify(combinedSchema(), null, 2)}\n`);
      written.push(combined);
      for (const file of written) context.stdout(`wrote ${file}`);
    });
}
