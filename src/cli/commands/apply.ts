// `apply`: its options only (commander); the implementation loads when the command runs (actions/apply.ts).
import { InvalidArgumentError, Option, type Command } from 'commander';
import { DESTRUCTIVE_CLASSES } from '../../model/plan.js';
import { sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { ApplyCliOptions } from '../actions/apply.js';
import { parseRequestBudget, type RequestBudget } from '../../powershell/retry.js';

function parseBudgetOption(value: string): RequestBudget | null {
  try {
    return parseRequestBudget(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

export function registerApply(program: Command, context: CliContext): void {
  program
    .command('apply')
    .description('Make the planned changes: one PowerShell session per tenant, target tenants first, each action reported as it finishes.')
    .addOption(sharedOption('dir'))
    .option('-p, --plan <file>', 'apply this saved plan (plan --out); refused when desired or live state changed since')
    .addOption(sharedOption('state', 'read live snapshots from <dir> instead of exporting'))
    .addOption(sharedOption('baselineRef', 'when planning: the commit already applied; endpoint secrets are sent again where credentials.rotation differs from it'))
    .addOption(new Option('--allow <class...>', 'allow destructive actions of these classes').choices([...DESTRUCTIVE_CLASSES]).default([]))
    .option('-y, --yes', 'do not ask for confirmation (required when not on a terminal)')
    .option('--record <file>', 'write the run record (JSON) to <file>; also when refused, stale, or with nothing to do')
    .addOption(sharedOption('tenant', "apply only this tenant's actions (one job per tenant); with --plan, the whole plan is still rebuilt and compared"))
    .option('--peer-state <dir>', 'with --plan and --tenant: the other tenants\' snapshots the plan was made from (plan --state DIR --refresh), checked against the plan\'s digests; without it they are exported')
    .addOption(sharedOption('maxActions', 'per-tenant action limit when planning (0: none)'))
    .addOption(sharedOption('concurrency', 'apply to at most <n> tenants at once (one PowerShell each; tenants of one role side by side, targets before sources); also the exports when planning'))
    .addOption(new Option('--request-budget <budget>', "pace each tenant's Exchange calls to this budget: <requests>/<window> (20/10s; ms, s or m), or off; default EXO_GITOPS_REQUEST_BUDGET, else 20/10s").argParser(parseBudgetOption))
    .addHelpText('after', '\nExit codes: 0 every action succeeded (or there was nothing to do), 1 refused, stale, or an action failed, 130 interrupted (Ctrl-C or SIGTERM: the action in flight finishes, no new one starts).')
    .action(async (options: ApplyCliOptions) => (await import('../actions/apply.js')).apply(options, context));
}
