// `validate`: its options only (commander); the implementation loads when the command runs (actions/validate.ts).
import type { Command } from 'commander';
import { formatOption, sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { ValidateCliOptions } from '../actions/validate.js';

export function registerValidate(program: Command, context: CliContext): void {
  program
    .command('validate')
    .description('Check the YAML desired state: syntax, schema, and the cross-resource and cross-tenant rules that need no live state.')
    .addOption(sharedOption('dir', 'config directory to read (every *.yaml and *.yml below it that holds exo-gitops documents; exo-gitops.yaml there may include and exclude files)'))
    .addOption(formatOption(['text', 'json']))
    .addHelpText('after', '\nExit codes: 0 valid (warnings allowed), 1 errors found.')
    .action(async (options: ValidateCliOptions) => (await import('../actions/validate.js')).validate(options, context));
}
