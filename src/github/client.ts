// The only place an Octokit is made: token and API URL from the settings, log lines to stderr.

import { Octokit } from 'octokit';
import type { GitHubSettings } from '../settings/github.js';

export type GitHubClient = Octokit;

export function createClient(settings: GitHubSettings, stderr: (line: string) => void): GitHubClient {
  return new Octokit({
    auth: settings.token,
    baseUrl: settings.apiUrl,
    userAgent: 'exo-gitops',
    log: { debug: () => {}, info: () => {}, warn: (message: string) => stderr(`github: ${message}`), error: (message: string) => stderr(`github: ${message}`) },
  });
}
