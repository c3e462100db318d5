// The embedded host's Exchange commands: binds each call against the official signatures
// (binder.ts) and hands it to the engine. Before Connect-ExchangeOnline the module's cmdlets do not
// exist in the session, as in PowerShell.
import { bindCmdlet, canonicalCmdletName } from '../binder.js';
import { CmdletError } from '../errors.js';
import type { ExchangeEngine } from '../engine/engine.js';
import { NotSupportedError } from '../errors.js';
import type { CommandHandler, CommandInvocation, CommandResolver } from './interpreter.js';

export class EmbeddedExchangeSession implements CommandResolver {
  constructor(readonly engine: ExchangeEngine) {}

  resolve(nameLower: string): CommandHandler | undefined {
    const cmdlet = canonicalCmdletName(nameLower);
    if (!cmdlet) return undefined;
    if (cmdlet === 'Connect-ExchangeOnline') return (invocation) => this.engine.connect(bindCmdlet(cmdlet, invocation.args, invocation.position));
    if (cmdlet === 'Disconnect-ExchangeOnline')
      return (invocation) => {
        bindCmdlet(cmdlet, invocation.args, invocation.position);
        this.engine.disconnect();
      };
    if (!this.engine.connected) return undefined;
    if (!this.engine.implements(cmdlet)) return () => {
      throw new NotSupportedError(`The cmdlet ${cmdlet} is not supported by the simulator.`);
    };
    return (invocation) => this.dispatch(cmdlet, invocation);
  }

  private dispatch(cmdlet: string, invocation: CommandInvocation): void {
    const items = invocation.hasInput ? invocation.input : [undefined];
    for (const item of items) {
      const pipelineItem = invocation.hasInput ? { present: true, value: item } : { present: false, value: null };
      const bound = bindCmdlet(cmdlet, invocation.args, invocation.position, pipelineItem);
      try {
        this.engine.invoke(
          bound,
          (value) => invocation.out.push(value),
          (message) => invocation.interpreter.warn(message, invocation),
        );
      } catch (error) {
        if (error instanceof CmdletError) {
          invocation.interpreter.handleCmdletError(error.record, invocation);
          continue;
        }
        throw error;
      }
    }
  }

  flushNow(): void {
    this.engine.flushNow();
  }
}
