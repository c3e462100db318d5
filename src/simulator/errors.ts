// Errors and control-flow signals of the interpreter.
import type { Position } from './host-embedded/ast.js';

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
  private readonly explicitErrorId: string | undefined;
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
    this.explicitErrorId = details.fullyQualifiedErrorId;
    this.targetObject = details.targetObject;
    this.position = details.position;
  }

  /** `<reason>,<command>` unless given: the command is often known only once the error reaches its caller. */
  get fullyQualifiedErrorId(): string {
    return this.explicitErrorId ?? (this.commandName ? `${this.reason},${this.commandName}` : this.reason);
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

/**
 * Exchange's exception types by short name, with the namespaces Exchange's assemblies use where
 * known (ManagementObjectNotFoundException is Microsoft.Exchange.Configuration.Tasks'); the rest sit
 * in the namespace of their area. The stand-in module for real pwsh defines every one of them, so
 * `catch [Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException]` works there.
 */
export const EXCHANGE_EXCEPTIONS: Record<string, string> = {
  ManagementObjectNotFoundException: 'Microsoft.Exchange.Configuration.Tasks',
  ManagementObjectAmbiguousException: 'Microsoft.Exchange.Configuration.Tasks',
  RecipientTaskException: 'Microsoft.Exchange.Configuration.Tasks',
  ADObjectAlreadyExistsException: 'Microsoft.Exchange.Data.Directory',
  InvalidOperationInDirSyncedObjectException: 'Microsoft.Exchange.Data.Directory',
  ProxyAddressExistsException: 'Microsoft.Exchange.Data.Directory',
  NotAcceptedDomainException: 'Microsoft.Exchange.Data.Directory',
  MultiplePrimarySmtpAddressesException: 'Microsoft.Exchange.Data.Directory',
  InvalidSmtpAddressException: 'Microsoft.Exchange.Data',
  DuplicateOrganizationRelationshipDomainException: 'Microsoft.Exchange.Management.SystemConfigurationTasks',
  MemberAlreadyExistsException: 'Microsoft.Exchange.Management.RecipientTasks',
  MemberNotFoundException: 'Microsoft.Exchange.Management.RecipientTasks',
  MigrationEndpointDuplicateException: 'Microsoft.Exchange.Migration',
  MigrationEndpointInvalidRemoteTenantException: 'Microsoft.Exchange.Migration',
  MigrationEndpointInvalidTypeException: 'Microsoft.Exchange.Migration',
  MigrationPermanentException: 'Microsoft.Exchange.Migration',
  MigrationJobAlreadyExistsException: 'Microsoft.Exchange.Migration',
  MigrationCSVParsingException: 'Microsoft.Exchange.Migration',
  MigrationCSVTooManyRowsException: 'Microsoft.Exchange.Migration',
  UserDuplicateInOtherBatchException: 'Microsoft.Exchange.Migration',
  MigrationBatchCannotBeModifiedException: 'Microsoft.Exchange.Migration',
  MigrationBatchCannotBeStartedException: 'Microsoft.Exchange.Migration',
  MigrationBatchCannotBeStoppedException: 'Microsoft.Exchange.Migration',
  MigrationBatchCannotBeCompletedException: 'Microsoft.Exchange.Migration',
  MigrationBatchCannotBeRemovedException: 'Microsoft.Exchange.Migration',
  ThrottlingException: 'Microsoft.Exchange.Configuration.Tasks',
  SimulatedFailureException: 'Microsoft.Exchange.Simulator',
};

/** .NET's and PowerShell's own exceptions the engine raises: their real types. */
const SYSTEM_EXCEPTIONS: Record<string, string> = {
  InvalidOperationException: 'System.InvalidOperationException',
  ArgumentException: 'System.ArgumentException',
  NotSupportedException: 'System.NotSupportedException',
  PSInvalidOperationException: 'System.Management.Automation.PSInvalidOperationException',
  ParameterBindingValidationException: 'System.Management.Automation.ParameterBindingException',
  ParameterBindingArgumentTransformationException: 'System.Management.Automation.ParameterBindingException',
};

export function exchangeExceptionType(reason: string): string {
  return SYSTEM_EXCEPTIONS[reason] ?? `${EXCHANGE_EXCEPTIONS[reason] ?? 'Microsoft.Exchange.Data'}.${reason}`;
}

/** Exchange's own errors, as the service words them. `reason` is the exception's short name. */
export function exchangeError(message: string, reason: string, category = 'NotSpecified', targetObject?: unknown): CmdletError {
  return new CmdletError(
    new ErrorRecord(message, {
      reason,
      exceptionType: exchangeExceptionType(reason),
      category,
      targetObject,
    }),
  );
}

/** A construct or cmdlet the simulator does not model, as an error record a host can hand on. */
export function notSupportedRecord(error: NotSupportedError, commandName?: string): ErrorRecord {
  return new ErrorRecord(error.message, { reason: 'NotSupportedException', exceptionType: 'System.NotSupportedException', category: 'NotImplemented', ...(commandName ? { commandName } : {}) });
}
