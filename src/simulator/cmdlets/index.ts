// The Exchange Online session: Connect/Disconnect, and the dispatch of every Exchange cmdlet call
// through binding, fault injection, the implementation, and the periodic atomic flush.
import { bindCmdlet, canonicalCmdletName, identityOf } from '../binder.js';
import { CmdletError, ErrorRecord, NotSupportedError, TerminatingError } from '../errors.js';
import type { Faults } from '../faults.js';
import type { CommandHandler, CommandInvocation, CommandResolver } from '../interpreter.js';
import { loadTenant, type TenantState } from '../state.js';
import { isNull, toStr } from '../values.js';
import type { ExchangeCall, ExchangeCmdlet, Session } from './common.js';
import { groupCmdlets } from './groups.js';
import { migrationCmdlets } from './migration.js';
import { organizationCmdlets } from './organization.js';
import { recipientCmdlets } from './recipients.js';

const IMPLEMENTATIONS: Record<string, ExchangeCmdlet> = {
  ...organizationCmdlets,
  ...migrationCmdlets,
  ...groupCmdlets,
  ...recipientCmdlets,
};

/** Flushing a large state costs time: about once a second, and rarer when a flush is slow (at most ~10% of the run). */
const MINIMUM_FLUSH_INTERVAL_MS = 1000;

export class ExchangeSession implements Session, CommandResolver {
  state: TenantState | null = null;
  private lastFlushAt = Date.now();
  private flushIntervalMs = MINIMUM_FLUSH_INTERVAL_MS;

  constructor(
    readonly stateDirectory: string,
    readonly faults: Faults,
  ) {}

  resolve(nameLower: string): CommandHandler | undefined {
    const cmdlet = canonicalCmdletName(nameLower);
    if (!cmdlet) return undefined;
    if (cmdlet === 'Connect-ExchangeOnline') return (invocation) => this.connect(invocation);
    if (cmdlet === 'Disconnect-ExchangeOnline') return (invocation) => this.disconnect(invocation);
    // Before Connect-ExchangeOnline the module's cmdlets do not exist in the session.
    if (!this.state) return undefined;
    const implementation = IMPLEMENTATIONS[cmdlet];
    if (!implementation) return () => {
      throw new NotSupportedError(`The cmdlet ${cmdlet} is not supported by the simulator.`);
    };
    return (invocation) => this.dispatch(cmdlet, implementation, invocation);
  }

  private dispatch(cmdlet: string, implementation: ExchangeCmdlet, invocation: CommandInvocation): void {
    const items = invocation.hasInput ? invocation.input : [undefined];
    for (const item of items) {
      const pipelineItem = invocation.hasInput ? { present: true, value: item } : { present: false, value: null };
      const bound = bindCmdlet(cmdlet, invocation.args, invocation.position, pipelineItem);
      const state = this.state;
      if (!state) throw new Error('not connected');
      const identity = bound.values.get('Identity') ?? bound.values.get('Name');
      const call: ExchangeCall = {
        bound,
        session: this,
        state,
        emit: (value) => invocation.out.push(value),
        warn: (message) => invocation.interpreter.host.writeErr(`WARNING: ${message}`),
      };
      try {
        this.faults.beforeCall(cmdlet, isNull(identity) ? null : toStr(identityOf(identity)));
        implementation(call);
      } catch (error) {
        if (error instanceof CmdletError) {
          this.faults.recordError(cmdlet);
          error.record.commandName ??= cmdlet;
          invocation.interpreter.handleCmdletError(error.record, invocation);
          continue;
        }
        if (error instanceof TerminatingError) this.faults.recordError(cmdlet);
        throw error;
      } finally {
        this.maybeFlush();
      }
    }
  }

  private connect(invocation: CommandInvocation): void {
    const bound = bindCmdlet('Connect-ExchangeOnline', invocation.args, invocation.position);
    this.faults.beforeCall('Connect-ExchangeOnline', null);
    const organization = bound.values.get('Organization') ?? bound.values.get('DelegatedOrganization');
    if (isNull(organization)) {
      throw new TerminatingError(
        new ErrorRecord('The simulator selects the tenant by -Organization (for example -Organization contoso.onmicrosoft.com); none was given.', {
          reason: 'ArgumentException',
          exceptionType: 'System.ArgumentException',
          category: 'InvalidArgument',
          commandName: 'Connect-ExchangeOnline',
          position: invocation.position,
        }),
      );
    }
    const state = loadTenant(this.stateDirectory, toStr(organization));
    if (!state) {
      throw new TerminatingError(
        new ErrorRecord(
          `Connect-ExchangeOnline failed: the organization '${toStr(organization)}' was not found (EXO_SIM_STATE=${this.stateDirectory} has no <tenant>.json whose tenant.organization is '${toStr(organization)}').`,
          { reason: 'AuthenticationException', exceptionType: 'System.Security.Authentication.AuthenticationException', category: 'AuthenticationError', commandName: 'Connect-ExchangeOnline', position: invocation.position },
        ),
      );
    }
    this.flushNow();
    this.state = state;
  }

  private disconnect(invocation: CommandInvocation): void {
    bindCmdlet('Disconnect-ExchangeOnline', invocation.args, invocation.position);
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
    this.state?.flush();
    this.faults.flushMetrics();
    this.lastFlushAt = Date.now();
  }
}

