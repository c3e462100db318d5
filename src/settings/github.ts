// What the GitHub layer reads from a GitHub Actions job's environment, checked in one place
// (execa's "options normalized once" idea): every missing or malformed variable is reported at once,
// with what to set instead, and nothing is posted when any is wrong.

export class GitHubSetupError extends Error {
  override name = 'GitHubSetupError';
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface GitHubSettings {
  /** GITHUB_TOKEN; absent only when the command was told it will not call the API. */
  token?: string;
  repository: RepoRef;
  /** GITHUB_API_URL (GitHub Enterprise Server: https://HOST/api/v3). */
  apiUrl: string;
  /** GITHUB_EVENT_PATH: the webhook payload that started the workflow run. */
  eventPath?: string;
  /** GITHUB_STEP_SUMMARY: a file whose markdown becomes the job summary. */
  stepSummary?: string;
  /** GITHUB_SHA: the commit the run is for. */
  sha?: string;
  /** A link to this workflow run, when GITHUB_SERVER_URL and GITHUB_RUN_ID are set (display only). */
  runUrl?: string;
}

export interface SettingsNeeds {
  token: boolean;
  event: boolean;
}

const DEFAULT_API_URL = 'https://api.github.com';

/** Read and check the GITHUB_* variables; throws one GitHubSetupError naming every problem. */
export function readGitHubSettings(env: NodeJS.ProcessEnv, needs: SettingsNeeds): GitHubSettings {
  const problems: string[] = [];
  const token = env.GITHUB_TOKEN?.trim();
  if (needs.token && !token) problems.push('GITHUB_TOKEN is not set: pass it to the step (env: GITHUB_TOKEN: ${{ github.token }})');

  let repository: RepoRef = { owner: '', repo: '' };
  const full = env.GITHUB_REPOSITORY?.trim();
  const match = full ? /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(full) : null;
  if (!full) problems.push('GITHUB_REPOSITORY is not set: expected owner/name (GitHub Actions sets it)');
  else if (!match) problems.push(`GITHUB_REPOSITORY must be owner/name, got ${JSON.stringify(full)}`);
  else repository = { owner: match[1]!, repo: match[2]! };

  // GitHub Actions always sets GITHUB_API_URL; outside Actions github.com's API is the default, as for gh.
  const apiUrl = (env.GITHUB_API_URL?.trim() || DEFAULT_API_URL).replace(/\/+$/, '');
  try {
    const url = new URL(apiUrl);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
  } catch {
    problems.push(`GITHUB_API_URL must be an http(s) URL such as ${DEFAULT_API_URL}, got ${JSON.stringify(env.GITHUB_API_URL)}`);
  }

  const eventPath = env.GITHUB_EVENT_PATH?.trim() || undefined;
  if (needs.event && !eventPath) problems.push('GITHUB_EVENT_PATH is not set: run this in a GitHub Actions job started by the event it expects');

  if (problems.length > 0) throw new GitHubSetupError(`GitHub environment is incomplete; nothing was posted:\n  ${problems.join('\n  ')}`);

  const server = env.GITHUB_SERVER_URL?.trim().replace(/\/+$/, '');
  const runId = env.GITHUB_RUN_ID?.trim();
  return {
    ...(token ? { token } : {}),
    repository,
    apiUrl,
    ...(eventPath ? { eventPath } : {}),
    ...(env.GITHUB_STEP_SUMMARY?.trim() ? { stepSummary: env.GITHUB_STEP_SUMMARY.trim() } : {}),
    ...(env.GITHUB_SHA?.trim() ? { sha: env.GITHUB_SHA.trim() } : {}),
    ...(server && runId && /^\d+$/.test(runId) ? { runUrl: `${server}/${repository.owner}/${repository.repo}/actions/runs/${runId}` } : {}),
  };
}
