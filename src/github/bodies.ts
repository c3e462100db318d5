// Comment and issue bodies (pure): every text the GitHub layer posts is built here from plain data,
// so tests pin it without a server. Each body starts with a hidden marker the layer finds it by, and
// stays within GitHub's 65,536-character limit for comments and issue bodies. Values in them
// (ids, titles, errors, tenant names) show invisible and control characters escaped: the markdown
// pieces (escaping, code spans, finding items, alerts, small print) are render/markdown.ts's, shared
// with the plan's own markdown rendering.

import type { RunRecord } from '../apply/record.js';
import type { Finding } from '../model/finding.js';
import { createHash } from 'node:crypto';
import { actionCount, runnableCount, type Action, type Plan } from '../model/plan.js';
import { alert, code, findingItem, inline, linesThatFit, plural, smallPrint } from '../render/markdown.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../render/plan-markdown.js';
import { summaryLine } from '../render/plan-text.js';
import { actionTitle } from '../render/values.js';
import type { PlanSplit } from './split.js';

export const PLAN_MARKER = '<!-- exo-gitops:plan -->';
export const DRIFT_MARKER = '<!-- exo-gitops:drift -->';
export const APPLY_MARKER = '<!-- exo-gitops:apply -->';
export const APPLY_FAILED_MARKER = '<!-- exo-gitops:apply-failed -->';

export const DRIFT_LABEL = 'exo-gitops-drift';
export const APPLY_FAILED_LABEL = 'exo-gitops-apply-failed';

/** Where the live state of a plan came from: exported in this run, or snapshots committed in the repository. */
export type LiveStateSource = { kind: 'exported'; at: string } | { kind: 'snapshots'; directory: string; exportedAt: Record<string, string> };

const short = (sha: string): string => sha.slice(0, 7);
const runLink = (url: string, text = 'workflow run'): string => `[${text}](${url})`;
const planHeading = (pullRequest: number): string => `## exo-gitops plan for #${pullRequest}`;

export const FULL_PLAN_HINT = 'The complete plan is in this workflow run\'s `exo-gitops-plan` artifact (plan.json; `exo-gitops render --plan plan.json` shows it).';

export function liveStateLine(source: LiveStateSource): string {
  if (source.kind === 'exported') return `Live state: exported from every tenant by this run at ${source.at}.`;
  const times = Object.entries(source.exportedAt).map(([tenant, at]) => inline(`${tenant} ${at}`)).join(', ');
  return alert('NOTE', `**Offline plan**: no tenant was read. Live state is the snapshots committed in ${code(`${source.directory}/`)}${times ? ` (exported: ${times})` : ''}; the tenants may have changed since.`);
}

function footer(parts: { runUrl?: string; at?: string }): string {
  return smallPrint([parts.runUrl ? runLink(parts.runUrl) : undefined, parts.at ? `updated ${parts.at}` : undefined]);
}

function removedSection(removed: readonly Action[], limit: number): string {
  if (removed.length === 0) return '';
  const lines = ['#### Drift this pull request undoes or changes', '', `${plural(removed.length, 'action')} planned at the base commit that this pull request no longer plans as they were:`, ''];
  const items = removed.map((action) => `- ${code(action.id)}: ${inline(actionTitle(action))}`);
  const shown = linesThatFit(items, lines.join('\n').length, limit - 80).count;
  lines.push(...items.slice(0, shown));
  if (shown < removed.length) lines.push(`- … and ${removed.length - shown} more (see the plan artifact)`);
  return lines.join('\n');
}

export interface PlanCommentInput {
  pullRequest: number;
  baseSha: string;
  headSha: string;
  split: PlanSplit;
  live: LiveStateSource;
  /** Set when the base commit's desired state could not be planned: everything is shown as introduced. */
  baseProblem?: string;
  runUrl?: string;
  at?: string;
  limit?: number;
}

/** Render a sub-plan, or one sentence when it is empty. */
function section(plan: Plan, title: string, empty: string, limit: number): string {
  if (actionCount(plan.summary) === 0 && plan.findings.length === 0) return `### ${title}\n\n${empty}`;
  return renderPlanMarkdown(plan, { title, limit, fullPlanHint: FULL_PLAN_HINT });
}

