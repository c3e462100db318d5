// Labelled issues the layer keeps: one open drift issue (opened, updated, closed), and one open
// apply-failure issue (opened, commented on by later failures, closed by the next success).

import type { GitHubClient } from './client.js';
import type { RepoRef } from '../settings/github.js';

export interface IssueRef {
  number: number;
  url: string;
}

/** The oldest open issue with the label (pull requests, which the issues API also lists, are skipped). */
export async function findOpenLabelledIssue(client: GitHubClient, repo: RepoRef, label: string): Promise<(IssueRef & { body: string }) | undefined> {
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, { ...repo, labels: label, state: 'open', sort: 'created', direction: 'asc', per_page: 100 });
  for await (const page of pages) {
    const found = page.data.find((issue) => issue.pull_request === undefined || issue.pull_request === null);
    if (found) return { number: found.number, url: found.html_url, body: found.body ?? '' };
  }
  return undefined;
}

/** The newest issue with the label, open or closed: what the last drift check reported. */
export async function findLatestLabelledIssue(client: GitHubClient, repo: RepoRef, label: string): Promise<(IssueRef & { body: string; open: boolean }) | undefined> {
  const pages = client.paginate.iterator(client.rest.issues.listForRepo, { ...repo, labels: label, state: 'all', sort: 'created', direction: 'desc', per_page: 100 });
  for await (const page of pages) {
    const found = page.data.find((issue) => issue.pull_request === undefined || issue.pull_request === null);
    if (found) return { number: found.number, url: found.html_url, body: found.body ?? '', open: found.state === 'open' };
  }
  return undefined;
}

export type DriftIssueResult = { action: 'opened' | 'updated' | 'closed'; issue: IssueRef } | { action: 'none' };

export interface DriftIssueInput {
  label: string;
  title: string;
  /** The issue body while drift persists; undefined when there is no drift. */
  body: string | undefined;
  /** The comment posted before closing the issue when drift is gone. */
  closingComment: string;
}

export async function syncDriftIssue(client: GitHubClient, repo: RepoRef, input: DriftIssueInput): Promise<DriftIssueResult> {
  const open = await findOpenLabelledIssue(client, repo, input.label);
  if (input.body !== undefined) {
    if (open) {
      await client.rest.issues.update({ ...repo, issue_number: open.number, title: input.title, body: input.body });
      return { action: 'updated', issue: open };
    }
    const created = await client.rest.issues.create({ ...repo, title: input.title, body: input.body, labels: [input.label] });
    return { action: 'opened', issue: { number: created.data.number, url: created.data.html_url } };
  }
  if (!open) return { action: 'none' };
  await client.rest.issues.createComment({ ...repo, issue_number: open.number, body: input.closingComment });
  await client.rest.issues.update({ ...repo, issue_number: open.number, state: 'closed', state_reason: 'completed' });
  return { action: 'closed', issue: open };
}

export type FailureIssueResult = { action: 'opened' | 'commented' | 'closed'; issue: IssueRef } | { action: 'none' };

/** A failed run opens the issue, or comments on the one already open; a successful run closes it. */
export async function syncFailureIssue(
  client: GitHubClient,
  repo: RepoRef,
  input: { label: string; failed: boolean; title: string; body: string; recoveredComment: string },
): Promise<FailureIssueResult> {
  const open = await findOpenLabelledIssue(client, repo, input.label);
  if (input.failed) {
    if (open) {
      await client.rest.issues.createComment({ ...repo, issue_number: open.number, body: input.body });
      return { action: 'commented', issue: open };
    }
    const created = await client.rest.issues.create({ ...repo, title: input.title, body: input.body, labels: [input.label] });
    return { action: 'opened', issue: { number: created.data.number, url: created.data.html_url } };
  }
  if (!open) return { action: 'none' };
  await client.rest.issues.createComment({ ...repo, issue_number: open.number, body: input.recoveredComment });
  await client.rest.issues.update({ ...repo, issue_number: open.number, state: 'closed', state_reason: 'completed' });
  return { action: 'closed', issue: open };
}
