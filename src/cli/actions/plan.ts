// The plan command's implementation, loaded only when plan runs (its options: commands/plan.ts).
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
import type { CliContext } from '../context.js';

export interface PlanCliOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  baselineRef?: string;
  format: 'text' | 'markdown' | 'json';
  out?: string;
  maxActions: number;
  tenant?: string;
  peerState?: string;
  concurrency: number;
}

export async function plan(options: PlanCliOptions, context: CliContext): Promise<void> {
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
      concurrency: options.concurrency,
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
}
