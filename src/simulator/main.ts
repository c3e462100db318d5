#!/usr/bin/env node
// exo-gitops-sim: the Exchange Online simulator. One Exchange engine (engine/), two hosts:
//   exo-gitops-sim [pwsh arguments]    the embedded host: a stand-in for pwsh itself (host-embedded/)
//   exo-gitops-sim module --out DIR    writes the stand-in ExchangeOnlineManagement module for real pwsh (pwsh/)
//   exo-gitops-sim engine              the engine on standard input/output, started by that module
//   exo-gitops-sim advance-migrations  moves every simulated migration batch one step (engine/moves.ts)
// Each tenant's state is EXO_SIM_STATE/<tenant>.json. See README.md beside this file.
import { runEmbedded } from './host-embedded/host.js';

async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'module') return (await import('./host-pwsh/module.js')).moduleCommand(argv.slice(1));
  if (argv[0] === 'engine') return (await import('./host-pwsh/server.js')).serveEngine(process.env);
  if (argv[0] === 'advance-migrations') return (await import('./engine/moves.js')).advanceCommand(argv.slice(1), process.env);
  return runEmbedded(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`exo-gitops-sim internal error: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
