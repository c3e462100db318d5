// One comment per pull request, found by its hidden marker and edited in place: never a second one.

import { DEFAULT_BOT_LOGIN } from '../settings/environment.js';
import type { RepoRef } from '../settings/github.js';
import type { GitHubClient } from './client.js';

export interface StickyResult {
  action: 'created' | 'updated' | 'unchanged';
  id: number;
  url: string;
}

/**
 * The first comment on the issue or pull request whose body starts with the marker and that the bot
 * wrote (all pages are searched): anyone can post a comment that starts with the marker, and the bot
 * must never take over, or edit, someone else's.
 */
export async function findMarkedComment(client: GitHubClient, repo: RepoRef, issueNumber: number, marker: string, author: string = DEFAULT_BOT_LOGIN): Promise<{ id: number; body: string; url: string } | undefined> {
  const pages = client.paginate.iterator(client.rest.issues.listComments, { ...repo, issue_number: issueNumber, per_page: 100 });
  for await (const page of pages) {
    const found = page.data.find((c) => c.user?.login === author && (c.body ?? '').trimStart().startsWith(marker));
    if (found) return { id: found.id, body: found.body ?? '', url: found.html_url };
  }
  return undefined;
}

export async function upsertStickyComment(client: GitHubClient, repo: RepoRef, issueNumber: number, marker: string, body: string, author: string = DEFAULT_BOT_LOGIN): Promise<StickyResult> {
  if (!body.startsWith(marker)) throw new Error(`a sticky comment must start with its marker ${marker}`);
  const existing = await findMarkedComment(client, repo, issueNumber, marker, author);
  if (existing) {
    if (existing.body === body) return { action: 'unchanged', id: existing.id, url: existing.url };
    const updated = await client.rest.issues.updateComment({ ...repo, comment_id: existing.id, body });
    return { action: 'updated', id: updated.data.id, url: updated.data.html_url };
  }
  const created = await client.rest.issues.createComment({ ...repo, issue_number: issueNumber, body });
  return { action: 'created', id: created.data.id, url: created.data.html_url };
}
