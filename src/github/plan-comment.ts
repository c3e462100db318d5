// `github plan-comment`: plan a pull request's head and its base against the same live state, and
// keep one sticky comment on the pull request (and the job summary) separating what the pull
// request introduces from drift that was already there. Everything is computed first; GitHub is
// called only to publish the body.

import { resolve } from 'node:path';
import { loadLiveState, planValidated, plannable, rotationsOf, type RotationBaseline } from '../export/prepare.js';
import { hasErrors } from '../model/finding.js';
import type { Plan } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { annotateFindings } from '../render/annotations.js';
import { renderPlanJson } from '../render/plan-json.js';
import { summaryLine } from '../render/plan-text.js';
import { GitHubSetupError, type GitHubSettings, type SettingsNeeds } from '../settings/github.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { validateDirectory, validateDirectoryAt, type ValidationResult } from '../validate/validate.js';
import { PLAN_MARKER, invalidCommentBody, planCommentBody, type LiveStateSource } from './bodies.js';
import { createClient } from './client.js';
import { pullRequestOf, readEventPayload, type PullRequestEvent } from './event.js';
import { allIntroduced, splitPlans, type PlanSplit } from './split.js';
import { upsertStickyComment } from './sticky-comment.js';
import { appendSummary, now, posting, setupFailed, type GitHubUseCaseContext } from './use-case.js';

/** The pull_request event is read; the token is checked later, as a summary-only run needs none. */
export const PLAN_COMMENT_NEEDS: SettingsNeeds = { token: false, event: true };

export interface PlanCommentOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  /** Write the job summary only, never call the GitHub API (automatic for pull requests from forks). */
  summaryOnly?: boolean;
  /** Save the head plan as JSON here. */
  out?: string;
  maxActions: number;
}

/** The base commit's desired state, validated as the head's is; or why it cannot be planned. */
type Base = { ok: true; validation: ValidationResult & { sha: string } } | { ok: false; problem: string };

async function baseOf(directory: string, baseSha: string): Promise<Base> {
  try {
    const validation = await validateDirectoryAt(directory, baseSha);
    if (!validation.rulesRan) return { ok: false, problem: `its desired state does not load: ${validation.findings.filter((f) => f.severity === 'error').length} error(s)` };
    return { ok: true, validation };
  } catch (error) {
    return { ok: false, problem: `${(error as Error).message.split('\n')[0]}; does the checkout have the history (fetch-depth: 0)?` };
  }
}

/** Where the live state came from: snapshots read as they are, or exported by this run. */
function liveStateSource(options: PlanCommentOptions, snapshots: Map<string, Snapshot>): LiveStateSource {
  return options.state !== undefined && options.refresh !== true
    ? { kind: 'snapshots', directory: options.state, exportedAt: Object.fromEntries([...snapshots].map(([tenant, s]) => [tenant, s.exportedAt])) }
    : { kind: 'exported', at: now() };
}

/**
 * The head plan and its split against the base plan, both against the same snapshots. The head sends
 * endpoint secrets again where credentials.rotation differs from the base.
 */
async function planPullRequest(
  head: ValidationResult,
  snapshots: Map<string, Snapshot>,
  pr: PullRequestEvent,
  options: PlanCommentOptions,
  context: GitHubUseCaseContext,
): Promise<{ plan: Plan; split: PlanSplit; baseProblem?: string }> {
  const base = await baseOf(resolve(context.cwd, options.dir), pr.baseSha);
  const baseline: RotationBaseline | undefined = base.ok ? rotationsOf(base.validation.desired) : undefined;
  const planOptions = { dir: options.dir, maxActions: options.maxActions, ...(baseline ? { baseline } : {}) };
  // Documents the pull request removes: no longer managed, and nothing is deleted; the comment says so.
  const plan = await planValidated(head, snapshots, { ...planOptions, ...(base.ok ? { removedSince: { ref: pr.baseSha, desired: base.validation.desired } } : {}) }, context);
  if (!base.ok) return { plan, split: allIntroduced(plan), baseProblem: base.problem };
  const { validation } = base;
  const baseSnapshots = new Map([...snapshots].filter(([tenant]) => validation.desired.tenants.some((t) => t.name === tenant)));
  const basePlan = await planValidated(validation, baseSnapshots, { ...planOptions, commit: { sha: validation.sha, dirty: false } }, context);
  return { plan, split: splitPlans(basePlan, plan) };
}

/** Plan the pull request of the event and publish the comment; resolves to the exit code. */
export async function planComment(options: PlanCommentOptions, settings: GitHubSettings, botLogin: string, context: GitHubUseCaseContext): Promise<number> {
  let pr: PullRequestEvent;
  try {
    pr = pullRequestOf(await readEventPayload(resolve(context.cwd, settings.eventPath!)), settings.repository);
  } catch (error) {
    if (!(error instanceof GitHubSetupError)) throw error;
    return setupFailed(error.message, context);
  }
  // A fork's GITHUB_TOKEN is read-only (and secrets are absent): its plan goes to the job summary only.
  const summaryOnly = options.summaryOnly === true || pr.fork;
  if (pr.fork && options.summaryOnly !== true) context.stderr(`github plan-comment: pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'deleted repository'}): writing the job summary only`);
  if (!summaryOnly && settings.token === undefined) {
    return setupFailed('GitHub environment is incomplete; nothing was posted:\n  GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ github.token }}), or use --summary-only', context);
  }
  const publish = async (body: string): Promise<void> => {
    await appendSummary(settings, body, context);
    if (summaryOnly) {
      context.stdout(`plan for #${pr.number} written to the job summary${settings.stepSummary === undefined ? ' (GITHUB_STEP_SUMMARY is not set: printed here instead)' : ''}`);
      if (settings.stepSummary === undefined) context.stdout(body);
      return;
    }
    const client = createClient(settings, context.stderr);
    const result = await posting(`posting the plan comment on #${pr.number}`, () => upsertStickyComment(client, settings.repository, pr.number, PLAN_MARKER, body, botLogin));
    context.stdout(`plan comment ${result.action}: ${result.url}`);
  };

  const validation = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
  if (!plannable(validation)) {
    await publish(invalidCommentBody({ pullRequest: pr.number, headSha: pr.headSha, findings: validation.findings, ...(settings.runUrl ? { runUrl: settings.runUrl } : {}), at: now() }));
    context.stderr('github plan-comment: the desired state is invalid; nothing was planned');
    annotateFindings(validation.findings, context);
    return 1;
  }

  const snapshots = await loadLiveState(validation.desired, { dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), refresh: options.refresh === true }, context);
  const live = liveStateSource(options, snapshots);
  const { plan, split, baseProblem } = await planPullRequest(validation, snapshots, pr, options, context);

  if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(plan));
  const body = planCommentBody({
    pullRequest: pr.number,
    baseSha: pr.baseSha,
    headSha: pr.headSha,
    split,
    live,
    ...(baseProblem ? { baseProblem } : {}),
    ...(settings.runUrl ? { runUrl: settings.runUrl } : {}),
    at: now(),
  });
  await publish(body);
  context.stdout(`this pull request: ${summaryLine(split.introduced.summary)}; already there: ${summaryLine(split.alreadyThere.summary)}; undone: ${split.removed.length}`);
  // The head's findings, on the lines of the pull request's diff.
  annotateFindings(plan.findings, context);
  return hasErrors(plan.findings) ? 1 : 0;
}
