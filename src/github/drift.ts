// `github drift`: plan the desired state (the default branch) against live state, and keep one open
// issue while they differ: opened when drift appears, updated while it lasts, closed with a comment
// when it is gone. The job summary says the same.

import { resolve } from 'node:path';
import { preparePlan } from '../export/prepare.js';
import { annotateFindings } from '../render/annotations.js';
import { renderPlanJson } from '../render/plan-json.js';
import { summaryLine } from '../render/plan-text.js';
import type { GitHubSettings, SettingsNeeds } from '../settings/github.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { DRIFT_ISSUE_TITLE, DRIFT_LABEL, driftGoneComment, driftIssueBody, driftOutsideOnlyComment, hasDrift, outsideActions, outsideMarker } from './bodies.js';
import { createClient } from './client.js';
import { findLatestLabelledIssue, findOpenLabelledIssue, syncDriftIssue } from './issues.js';
import { appendSummary, now, posting, type GitHubUseCaseContext } from './use-case.js';

export const DRIFT_NEEDS: SettingsNeeds = { token: true, event: false };

export interface DriftOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  /** Save the drift plan as JSON here. */
  out?: string;
  maxActions: number;
}

/** Check for drift and keep the drift issue in step; resolves to the exit code (0 whether or not there is drift). */
export async function drift(options: DriftOptions, settings: GitHubSettings, context: GitHubUseCaseContext): Promise<number> {
  const prepared = await preparePlan({ dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), refresh: options.refresh === true, maxActions: options.maxActions }, context);
  if (!prepared.ok) {
    context.stderr('github drift: the desired state is invalid or declares no Tenant; drift was not checked (run exo-gitops validate)');
    annotateFindings(prepared.findings, context);
    return 1;
  }
  const { plan } = prepared;
  if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(plan));
  const checkedAt = now();
  const sha = settings.sha ?? plan.commit?.sha;
  const client = createClient(settings, context.stderr);
  const where = { checkedAt, ...(sha ? { sha } : {}), ...(settings.runUrl ? { runUrl: settings.runUrl } : {}) };
  const drifted = hasDrift(plan);
  // Changes only someone outside exo-gitops can make (blocked actions) are reported once: when they
  // are all that is left and an issue has said exactly these, the issue closes and stays closed.
  const outside = outsideActions(plan);
  const reported = !drifted && outside.length > 0 && (await posting('reading the drift issue', () => alreadyReported(client, settings, outsideMarker(outside))));
  const body = drifted || (outside.length > 0 && !reported) ? driftIssueBody({ plan, ...where }) : undefined;
  const result = await posting('updating the drift issue', () =>
    syncDriftIssue(client, settings.repository, {
      label: DRIFT_LABEL,
      title: DRIFT_ISSUE_TITLE,
      body,
      closingComment: outside.length > 0 ? driftOutsideOnlyComment({ ...where, outside: outside.length }) : driftGoneComment(where),
    }),
  );
  const said = result.action === 'none' ? 'no drift issue open' : `drift issue ${result.action}: ${result.issue.url}`;
  const what = drifted ? `drift: ${summaryLine(plan.summary)}` : outside.length > 0 ? `no drift apply can fix; ${outside.length} change(s) need action outside exo-gitops${reported ? ', reported before' : ''}` : 'no drift';
  context.stdout(`${what}; ${said}`);
  annotateFindings(plan.findings, context);
  await appendSummary(settings, body ?? `### exo-gitops drift check\n\n${outside.length > 0 ? `No drift apply can fix; ${outside.length} change(s) need action outside exo-gitops, already reported` : 'No drift: live state matches the desired state'} (checked ${checkedAt}).`, context);
  return 0;
}

/** Whether the open drift issue, or the last one if none is open, has reported exactly these changes. */
async function alreadyReported(client: ReturnType<typeof createClient>, settings: GitHubSettings, marker: string): Promise<boolean> {
  const open = await findOpenLabelledIssue(client, settings.repository, DRIFT_LABEL);
  if (open) return open.body.includes(marker);
  return (await findLatestLabelledIssue(client, settings.repository, DRIFT_LABEL))?.body.includes(marker) === true;
}
