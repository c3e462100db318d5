// Running a generated script in PowerShell (or the simulator) through execa: the one place the tool
// starts PowerShell. The script is written to a private temporary file (a folder only this user can
// read, the file 0600) and run with `-File`, then removed, whatever the outcome. Never through
// `-Command -`: pwsh reads standard input one statement at a time as if typed at a prompt, and a
// final multi-line try/finally with no blank line after it is silently not run, exit code 0
// (about_Pwsh; PowerShell issues #3223, #15331, #21644). Scripts never hold secrets: they read them
// from the environment, so the file holds nothing the environment does not.
//
// One result shape for every run (execa's idea): command, exit code, duration, output, a short
// message built from those, and the cause when the run did not succeed.

import { execa } from 'execa';
import { rmSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pwshCommand } from '../settings/environment.js';
import { redact, secretValues } from '../util/redact.js';

const PWSH_ARGUMENTS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File'] as const;

export interface ProcessResult {
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Why the run did not succeed: not started, timed out, killed, or a non-zero exit code. */
  failure?: 'not-found' | 'timed-out' | 'killed' | 'exited';
  /** One line for a person: what ran and how it ended. */
  message: string;
}

/**
 * What PowerShell gets of the environment: what it needs to run (paths, locale, temp, proxies,
 * PowerShell's and .NET's own settings, the simulator's knobs) and the variables the script reads by
 * name (sign-in and endpoint secrets). Nothing else: a GITHUB_TOKEN or another job's secret stays out.
 */
const PASSED_THROUGH = /^(PATH|HOME|USER|LOGNAME|SHELL|LANG|LANGUAGE|LC_[A-Z]+|TZ|TERM|TMPDIR|TMP|TEMP|XDG_[A-Z_]+|PSModulePath|POWERSHELL_[A-Z_]+|DOTNET_[A-Z_]+|NUGET_[A-Z_]+|HTTPS?_PROXY|NO_PROXY|https?_proxy|no_proxy|SSL_CERT_(FILE|DIR)|EXO_SIM_[A-Z_]+|SystemRoot|SYSTEMROOT|windir|ComSpec|PATHEXT|APPDATA|LOCALAPPDATA|USERPROFILE|ProgramData|ProgramFiles|ProgramFiles\(x86\)|CommonProgramFiles)$/;

export function pwshEnvironment(env: NodeJS.ProcessEnv, readByScript: readonly string[]): NodeJS.ProcessEnv {
  const wanted = new Set(readByScript);
  const out: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && (PASSED_THROUGH.test(name) || wanted.has(name))) out[name] = value;
  }
  return out;
}

/** PowerShell runs in flight, by process group, with their script folders: ended and removed when the CLI is interrupted or exits. */
const running = new Map<number, string>();
let handlersInstalled = false;

/** Set by a second interrupt during a graceful stop: PowerShell is left to finish its step, not killed. */
let leaveRunning = false;

function endRunning(): void {
  for (const [pid, folder] of running) {
    try {
      if (!leaveRunning) process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
    rmSync(folder, { recursive: true, force: true });
  }
  running.clear();
}

/** Graceful stops (apply's): the first Ctrl-C or SIGTERM calls them instead of ending the CLI. */
const gracefulStops = new Set<() => void>();
let interrupted = false;
/** Told, on a second interrupt during a graceful stop, that the CLI ends now. */
const abandoned = new Set<() => void>();

/**
 * pwsh runs in its own process group, so it (and whatever it started, such as the simulator's engine)
 * can be ended as one; the CLI ends it when it is interrupted or exits, whatever the reason. While a
 * graceful stop is registered, the first Ctrl-C or SIGTERM asks for it; a second one (a supervisor's
 * SIGINT then SIGTERM, or an impatient admin) ends the CLI at once but does not kill PowerShell in the
 * middle of a step: orphaned, the apply script finishes that step and starts no other.
 */
function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', endRunning);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (gracefulStops.size > 0 && signal !== 'SIGHUP') {
        if (!interrupted) {
          interrupted = true;
          for (const stop of gracefulStops) stop();
          return;
        }
        leaveRunning = true;
        for (const notify of abandoned) notify();
      }
      endRunning();
      process.exit(128 + (signal === 'SIGINT' ? 2 : signal === 'SIGTERM' ? 15 : 1));
    });
  }
}

/**
 * Until the returned function is called, the first Ctrl-C or SIGTERM calls `stop` rather than ending
 * the CLI; a second one calls `abandon` (say so, synchronously), then the CLI exits at once.
 */
export function onInterrupt(stop: () => void, abandon: () => void = () => undefined): () => void {
  installHandlers();
  gracefulStops.add(stop);
  abandoned.add(abandon);
  return () => {
    gracefulStops.delete(stop);
    abandoned.delete(abandon);
    if (gracefulStops.size === 0) interrupted = false;
  };
}

