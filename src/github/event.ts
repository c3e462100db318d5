// The webhook payload of the run (GITHUB_EVENT_PATH), reduced to what the commands use.

import { readFile } from 'node:fs/promises';
import { GitHubSetupError, type RepoRef } from '../settings/github.js';

export interface PullRequestEvent {
  number: number;
  baseSha: string;
  headSha: string;
  /** owner/name of the head repository; null when GitHub no longer knows it (deleted fork). */
  headRepository: string | null;
  /** The head branch lives in another repository: GITHUB_TOKEN is read-only and secrets are absent. */
  fork: boolean;
}

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export async function readEventPayload(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new GitHubSetupError(`GITHUB_EVENT_PATH ${path} cannot be read: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new GitHubSetupError(`GITHUB_EVENT_PATH ${path} is not an event payload: ${(error as Error).message}`);
  }
}

const get = (value: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, key) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined), value);

/** The pull request of a pull_request event; a clear error for any other event. */
export function pullRequestOf(payload: Record<string, unknown>, repository: RepoRef): PullRequestEvent {
  const pr = payload.pull_request;
  if (typeof pr !== 'object' || pr === null) {
    throw new GitHubSetupError('the event has no pull_request: run plan-comment from a workflow triggered by pull_request (never pull_request_target)');
  }
  const number = get(pr, 'number');
  const baseSha = get(pr, 'base', 'sha');
  const headSha = get(pr, 'head', 'sha');
  if (typeof number !== 'number' || !Number.isInteger(number) || number < 1) throw new GitHubSetupError('the event\'s pull_request.number is missing or not a number');
  if (typeof baseSha !== 'string' || !SHA.test(baseSha)) throw new GitHubSetupError('the event\'s pull_request.base.sha is missing or not a commit SHA');
  if (typeof headSha !== 'string' || !SHA.test(headSha)) throw new GitHubSetupError('the event\'s pull_request.head.sha is missing or not a commit SHA');
  const headRepo = get(pr, 'head', 'repo', 'full_name');
  const headRepository = typeof headRepo === 'string' ? headRepo : null;
  const own = `${repository.owner}/${repository.repo}`.toLowerCase();
  return { number, baseSha, headSha, headRepository, fork: headRepository === null || headRepository.toLowerCase() !== own };
}
