// Errors and control-flow signals of the interpreter.
import type { Position } from './ast.js';

/** A construct or cmdlet the simulator does not implement. Never caught by try/catch: it must be loud. */
export class NotSupportedError extends Error {}

export interface ErrorRecordDetails {
  /** The exception's short type name, as $_.CategoryInfo.Reason shows it. */
  reason: string;
  /** The exception's full type name. */
  exceptionType?: string;
  /** ErrorCategory, e.g. ObjectNotFound, InvalidArgument, NotSpecified. */
  category?: string;
  /** The FullyQualifiedErrorId; by default `<reason>,<command>`. */
  fullyQualifiedErrorId?: string;
  commandName?: string;
  targetObject?: unknown;
  position?: Position;
}

/** PowerShell's ErrorRecord: what `$_` holds in a catch block. */
export class ErrorRecord {
  readonly reason: string;
  readonly exceptionType: string;
  readonly category: string;
  readonly fullyQualifiedErrorId: string;
  commandName: string | undefined;
  readonly targetObject: unknown;
  position: Position | undefined;

  constructor(
    readonly message: string,
    details: ErrorRecordDetails,
  ) {
    this.reason = details.reason;
    this.exceptionType = details.exceptionType ?? details.reason;
    this.category = details.category ?? 'NotSpecified';
    this.commandName = details.commandName;
    this.fullyQualifiedErrorId = details.fullyQualifiedErrorId ?? (details.commandName ? `${details.reason},${details.commandName}` : details.reason);
    this.targetObject = details.targetObject;
    this.position = details.position;
  }

  toString(): string {
    return this.message;
  }
}

/** A terminating error travelling up to the nearest try/catch (or ending the script). */
export class TerminatingError extends Error {
  constructor(readonly record: ErrorRecord) {
    super(record.message);
  }
}

/** A cmdlet reports this; the caller decides (by -ErrorAction) whether it terminates. */
export class CmdletError extends Error {
  constructor(readonly record: ErrorRecord) {
    super(record.message);
  }
}

export class BreakSignal {}
export class ContinueSignal {}
export class ReturnSignal {
  constructor(readonly value: unknown[]) {}
}
export class ExitSignal {
  constructor(readonly code: number) {}
}

/** Exchange's own errors, as the service words them. `reason` is the exception's short name. */
export function exchangeError(message: string, reason: string, category = 'NotSpecified', targetObject?: unknown): CmdletError {
  return new CmdletError(
    new ErrorRecord(message, {
      reason,
      exceptionType: `Microsoft.Exchange.${reason}`,
      category,
      targetObject,
    }),
  );
}
