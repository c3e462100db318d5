// Every environment variable the tool reads of its own, in one table with its default and one
// validator each (execa's lib/arguments/options.js idea): read once, when a command starts, and a
// malformed value is an error that names the variable, never silently ignored. GitHub's own
// variables (GITHUB_*) are read beside this, in ./github.ts, by the commands that talk to GitHub.
//
// The process runner and the export and apply use cases take the values from here; nothing else
// reads `process.env` for a setting.

import { parseRequestBudget, type RequestBudget, type RetrySettings } from '../powershell/retry.js';

export class SettingsError extends Error {
  override name = 'SettingsError';
}

/** The login the workflow's GITHUB_TOKEN comments as; a GitHub App or PAT token sets EXO_GITOPS_BOT_LOGIN. */
export const DEFAULT_BOT_LOGIN = 'github-actions[bot]';

/** The PowerShell the runner starts when EXO_GITOPS_PWSH is not set. */
export const DEFAULT_PWSH = 'pwsh';

export interface Settings {
  /** EXO_GITOPS_PWSH: the PowerShell to run (a path, `exo-gitops-sim`, or the in-process simulator). */
  pwsh: string;
  /** EXO_GITOPS_BOT_LOGIN: whose comments are the bot's own. */
  botLogin: string;
  /** EXO_GITOPS_RETRY_* and EXO_GITOPS_REQUEST_BUDGET: throttling backoff and pacing of generated scripts; only what is set (the script keeps its defaults). */
  retry?: Partial<RetrySettings>;
  /** NO_COLOR set (any value): no colour even on a terminal (no-color.org). */
  noColor: boolean;
  /** FORCE_COLOR set, and not 0 or false: colour even when not on a terminal (CI logs that show it). */
  forceColor: boolean;
  /** TERM=dumb: a terminal that shows escape codes as they are. */
  dumbTerminal: boolean;
  /** CI set: never interactive (no prompts, no progress bar). */
  ci: boolean;
}

type Reader<T> = (value: string, name: string) => T;

const text: Reader<string> = (value) => value.trim();

const wholeNumber: Reader<number> = (value, name) => {
  if (!/^\d+$/.test(value.trim())) throw new SettingsError(`${name} must be a whole number of ${name.endsWith('_MS') ? 'milliseconds' : 'attempts'}, got ${JSON.stringify(value)}`);
  return Number(value.trim());
};

const positive: Reader<number> = (value, name) => {
  const n = wholeNumber(value, name);
  if (n < 1) throw new SettingsError(`${name} must be at least 1, got ${JSON.stringify(value)}`);
  return n;
};

const requestBudget: Reader<RequestBudget | null> = (value, name) => {
  try {
    return parseRequestBudget(value);
  } catch (error) {
    throw new SettingsError(`${name}: ${(error as Error).message}`);
  }
};

/** The variables, each with its reader; an empty value counts as not set. */
export const ENVIRONMENT = {
  EXO_GITOPS_PWSH: { read: text, default: DEFAULT_PWSH, describe: 'the PowerShell to run (default pwsh)' },
  EXO_GITOPS_BOT_LOGIN: { read: text, default: DEFAULT_BOT_LOGIN, describe: 'the login whose comments are the bot\'s own (a GitHub App or PAT token)' },
  EXO_GITOPS_RETRY_ATTEMPTS: { read: positive, default: undefined, describe: 'attempts per throttled cmdlet call' },
  EXO_GITOPS_RETRY_BASE_MS: { read: wholeNumber, default: undefined, describe: 'first backoff wait' },
  EXO_GITOPS_RETRY_MAX_MS: { read: wholeNumber, default: undefined, describe: 'longest backoff wait' },
  EXO_GITOPS_REQUEST_BUDGET: { read: requestBudget, default: undefined, describe: "the Exchange request budget generated scripts pace their calls to (default 20/10s; off: not paced); apply's --request-budget wins" },
} as const;

type Variable = keyof typeof ENVIRONMENT;

function read<N extends Variable>(env: NodeJS.ProcessEnv, name: N): ReturnType<(typeof ENVIRONMENT)[N]['read']> | (typeof ENVIRONMENT)[N]['default'] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return ENVIRONMENT[name].default;
  return ENVIRONMENT[name].read(raw, name) as ReturnType<(typeof ENVIRONMENT)[N]['read']>;
}

/** The PowerShell to run: the one place EXO_GITOPS_PWSH is read (the runner and its error messages use it). */
export function pwshCommand(env: NodeJS.ProcessEnv): string {
  return read(env, 'EXO_GITOPS_PWSH');
}

/** Every setting of the environment; throws one SettingsError naming every malformed variable. */
export function readSettings(env: NodeJS.ProcessEnv): Settings {
  const problems: string[] = [];
  const attempt = <T>(get: () => T): T | undefined => {
    try {
      return get();
    } catch (error) {
      if (!(error instanceof SettingsError)) throw error;
      problems.push(error.message);
      return undefined;
    }
  };
  const retry = {
    maxAttempts: attempt(() => read(env, 'EXO_GITOPS_RETRY_ATTEMPTS')),
    baseDelayMs: attempt(() => read(env, 'EXO_GITOPS_RETRY_BASE_MS')),
    maxDelayMs: attempt(() => read(env, 'EXO_GITOPS_RETRY_MAX_MS')),
    budget: attempt(() => read(env, 'EXO_GITOPS_REQUEST_BUDGET')),
  };
  if (problems.length > 0) throw new SettingsError(problems.join('; '));
  const set = Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined)) as Partial<RetrySettings>;
  return {
    pwsh: pwshCommand(env),
    botLogin: read(env, 'EXO_GITOPS_BOT_LOGIN'),
    ...(Object.keys(set).length > 0 ? { retry: set } : {}),
    noColor: env.NO_COLOR !== undefined,
    forceColor: env.FORCE_COLOR !== undefined && !/^(0|false)$/i.test(env.FORCE_COLOR.trim()),
    dumbTerminal: env.TERM === 'dumb',
    ci: env.CI !== undefined,
  };
}

/** What a use case (export, plan, apply, the GitHub reports) may touch of the outside world: passed in, never global. */
export interface UseCaseContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Throttling backoff and request budget of generated scripts (Settings.retry; tests shorten it). */
  retry?: Partial<RetrySettings>;
  /** Progress and diagnostics for a person (stderr): never data. */
  stderr: (line: string) => void;
  /** On a terminal: a status line redrawn in place while something long runs ('' clears it). */
  progress?: (text: string) => void;
  /** Where PowerShell will run (process.platform): sign-in methods differ by platform. Absent: not checked. */
  platform?: NodeJS.Platform;
}

/**
 * Whether output is coloured: --no-color and NO_COLOR never; else FORCE_COLOR always; else on a
 * terminal that is not TERM=dumb (the conventions of no-color.org and force-color.org).
 */
export function colorOutput(settings: Pick<Settings, 'noColor' | 'forceColor' | 'dumbTerminal'>, options: { noColorFlag: boolean; isTTY: boolean }): boolean {
  if (options.noColorFlag || settings.noColor) return false;
  if (settings.forceColor) return true;
  return options.isTTY && !settings.dumbTerminal;
}
