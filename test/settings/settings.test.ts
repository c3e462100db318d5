import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import { DEFAULT_BOT_LOGIN, DEFAULT_PWSH, ENVIRONMENT, pwshCommand, readSettings, SettingsError } from '../../src/settings/environment.js';
import { parseCount, sharedOption } from '../../src/settings/options.js';
import { DEFAULT_MAX_ACTIONS_PER_TENANT } from '../../src/plan/plan.js';

describe('environment settings', () => {
  it('defaults when nothing is set, and an empty value counts as not set', () => {
    for (const env of [{}, { EXO_GITOPS_PWSH: '', EXO_GITOPS_BOT_LOGIN: '  ', EXO_GITOPS_RETRY_BASE_MS: '' }]) {
      const settings = readSettings(env);
      expect(settings).toEqual({ pwsh: DEFAULT_PWSH, botLogin: DEFAULT_BOT_LOGIN, noColor: false, forceColor: false, dumbTerminal: false, ci: false });
    }
  });

  it('reads every variable of the table', () => {
    const settings = readSettings({ EXO_GITOPS_PWSH: ' /opt/pwsh ', EXO_GITOPS_BOT_LOGIN: 'my-app[bot]', EXO_GITOPS_RETRY_ATTEMPTS: '3', EXO_GITOPS_RETRY_BASE_MS: '1', EXO_GITOPS_RETRY_MAX_MS: '5', EXO_GITOPS_REQUEST_BUDGET: '30/1m', NO_COLOR: '', FORCE_COLOR: '1', TERM: 'dumb', CI: 'true' });
    expect(settings).toEqual({ pwsh: '/opt/pwsh', botLogin: 'my-app[bot]', retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5, budget: { requests: 30, windowMs: 60_000 } }, noColor: true, forceColor: true, dumbTerminal: true, ci: true });
    expect(readSettings({ EXO_GITOPS_REQUEST_BUDGET: 'off' }).retry).toEqual({ budget: null });
    expect(() => readSettings({ EXO_GITOPS_REQUEST_BUDGET: '20 per 10s' })).toThrow(/EXO_GITOPS_REQUEST_BUDGET: a request budget looks like 20\/10s/);
    expect(Object.keys(ENVIRONMENT).sort()).toEqual(['EXO_GITOPS_BOT_LOGIN', 'EXO_GITOPS_PWSH', 'EXO_GITOPS_REQUEST_BUDGET', 'EXO_GITOPS_RETRY_ATTEMPTS', 'EXO_GITOPS_RETRY_BASE_MS', 'EXO_GITOPS_RETRY_MAX_MS']);
    expect(pwshCommand({})).toBe('pwsh');
  });

  it('a malformed value is an error naming every bad variable, never silently ignored', () => {
    expect(() => readSettings({ EXO_GITOPS_RETRY_BASE_MS: '2s', EXO_GITOPS_RETRY_ATTEMPTS: '0' })).toThrow(SettingsError);
    try {
      readSettings({ EXO_GITOPS_RETRY_BASE_MS: '2s', EXO_GITOPS_RETRY_ATTEMPTS: '0' });
    } catch (error) {
      expect((error as Error).message).toContain('EXO_GITOPS_RETRY_ATTEMPTS must be at least 1, got "0"');
      expect((error as Error).message).toContain('EXO_GITOPS_RETRY_BASE_MS must be a whole number of milliseconds, got "2s"');
    }
  });

  it('the CLI stops with exit 1 before any command runs', async () => {
    const errors: string[] = [];
    const out: string[] = [];
    const code = await run(['--version'], { env: { EXO_GITOPS_RETRY_MAX_MS: '-1' }, stderr: (l) => errors.push(l), stdout: (l) => out.push(l) });
    expect(code).toBe(1);
    expect(out).toEqual([]);
    expect(errors.join('\n')).toContain('EXO_GITOPS_RETRY_MAX_MS must be a whole number');
  });
});

describe('shared options', () => {
  it('--max-actions is declared once: whole numbers only, with the plan default', () => {
    const option = sharedOption('maxActions');
    expect(option.defaultValue).toBe(DEFAULT_MAX_ACTIONS_PER_TENANT);
    expect(option.flags).toBe('--max-actions <n>');
    expect(parseCount('0')).toBe(0);
    expect(parseCount('25')).toBe(25);
    for (const bad of ['-1', '1.5', 'ten', '', '1e3']) expect(() => parseCount(bad)).toThrow(/whole number/);
  });

  it('a command may describe a shared option in its own words; flags and default stay', () => {
    const own = sharedOption('dir', 'the config directory of the head checkout');
    expect(own.description).toBe('the config directory of the head checkout');
    expect(own.flags).toBe('-d, --dir <dir>');
    expect(own.defaultValue).toBe('.');
  });

  it('the CLI refuses a bad --max-actions with exit 1', async () => {
    const errors: string[] = [];
    const code = await run(['plan', '--max-actions', '-3'], { env: {}, stderr: (l) => errors.push(l), stdout: () => undefined });
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(/--max-actions.*whole number/s);
  });
});
