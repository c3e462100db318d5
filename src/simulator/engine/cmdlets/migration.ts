// Migration endpoints. The credentials' secret is never stored or printed: Exchange never returns
// it either. The metrics file only records that credentials were sent (count and time).
import type { MigrationEndpointEntry } from '../../../model/snapshot.js';
import { exchangeError, NotSupportedError } from '../../errors.js';
import type { BoundCommand } from '../bound.js';
import { isNull, PSObject, toStr } from '../../values.js';
import {
  ambiguous,
  type ExchangeCall,
  type ExchangeCmdlet,
  emitList,
  has,
  notFound,
  requireIdentity,
  requireNoPrompt,
  stringValue,
  supportOnly,
  toObject,
  value,
} from './common.js';

/**
 * State-only marker of an endpoint whose credentials Exchange no longer holds (an expired or deleted
 * application secret): Test-MigrationServerAvailability fails for it until Set-MigrationEndpoint
 * -Credentials. Never printed: Exchange never shows credentials.
 */
const CREDENTIALS_MISSING = 'CredentialsMissing';

type EndpointState = MigrationEndpointEntry & { [CREDENTIALS_MISSING]?: boolean };

function endpointObject(entry: MigrationEndpointEntry): PSObject {
  return toObject(entry, 'Microsoft.Exchange.Migration.MigrationEndpoint', [['Name', entry.Identity]], [CREDENTIALS_MISSING]);
}

/** MaxConcurrentMigrations as bound (binder.ts): a number or "Unlimited", Exchange's Unlimited<int>. */
function maxConcurrentMigrations(call: ExchangeCall): number | 'Unlimited' {
  const raw = value(call, 'MaxConcurrentMigrations');
  return raw === 'Unlimited' ? 'Unlimited' : (raw as number);
}

function findEndpoint(call: ExchangeCall, identity: string): MigrationEndpointEntry {
  const lower = identity.toLowerCase();
  const matches = call.state.snapshot.MigrationEndpoint.filter((entry) => entry.Identity.toLowerCase() === lower);
  if (matches.length === 0) throw notFound(call.state, identity);
  if (matches.length > 1) throw ambiguous(identity);
  return matches[0]!;
}

function recordCredentials(call: ExchangeCall, endpoint: string): void {
  if (has(call, 'Credentials')) call.session.faults.recordCredentials(`${call.state.snapshot.tenant.name}/${endpoint}`);
}

const getMigrationEndpoint: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Type']);
  const identity = stringValue(call, 'Identity');
  if (identity !== null) {
    call.emit(endpointObject(findEndpoint(call, identity)));
    return;
  }
  const type = stringValue(call, 'Type');
  emitList(call, call.state.snapshot.MigrationEndpoint.filter((entry) => type === null || entry.EndpointType.toLowerCase() === type.toLowerCase()).map(endpointObject));
};

const newMigrationEndpoint: ExchangeCmdlet = (call) => {
  if (call.bound.parameterSet !== 'ExchangeRemoteMove') {
    throw new NotSupportedError(`New-MigrationEndpoint in the parameter set '${call.bound.parameterSet}' is not supported by the simulator (only ExchangeRemoteMove is).`);
  }
  supportOnly(call, ['Name', 'ExchangeRemoteMove', 'RemoteServer', 'RemoteTenant', 'ApplicationId', 'Credentials', 'MaxConcurrentMigrations', 'SkipVerifyingCredentials', 'SkipVerification', 'AppSecretKeyVaultUrl']);
  if (value(call, 'ExchangeRemoteMove') !== true) {
    throw exchangeError('The ExchangeRemoteMove switch must be set to create an Exchange remote move endpoint.', 'MigrationEndpointInvalidTypeException', 'InvalidArgument');
  }
  const name = stringValue(call, 'Name') ?? '';
  if (call.state.snapshot.MigrationEndpoint.some((entry) => entry.Identity.toLowerCase() === name.toLowerCase())) {
    throw exchangeError(`A migration endpoint with the name "${name}" already exists. Please try another name.`, 'MigrationEndpointDuplicateException', 'ResourceExists', name);
  }
  const remoteTenant = stringValue(call, 'RemoteTenant');
  if (remoteTenant && remoteTenant.toLowerCase() === call.state.organization.toLowerCase()) {
    throw exchangeError(
      'ASSERT: The resource tenant and the accessing tenant cannot be equal',
      'MigrationEndpointInvalidRemoteTenantException',
      'InvalidArgument',
      remoteTenant,
    );
  }
  if (remoteTenant && !has(call, 'Credentials') && !has(call, 'AppSecretKeyVaultUrl')) {
    throw exchangeError('A cross-tenant migration endpoint needs the application secret: pass -Credentials (application ID and secret).', 'MigrationPermanentException', 'InvalidArgument');
  }
  const entry: MigrationEndpointEntry = {
    Identity: name,
    EndpointType: 'ExchangeRemoteMove',
    RemoteServer: stringValue(call, 'RemoteServer'),
    RemoteTenant: remoteTenant,
    ApplicationId: stringValue(call, 'ApplicationId'),
    MaxConcurrentMigrations: has(call, 'MaxConcurrentMigrations') ? maxConcurrentMigrations(call) : 20,
  };
  call.state.snapshot.MigrationEndpoint.push(entry);
  call.state.markDirty();
  recordCredentials(call, name);
  call.emit(endpointObject(entry));
};

