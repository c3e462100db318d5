// The pull request a pushed commit came from (GET /repos/{owner}/{repo}/commits/{sha}/pulls).

import type { GitHubClient } from './client.js';
import type { RepoRef } from '../settings/github.js';

/**
 * The merged pull request whose merge commit is `sha`; else any merged one containing it (a rebase
 * merge); undefined for a direct push.
 */
export async function mergedPullRequestFor(client: GitHubClient, repo: RepoRef, sha: string): Promise<number | undefined> {
  const response = await client.rest.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: sha, per_page: 100 });
  const merged = response.data.filter((pr) => pr.merged_at !== null && pr.merged_at !== undefined);
  const exact = merged.find((pr) => pr.merge_commit_sha === sha);
  return (exact ?? merged[0])?.number;
}