export function planCommentBody(input: PlanCommentInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const { introduced, alreadyThere, removed } = input.split;
  const head = [
    PLAN_MARKER,
    planHeading(input.pullRequest),
    '',
    `Head \`${short(input.headSha)}\` compared with base \`${short(input.baseSha)}\`, both planned against the same live state. ` +
      `**This pull request:** ${actionCount(introduced.summary) === 0 ? 'no changes' : summaryLine(introduced.summary)}. ` +
      `**Already there before it:** ${actionCount(alreadyThere.summary) === 0 ? 'no drift' : summaryLine(alreadyThere.summary)}.` +
      (removed.length > 0 ? ` **Undone by it:** ${plural(removed.length, 'action')}.` : ''),
    '',
    liveStateLine(input.live),
    '',
    ...(input.baseProblem ? [alert('WARNING', `The base commit could not be planned (${inline(input.baseProblem)}): every action is shown as introduced.`), ''] : []),
  ].join('\n');
  const tail = footer({ ...(input.runUrl ? { runUrl: input.runUrl } : {}), ...(input.at ? { at: input.at } : {}) });
  const separators = 6;
  let available = limit - head.length - tail.length - separators;
  const removedText = removedSection(removed, Math.min(4_000, Math.floor(available / 4)));
  available -= removedText.length + 2;

  const introducedTitle = 'Changes this pull request introduces';
  const driftTitle = 'Drift already there (planned at the base commit too; not from this pull request)';
  const introducedEmpty = 'This pull request changes nothing in any tenant.';
  const driftEmpty = 'None: at the base commit, live state matched the desired state.';
  // The pull request's own changes come first and get the room they need; drift gets what is left,
  // but at least a third when both are long.
  const driftFull = section(alreadyThere, driftTitle, driftEmpty, available);
  const driftShare = Math.min(driftFull.length, Math.floor(available / 3));
  const introducedText = section(introduced, introducedTitle, introducedEmpty, available - driftShare - 2);
  const driftText = driftFull.length <= available - introducedText.length - 2 ? driftFull : section(alreadyThere, driftTitle, driftEmpty, available - introducedText.length - 2);
  const body = [head, introducedText, '', driftText, ...(removedText ? ['', removedText] : []), ...(tail ? ['', tail] : [])].join('\n');
  return body.length <= limit ? body : body.slice(0, limit);
}

/** The sticky comment when the head's desired state does not even load: the findings, nothing planned. */
export function invalidCommentBody(input: { pullRequest: number; headSha: string; findings: readonly Finding[]; runUrl?: string; at?: string; limit?: number }): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const errors = input.findings.filter((f) => f.severity === 'error').length;
  const lines = [
    PLAN_MARKER,
    planHeading(input.pullRequest),
    '',
    input.findings.length > 0
      ? `❌ The desired state at \`${short(input.headSha)}\` is invalid (${plural(errors, 'error')}); nothing was planned. Fix these and push again:`
      : `The desired state at \`${short(input.headSha)}\` declares no Tenant; nothing was planned.`,
    '',
  ];
  const findings = input.findings.map(findingItem);
  const shown = linesThatFit(findings, lines.join('\n').length, limit - 300).count;
  lines.push(...findings.slice(0, shown));
  if (shown < findings.length) lines.push(`- … and ${findings.length - shown} more: run \`exo-gitops validate\` locally`);
  const tail = footer({ ...(input.runUrl ? { runUrl: input.runUrl } : {}), ...(input.at ? { at: input.at } : {}) });
  if (tail) lines.push('', tail);
  return lines.join('\n');
}

// Drift ---------------------------------------------------------------------------------------------

export const DRIFT_ISSUE_TITLE = 'exo-gitops: live state has drifted from the desired state';

export interface DriftInput {
  plan: Plan;
  /** The commit whose desired state was compared (the default branch). */
  sha?: string;
  checkedAt: string;
  runUrl?: string;
  limit?: number;
}

/**
 * Drift is any action apply would run, or an error finding that would stop apply. A migration user
 * Exchange failed is no drift, but it waits for an admin just the same: it keeps the issue open.
 * Blocked actions are not drift apply can fix: they are listed as needing action outside exo-gitops.
 */
export function hasDrift(plan: Plan): boolean {
  return runnableCount(plan.summary) > 0 || plan.findings.some((f) => f.severity === 'error') || failedMigrationUsers(plan) > 0;
}

