// The command line. Each commands/<name>.ts declares its command's options (commander only) and its
// action imports the implementation, actions/<name>.ts, when the command runs: --version, --help and
// a usage error load no dependency but commander (test/cli/startup-modules.test.ts), and a command
// loads only what it uses. Keep it so: a static import of a use case in commands/ costs every run.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerExport } from './commands/export.js';
import { registerGitHub } from './commands/github.js';
import { registerImport } from './commands/import.js';
import { registerRender } from './commands/render.js';
import { registerPlan } from './commands/plan.js';
import { registerSchema } from './commands/schema.js';
import { registerShow } from './commands/show.js';
import { registerValidate } from './commands/validate.js';
import { colorOutput, readSettings, SettingsError, type Settings } from '../settings/environment.js';
import type { CliContext } from './context.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

function buildProgram(context: CliContext): Command {
  const program = new Command('exo-gitops')
    .description('GitOps for Exchange Online cross-tenant migration and cloud-managed mailboxes.')
    .version(pkg.version, '-V, --version')
    .option('--no-color', 'no colour in the output (also NO_COLOR; FORCE_COLOR forces it, TERM=dumb turns it off)')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.stdout(text.replace(/\n$/, '')),
      writeErr: (text) => context.stderr(text.replace(/\n$/, '')),
    })
    .exitOverride();
  registerValidate(program, context);
  registerExport(program, context);
  registerImport(program, context);
  registerPlan(program, context);
  registerApply(program, context);
  registerRender(program, context);
  registerShow(program, context);
  registerSchema(program, context);
  registerGitHub(program, context);
  return program;
}

/** Run the CLI; resolves to the exit code instead of exiting, so tests can call it in-process. */
export async function run(argv: string[], overrides: Partial<Omit<CliContext, 'settings'>> = {}): Promise<number> {
  let exitCode = 0;
  const env = overrides.env ?? process.env;
  const stderr = overrides.stderr ?? ((line: string) => process.stderr.write(`${line}\n`));
  let settings: Settings;
  try {
    settings = readSettings(env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    stderr(`exo-gitops: ${error.message}`);
    return 1;
  }
  const context: CliContext = {
    cwd: process.cwd(),
    env,
    settings,
    platform: process.platform,
    color: colorOutput(settings, { noColorFlag: argv.includes('--no-color'), isTTY: Boolean(process.stdout.isTTY) }),
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && !settings.ci,
    ...(settings.retry ? { retry: settings.retry } : {}),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr,
    status: (text) => process.stderr.write(`\r\u001b[2K${text}`),
    ...overrides,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
  // Export's spinner: on a terminal only (never in CI logs or a pipe), unless a caller says otherwise.
  if (context.progress === undefined && context.interactive && context.status) context.progress = context.status;
  const program = buildProgram(context);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1.
      return error.exitCode === 0 ? 0 : 1;
    }
    const errors = error instanceof AggregateError ? (error.errors as Error[]) : [error as Error];
    for (const e of errors) context.stderr(`exo-gitops: ${e.message}`);
    return 1;
  }
  return exitCode;
}
