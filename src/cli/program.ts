import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerApply } from './commands/apply.js';
import { registerExport } from './commands/export.js';
import { registerGitHub } from './commands/github.js';
import { registerRender } from './commands/render.js';
import { registerPlan } from './commands/plan.js';
import { registerSchema } from './commands/schema.js';
import { registerValidate } from './commands/validate.js';
import type { CliContext } from './context.js';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };

export function buildProgram(context: CliContext): Command {
  const program = new Command('exo-gitops')
    .description('GitOps for Exchange Online cross-tenant migration and cloud-managed mailboxes.')
    .version(pkg.version, '-V, --version')
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => context.stdout(text.replace(/\n$/, '')),
      writeErr: (text) => context.stderr(text.replace(/\n$/, '')),
    })
    .exitOverride();
  registerValidate(program, context);
  registerExport(program, context);
  registerPlan(program, context);
  registerApply(program, context);
  registerRender(program, context);
  registerSchema(program, context);
  registerGitHub(program, context);
  return program;
}

/** Run the CLI; resolves to the exit code instead of exiting, so tests can call it in-process. */
export async function run(argv: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  let exitCode = 0;
  const context: CliContext = {
    cwd: process.cwd(),
    env: process.env,
    color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
    interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY) && process.env.CI === undefined,
    ...retryFromEnvironment(process.env),
    stdout: (line) => process.stdout.write(`${line}\n`),
    stderr: (line) => process.stderr.write(`${line}\n`),
    status: (text) => process.stderr.write(`\r\u001b[2K${text}`),
    ...overrides,
    setExitCode: (code) => {
      exitCode = code;
    },
  };
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

/** EXO_GITOPS_RETRY_BASE_MS / _MAX_MS / _ATTEMPTS: tune throttling backoff (tests and impatient demos). */
function retryFromEnvironment(env: NodeJS.ProcessEnv): Partial<CliContext> {
  const read = (name: string): number | undefined => (env[name] !== undefined && /^\d+$/.test(env[name]!) ? Number(env[name]) : undefined);
  const retry = { maxAttempts: read('EXO_GITOPS_RETRY_ATTEMPTS'), baseDelayMs: read('EXO_GITOPS_RETRY_BASE_MS'), maxDelayMs: read('EXO_GITOPS_RETRY_MAX_MS') };
  const set = Object.fromEntries(Object.entries(retry).filter(([, v]) => v !== undefined));
  return Object.keys(set).length > 0 ? { retry: set } : {};
}