export interface RunScriptOptions {
  /** The caller's environment; PowerShell gets only what pwshEnvironment lets through. */
  env: NodeJS.ProcessEnv;
  /** Environment variables the script reads by name (secrets included): passed through. */
  readsEnv?: readonly string[];
  cwd?: string;
  timeoutMs?: number;
  /** Called with each line of standard output as it arrives (apply's step results). */
  onLine?: (line: string) => void;
}

/** The last lines of stderr: where PowerShell puts the error record that matters. */
export function stderrTail(stderr: string, lines = 12): string {
  return stderr.trim().split(/\r?\n/).slice(-lines).join('\n');
}

/** The message of a run, its stderr redacted of the secrets the script reads: safe to show. */
function messageOf(result: Omit<ProcessResult, 'message'>, options: RunScriptOptions): string {
  const timeoutMs = options.timeoutMs;
  switch (result.failure) {
    case undefined:
      return `${result.command} finished in ${result.durationMs} ms`;
    case 'not-found':
      return `PowerShell was not found (${result.command})`;
    case 'timed-out':
      return `${result.command} did not finish within ${timeoutMs} ms`;
    case 'killed':
      return `${result.command} was stopped before it finished`;
    case 'exited':
      return `${result.command} failed (exit code ${result.exitCode})${result.stderr.trim() ? `:\n${stderrTail(redact(result.stderr, secretValues(options.env, options.readsEnv ?? [])))}` : ''}`;
  }
}

/**
 * `EXO_GITOPS_PWSH=exo-gitops-sim:in-process`: the simulator's embedded host runs the script inside
 * this process, through the same runner and with the same result shape, environment and line
 * stream: for tests that are not about a process (no process to start, interrupt or kill).
 */
export const IN_PROCESS_SIMULATOR = 'exo-gitops-sim:in-process';

async function runInProcess(script: string, options: RunScriptOptions): Promise<ProcessResult> {
  const started = performance.now();
  const { runEmbeddedScript } = await import('../simulator/host-embedded/host.js');
  let stdout = '';
  let stderr = '';
  let pending = '';
  const exitCode = await runEmbeddedScript(script, {
    scriptFile: '/in-process/script.ps1',
    scriptArgs: [],
    scriptScope: true,
    env: pwshEnvironment(options.env, options.readsEnv ?? []),
    out: (text) => {
      stdout += text;
      if (!options.onLine) return;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) options.onLine(line);
    },
    err: (text) => {
      stderr += text;
    },
  });
  if (options.onLine && pending !== '') options.onLine(pending);
  const base: Omit<ProcessResult, 'message'> = { command: IN_PROCESS_SIMULATOR, exitCode, stdout, stderr, durationMs: Math.round(performance.now() - started), ...(exitCode !== 0 ? { failure: 'exited' as const } : {}) };
  return { ...base, message: messageOf(base, options) };
}

export async function runScript(script: string, options: RunScriptOptions): Promise<ProcessResult> {
  const command = pwshCommand(options.env);
  if (command === IN_PROCESS_SIMULATOR) return runInProcess(script, options);
  const folder = await mkdtemp(join(tmpdir(), 'exo-gitops-'));
  const file = join(folder, 'script.ps1');
  const started = performance.now();
  try {
    await writeFile(file, script, { mode: 0o600 });
    installHandlers();
    const subprocess = execa(command, [...PWSH_ARGUMENTS, file], {
      env: pwshEnvironment(options.env, options.readsEnv ?? []),
      extendEnv: false,
      detached: process.platform !== 'win32',
      reject: false,
      stdin: 'ignore',
      stripFinalNewline: false,
      maxBuffer: 2 ** 30,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
    });
    if (subprocess.pid !== undefined && process.platform !== 'win32') running.set(subprocess.pid, folder);
    if (options.onLine) {
      try {
        for await (const line of subprocess.iterable({ from: 'stdout', preserveNewlines: false })) options.onLine(String(line));
      } catch {
        // The process could not be started or its output ended abruptly: the result below says which.
      }
    }
    const result = await subprocess;
    if (subprocess.pid !== undefined) running.delete(subprocess.pid);
    const base: Omit<ProcessResult, 'message'> = {
      command,
      exitCode: result.exitCode,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      durationMs: Math.round(performance.now() - started),
    };
    const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT') base.failure = 'not-found';
    else if (result.timedOut) base.failure = 'timed-out';
    else if (result.isTerminated) base.failure = 'killed';
    else if (result.exitCode !== 0) base.failure = 'exited';
    return { ...base, message: messageOf(base, options) };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
