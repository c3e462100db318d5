// `github apply-report`: the result of an apply run, from the run records its tenant jobs wrote,
// posted on the merged pull request of the commit (one comment, updated on re-runs), and an issue
// kept open while applies fail or are refused (closed by the next success). Also the job summary.

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { readRunRecord } from '../apply/record.js';
import type { GitHubSettings, SettingsNeeds } from '../settings/github.js';
import {
  APPLY_FAILED_LABEL,
  APPLY_MARKER,
  applyFailedBody,
  applyFailedTitle,
  applyRecoveredComment,
  applyReportBody,
  overallOutcome,
  type ReportedRun,
} from './bodies.js';
import { createClient } from './client.js';
import { readEventPayload } from './event.js';
import { syncFailureIssue } from './issues.js';
import { mergedPullRequestFor } from './pulls.js';
import { upsertStickyComment } from './sticky-comment.js';
import { appendSummary, now, posting, setupFailed, type GitHubUseCaseContext } from './use-case.js';

export const APPLY_REPORT_NEEDS: SettingsNeeds = { token: true, event: false };

export interface ApplyReportOptions {
  /** Run records written by apply --record, one per tenant job. */
  record: string[];
  /** The applied commit (default: GITHUB_SHA, else the push event's `after`). */
  sha?: string;
}

/** A run record as the report shows it; a missing or unreadable file is a job that ended before recording. */
async function readRun(file: string, context: GitHubUseCaseContext): Promise<ReportedRun> {
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

/** The commit to report on: --sha, GITHUB_SHA, or the push event's `after`. */
async function appliedCommit(options: ApplyReportOptions, settings: GitHubSettings, context: GitHubUseCaseContext): Promise<string | undefined> {
  let sha = options.sha ?? settings.sha;
  if (sha === undefined && settings.eventPath !== undefined) {
    const after = (await readEventPayload(resolve(context.cwd, settings.eventPath)).catch(() => ({}) as Record<string, unknown>)).after;
    if (typeof after === 'string') sha = after;
  }
  return sha;
}

/** Report the apply run; resolves to the exit code (0 whatever the apply outcome). */
export async function applyReport(options: ApplyReportOptions, settings: GitHubSettings, botLogin: string, context: GitHubUseCaseContext): Promise<number> {
  const sha = await appliedCommit(options, settings, context);
  if (sha === undefined || !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(sha)) {
    return setupFailed(`${sha === undefined ? 'no commit to report on: pass --sha or set GITHUB_SHA' : `--sha must be a full commit SHA, got ${JSON.stringify(sha)}`}; nothing was posted`, context);
  }
  const runs = await Promise.all(options.record.map((file) => readRun(file, context)));
  const outcome = overallOutcome(runs);
  const client = createClient(settings, context.stderr);
  const pullRequest = await posting(`finding the pull request of ${sha}`, () => mergedPullRequestFor(client, settings.repository, sha));
  const common = { runs, sha, ...(pullRequest ? { pullRequest } : {}), ...(settings.runUrl ? { runUrl: settings.runUrl } : {}), at: now() };
  const body = applyReportBody(common);
  if (pullRequest !== undefined) {
    const posted = await posting(`posting the apply report on #${pullRequest}`, () => upsertStickyComment(client, settings.repository, pullRequest, APPLY_MARKER, body, botLogin));
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
  return 0;
}
