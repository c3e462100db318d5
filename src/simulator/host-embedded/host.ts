// The embedded host: a stand-in for `pwsh` + Exchange Online. It accepts the pwsh invocations the
// tool uses (-NoLogo -NoProfile -NonInteractive -File script.ps1, or -Command - with the script on
// stdin), runs the script with the tree-sitter interpreter and hands every Exchange call to the engine.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { builtinCommands } from './builtins.js';
import { engineFromEnvironment, sleepSync } from '../engine/engine.js';
import { EmbeddedExchangeSession } from './session.js';
import { NotSupportedError } from '../errors.js';
import { type Host, Interpreter } from './interpreter.js';
import { ParseError, parseScript } from './parse.js';

interface Invocation {
  kind: 'file' | 'command' | 'version';
  file?: string;
  command?: string;
  scriptArgs: string[];
}

const USAGE = 'Usage: exo-gitops-sim [-NoLogo] [-NoProfile] [-NonInteractive] (-File <script.ps1> [args] | -Command - | -Command <text>)';

/** pwsh's command line: switches are case-insensitive and may be abbreviated; -File/-Command end it. */
function parseArguments(argv: string[]): Invocation {
  const scriptArgs: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    const lower = argument.toLowerCase().replace(/^--?/, '-');
    if (['-nologo', '-noprofile', '-noninteractive', '-nonint', '-nol', '-nop', '-noni'].includes(lower)) continue;
    if (lower === '-executionpolicy' || lower === '-ep' || lower === '-outputformat' || lower === '-of' || lower === '-inputformat' || lower === '-if') {
      index++;
      continue;
    }
    if (lower === '-version' || lower === '-v') return { kind: 'version', scriptArgs };
    if (lower === '-file' || lower === '-f') {
      const file = argv[index + 1];
      if (!file) throw new Error(`-File needs a script path. ${USAGE}`);
      return { kind: 'file', file, scriptArgs: argv.slice(index + 2) };
    }
    if (lower === '-command' || lower === '-c') {
      return { kind: 'command', command: argv.slice(index + 1).join(' '), scriptArgs };
    }
    if (!argument.startsWith('-')) return { kind: 'file', file: argument, scriptArgs: argv.slice(index + 1) };
    throw new Error(`Unknown argument '${argument}'. ${USAGE}`);
  }
  throw new Error(USAGE);
}

/** Buffered stdout: many small writes become few large ones, flushed often enough to stream. */
class OutputBuffer {
  private chunks: string[] = [];
  private size = 0;
  private lastFlush = Date.now();

  constructor(private readonly sink: (text: string) => void) {}

  write(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size > 64 * 1024 || Date.now() - this.lastFlush > 200) this.flush();
  }

  flush(): void {
    if (this.chunks.length === 0) return;
    const data = this.chunks.join('');
    this.chunks = [];
    this.size = 0;
    this.lastFlush = Date.now();
    this.sink(data);
  }
}

export async function runEmbedded(argv: string[]): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 64;
  }
  if (invocation.kind === 'version') {
    process.stdout.write('PowerShell 7.4.0 (exo-gitops Exchange Online simulator)\n');
    return 0;
  }
  let source: string;
  let scriptFile: string;
  if (invocation.kind === 'file') {
    scriptFile = resolve(invocation.file!);
    try {
      source = readFileSync(scriptFile, 'utf8');
    } catch {
      process.stderr.write(`The argument '${invocation.file}' is not recognized as the name of a script file. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.\n`);
      return 64;
    }
  } else if (invocation.command === '-') {
    scriptFile = '<stdin>';
    source = readFileSync(0, 'utf8');
  } else {
    scriptFile = '<command>';
    source = invocation.command ?? '';
  }
  return runEmbeddedScript(source, {
    scriptFile,
    scriptArgs: invocation.scriptArgs,
    scriptScope: invocation.kind === 'file',
    env: { ...process.env },
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}

export interface EmbeddedRun {
  scriptFile: string;
  scriptArgs: string[];
  /** As pwsh -File: the script runs in a script scope below the global one. */
  scriptScope: boolean;
  env: Record<string, string | undefined>;
  out: (text: string) => void;
  err: (text: string) => void;
}

/** One script through the embedded host: the command line's, or in-process for the tool's runner. */
export async function runEmbeddedScript(text: string, run: EmbeddedRun): Promise<number> {
  const source = text.replace(/^\uFEFF/, '');
  const { scriptFile, env } = run;
  const stdout = new OutputBuffer(run.out);
  const host: Host = {
    writeOut: (line) => stdout.write(`${line}\n`),
    writeErr: (line) => {
      stdout.flush();
      run.err(`${line}\n`);
    },
    env,
    sleep: (milliseconds) => {
      stdout.flush();
      sleepSync(milliseconds);
    },
    scriptFile,
  };

  let session: EmbeddedExchangeSession;
  try {
    session = new EmbeddedExchangeSession(engineFromEnvironment(env));
  } catch (error) {
    run.err(`${(error as Error).message}\n`);
    return 64;
  }

  const timing = env['EXO_SIM_TIMING'] === '1';
  const phaseStarted = performance.now();
  let parsed;
  try {
    const stats: { grammarMs?: number; convertMs?: number; pieces?: number } = {};
    parsed = await parseScript(source, scriptFile, { stats });
    if (timing) run.err(`exo-gitops-sim timing: parse ${Math.round(performance.now() - phaseStarted)} ms (grammar ${Math.round(stats.grammarMs ?? 0)} ms, convert ${Math.round(stats.convertMs ?? 0)} ms, ${stats.pieces ?? 1} pieces)\n`);
  } catch (error) {
    if (error instanceof ParseError) {
      run.err(`${error.render()}\n`);
      return 1;
    }
    if (error instanceof NotSupportedError) {
      run.err(`NotSupported: ${error.message}\n`);
      return 1;
    }
    throw error;
  }

  const interpreter = new Interpreter(host);
  interpreter.addResolver(builtinCommands);
  interpreter.addResolver(session);
  interpreter.setVariable('args', run.scriptArgs);
  let code: number;
  try {
    code = interpreter.run(parsed.body, { scriptScope: run.scriptScope });
  } catch (error) {
    if (error instanceof NotSupportedError) {
      host.writeErr(`NotSupported: ${error.message}`);
      code = 1;
    } else {
      host.writeErr(`exo-gitops-sim internal error: ${(error as Error).stack ?? String(error)}`);
      code = 70;
    }
  } finally {
    if (timing) run.err(`exo-gitops-sim timing: run ${Math.round(performance.now() - phaseStarted)} ms since start\n`);
    // The final flush is never skipped: success, terminating error or exit N.
    session.flushNow();
    stdout.flush();
    if (timing) {
      const { loadMs, flushes, flushMs } = session.engine.timings;
      run.err(`exo-gitops-sim timing: done ${Math.round(performance.now() - phaseStarted)} ms since start (state load ${Math.round(loadMs)} ms, ${flushes} state flushes ${Math.round(flushMs)} ms)\n`);
    }
  }
  return code;
}

