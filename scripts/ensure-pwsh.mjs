#!/usr/bin/env node
// Restores the pinned PowerShell (.config/dotnet-tools.json) wherever the .NET SDK is present, and
// writes .tools/pwsh, a launcher the real-pwsh tests use. Run by `npm test` (pretest); on a machine
// without dotnet it says so in one line and the real-pwsh tests are skipped (under CI=true they fail).
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const launcher = join(root, '.tools', 'pwsh');
const manifest = JSON.parse(readFileSync(join(root, '.config', 'dotnet-tools.json'), 'utf8'));
const version = manifest.tools.powershell.version;
const quiet = { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_NOLOGO: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' };

function run(command, args) {
  return execFileSync(command, args, { cwd: root, env: quiet, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function main() {
  try {
    run('dotnet', ['--version']);
  } catch {
    rmSync(launcher, { force: true });
    console.log(`ensure-pwsh: no dotnet on PATH: the real-pwsh tests will be skipped (install the .NET SDK to run them)`);
    return 0;
  }
  try {
    run('dotnet', ['tool', 'restore']);
  } catch (error) {
    console.error(`ensure-pwsh: dotnet tool restore failed: ${String(error.stderr || error.message).trim().split('\n').slice(-3).join(' ')}`);
    return process.env.CI === 'true' ? 1 : 0;
  }
  const packages = /global-packages:\s*(.+)/.exec(run('dotnet', ['nuget', 'locals', 'global-packages', '--list']))?.[1]?.trim() ?? join(process.env.HOME ?? '', '.nuget', 'packages');
  const tools = join(packages, 'powershell', version, 'tools');
  const framework = existsSync(tools) ? readdirSync(tools).filter((name) => name.startsWith('net')).sort().pop() : undefined;
  const dll = framework ? join(tools, framework, 'any', 'unix', 'pwsh.dll') : '';
  if (!dll || !existsSync(dll)) {
    console.error(`ensure-pwsh: PowerShell ${version} restored, but pwsh.dll is not under ${tools}`);
    return process.env.CI === 'true' ? 1 : 0;
  }
  mkdirSync(dirname(launcher), { recursive: true });
  // No update check or telemetry: these machines reach no network beyond the package registries.
  writeFileSync(
    launcher,
    `#!/bin/sh\n# PowerShell ${version} from .config/dotnet-tools.json (written by scripts/ensure-pwsh.mjs)\nexport POWERSHELL_TELEMETRY_OPTOUT=1 POWERSHELL_UPDATECHECK=Off DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1\nexec dotnet '${dll.replace(/'/g, "'\\''")}' "$@"\n`,
  );
  chmodSync(launcher, 0o755);
  const reported = execFileSync(launcher, ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '$PSVersionTable.PSVersion.ToString()'], { encoding: 'utf8' }).trim();
  console.log(`ensure-pwsh: PowerShell ${reported} at .tools/pwsh`);
  return 0;
}

process.exitCode = main();