/** The plan's blocked actions: changes only someone outside exo-gitops can make. */
export function outsideActions(plan: Plan): Action[] {
  return plan.tenants.flatMap((t) => t.actions.filter((a) => a.action === 'blocked'));
}

/**
 * A hidden marker naming exactly these blocked changes (ids, reasons, values): an issue whose body holds it
 * has reported them, so a check that finds only them again does not report them again.
 */
export function outsideMarker(actions: readonly Action[]): string {
  const digest = createHash('sha256').update(actions.map((a) => `${a.id}\0${a.reason ?? ''}\0${JSON.stringify(a.changes)}`).sort().join('\n')).digest('hex').slice(0, 16);
  return `<!-- exo-gitops:outside ${digest} -->`;
}

function outsideSection(actions: readonly Action[], limit: number): string[] {
  if (actions.length === 0) return [];
  const lines = [`#### Needs action outside exo-gitops: ${actions.length}`, '', 'exo-gitops cannot make these changes; apply skips them. Make each where its reason says, and the next check shows it gone:', ''];
  const items = actions.map((a) => `- ${code(a.id)}: ${inline(a.reason ?? 'blocked')}`);
  const shown = linesThatFit(items, lines.join('\n').length, limit).count;
  lines.push(...items.slice(0, shown));
  if (shown < items.length) lines.push(`- … and ${items.length - shown} more (see the drift plan artifact)`);
  return [...lines, ''];
}

function failedMigrationUsers(plan: Plan): number {
  return plan.batches.reduce((n, b) => n + b.failedUsers.length, 0);
}

