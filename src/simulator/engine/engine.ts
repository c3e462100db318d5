// The Exchange engine: tenant state, the cmdlets' semantics, Exchange's errors, faults and call
// counts, apart from any PowerShell host. A host binds a call (the embedded interpreter with
// binder.ts, real pwsh with the stand-in module's declarations) and hands the engine the cmdlet
// name and the bound parameters; the engine returns the objects, the warnings, or Exchange's error.
import type { BoundCommand } from './bound.js';
import { resolve } from 'node:path';
import { CmdletError, ErrorRecord, NotSupportedError, notSupportedRecord, TerminatingError } from '../errors.js';
import { Faults, parseFaultConfig } from './faults.js';
import { loadTenant, type TenantState } from './state.js';
import { isNull, toStr } from '../values.js';
import type { ExchangeCall, ExchangeCmdlet, Session } from './cmdlets/common.js';
import { batchCmdlets } from './cmdlets/batches.js';
import { groupCmdlets } from './cmdlets/groups.js';
import { injectedFailureResults, migrationCmdlets } from './cmdlets/migration.js';
import { organizationCmdlets } from './cmdlets/organization.js';
import { permissionCmdlets } from './cmdlets/permissions.js';
import { recipientCmdlets } from './cmdlets/recipients.js';
import { statisticsCmdlets } from './cmdlets/statistics.js';

const IMPLEMENTATIONS: Record<string, ExchangeCmdlet> = {
  ...organizationCmdlets,
  ...migrationCmdlets,
  ...groupCmdlets,
  ...recipientCmdlets,
  ...statisticsCmdlets,
  ...batchCmdlets,
  ...permissionCmdlets,
};

/** The Exchange cmdlets the engine implements (Connect-/Disconnect-ExchangeOnline aside). */
export function implementedCmdlets(): string[] {
  return Object.keys(IMPLEMENTATIONS);
}

/** Flushing a large state costs time: about once a second, and rarer when a flush is slow (at most ~10% of the run). */
const MINIMUM_FLUSH_INTERVAL_MS = 1000;

/** What one call gave: its output objects and warnings, or the error it reported. */
export interface CallResult {
  output: unknown[];
  warnings: string[];
  /** A cmdlet error: non-terminating, the host's -ErrorAction decides. */
  error?: ErrorRecord;
  /** An error that ends the statement whatever -ErrorAction says (binding, sign-in, not supported). */
  terminating?: ErrorRecord;
}

/** Where the engine's own time went (EXO_SIM_TIMING=1 prints it). */
export interface EngineTimings {
  loadMs: number;
  flushes: number;
  flushMs: number;
}

export class ExchangeEngine implements Session {
  state: TenantState | null = null;
  private lastFlushAt = Date.now();
  private flushIntervalMs = MINIMUM_FLUSH_INTERVAL_MS;
  readonly timings: EngineTimings = { loadMs: 0, flushes: 0, flushMs: 0 };

  constructor(
    readonly stateDirectory: string,
    readonly faults: Faults,
  ) {}

  get connected(): boolean {
    return this.state !== null;
  }

  implements(cmdlet: string): boolean {
    return cmdlet in IMPLEMENTATIONS;
  }

  /** Runs one bound call, emitting output and warnings as they come; throws CmdletError, TerminatingError or NotSupportedError. */
  invoke(bound: BoundCommand, emit: (value: unknown) => void, warn: (message: string) => void): void {
    const implementation = IMPLEMENTATIONS[bound.cmdlet];
    if (!implementation) throw new NotSupportedError(`The cmdlet ${bound.cmdlet} is not supported by the simulator.`);
    const state = this.state;
    if (!state) throw new Error('not connected');
    const identity = bound.values.get('Identity') ?? bound.values.get('Name') ?? bound.values.get('Endpoint');
    const call: ExchangeCall = { bound, session: this, state, emit, warn };
    try {
      // Bound values are transformed already: an identity is its string (binder.ts, coerce).
      try {
        this.faults.beforeCall(bound.cmdlet, isNull(identity) ? null : toStr(identity));
      } catch (error) {
        // A cmdlet that reports failure as its result (Test-MigrationServerAvailability: Result
        // Failed) does so for an injected failure too; throttling stays an error.
        const asResult = injectedFailureResults[bound.cmdlet];
        if (asResult && error instanceof CmdletError && error.record.reason === 'SimulatedFailureException') {
          emit(asResult(bound, error.record.message));
          return;
        }
        throw error;
      }
      implementation(call);
    } catch (error) {
      if (error instanceof CmdletError || error instanceof TerminatingError) {
        this.faults.recordError(bound.cmdlet);
        error.record.commandName ??= bound.cmdlet;
      }
      throw error;
    } finally {
      this.maybeFlush();
    }
  }

