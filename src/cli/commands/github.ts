// `exo-gitops github …`: what the workflows in examples/contoso-northwind/.github/workflows run.
// Commander wiring only: the options here; the GITHUB_* checks and the use cases load when a
// command runs (actions/github.ts).
import type { Command } from 'commander';
import { sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';
import type { ApplyReportOptions, DriftOptions, PlanCommentOptions } from '../actions/github.js';

export function registerGitHub(program: Command, context: CliContext): void {
  const github = program
    .command('github')
    .description('GitHub Actions integration: the pull-request plan comment, drift issue and apply report (reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL).');

  github
    .command('plan-comment')
    .description("Plan the pull request's head and its base against the same live state, and keep one sticky comment on the pull request separating what it introduces from drift already there; also the job summary.")
    .addOption(sharedOption('dir', "config directory (the pull request's head checkout)"))
    .addOption(sharedOption('state', 'plan against snapshots <dir>/<tenant>.json instead of exporting (offline: what fork pull requests get)'))
    .addOption(sharedOption('refresh'))
    .option('--summary-only', 'write the job summary only, never call the GitHub API (automatic for pull requests from forks)')
    .addOption(sharedOption('out', "save the head plan as JSON (upload it as the run's plan artifact)"))
    .addOption(sharedOption('maxActions'))
    .addHelpText('after', '\nExit codes: 0 planned and posted, 1 error findings in the head plan (the check fails), invalid desired state, or a failure.')
    .action(async (options: PlanCommentOptions) => (await import('../actions/github.js')).planCommentCommand(options, context));

  github
    .command('drift')
    .description('Plan the desired state against live state and keep one open issue (label exo-gitops-drift): opened when drift appears, updated while it lasts, closed with a comment when it is gone.')
    .addOption(sharedOption('dir', "config directory (the default branch's checkout)"))
    .addOption(sharedOption('state', 'read snapshots <dir>/<tenant>.json instead of exporting'))
    .addOption(sharedOption('refresh'))
    .addOption(sharedOption('out', 'save the drift plan as JSON'))
    .addOption(sharedOption('maxActions'))
    .addHelpText('after', '\nExit codes: 0 checked (the issue is the signal), 1 invalid desired state, failed export or failed GitHub request.')
    .action(async (options: DriftOptions) => (await import('../actions/github.js')).driftCommand(options, context));

  github
    .command('apply-report')
    .description('Post the result of an apply run on the merged pull request of the commit (one comment, updated on re-runs); open an issue (label exo-gitops-apply-failed) when it failed or was refused, close it after a success.')
    .requiredOption('-r, --record <file...>', 'run records written by apply --record (one per tenant job); a missing file counts as a job that ended before recording')
    .option('--sha <sha>', 'the applied commit (default: GITHUB_SHA)')
    .addHelpText('after', '\nExit codes: 0 reported (whatever the apply outcome), 1 a GitHub request failed or the environment is incomplete.')
    .action(async (options: ApplyReportOptions) => (await import('../actions/github.js')).applyReportCommand(options, context));
}
