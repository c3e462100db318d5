// What a command may touch of the outside world, passed in so tests can run commands in-process
// and the core never prints by itself.

import { Option } from 'commander';

export interface CliContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  color: boolean;
  /** On a terminal: progress bars and confirmation prompts. */
  interactive: boolean;
  /** Throttling retry settings for generated scripts (tests shorten them; default: the script's own). */
  retry?: { maxAttempts?: number; baseDelayMs?: number; maxDelayMs?: number };
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /** A one-line status on the terminal, redrawn in place ('' clears it); absent when not interactive. */
  status?: (text: string) => void;
  setExitCode: (code: number) => void;
}

export function formatOption<T extends string>(choices: readonly T[]): Option {
  return new Option('-f, --format <format>', 'output format').choices(choices).default(choices[0]);
}
