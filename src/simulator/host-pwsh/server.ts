// The engine across a process boundary, for the stand-in module in real pwsh: one JSON request a
// line on standard input, one JSON response a line on standard output. Connect-ExchangeOnline
// starts this process, Disconnect-ExchangeOnline (or the end of pwsh, which closes the pipe) ends it.
//   request:  {"op": "connect"|"call", "cmdlet": "Set-MailUser", "set": "Identity", "parameters": {…}}
//             {"op": "disconnect"}
//   response: {"output": [...], "warnings": [...], "error"?: ErrorWire, "terminating"?: ErrorWire}
// Every change is on disk before its response is sent, as a real tenant has it once the cmdlet
// returns: a pwsh killed between two calls loses nothing the engine answered.
import { createInterface } from 'node:readline';
import { boundFromHost } from '../binder.js';
import { engineFromEnvironment, type CallResult, type ExchangeEngine } from '../engine/engine.js';
import { CmdletError, ErrorRecord, NotSupportedError, notSupportedRecord, TerminatingError } from '../errors.js';
import { asciiJson, fromWire, toWire } from './wire.js';

interface Request {
  op: 'connect' | 'call' | 'disconnect';
  cmdlet?: string;
  set?: string;
  parameters?: Record<string, unknown>;
}

interface ErrorWire {
  message: string;
  reason: string;
  exceptionType: string;
  category: string;
  errorId: string;
  targetObject: unknown;
}

function errorWire(record: ErrorRecord): ErrorWire {
  // PowerShell appends ",<command>" to the id of an error a function writes.
  const suffix = record.commandName ? `,${record.commandName}` : '';
  const errorId = suffix && record.fullyQualifiedErrorId.endsWith(suffix) ? record.fullyQualifiedErrorId.slice(0, -suffix.length) : record.fullyQualifiedErrorId;
  return { message: record.message, reason: record.reason, exceptionType: record.exceptionType, category: record.category, errorId, targetObject: toWire(record.targetObject ?? null) };
}

function handleRequest(engine: ExchangeEngine, request: Request): Record<string, unknown> {
  const parameters = new Map(Object.entries(request.parameters ?? {}).map(([name, value]) => [name, fromWire(value)]));
  let result: CallResult;
  try {
    if (request.op === 'disconnect') {
      engine.disconnect();
      return { output: [], warnings: [] };
    }
    const bound = boundFromHost(String(request.cmdlet), String(request.set ?? ''), parameters);
    if (request.op === 'connect') {
      engine.connect(bound);
      return { output: [], warnings: [] };
    }
    if (!engine.connected) throw new Error('not connected');
    result = engine.call(bound);
    if (!request.cmdlet?.startsWith('Get-')) engine.flushNow();
  } catch (error) {
    if (error instanceof TerminatingError || error instanceof CmdletError) return { output: [], warnings: [], terminating: errorWire(error.record) };
    if (error instanceof NotSupportedError) return { output: [], warnings: [], terminating: errorWire(notSupportedRecord(error)) };
    throw error;
  }
  return {
    output: result.output.map(toWire),
    warnings: result.warnings,
    ...(result.error ? { error: errorWire(result.error) } : {}),
    ...(result.terminating ? { terminating: errorWire(result.terminating) } : {}),
  };
}

export async function serveEngine(env: NodeJS.ProcessEnv): Promise<number> {
  let engine: ExchangeEngine;
  try {
    engine = engineFromEnvironment(env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 64;
  }
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === '') continue;
      let response: Record<string, unknown>;
      let request: Request | null = null;
      try {
        request = JSON.parse(line) as Request;
        response = handleRequest(engine, request);
      } catch (error) {
        const message = `exo-gitops-sim engine internal error: ${(error as Error).stack ?? String(error)}`;
        response = { output: [], warnings: [], terminating: errorWire(new ErrorRecord(message, { reason: 'InvalidOperationException', exceptionType: 'System.InvalidOperationException', category: 'InvalidOperation' })) };
      }
      process.stdout.write(`${asciiJson(response)}\n`);
      if (request?.op === 'disconnect') break;
    }
  } finally {
    // The pipe closed (pwsh ended, or was killed) or Disconnect: the state is on disk either way.
    engine.flushNow();
  }
  return 0;
}