const setMigrationEndpoint: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'RemoteServer', 'ApplicationId', 'Credentials', 'MaxConcurrentMigrations', 'SkipVerifyingCredentials', 'SkipVerification', 'AppSecretKeyVaultUrl']);
  const entry = findEndpoint(call, requireIdentity(call));
  if (has(call, 'RemoteServer')) entry.RemoteServer = stringValue(call, 'RemoteServer');
  if (has(call, 'ApplicationId')) entry.ApplicationId = stringValue(call, 'ApplicationId');
  if (has(call, 'MaxConcurrentMigrations')) entry.MaxConcurrentMigrations = maxConcurrentMigrations(call);
  if (has(call, 'Credentials')) delete (entry as EndpointState)[CREDENTIALS_MISSING];
  call.state.markDirty();
  recordCredentials(call, entry.Identity);
};

const removeMigrationEndpoint: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity']);
  const entry = findEndpoint(call, requireIdentity(call));
  requireNoPrompt(call);
  call.state.snapshot.MigrationEndpoint = call.state.snapshot.MigrationEndpoint.filter((candidate) => candidate !== entry);
  call.state.markDirty();
};

/** The outcome object Test-MigrationServerAvailability returns: Result Success or Failed, never an error for a failed test. */
export function availabilityOutcome(result: 'Success' | 'Failed', message: string, tested: string | null): PSObject {
  return new PSObject(
    [
      ['Result', result],
      ['Message', message],
      ['ConnectionSettings', null],
      ['SupportsCutover', false],
      ['ErrorDetail', result === 'Success' ? '' : message],
      ['TestedEndpoint', tested],
    ],
    'Microsoft.Exchange.Migration.TestMigrationServerAvailabilityOutcome',
  );
}

/** Why testing a cross-tenant endpoint fails, as the simulator can tell from the state; null when it passes. */
function endpointProblem(entry: EndpointState): string | null {
  if (!entry.RemoteTenant) return `The migration endpoint '${entry.Identity}' has no RemoteTenant: the source tenant can't be reached.`;
  if (!entry.ApplicationId) return `The migration endpoint '${entry.Identity}' has no ApplicationId: no application can sign in to '${entry.RemoteTenant}'.`;
  if (entry[CREDENTIALS_MISSING] === true) {
    return `The connection to the server '${entry.RemoteServer ?? 'outlook.office.com'}' could not be completed: the credentials of the application '${entry.ApplicationId}' for '${entry.RemoteTenant}' were rejected. Set them again with Set-MigrationEndpoint -Credentials.`;
  }
  return null;
}

/**
 * Test-MigrationServerAvailability: -Endpoint (the TestEndpoint set) tests a saved endpoint; the
 * ExchangeRemoteMove set a server. A failed test is a result (Result Failed, with the reason in
 * Message), not an error: an endpoint without RemoteTenant or ApplicationId, one whose state says
 * CredentialsMissing, or an injected failure (EXO_SIM_FAIL=Test-MigrationServerAvailability[:endpoint]).
 */
const testMigrationServerAvailability: ExchangeCmdlet = (call) => {
  const set = call.bound.parameterSet;
  if (set !== 'TestEndpoint' && set !== 'ExchangeRemoteMove') {
    throw new NotSupportedError(`Test-MigrationServerAvailability in the parameter set '${set}' is not supported by the simulator.`);
  }
  supportOnly(call, ['Endpoint', 'ExchangeRemoteMove', 'RemoteServer', 'Credentials', 'TestMailbox']);
  const tested = stringValue(call, 'Endpoint') ?? stringValue(call, 'RemoteServer');
  const problem = set === 'TestEndpoint' ? endpointProblem(findEndpoint(call, stringValue(call, 'Endpoint') ?? '')) : null;
  const testMailbox = stringValue(call, 'TestMailbox');
  if (testMailbox !== null && call.state.findRecipients(testMailbox).length === 0) throw notFound(call.state, testMailbox);
  call.emit(availabilityOutcome(problem === null ? 'Success' : 'Failed', problem ?? '', tested));
};

/** What a cmdlet that reports failure as a result returns for an injected failure (EXO_SIM_FAIL) instead of an error. */
export const injectedFailureResults: Record<string, (bound: BoundCommand, message: string) => PSObject> = {
  'Test-MigrationServerAvailability': (bound, message) => {
    const tested = bound.values.get('Endpoint') ?? bound.values.get('RemoteServer');
    return availabilityOutcome('Failed', message, isNull(tested) ? null : toStr(tested));
  },
};

export const migrationCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-MigrationEndpoint': getMigrationEndpoint,
  'New-MigrationEndpoint': newMigrationEndpoint,
  'Set-MigrationEndpoint': setMigrationEndpoint,
  'Remove-MigrationEndpoint': removeMigrationEndpoint,
  'Test-MigrationServerAvailability': testMigrationServerAvailability,
};
