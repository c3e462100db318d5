#!/usr/bin/env node
// exo-gitops-sim: the Exchange Online simulator. One Exchange engine (engine/), two hosts:
//   exo-gitops-sim [pwsh arguments]    the embedded host: a stand-in for pwsh itself (host-embedded/)
//   exo-gitops-sim module --out DIR    writes the stand-in ExchangeOnlineManagement module for real pwsh (pwsh/)
//   exo-gitops-sim engine              the engine on standard input/output, started by that module
//   exo-gitops-sim advance-migrations  moves every simulated migration batch one step (engine/moves.ts)
// Each tenant's state is EXO_SIM_STATE/<tenant>.json. See README.md beside this file.
import { runEmbedded } from './host-embedded/host.js';

/** The subcommands; any other first argument is the embedded host's (a pwsh command line). */
const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  module: async (argv) => (await import('./host-pwsh/module.js')).moduleCommand(argv),
  engine: async () => (await import('./host-pwsh/server.js')).serveEngine(process.env),
  'advance-migrations': async (argv) => (await import('./engine/moves.js')).advanceCommand(argv, process.env),
};

const argv = process.argv.slice(2);
const subcommand = Object.hasOwn(SUBCOMMANDS, argv[0] ?? '') ? SUBCOMMANDS[argv[0]!] : undefined;

async function main(): Promise<number> {
  return subcommand ? subcommand(argv.slice(1)) : runEmbedded(argv);
}

/**
 * Ends the process once its output is written. A long script leaves a large heap (its syntax tree, the
 * tenant's state), and Node frees it piece by piece on a natural exit (~0.2 s for 50,000 calls).
 */
function exitOnceWritten(code: number): void {
  const pending = [process.stdout, process.stderr].filter((stream) => stream.writableLength > 0);
  let left = pending.length;
  if (left === 0) process.exit(code);
  for (const stream of pending) stream.once('drain', () => --left === 0 && process.exit(code));
}

main().then(
  (code) => {
    process.exitCode = code;
    // The embedded host only: the subcommands end when their streams do.
    if (subcommand === undefined) exitOnceWritten(code);
  },
  (error: unknown) => {
    process.stderr.write(`exo-gitops-sim internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
