// Running a generated script in PowerShell (or the simulator) through execa: the one place a
// process is started. The script goes in on standard input, never as a file on disk, and the result
// is one error shape (execa's idea): command, exit code, duration, output, and a short message.

import { execa } from 'execa';

export const PWSH_ARGUMENTS = ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'] as const;

export function pwshCommand(env: NodeJS.ProcessEnv): string {
  return env.EXO_GITOPS_PWSH && env.EXO_GITOPS_PWSH.trim() !== '' ? env.EXO_GITOPS_PWSH : 'pwsh';
}

export interface PwshResult {
  command: string;
  exitCode: number | undefined;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** Set when the process could not be started or did not finish. */
  failure?: 'not-found' | 'timed-out' | 'killed' | 'exited';
}

export async function runPwsh(script: string, options: { env: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number }): Promise<PwshResult> {
  const command = pwshCommand(options.env);
  const started = performance.now();
  const result = await execa(command, [...PWSH_ARGUMENTS], {
    input: script,
    env: options.env,
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    maxBuffer: 2 ** 30,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}),
  });
  const out: PwshResult = {
    command,
    exitCode: result.exitCode,
    stdout: String(result.stdout ?? ''),
    stderr: String(result.stderr ?? ''),
    durationMs: Math.round(performance.now() - started),
  };
  const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') out.failure = 'not-found';
  else if (result.timedOut) out.failure = 'timed-out';
  else if (result.isTerminated) out.failure = 'killed';
  else if (result.exitCode !== 0) out.failure = 'exited';
  return out;
}

/** The last lines of stderr: where PowerShell puts the error record that matters. */
export function stderrTail(stderr: string, lines = 12): string {
  return stderr.trim().split(/\r?\n/).slice(-lines).join('\n');
}