  /** invoke() as data, for hosts across a process boundary. */
  call(bound: BoundCommand): CallResult {
    const result: CallResult = { output: [], warnings: [] };
    try {
      this.invoke(bound, (value) => result.output.push(value), (message) => result.warnings.push(message));
    } catch (error) {
      if (error instanceof CmdletError) result.error = error.record;
      else if (error instanceof TerminatingError) result.terminating = error.record;
      else if (error instanceof NotSupportedError) result.terminating = notSupportedRecord(error, bound.cmdlet);
      else throw error;
    }
    return result;
  }

  /** Connect-ExchangeOnline: the tenant whose snapshot's tenant.organization is -Organization. */
  connect(bound: BoundCommand): void {
    this.faults.beforeCall('Connect-ExchangeOnline', null);
    const organization = bound.values.get('Organization') ?? bound.values.get('DelegatedOrganization');
    if (isNull(organization)) {
      throw new TerminatingError(
        new ErrorRecord('The simulator selects the tenant by -Organization (for example -Organization contoso.onmicrosoft.com); none was given.', {
          reason: 'ArgumentException',
          exceptionType: 'System.ArgumentException',
          category: 'InvalidArgument',
          commandName: 'Connect-ExchangeOnline',
        }),
      );
    }
    const loadStarted = performance.now();
    const state = loadTenant(this.stateDirectory, toStr(organization));
    const loadMs = performance.now() - loadStarted;
    this.timings.loadMs += loadMs;
    if (!state) {
      throw new TerminatingError(
        new ErrorRecord(
          `Connect-ExchangeOnline failed: the organization '${toStr(organization)}' was not found (EXO_SIM_STATE=${this.stateDirectory} has no <tenant>.json whose tenant.organization is '${toStr(organization)}').`,
          { reason: 'AuthenticationException', exceptionType: 'System.Security.Authentication.AuthenticationException', category: 'AuthenticationError', commandName: 'Connect-ExchangeOnline' },
        ),
      );
    }
    this.flushNow();
    this.state = state;
    // Until a flush of this state has been timed, writing it is taken to cost what reading it did:
    // a large state is not written a second after Connect only to learn that it is slow.
    this.flushIntervalMs = Math.max(MINIMUM_FLUSH_INTERVAL_MS, loadMs * 10);
  }

  disconnect(): void {
    this.faults.countCall('Disconnect-ExchangeOnline');
    this.flushNow();
    this.state = null;
  }

  maybeFlush(): void {
    const now = Date.now();
    if (now - this.lastFlushAt < this.flushIntervalMs) return;
    const started = Date.now();
    this.flushNow();
    const took = Date.now() - started;
    this.flushIntervalMs = Math.max(MINIMUM_FLUSH_INTERVAL_MS, took * 10);
  }

  flushNow(): void {
    if (this.state?.dirty) {
      const started = performance.now();
      this.state.flush();
      this.timings.flushes++;
      this.timings.flushMs += performance.now() - started;
    }
    this.faults.flushMetrics();
    this.lastFlushAt = Date.now();
  }
}

/** Blocks the thread: the engine and its hosts are synchronous, and a simulator process has nothing else to do. */
export function sleepSync(milliseconds: number): void {
  if (milliseconds > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, milliseconds);
}

/** The engine on the state in EXO_SIM_STATE, with the EXO_SIM_* knobs; throws on a knob it cannot read. */
export function engineFromEnvironment(env: Record<string, string | undefined>): ExchangeEngine {
  return new ExchangeEngine(resolve(env['EXO_SIM_STATE'] ?? '.'), new Faults(parseFaultConfig(env), sleepSync));
}
