// `exo-gitops github …`: what the workflows in examples/contoso-northwind/.github/workflows run.
// Each command checks the GITHUB_* variables first (nothing is posted when one is wrong), computes
// everything as plain data, and only then talks to GitHub through src/github.

import { Option, type Command } from 'commander';
import { appendFile, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRunRecord } from '../../apply/record.js';
import { commitOf } from '../../load/git.js';
import { loadDesiredStateAt } from '../../load/git-ref.js';
import { hasErrors, type Finding } from '../../model/finding.js';
import type { Plan } from '../../model/plan.js';
import { endpointKey } from '../../plan/context.js';
import { desiredDigest } from '../../plan/digest.js';
import { buildPlan, DEFAULT_MAX_ACTIONS_PER_TENANT } from '../../plan/plan.js';
import { renderPlanJson } from '../../render/plan-json.js';
import { summaryLine } from '../../render/plan-text.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { checkDesiredState } from '../../validate/rules.js';
import { validateDirectory } from '../../validate/validate.js';
import {
  APPLY_FAILED_LABEL,
  APPLY_MARKER,
  DRIFT_ISSUE_TITLE,
  DRIFT_LABEL,
  PLAN_MARKER,
  applyFailedBody,
  applyFailedTitle,
  applyRecoveredComment,
  applyReportBody,
  driftGoneComment,
  driftIssueBody,
  hasDrift,
  invalidCommentBody,
  overallOutcome,
  planCommentBody,
  type LiveStateSource,
  type ReportedRun,
} from '../../github/bodies.js';
import { createClient } from '../../github/client.js';
import { GitHubSetupError, readGitHubSettings, type GitHubSettings } from '../../github/env.js';
import { pullRequestOf, readEventPayload } from '../../github/event.js';
import { syncDriftIssue, syncFailureIssue } from '../../github/issues.js';
import { mergedPullRequestFor } from '../../github/pulls.js';
import { splitPlans, type PlanSplit } from '../../github/split.js';
import { DEFAULT_BOT_LOGIN, upsertStickyComment } from '../../github/sticky-comment.js';
import type { CliContext } from '../context.js';
import { loadLiveState, preparePlan } from '../prepare.js';
import { parseCount } from './plan.js';

/** Setup problems end the command with exit 1 before anything is computed or posted. */
function settingsOrFail(context: CliContext, needs: { token: boolean; event: boolean }): GitHubSettings | undefined {
  try {
    return readGitHubSettings(context.env, needs);
  } catch (error) {
    if (!(error instanceof GitHubSetupError)) throw error;
    context.stderr(`exo-gitops github: ${error.message}`);
    context.setExitCode(1);
    return undefined;
  }
}

async function appendSummary(settings: GitHubSettings, markdown: string, context: CliContext): Promise<void> {
  if (settings.stepSummary === undefined) return;
  await appendFile(resolve(context.cwd, settings.stepSummary), `${markdown}\n`, 'utf8');
}

