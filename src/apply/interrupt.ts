// Stopping an apply without leaving a step half done: the CLI asks for a stop (Ctrl-C, SIGTERM), the
// generated script sees the stop file before its next step and starts no further one, and apply
// reports what did not start. The file is the one signal both PowerShell and the simulator's hosts
// can see on every platform.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export class StopRequest {
  private readonly folder = mkdtempSync(join(tmpdir(), 'exo-gitops-stop-'));
  /** The file whose existence says "start no further step" (it does not exist until requested). */
  readonly file = join(this.folder, 'stop');
  private stopped = false;

  get requested(): boolean {
    return this.stopped;
  }

  request(): void {
    if (this.stopped) return;
    this.stopped = true;
    writeFileSync(this.file, '', { mode: 0o600 });
  }

  dispose(): void {
    rmSync(this.folder, { recursive: true, force: true });
  }
}
