// `import`: its options only (commander); the implementation loads when the command runs (actions/import.ts).
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import type { ImportOptions } from '../actions/import.js';

export function registerImport(program: Command, context: CliContext): void {
  program
    .command('import')
    .description("Write YAML for what a tenant already has (relationships, endpoints, published scope groups, MEUs, cloud-managed mailboxes), from its live state or a snapshot. Plan of the result shows no changes.")
    .requiredOption('-t, --tenant <name>', 'the tenant to import (its metadata.name)')
    .requiredOption('-o, --out <dir>', 'write <dir>/<tenant>/*.yaml (and members CSVs) here; existing files are kept unless --force')
    .option('-d, --dir <dir>', "config directory whose Tenant documents say how to sign in and name the partners (needed without --state)")
    .option('-s, --state <dir>', 'read <dir>/<tenant>.json instead of exporting; the other snapshots there are the partners')
    .option('--peer-state <dir>', "without --state: partners' snapshots, to link each mail user to its source mailbox")
    .option('--force', 'overwrite files that exist')
    .addHelpText('after', '\nNo secret is written: sign-in and endpoint secrets are environment-variable names to fill in. Exit codes: 0 imported, 1 error (nothing is written).')
    .action(async (options: ImportOptions) => (await import('../actions/import.js')).importCommand(options, context));
}

