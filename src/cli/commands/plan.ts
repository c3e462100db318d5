import type { Command } from 'commander';
import { resolve } from 'node:path';
import { preparePlan, unplannableReason } from '../../export/prepare.js';
import { hasErrors } from '../../model/finding.js';
import { runnableCount } from '../../model/plan.js';
import { annotateFindings } from '../../render/annotations.js';
import { renderFindingText } from '../../render/findings.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { formatOption, sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';

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
    .addOption(sharedOption('tenant', "plan only this tenant, reading only its live state (only its credentials are needed); the other tenants' state comes from their snapshots, and the plan says so"))
    .option('--peer-state <dir>', "with --tenant: the other tenants' snapshots <dir>/<tenant>.json (default: --state's); without one, the checks that need it are skipped (a PeerStateMissing warning)")
    .addHelpText('after', '\nExit codes: 0 nothing to apply (no changes, or only blocked ones: they are findings saying where to act), 2 changes to apply, 1 error (invalid YAML, failed export, unknown --tenant, or error findings).')
    .action(async (options: { dir: string; state?: string; refresh?: boolean; baselineRef?: string; format: 'text' | 'markdown' | 'json'; out?: string; maxActions: number; tenant?: string; peerState?: string }) => {
      if (options.peerState !== undefined && options.tenant === undefined) {
        context.stderr("plan: --peer-state needs --tenant (without it, every tenant's live state is read); nothing was planned");
        context.setExitCode(1);
        return;
      }
      const prepared = await preparePlan(
        {
          dir: options.dir,
          ...(options.state !== undefined ? { state: options.state } : {}),
          refresh: options.refresh === true,
          maxActions: options.maxActions,
          ...(options.baselineRef !== undefined ? { baselineRef: options.baselineRef } : {}),
          ...(options.tenant !== undefined ? { tenant: options.tenant } : {}),
          ...(options.peerState !== undefined ? { peerState: options.peerState } : {}),
        },
        context,
      );
      if (!prepared.ok && prepared.problem !== undefined) {
        context.stderr(`plan: ${prepared.problem}; nothing was planned`);
        context.setExitCode(1);
        return;
      }
      if (!prepared.ok) {
        for (const f of prepared.findings) context.stderr(renderFindingText(f, { color: context.color }));
        const reason = unplannableReason(prepared.findings);
        context.stderr(`plan: ${reason}; ${reason === 'the desired state is invalid' ? 'nothing was planned' : 'nothing to plan'}`);
        annotateFindings(prepared.findings, context, { stdoutIsData: options.format !== 'text' });
        context.setExitCode(1);
        return;
      }
      const { plan } = prepared;
      if (options.format === 'json') context.stdout(renderPlanJson(plan).trimEnd());
      else if (options.format === 'markdown') context.stdout(renderPlanMarkdown(plan));
      else context.stdout(renderPlanText(plan, { color: context.color }));
      if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(plan));
      annotateFindings(plan.findings, context, { stdoutIsData: options.format !== 'text' });
      context.setExitCode(hasErrors(plan.findings) ? 1 : runnableCount(plan.summary) > 0 ? 2 : 0);
    });
}
