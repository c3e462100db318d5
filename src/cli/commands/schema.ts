// `schema`: its options only (commander); the implementation loads when the command runs (actions/schema.ts).
import type { Command } from 'commander';
import { SETTINGS_SCHEMA_FILE } from '../../schema/settings.js';
import type { CliContext } from '../context.js';

export function registerSchema(program: Command, context: CliContext): void {
  program
    .command('schema')
    .description('Write the JSON Schema of every kind (derived from crds/) and of the settings file, for editors such as VS Code with the YAML extension.')
    .requiredOption('-o, --out <dir>', `directory to write <kind>.schema.json, exo-gitops.schema.json and ${SETTINGS_SCHEMA_FILE} into`)
    .action(async (options: { out: string }) => (await import('../actions/schema.js')).schema(options, context));
}
