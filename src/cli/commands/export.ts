// `export`: its options only (commander); the implementation loads when the command runs (actions/export.ts).
import type { Command } from 'commander';
import { sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { ExportCliOptions } from '../actions/export.js';

export function registerExport(program: Command, context: CliContext): void {
  program
    .command('export')
    .description("Read each tenant's live state through Exchange Online PowerShell (one bulk Get-* per kind) into <state>/<tenant>.json.")
    .addOption(sharedOption('dir', 'config directory (its Tenant documents say how to sign in)'))
    .addOption(sharedOption('tenant', 'export only this tenant'))
    .requiredOption('-s, --state <dir>', 'directory to write <tenant>.json snapshots into')
    .addOption(sharedOption('concurrency', 'read at most <n> tenants at once (one PowerShell each)'))
    .addHelpText('after', '\nRuns $EXO_GITOPS_PWSH (default pwsh). Exit codes: 0 exported, 1 error (nothing is written for a tenant that failed).')
    .action(async (options: ExportCliOptions) => (await import('../actions/export.js')).exportCommand(options, context));
}
