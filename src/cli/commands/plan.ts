// `plan`: its options only (commander); the implementation loads when the command runs (actions/plan.ts).
import type { Command } from 'commander';
import { formatOption, sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { PlanCliOptions } from '../actions/plan.js';

export function registerPlan(program: Command, context: CliContext): void {
  program
    .command('plan')
    .description('Compare the desired state with live state of every tenant (with --tenant, of one, the others from their snapshots) and show the ordered changes, with the cross-tenant preflight findings.')
    .addOption(sharedOption('dir'))
    .addOption(sharedOption('state'))
    .addOption(sharedOption('refresh'))
    .addOption(sharedOption('baselineRef'))
    .addOption(formatOption(['text', 'markdown', 'json']))
    .addOption(sharedOption('out'))
    .addOption(sharedOption('maxActions'))
    .addOption(sharedOption('concurrency', 'when exporting live state: read at most <n> tenants at once (one PowerShell each)'))
    .addOption(sharedOption('tenant', "plan only this tenant, reading only its live state (only its credentials are needed); the other tenants' state comes from their snapshots, and the plan says so"))
    .option('--peer-state <dir>', "with --tenant: the other tenants' snapshots <dir>/<tenant>.json (default: --state's); without one, the checks that need it are skipped (a PeerStateMissing warning)")
    .addHelpText('after', '\nExit codes: 0 nothing to apply (no changes, or only blocked ones: they are findings saying where to act), 2 changes to apply, 1 error (invalid YAML, failed export, unknown --tenant, or error findings).')
    .action(async (options: PlanCliOptions) => (await import('../actions/plan.js')).plan(options, context));
}
