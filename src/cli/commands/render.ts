// `render`: its options only (commander); the implementation loads when the command runs (actions/render.ts).
import type { Command } from 'commander';
import { sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { RenderCliOptions } from '../actions/render.js';

export function registerRender(program: Command, context: CliContext): void {
  program
    .command('render')
    .description('Print the PowerShell that apply would run for a saved plan: one commented block per action, for review or to run by hand.')
    .requiredOption('-p, --plan <file>', 'a saved plan (plan --out)')
    .addOption(sharedOption('tenant'))
    .action(async (options: RenderCliOptions) => (await import('../actions/render.js')).render(options, context));
}