export function driftIssueBody(input: DriftInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const outside = outsideActions(input.plan);
  const pending = hasDrift(input.plan);
  const head = [
    DRIFT_MARKER,
    ...(outside.length > 0 ? [outsideMarker(outside)] : []),
    `Live state no longer matches the desired state${input.sha ? ` at \`${short(input.sha)}\`` : ''}. Last checked ${input.checkedAt}${input.runUrl ? ` (${runLink(input.runUrl)})` : ''}.`,
    '',
    pending
      ? 'Either someone changed a tenant outside this repository (revert it by applying, or write the change into the YAML in a pull request), ' +
        'or a merged change has not been applied yet. This issue is updated on every drift check and closed when the drift is gone.'
      : 'Nothing is left for apply: what differs needs action outside exo-gitops (below). This issue is closed at the next check that finds only these, already reported here.',
    '',
    ...outsideSection(outside, Math.floor(limit / 4)),
    ...(failedMigrationUsers(input.plan) > 0
      ? [`${failedMigrationUsers(input.plan)} migration user(s) failed in Exchange: their errors are listed under "Failed migration users" below.`, '']
      : []),
  ].join('\n');
  return `${head}${renderPlanMarkdown(input.plan, { title: 'Drift: what apply would change', limit: limit - head.length, fullPlanHint: 'The complete drift plan is in the workflow run\'s `exo-gitops-drift` artifact.' })}`;
}

/** Closing the issue when only changes outside exo-gitops remain, and this issue reported them already. */
export function driftOutsideOnlyComment(input: { sha?: string; checkedAt: string; runUrl?: string; outside: number }): string {
  return `${DRIFT_MARKER}\n✅ Nothing is left for apply${input.sha ? ` at \`${short(input.sha)}\`` : ''} (checked ${input.checkedAt}${input.runUrl ? `, ${runLink(input.runUrl)}` : ''}): only the ${plural(input.outside, 'change')} needing action outside exo-gitops listed above remain, already reported. Closing; a new issue opens if they change or other drift appears.`;
}

export function driftGoneComment(input: { sha?: string; checkedAt: string; runUrl?: string }): string {
  return `${DRIFT_MARKER}\n✅ Drift is gone: live state matches the desired state${input.sha ? ` at \`${short(input.sha)}\`` : ''} (checked ${input.checkedAt}${input.runUrl ? `, ${runLink(input.runUrl)}` : ''}). Closing.`;
}

// Apply ---------------------------------------------------------------------------------------------

/** One run record an apply job was expected to write; `record` is null when the job never wrote it. */
export interface ReportedRun {
  file: string;
  record: RunRecord | null;
  /** Why the record could not be read (missing: the job failed before apply recorded anything). */
  problem?: string;
}

export type ApplyOutcome = 'succeeded' | 'failed' | 'refused' | 'missing';

export function overallOutcome(runs: readonly ReportedRun[]): ApplyOutcome {
  if (runs.some((r) => r.record?.outcome === 'failed')) return 'failed';
  if (runs.some((r) => r.record?.outcome === 'refused')) return 'refused';
  if (runs.length === 0 || runs.some((r) => r.record === null)) return 'missing';
  return 'succeeded';
}

const OUTCOME_TEXT: Record<ApplyOutcome, string> = {
  succeeded: '✅ applied',
  failed: '❌ failed',
  refused: '⛔ refused (nothing was changed)',
  missing: '❓ incomplete: an apply job ended without a run record',
};

function runSection(run: ReportedRun, budget: number): string[] {
  if (run.record === null) return [`- ${code(run.file)}: no run record (${inline(run.problem ?? 'missing')}). The apply job ended before recording: a stale plan, a failed sign-in, a failed earlier tenant, or a cancelled run; see the workflow run.`];
  const r = run.record;
  const tenants = [...new Set([...r.tenants.map((t) => t.tenant), ...r.results.map((x) => x.tenant)])];
  const lines = [`- ${code(run.file)}${tenants.length > 0 ? ` (${tenants.map(inline).join(', ')})` : ''}: **${r.outcome}**: ${r.summary.succeeded} succeeded, ${r.summary.failed} failed, ${r.summary.skipped} skipped`];
  // Refusals first, then failures, while they fit in the run's share (counted without line feeds).
  const refusals = r.refusals.map((refusal) => `  - ⛔ ${inline(refusal)}`);
  const shownRefusals = linesThatFit(refusals, lines[0]!.length, budget, 0);
  lines.push(...refusals.slice(0, shownRefusals.count));
  const failures = r.results.filter((x) => x.outcome === 'failed').map((result) => `  - ❌ ${code(result.id)}: ${inline(result.error ?? 'failed')}`);
  const shownFailures = linesThatFit(failures, shownRefusals.used, budget, 0).count;
  lines.push(...failures.slice(0, shownFailures));
  if (shownFailures < failures.length) lines.push('  - … more failures in the run record artifact');
  return lines;
}

export interface ApplyReportInput {
  runs: ReportedRun[];
  sha: string;
  pullRequest?: number;
  runUrl?: string;
  at?: string;
  limit?: number;
}

function runsMarkdown(input: ApplyReportInput, limit: number): string[] {
  const budget = Math.floor((limit - 1_000) / Math.max(1, input.runs.length));
  return input.runs.flatMap((run) => runSection(run, budget));
}

export function applyReportBody(input: ApplyReportInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const outcome = overallOutcome(input.runs);
  const lines = [APPLY_MARKER, `## exo-gitops apply of \`${short(input.sha)}\`: ${OUTCOME_TEXT[outcome]}`, '', ...runsMarkdown(input, limit)];
  const tail = footer({ ...(input.runUrl ? { runUrl: input.runUrl } : {}), ...(input.at ? { at: input.at } : {}) });
  if (tail) lines.push('', tail);
  return lines.join('\n').slice(0, limit);
}

export function applyFailedTitle(sha: string): string {
  return `exo-gitops apply failed at ${short(sha)}`;
}

export function applyFailedBody(input: ApplyReportInput): string {
  const limit = input.limit ?? GITHUB_COMMENT_LIMIT;
  const lines = [
    APPLY_FAILED_MARKER,
    `Apply of \`${input.sha}\`${input.pullRequest ? ` (merged in #${input.pullRequest})` : ''}: ${OUTCOME_TEXT[overallOutcome(input.runs)]}.${input.runUrl ? ` ${runLink(input.runUrl, 'Workflow run')}.` : ''}`,
    '',
    ...runsMarkdown(input, limit),
    '',
    'Tenants may be partly changed. Fix the cause (see the errors above and the run record artifact), then re-run the apply workflow or merge a fix; ' +
      'a stale plan only needs a re-run. This issue is closed by the next successful apply.',
  ];
  return lines.join('\n').slice(0, limit);
}

export function applyRecoveredComment(input: { sha: string; runUrl?: string; at?: string }): string {
  return `${APPLY_FAILED_MARKER}\n✅ Apply of \`${short(input.sha)}\` succeeded${input.at ? ` at ${input.at}` : ''}${input.runUrl ? ` (${runLink(input.runUrl)})` : ''}. Closing.`;
}
