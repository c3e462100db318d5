// `show`: its options only (commander); the implementation loads when the command runs (actions/show.ts).
import type { Command } from 'commander';
import { formatOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';

export function registerShow(program: Command, context: CliContext): void {
  program
    .command('show')
    .description('Print a saved plan (plan --out) as plan shows it: for reading an artifact. Showing it trusts nothing in it; apply still re-plans.')
    .argument('<plan>', 'a saved plan file')
    .addOption(formatOption(['text', 'markdown']))
    .addHelpText('after', '\nExit codes: 0 shown, 1 the file is not a plan this exo-gitops reads.')
    .action(async (file: string, options: { format: 'text' | 'markdown' }) => (await import('../actions/show.js')).show(file, options, context));
}
