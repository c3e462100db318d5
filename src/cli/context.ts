// What a command may touch of the outside world, passed in so tests can run commands in-process
// and the core never prints by itself.

import type { Settings, UseCaseContext } from '../settings/environment.js';

export interface CliContext extends UseCaseContext {
  /** Every setting of the environment, read and checked once when the program starts. */
  settings: Settings;
  /** Colour only on a terminal, and never when NO_COLOR is set. */
  color: boolean;
  /** On a terminal: progress bars and confirmation prompts. */
  interactive: boolean;
  stdout: (line: string) => void;
  /** A one-line status on the terminal, redrawn in place ('' clears it); absent when not interactive. */
  status?: (text: string) => void;
  setExitCode: (code: number) => void;
}
