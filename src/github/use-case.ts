// What the GitHub use cases (plan-comment.ts, drift.ts, apply-report.ts) share: their context, the
// job summary, the wording of a failed request, and the time they stamp bodies with.

import { appendFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { UseCaseContext } from '../settings/environment.js';
import type { GitHubSettings } from '../settings/github.js';

/** A use case's outside world, plus the lines it says on stdout (what was posted where). */
export interface GitHubUseCaseContext extends UseCaseContext {
  stdout: (line: string) => void;
}

/** A setup problem (environment, event payload): said once on stderr, and the command's exit code. */
export function setupFailed(message: string, context: Pick<UseCaseContext, 'stderr'>): number {
  context.stderr(`exo-gitops github: ${message}`);
  return 1;
}

/** Append to the job summary (GITHUB_STEP_SUMMARY), when the job has one. */
export async function appendSummary(settings: GitHubSettings, markdown: string, context: UseCaseContext): Promise<void> {
  if (settings.stepSummary === undefined) return;
  await appendFile(resolve(context.cwd, settings.stepSummary), `${markdown}\n`, 'utf8');
}

/** A failed GitHub request, said as what was being done and GitHub's answer (no token ever appears). */
export async function posting<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const status = (error as { status?: number }).status;
    throw new Error(`${what} failed${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message.split('\n')[0]}`);
  }
}

/** Now, to the second, as the bodies show it. */
export const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