/** A failed GitHub request, said as what was being done and GitHub's answer (no token ever appears). */
async function posting<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new Error(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message.split('\n')[0]}`);
  }
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

interface PlanCommentOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  summaryOnly?: boolean;
  out?: string;
  maxActions: number;
}

function emptyPlan(plan: Plan): Plan {
  return { ...plan, tenants: plan.tenants.map((t) => ({ ...t, actions: [] })), findings: [], summary: { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 } };
}

async function planComment(options: PlanCommentOptions, context: CliContext): Promise<void> {
  const settings = settingsOrFail(context, { token: false, event: true });
  if (!settings) return;
  let pr;
  try {
    pr = pullRequestOf(await readEventPayload(resolve(context.cwd, settings.eventPath!)), settings.repository);
  } catch (error) {
    if (!(error instanceof GitHubSetupError)) throw error;
    context.stderr(`exo-gitops github: ${error.message}`);
    context.setExitCode(1);
    return;
  }
  // A fork's GITHUB_TOKEN is read-only (and secrets are absent): its plan goes to the job summary only.
  const summaryOnly = options.summaryOnly === true || pr.fork;
  if (pr.fork && options.summaryOnly !== true) context.stderr(`github plan-comment: pull request #${pr.number} comes from a fork (${pr.headRepository ?? 'deleted repository'}): writing the job summary only`);
  if (!summaryOnly && settings.token === undefined) {
    context.stderr('exo-gitops github: GitHub environment is incomplete; nothing was posted:\n  GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ github.token }}), or use --summary-only');
    context.setExitCode(1);
    return;
  }
  const publish = async (body: string): Promise<void> => {
    await appendSummary(settings, body, context);
    if (summaryOnly) {
      context.stdout(`plan for #${pr.number} written to the job summary${settings.stepSummary === undefined ? ' (GITHUB_STEP_SUMMARY is not set: printed here instead)' : ''}`);
      if (settings.stepSummary === undefined) context.stdout(body);
      return;
    }
    const client = createClient(settings, context.stderr);
    const result = await posting(`posting the plan comment on #${pr.number}`, () => upsertStickyComment(client, settings.repository, pr.number, PLAN_MARKER, body, botLogin(context)));
    context.stdout(`plan comment ${result.action}: ${result.url}`);
  };

  const directory = resolve(context.cwd, options.dir);
  const validation = validateDirectory(options.dir, { cwd: context.cwd });
  if (!validation.rulesRan || validation.desired.tenants.length === 0) {
    await publish(invalidCommentBody({ pullRequest: pr.number, headSha: pr.headSha, findings: validation.findings, ...(settings.runUrl ? { runUrl: settings.runUrl } : {}), at: now() }));
    context.stderr('github plan-comment: the desired state is invalid; nothing was planned');
    context.setExitCode(1);
    return;
  }

  const snapshots = await loadLiveState(validation.desired, { dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), refresh: options.refresh === true }, context);
  const live: LiveStateSource =
    options.state !== undefined && options.refresh !== true
      ? { kind: 'snapshots', directory: options.state, exportedAt: Object.fromEntries([...snapshots].map(([tenant, s]) => [tenant, s.exportedAt])) }
      : { kind: 'exported', at: now() };

  // The base: its desired state read from git, planned against the same snapshots.
  let baseProblem: string | undefined;
  let base: Awaited<ReturnType<typeof loadDesiredStateAt>> | undefined;
  let baseFindings: Finding[] = [];
  try {
    base = await loadDesiredStateAt(directory, pr.baseSha);
    if (hasErrors(base.findings)) baseProblem = `its desired state does not load: ${base.findings.filter((f) => f.severity === 'error').length} error(s)`;
    else baseFindings = [...base.findings, ...checkDesiredState(base.desired)];
  } catch (error) {
    baseProblem = `${(error as Error).message.split('\n')[0]}; does the checkout have the history (fetch-depth: 0)?`;
  }
  // Rotation: the head plan sends endpoint secrets again where credentials.rotation differs from the base.
  const rotationBaseline = base && !baseProblem ? new Map(base.desired.endpoints.filter((e) => e.tenant !== null).map((e) => [endpointKey(e.tenant!, e.name), e.spec.credentials?.rotation])) : undefined;
  const head = buildPlan({
    desired: validation.desired,
    snapshots,
    validationFindings: validation.findings,
    commit: await commitOf(directory),
    desiredDigest: desiredDigest(validation.desired.contentHashes),
    ...(rotationBaseline ? { rotationBaseline } : {}),
    maxActionsPerTenant: options.maxActions,
  });
  let split: PlanSplit;
  if (base && !baseProblem) {
    const basePlan = buildPlan({
      desired: base.desired,
      snapshots: new Map([...snapshots].filter(([tenant]) => base!.desired.tenants.some((t) => t.name === tenant))),
      validationFindings: baseFindings,
      commit: { sha: base.sha, dirty: false },
      desiredDigest: desiredDigest(base.desired.contentHashes),
      ...(rotationBaseline ? { rotationBaseline } : {}),
      maxActionsPerTenant: options.maxActions,
    });
    split = splitPlans(basePlan, head);
  } else {
    split = { introduced: head, alreadyThere: emptyPlan(head), removed: [] };
  }

  if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(head));
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
  context.setExitCode(hasErrors(head.findings) ? 1 : 0);
}

