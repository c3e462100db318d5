// The one place PowerShell is started: a private script file run with -File and removed afterwards,
// only the environment PowerShell needs, and one result shape.
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { IN_PROCESS_SIMULATOR, pwshEnvironment, runScript } from '../../src/process/pwsh.js';

const dir = mkdtempSync(join(tmpdir(), 'exo-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in for pwsh that records how it was called: its arguments, its environment, the script file. */
function fakePwsh(): { command: string; dump: string } {
  const dump = join(dir, `dump-${Math.random().toString(36).slice(2)}`);
  const command = join(dir, `fake-pwsh-${Math.random().toString(36).slice(2)}`);
  writeFileSync(
    command,
    `#!/bin/sh\n{ echo "ARGS:$*"; env | sed 's/^/ENV:/'; for last; do :; done; echo "MODE:$(stat -c %a "$last")"; echo "DIRMODE:$(stat -c %a "$(dirname "$last")")"; echo "SCRIPT:$(cat "$last")"; } > "$EXO_SIM_DUMP"\necho out-line-1\necho out-line-2\nexit 3\n`,
  );
  chmodSync(command, 0o755);
  return { command, dump };
}

describe('runScript', () => {
  it('runs the script with -File from a private file that is gone afterwards, and reports one result', async () => {
    const { command, dump } = fakePwsh();
    const lines: string[] = [];
    const result = await runScript("Write-Output 'hi'\n", { env: { EXO_GITOPS_PWSH: command, EXO_SIM_DUMP: dump, PATH: process.env.PATH ?? '' }, onLine: (line) => lines.push(line) });
    const seen = readFileSync(dump, 'utf8');
    expect(seen).toMatch(/^ARGS:-NoLogo -NoProfile -NonInteractive -File \/.+\/script\.ps1$/m);
    expect(seen).toContain("SCRIPT:Write-Output 'hi'");
    expect(seen).toMatch(/^MODE:600$/m);
    expect(seen).toMatch(/^DIRMODE:700$/m);
    const file = /-File (\S+)/.exec(seen)![1]!;
    expect(existsSync(file)).toBe(false);
    expect(lines).toEqual(['out-line-1', 'out-line-2']);
    expect(result).toMatchObject({ command, exitCode: 3, failure: 'exited' });
    expect(result.message).toContain('failed (exit code 3)');
  });

  it('gives PowerShell only what it needs and the variables the script reads: never GITHUB_TOKEN', async () => {
    const { command, dump } = fakePwsh();
    await runScript('x', {
      env: { EXO_GITOPS_PWSH: command, EXO_SIM_DUMP: dump, PATH: process.env.PATH ?? '', HOME: '/home/x', PSModulePath: '/m', GITHUB_TOKEN: 'ghs_secret', OTHER_SECRET: 'no', NORTHWIND_EXO_TOKEN: 'tok' },
      readsEnv: ['NORTHWIND_EXO_TOKEN'],
    });
    const seen = readFileSync(dump, 'utf8');
    expect(seen).toContain('ENV:NORTHWIND_EXO_TOKEN=tok');
    expect(seen).toContain('ENV:PSModulePath=/m');
    expect(seen).toContain('ENV:HOME=/home/x');
    expect(seen).not.toContain('GITHUB_TOKEN');
    expect(seen).not.toContain('OTHER_SECRET');
  });

  it('says when PowerShell is not there', async () => {
    const result = await runScript('x', { env: { EXO_GITOPS_PWSH: join(dir, 'no-such-pwsh'), PATH: '' } });
    expect(result.failure).toBe('not-found');
    expect(result.message).toContain('PowerShell was not found');
  });

  it('pwshEnvironment passes locale, proxies and PowerShell settings through', () => {
    expect(Object.keys(pwshEnvironment({ LANG: 'C', HTTPS_PROXY: 'p', POWERSHELL_TELEMETRY_OPTOUT: '1', DOTNET_ROOT: '/d', ACTIONS_RUNTIME_TOKEN: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, [])).sort()).toEqual(['DOTNET_ROOT', 'HTTPS_PROXY', 'LANG', 'POWERSHELL_TELEMETRY_OPTOUT']);
  });

  it('runs the simulator in-process with the same result shape, line stream and environment', async () => {
    const lines: string[] = [];
    const result = await runScript("Write-Output 'a'\nWrite-Output ($null -eq $env:GITHUB_TOKEN)\nWrite-Output $env:NORTHWIND_EXO_TOKEN\nexit 3\n", {
      env: { EXO_GITOPS_PWSH: IN_PROCESS_SIMULATOR, GITHUB_TOKEN: 'ghs_secret', NORTHWIND_EXO_TOKEN: 'tok' },
      readsEnv: ['NORTHWIND_EXO_TOKEN'],
      onLine: (line) => lines.push(line),
    });
    expect(lines).toEqual(['a', 'True', 'tok']);
    expect(result).toMatchObject({ command: IN_PROCESS_SIMULATOR, exitCode: 3, failure: 'exited', stdout: 'a\nTrue\ntok\n' });
  });
});
