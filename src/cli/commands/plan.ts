import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { hasErrors } from '../../model/finding.js';
import { actionCount } from '../../model/plan.js';
import { renderFindingText } from '../../render/findings.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { formatOption, type CliContext } from '../context.js';
import { preparePlan } from '../prepare.js';
import { DEFAULT_MAX_ACTIONS_PER_TENANT } from '../../plan/plan.js';

export function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`expected a whole number, got ${JSON.stringify(value)}`);
  return n;
}

export function registerPlan(program: Command, context: CliContext): void {
  program
    .command('plan')
    .description('Compare the desired state with live state of every tenant and show the ordered changes, with the cross-tenant preflight findings.')
    .option('-d, --dir <dir>', 'config directory', '.')
    .option('-s, --state <dir>', 'read live snapshots <dir>/<tenant>.json instead of exporting (offline)')
    .option('--refresh', 'export live state first (into --state when given)')
    .option('--baseline-ref <ref>', 'the commit already applied (or a pull request\'s base): endpoint secrets are sent again where credentials.rotation differs from it')
    .addOption(formatOption(['text', 'markdown', 'json']))
    .option('-o, --out <file>', 'also save the plan as JSON, for apply --plan and as a workflow artifact')
    .addOption(new Option('--max-actions <n>', 'refuse (as an error finding) more than <n> actions in one tenant; 0 for no limit').argParser(parseCount).default(DEFAULT_MAX_ACTIONS_PER_TENANT))
    .addHelpText('after', '\nExit codes: 0 no changes, 2 changes present, 1 error (invalid YAML, failed export, or error findings).')
    .action(async (options: { dir: string; state?: string; refresh?: boolean; baselineRef?: string; format: 'text' | 'markdown' | 'json'; out?: string; maxActions: number }) => {
      const prepared = await preparePlan({ dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), refresh: options.refresh === true, maxActions: options.maxActions, ...(options.baselineRef !== undefined ? { baselineRef: options.baselineRef } : {}) }, context);
      if (!prepared.ok) {
        for (const f of prepared.findings) context.stderr(renderFindingText(f, { color: context.color }));
        context.stderr(prepared.findings.length > 0 ? 'plan: the desired state is invalid; nothing was planned' : 'plan: no Tenant documents found; nothing to plan');
        context.setExitCode(1);
        return;
      }
      const { plan } = prepared;
      if (options.format === 'json') context.stdout(renderPlanJson(plan).trimEnd());
      else if (options.format === 'markdown') context.stdout(renderPlanMarkdown(plan));
      else context.stdout(renderPlanText(plan, { color: context.color }));
      if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(plan));
      context.setExitCode(hasErrors(plan.findings) ? 1 : actionCount(plan.summary) > 0 ? 2 : 0);
    });
}