interface DriftOptions {
  dir: string;
  state?: string;
  refresh?: boolean;
  out?: string;
  maxActions: number;
}

async function drift(options: DriftOptions, context: CliContext): Promise<void> {
  const settings = settingsOrFail(context, { token: true, event: false });
  if (!settings) return;
  const prepared = await preparePlan({ dir: options.dir, ...(options.state !== undefined ? { state: options.state } : {}), refresh: options.refresh === true, maxActions: options.maxActions }, context);
  if (!prepared.ok) {
    context.stderr('github drift: the desired state is invalid or declares no Tenant; drift was not checked (run exo-gitops validate)');
    context.setExitCode(1);
    return;
  }
  const { plan } = prepared;
  if (options.out !== undefined) await writeFileAtomic(resolve(context.cwd, options.out), renderPlanJson(plan));
  const checkedAt = now();
  const sha = settings.sha ?? plan.commit?.sha;
  const drifted = hasDrift(plan);
  const body = drifted ? driftIssueBody({ plan, checkedAt, ...(sha ? { sha } : {}), ...(settings.runUrl ? { runUrl: settings.runUrl } : {}) }) : undefined;
  const client = createClient(settings, context.stderr);
  const result = await posting('updating the drift issue', () =>
    syncDriftIssue(client, settings.repository, {
      label: DRIFT_LABEL,
      title: DRIFT_ISSUE_TITLE,
      body,
      closingComment: driftGoneComment({ checkedAt, ...(sha ? { sha } : {}), ...(settings.runUrl ? { runUrl: settings.runUrl } : {}) }),
    }),
  );
  const said = result.action === 'none' ? 'no drift; no drift issue open' : `drift issue ${result.action}: ${result.issue.url}`;
  context.stdout(drifted ? `drift: ${summaryLine(plan.summary)}; ${said}` : said);
  await appendSummary(settings, body ?? `### exo-gitops drift check\n\nNo drift: live state matches the desired state (checked ${checkedAt}).`, context);
  context.setExitCode(0);
}

async function readRun(file: string, context: CliContext): Promise<ReportedRun> {
  let text: string;
  try {
    text = await readFile(resolve(context.cwd, file), 'utf8');
  } catch (error) {
    return { file, record: null, problem: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message };
  }
  try {
    return { file, record: readRunRecord(text) };
  } catch (error) {
    return { file, record: null, problem: (error as Error).message };
  }
}

async function applyReport(options: { record: string[]; sha?: string }, context: CliContext): Promise<void> {
  const settings = settingsOrFail(context, { token: true, event: false });
  if (!settings) return;
  let sha = options.sha ?? settings.sha;
  if (sha === undefined && settings.eventPath !== undefined) {
    const after = (await readEventPayload(resolve(context.cwd, settings.eventPath)).catch(() => ({}) as Record<string, unknown>)).after;
    if (typeof after === 'string') sha = after;
  }
  if (sha === undefined || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    context.stderr(`exo-gitops github: ${sha === undefined ? 'no commit to report on: pass --sha or set GITHUB_SHA' : `--sha must be a full commit SHA, got ${JSON.stringify(sha)}`}; nothing was posted`);
    context.setExitCode(1);
    return;
  }
  const runs = await Promise.all(options.record.map((file) => readRun(file, context)));
  const outcome = overallOutcome(runs);
  const client = createClient(settings, context.stderr);
  const pullRequest = await posting(`finding the pull request of ${sha}`, () => mergedPullRequestFor(client, settings.repository, sha));
  const common = { runs, sha, ...(pullRequest ? { pullRequest } : {}), ...(settings.runUrl ? { runUrl: settings.runUrl } : {}), at: now() };
  const body = applyReportBody(common);
  if (pullRequest !== undefined) {
    const posted = await posting(`posting the apply report on #${pullRequest}`, () => upsertStickyComment(client, settings.repository, pullRequest, APPLY_MARKER, body, botLogin(context)));
    context.stdout(`apply report ${posted.action} on #${pullRequest}: ${posted.url}`);
  } else {
    context.stdout(`apply report: no merged pull request for ${sha} (a direct push): job summary only`);
  }
  const issue = await posting('updating the apply-failure issue', () =>
    syncFailureIssue(client, settings.repository, {
      label: APPLY_FAILED_LABEL,
      failed: outcome !== 'succeeded',
      title: applyFailedTitle(sha),
      body: applyFailedBody(common),
      recoveredComment: applyRecoveredComment({ sha, at: common.at, ...(settings.runUrl ? { runUrl: settings.runUrl } : {}) }),
    }),
  );
  if (issue.action !== 'none') context.stdout(`apply-failure issue ${issue.action}: ${issue.issue.url}`);
  context.stdout(`apply ${outcome}`);
  await appendSummary(settings, body, context);
  context.setExitCode(0);
}

export function registerGitHub(program: Command, context: CliContext): void {
  const github = program
    .command('github')
    .description('GitHub Actions integration: the pull-request plan comment, drift issue and apply report (reads GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_EVENT_PATH, GITHUB_API_URL).');
  const maxActions = () => new Option('--max-actions <n>', 'refuse (as an error finding) more than <n> actions in one tenant; 0 for no limit').argParser(parseCount).default(DEFAULT_MAX_ACTIONS_PER_TENANT);

  github
    .command('plan-comment')
    .description("Plan the pull request's head and its base against the same live state, and keep one sticky comment on the pull request separating what it introduces from drift already there; also the job summary.")
    .option('-d, --dir <dir>', 'config directory (the pull request\'s head checkout)', '.')
    .option('-s, --state <dir>', 'plan against snapshots <dir>/<tenant>.json instead of exporting (offline: what fork pull requests get)')
    .option('--refresh', 'export live state first (into --state when given)')
    .option('--summary-only', 'write the job summary only, never call the GitHub API (automatic for pull requests from forks)')
    .option('-o, --out <file>', "save the head plan as JSON (upload it as the run's plan artifact)")
    .addOption(maxActions())
    .addHelpText('after', '\nExit codes: 0 planned and posted, 1 error findings in the head plan (the check fails), invalid desired state, or a failure.')
    .action((options: PlanCommentOptions) => planComment(options, context));

  github
    .command('drift')
    .description('Plan the desired state against live state and keep one open issue (label exo-gitops-drift): opened when drift appears, updated while it lasts, closed with a comment when it is gone.')
    .option('-d, --dir <dir>', 'config directory (the default branch\'s checkout)', '.')
    .option('-s, --state <dir>', 'read snapshots <dir>/<tenant>.json instead of exporting')
    .option('--refresh', 'export live state first (into --state when given)')
    .option('-o, --out <file>', 'save the drift plan as JSON')
    .addOption(maxActions())
    .addHelpText('after', '\nExit codes: 0 checked (the issue is the signal), 1 invalid desired state, failed export or failed GitHub request.')
    .action((options: DriftOptions) => drift(options, context));

  github
    .command('apply-report')
    .description('Post the result of an apply run on the merged pull request of the commit (one comment, updated on re-runs); open an issue (label exo-gitops-apply-failed) when it failed or was refused, close it after a success.')
    .requiredOption('-r, --record <file...>', 'run records written by apply --record (one per tenant job); a missing file counts as a job that ended before recording')
    .option('--sha <sha>', 'the applied commit (default: GITHUB_SHA)')
    .addHelpText('after', '\nExit codes: 0 reported (whatever the apply outcome), 1 a GitHub request failed or the environment is incomplete.')
    .action((options: { record: string[]; sha?: string }) => applyReport(options, context));
}

/** Whose comments are the bot's own (EXO_GITOPS_BOT_LOGIN for a GitHub App or PAT token). */
function botLogin(context: CliContext): string {
  return context.env.EXO_GITOPS_BOT_LOGIN?.trim() || DEFAULT_BOT_LOGIN;
}
