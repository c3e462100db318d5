// The PowerShell that apply runs for one tenant: readable, one commented block per action, fit for a
// change board and runnable by hand. Every value is a single-quoted literal (literal.ts) or read
// from the environment; secrets never appear in the text.
//
// Shape of the script:
//   - Invoke-ExoCall runs one cmdlet call when Exchange's request budget allows it (retry.ts: 20
//     requests per 10 s unless told otherwise), retrying Exchange's throttling errors with bounded
//     exponential backoff and jitter; any other error is not retried.
//   - Invoke-ExoStep runs one action, unless an action it depends on did not succeed, and prints one
//     JSON line with its result ({"exoGitopsStep": id, "status": …}), so the caller sees each result
//     as it finishes.
//   - Each action is rendered on its own: an action with a value PowerShell cannot take (a NUL from
//     live data) becomes a step that reports `failed` with the reason, and the others still run. A
//     field outside the writable allowlist refuses the whole plan (UnsupportedChangeError): that is
//     a tampered plan, not a bad value.
//   - Values outside a literal appear only in comments, through psComment (no line break survives).

import { formatAddress, formatLocation } from '../model/address.js';
import type { Action, FieldChange, TenantPlan } from '../model/plan.js';
import { DISCONNECT_COMMAND, SCRIPT_PREFERENCES, connectCommand, titleComment } from './session.js';
import { PsValueError, psArray, psBool, psComment, psEnv, psReportString, psString } from './literal.js';
import { DEFAULT_RETRY, retryFunction, type RetrySettings, type RequestBudget } from './retry.js';
import { showInvisible } from '../util/invisible.js';

export const STEP_MARKER = 'exoGitopsStep';
/** The variable naming apply's stop file: once it exists, the script starts no further step. */
export const STOP_FILE_ENV = 'EXO_GITOPS_STOP_FILE';
/** The reason of a step an interrupted apply did not start. */
export const INTERRUPTED_REASON = 'interrupted: not started';


export interface ApplyScriptOptions {
  /** Attempts per cmdlet call, the first included. */
  maxAttempts?: number;
  /** Backoff before attempt n+1: min(maxDelay, base·2^(n-1)), with full jitter. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** The request budget every call is paced to (default 20 per 10 s); null: not paced. */
  budget?: RequestBudget | null;
  /** A header line naming the plan (digest, commit). */
  header?: string;
  /** Action ids to run; the others are reported as skipped with this reason. */
  skip?: Map<string, string>;
}

function literal(value: unknown): string {
  if (typeof value === 'boolean') return psBool(value);
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  if (Array.isArray(value)) return psArray(value.map(String));
  if (value === null || value === undefined) return '$null';
  return psString(String(value));
}

/** Render the value of one field; a value PowerShell cannot take is reported with the field's name. */
function inField<T>(field: string, render: () => T): T {
  try {
    return render();
  } catch (error) {
    if (error instanceof PsValueError) throw new PsValueError(error.problem, field);
    throw error;
  }
}

/**
 * One cmdlet call with its parameters as PowerShell expressions. Calls are written with splatting
 * (`$parameters = [ordered]@{…}; Set-MailUser @parameters`): standard PowerShell, one parameter a
 * line for review, and the one form the PowerShell grammar reads right for names ending in a digit
 * (tree-sitter takes `-CustomAttribute1 'x'` for `-CustomAttribute` and a `1>` redirection).
 */
interface Call {
  cmdlet: string;
  parameters: [string, string][];
  /** A message pattern meaning the change is already made (idempotent re-runs). */
  doneWhen?: string;
}

/** EmailAddresses changes of an action merged into one @{Add=…; Remove=…} (PrimarySmtpAddress joins as SMTP:). */
function addressParameter(changes: readonly FieldChange[], options: { primaryAsProxy: boolean; only?: 'add' | 'remove' }): [string, string][] {
  // Literals, each rendered with the field it comes from.
  const add: string[] = [];
  const remove: string[] = [];
  for (const change of changes) {
    const quote = (value: string): string => inField(change.field, () => psString(value));
    if (change.field === 'EmailAddresses') {
      for (const value of change.add ?? []) add.push(quote(value));
      for (const value of change.remove ?? []) remove.push(quote(value));
    }
    // In Exchange Online a new primary address is an SMTP: proxy (PrimarySmtpAddress and EmailAddresses cannot share a command).
    if (change.field === 'PrimarySmtpAddress' && options.primaryAsProxy) add.push(quote(`SMTP:${String(change.after)}`));
  }
  if (options.only === 'add') remove.length = 0;
  if (options.only === 'remove') add.length = 0;
  if (add.length === 0 && remove.length === 0) return [];
  const parts = [...(add.length ? [`Add = @(${add.join(', ')})`] : []), ...(remove.length ? [`Remove = @(${remove.join(', ')})`] : [])];
  return [['EmailAddresses', `@{ ${parts.join('; ')} }`]];
}

/**
 * Set-Mailbox / Set-MailUser of fields and addresses, in one call; in two when a new primary is set
 * and addresses are removed, the new primary first: Exchange refuses to remove the current primary
 * ("Set another primary SMTP address first") even when the same call adds the new one.
 */
function setRecipient(cmdlet: 'Set-Mailbox' | 'Set-MailUser', identity: [string, string], changes: readonly FieldChange[]): Call[] {
  const fields = fieldParameters(changes, ['PrimarySmtpAddress']);
  // Decided by which fields change, never by their values: the code of a script is the same
  // whatever the values (test/powershell/script-tokens.test.ts).
  const newPrimary = changes.some((c) => c.field === 'PrimarySmtpAddress');
  const removes = changes.some((c) => c.field === 'EmailAddresses' && (c.remove?.length ?? 0) > 0);
  if (!(newPrimary && removes)) {
    const parameters = [...fields, ...addressParameter(changes, { primaryAsProxy: true })];
    return parameters.length > 0 ? [{ cmdlet, parameters: [identity, ...parameters] }] : [];
  }
  return [
    { cmdlet, parameters: [identity, ...fields, ...addressParameter(changes, { primaryAsProxy: true, only: 'add' })] },
    { cmdlet, parameters: [identity, ...addressParameter(changes, { primaryAsProxy: true, only: 'remove' })] },
  ];
}

/** Plain field changes as parameters, skipping the ones handled elsewhere. */
function fieldParameters(changes: readonly FieldChange[], skip: readonly string[] = []): [string, string][] {
  return changes.filter((c) => !skip.includes(c.field) && !c.sensitive && c.field !== 'EmailAddresses').map((c) => [c.field, inField(c.field, () => literal(c.after))]);
}

function credentialLines(action: Action): string[] {
  const secretEnv = action.parameters?.secretEnv;
  const applicationId = action.changes.find((c) => c.field === 'ApplicationId')?.after ?? action.parameters?.applicationId;
  if (typeof secretEnv !== 'string') throw new UnsupportedChangeError(`${action.id}: no secretEnv to send credentials with`);
  // Exchange takes the migration app's ID as the credential's user name; the PSCredential
  // constructor also throws on an empty one. A plan without it cannot send the secret.
  if (typeof applicationId !== 'string' || applicationId.trim() === '') throw new UnsupportedChangeError(`${action.id}: no application ID to send the credentials with: re-plan`);
  return [
    `$secret = ConvertTo-SecureString -String ${psEnv(secretEnv)} -AsPlainText -Force`,
    `$credential = New-Object System.Management.Automation.PSCredential -ArgumentList ${inField('ApplicationId', () => psString(applicationId))}, $secret`,
  ];
}

/**
 * Every Exchange call says -ErrorAction Stop itself: the module's cmdlets are functions of a script
 * module, and whether a script's own $ErrorActionPreference reaches them depends on how the module
 * writes its errors (PowerShell issue #4568). Stated on the call, an error always reaches the catch.
 */
function renderCall(call: Call): string[] {
  const done = call.doneWhen !== undefined ? ` -DoneWhen ${psString(call.doneWhen)}` : '';
  if (call.parameters.length === 0) return [`Invoke-ExoCall { ${call.cmdlet} -ErrorAction Stop }${done}`];
  return [
    'Invoke-ExoCall {',
    '  $parameters = [ordered]@{',
    ...call.parameters.map(([name, value]) => `    ${name} = ${value}`),
    '  }',
    `  ${call.cmdlet} @parameters -ErrorAction Stop`,
    `}${done}`,
  ];
}

const CONFIRM_OFF: [string, string] = ['Confirm', '$false'];

const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}`);

/**
 * The fields exo-gitops writes, per kind of object. A plan may come from a file: a field outside this
 * list is refused, never written into a script as a parameter name.
 */
const WRITABLE: Record<Action['kind'], readonly string[]> = {
  OrganizationConfig: ['IsDehydrated', 'ExchangeAttributesCloudManagedByDefault'],
  OrganizationRelationship: ['DomainNames', 'Enabled', 'MailboxMoveEnabled', 'MailboxMoveCapability', 'OAuthApplicationId', 'MailboxMovePublishedScopes'],
  MigrationEndpoint: ['RemoteServer', 'RemoteTenant', 'ApplicationId', 'MaxConcurrentMigrations', 'Credentials'],
  DistributionGroup: ['Type', 'Members'],
  MailUser: ['Name', 'Alias', 'DisplayName', 'ExternalEmailAddress', 'MicrosoftOnlineServicesID', 'PrimarySmtpAddress', 'ExchangeGuid', 'ArchiveGuid', 'EmailAddresses', ...CUSTOM_ATTRIBUTES],
  Mailbox: ['IsExchangeCloudManaged', 'PrimarySmtpAddress', 'EmailAddresses', ...CUSTOM_ATTRIBUTES, 'GrantSendOnBehalfTo', 'SendAs', 'FullAccess'],
  User: ['PreviousRecipientTypeDetails'],
  MigrationBatch: ['SourceEndpoint', 'TargetDeliveryDomain', 'Users', 'AutoStart', 'CompleteAfter', 'NotificationEmails', 'Status'],
};

/** One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * A batch's CSV as New-/Set-MigrationBatch -CSVData takes it: bytes, built in memory (no file is
 * written), an EmailAddress header and one target address a row (the guide's minimal CSV).
 */
function csvData(users: readonly string[]): string {
  const rows = inField('Users', () => psArray(['EmailAddress', ...users].map(csvCell)));
  return `[System.Text.Encoding]::UTF8.GetBytes((${rows} -join "\`r\`n"))`;
}

/** New-/Set-/Start-/Complete-/Remove-MigrationBatch for one batch action (diff-batches.ts says which Exchange allows when). */
function batchCalls(action: Action, identity: [string, string]): Call[] {
  const change = (field: string): FieldChange | undefined => action.changes.find((c) => c.field === field);
  const users = change('Users')?.add ?? [];
  const optional = (field: 'CompleteAfter' | 'NotificationEmails'): [string, string][] => {
    const value = change(field);
    return value === undefined ? [] : [[field, inField(field, () => literal(value.after))]];
  };
  if (action.action === 'delete') return [{ cmdlet: 'Remove-MigrationBatch', parameters: [identity, CONFIRM_OFF] }];
  if (action.action === 'create') {
    return [{
      cmdlet: 'New-MigrationBatch',
      parameters: [
        ['Name', inField('Name', () => psString(action.identity))],
        ['SourceEndpoint', inField('SourceEndpoint', () => literal(change('SourceEndpoint')?.after))],
        ['TargetDeliveryDomain', inField('TargetDeliveryDomain', () => literal(change('TargetDeliveryDomain')?.after))],
        ['CSVData', csvData(users)],
        ...(change('AutoStart')?.after === true ? [['AutoStart', '$true'] as [string, string]] : []),
        ...optional('CompleteAfter'),
        ...optional('NotificationEmails'),
      ],
    }];
  }
  if (action.step === 'add-users') return [{ cmdlet: 'Set-MigrationBatch', parameters: [identity, ['AddUsers', '$true'], ['CSVData', csvData(users)]] }];
  if (action.step === 'start') return [{ cmdlet: 'Start-MigrationBatch', parameters: [identity, CONFIRM_OFF] }];
  if (action.step === 'complete') return [{ cmdlet: 'Complete-MigrationBatch', parameters: [identity, CONFIRM_OFF] }];
  return [{ cmdlet: 'Set-MigrationBatch', parameters: [identity, ...optional('CompleteAfter'), ...optional('NotificationEmails')] }];
}

/** A moved mailbox's delegates (plan/delegation.ts): fields that are no Set-Mailbox parameter of their own. */
const DELEGATE_FIELDS = ['GrantSendOnBehalfTo', 'SendAs', 'FullAccess'];

/**
 * Grants on one mailbox, each added to what is there, never replacing it:
 *   - Send on Behalf: Set-Mailbox -GrantSendOnBehalfTo @{Add=…} (a multi-valued property);
 *   - Send As: Add-RecipientPermission -AccessRights SendAs, one trustee a call, -Confirm:$false (it prompts);
 *   - FullAccess: Add-MailboxPermission, one user a call, AutoMapping unless the plan lists the user
 *     in parameters.noAutoMapping (spec.permissions.fullAccess[].autoMapping: false).
 * Exchange answers a grant that is already there with a warning, not an error: a re-run is harmless.
 */
function delegateLines(action: Action, identity: [string, string]): string[] {
  const lines: string[] = [];
  const added = (field: string): readonly string[] | undefined => action.changes.find((c) => c.field === field)?.add;
  const perDelegate = (field: string, list: readonly string[], variable: string, call: Call): string[] => [
    `foreach (${variable} in ${inField(field, () => psArray(list))}) {`,
    ...renderCall(call).map((line) => `  ${line}`),
    '}',
  ];
  const sendOnBehalf = added('GrantSendOnBehalfTo');
  if (sendOnBehalf !== undefined) {
    lines.push(...renderCall({ cmdlet: 'Set-Mailbox', parameters: [identity, ['GrantSendOnBehalfTo', `@{ Add = ${inField('GrantSendOnBehalfTo', () => psArray(sendOnBehalf))} }`]] }));
  }
  const sendAs = added('SendAs');
  if (sendAs !== undefined) {
    lines.push(...perDelegate('SendAs', sendAs, '$trustee', { cmdlet: 'Add-RecipientPermission', parameters: [identity, ['AccessRights', "'SendAs'"], ['Trustee', '$trustee'], CONFIRM_OFF] }));
  }
  const fullAccess = added('FullAccess');
  if (fullAccess !== undefined) {
    // AutoMapping is decided inside PowerShell, from the list of users without it: the script's code
    // is the same whatever the values (test/powershell/script-tokens.test.ts).
    const raw = action.parameters?.noAutoMapping;
    const noAutoMapping = (Array.isArray(raw) ? raw : []).map(String);
    lines.push(
      `$noAutoMapping = ${inField('FullAccess', () => psArray(noAutoMapping))}`,
      ...perDelegate('FullAccess', fullAccess, '$user', {
        cmdlet: 'Add-MailboxPermission',
        parameters: [identity, ['User', '$user'], ['AccessRights', "'FullAccess'"], ['AutoMapping', '(-not ($noAutoMapping -contains $user))'], CONFIRM_OFF],
      }),
    );
  }
  return lines;
}

/**
 * The plan's mark (Action.parameters) on many additions to a scope group that had no members at
 * export, or that this plan creates: its first fill (plan/diff-scopes.ts, FIRST_FILL_MIN).
 */
export const FIRST_FILL = 'firstFill';
/**
 * Members one Update-DistributionGroupMember carries at most. Exchange Online completes it reliably up
 * to about 2,000 members; between 2,000 and 4,000 it answers with a timeout (the change made anyway),
 * and above that times out with nothing changed (timmcmic.blog, "Office 365 – Distribution List
 * Migrations Version 2.0 – Part 24", 2023): half that bound, so a timeout cannot be the answer.
 */
export const FIRST_FILL_BULK = 1000;

/**
 * The first fill of an empty scope group (BENCHMARKS.md, "Scope groups: Add per member or Update for
 * bulk"): the first FIRST_FILL_BULK members in one Update-DistributionGroupMember, which replaces the
 * whole list, and so only when Get-DistributionGroupMember finds the group still empty right before
 * it; the rest, or all of them when the group is not empty, one idempotent Add each. An Update that
 * fails (an unknown member fails it whole) fails the step, and adds nothing more: the next plan adds
 * what is missing. Decided inside PowerShell, the script's code is the same whatever the values.
 */
function firstFill(identity: [string, string], add: readonly string[]): string[] {
  const bulk = add.slice(0, FIRST_FILL_BULK);
  const rest = add.slice(FIRST_FILL_BULK);
  return [
    `$bulk = ${inField('Members', () => psArray(bulk))}`,
    `$rest = ${inField('Members', () => psArray(rest))}`,
    ...renderCall({ cmdlet: 'Get-DistributionGroupMember', parameters: [identity, ['ResultSize', '1'], ['WarningAction', "'SilentlyContinue'"]] }).map((line, i) => (i === 0 ? `$present = @(${line}` : line)).map((line, i, all) => (i === all.length - 1 ? `${line})` : line)),
    'if ($present.Count -eq 0) {',
    ...renderCall({ cmdlet: 'Update-DistributionGroupMember', parameters: [identity, ['Members', '$bulk'], ['BypassSecurityGroupManagerCheck', '$true'], CONFIRM_OFF] }).map((l) => `  ${l}`),
    '} else {',
    '  $rest = @($bulk) + @($rest)',
    '}',
    'foreach ($member in $rest) {',
    ...renderCall({ cmdlet: 'Add-DistributionGroupMember', parameters: [identity, ['Member', '$member'], ['BypassSecurityGroupManagerCheck', '$true'], CONFIRM_OFF], doneWhen: '*already a member*' }).map((l) => `  ${l}`),
    '}',
  ];
}

export class UnsupportedChangeError extends Error {
  override name = 'UnsupportedChangeError';
}

/** The PowerShell lines of one action: its cmdlet calls, each retried on throttling. */
export function actionCommands(action: Action): string[] {
  const writable = WRITABLE[action.kind];
  if (!writable) throw new UnsupportedChangeError(`${action.id}: exo-gitops does not change objects of kind ${JSON.stringify(action.kind)}`);
  for (const change of action.changes) {
    if (!writable.includes(change.field)) throw new UnsupportedChangeError(`${action.id}: exo-gitops does not write ${JSON.stringify(change.field)} on a ${action.kind}: re-plan`);
  }
  const identity: [string, string] = ['Identity', inField('Identity', () => psString(action.identity))];
  const name = (): string => inField('Name', () => psString(action.identity));
  const has = (field: string): boolean => action.changes.some((c) => c.field === field);
  const calls = (...list: Call[]): string[] => list.flatMap(renderCall);
  switch (action.kind) {
    case 'OrganizationConfig': {
      const cloudDefault = action.changes.find((c) => c.field === 'ExchangeAttributesCloudManagedByDefault');
      if (cloudDefault === undefined) return calls({ cmdlet: 'Enable-OrganizationCustomization', parameters: [CONFIRM_OFF] });
      // Two switches, one per direction: the default is set by naming the one that applies.
      const which = cloudDefault.after === true ? 'ExchangeAttributesCloudManagedByDefault' : 'ExchangeAttributesServerManagedByDefault';
      return calls({ cmdlet: 'Set-OrganizationConfig', parameters: [[which, '$true']] });
    }
    case 'OrganizationRelationship':
      if (action.action === 'delete') return calls({ cmdlet: 'Remove-OrganizationRelationship', parameters: [identity, CONFIRM_OFF] });
      if (action.action === 'create') return calls({ cmdlet: 'New-OrganizationRelationship', parameters: [['Name', name()], ...fieldParameters(action.changes)] });
      return calls({ cmdlet: 'Set-OrganizationRelationship', parameters: [identity, ...fieldParameters(action.changes)] });
    case 'MigrationEndpoint': {
      const remove: Call = { cmdlet: 'Remove-MigrationEndpoint', parameters: [identity, CONFIRM_OFF] };
      if (action.action === 'delete') return calls(remove);
      const sendsSecret = has('Credentials');
      const credentials = sendsSecret ? credentialLines(action) : [];
      const withCredentials: [string, string][] = sendsSecret ? [['Credentials', '$credential']] : [];
      if (action.action === 'create' || action.action === 'replace') {
        const create: Call = { cmdlet: 'New-MigrationEndpoint', parameters: [['Name', name()], ['ExchangeRemoteMove', '$true'], ...fieldParameters(action.changes), ...withCredentials] };
        return action.action === 'replace' ? [...calls(remove), ...credentials, ...calls(create)] : [...credentials, ...calls(create)];
      }
      return [...credentials, ...calls({ cmdlet: 'Set-MigrationEndpoint', parameters: [identity, ...fieldParameters(action.changes), ...withCredentials] })];
    }
    case 'DistributionGroup': {
      if (action.action === 'create') return calls({ cmdlet: 'New-DistributionGroup', parameters: [['Name', name()], ['Type', "'Security'"]] });
      const members = action.changes.find((c) => c.field === 'Members');
      // One call per member (Exchange has no bulk add); a member already there (or already gone, on
      // removal) counts as done, so re-running the step after a partial failure changes nothing twice.
      const perMember = (cmdlet: string, list: readonly string[], doneWhen: string): string[] => [
        `foreach ($member in ${inField('Members', () => psArray(list))}) {`,
        ...renderCall({ cmdlet, parameters: [identity, ['Member', '$member'], ['BypassSecurityGroupManagerCheck', '$true'], CONFIRM_OFF], doneWhen }).map((l) => `  ${l}`),
        '}',
      ];
      if (members?.add?.length && !members.remove?.length && action.parameters?.[FIRST_FILL] === true) return firstFill(identity, members.add);
      return [
        ...(members?.add?.length ? perMember('Add-DistributionGroupMember', members.add, '*already a member*') : []),
        ...(members?.remove?.length ? perMember('Remove-DistributionGroupMember', members.remove, "*isn't a member*") : []),
      ];
    }
    case 'User':
      return calls({ cmdlet: 'Set-User', parameters: [identity, ['PermanentlyClearPreviousMailboxInfo', '$true'], CONFIRM_OFF] });
    case 'Mailbox': {
      if (has('IsExchangeCloudManaged')) {
        // IsExchangeCloudManaged is a parameter set of its own: it cannot share a call with other fields.
        return calls({ cmdlet: 'Set-Mailbox', parameters: [identity, ['IsExchangeCloudManaged', inField('IsExchangeCloudManaged', () => literal(action.changes.find((c) => c.field === 'IsExchangeCloudManaged')!.after))]] });
      }
      const attributes = action.changes.filter((c) => !DELEGATE_FIELDS.includes(c.field));
      return [...calls(...setRecipient('Set-Mailbox', identity, attributes)), ...delegateLines(action, identity)];
    }
    case 'MigrationBatch':
      return calls(...batchCalls(action, identity));
    case 'MailUser': {
      if (action.action === 'create') {
        // New-MailUser -PrimarySmtpAddress works only on-premises: in Exchange Online the new MEU's
        // primary address becomes its external address. The primary is set by the follow-up
        // Set-MailUser, as an SMTP: address in EmailAddresses.
        const creation = ['Name', 'Alias', 'DisplayName', 'ExternalEmailAddress', 'MicrosoftOnlineServicesID'];
        const created = action.changes.filter((c) => creation.includes(c.field));
        const rest = action.changes.filter((c) => !creation.includes(c.field));
        const nameChange = created.find((c) => c.field === 'Name');
        if (nameChange === undefined) throw new UnsupportedChangeError(`${action.id}: a new MailUser needs a Name: re-plan`);
        const newName = inField('Name', () => psString(String(nameChange.after)));
        return [
          // The mail user never signs in with this password: it is random, made inside PowerShell, and discarded.
          `$password = ConvertTo-SecureString -String ('Aa1!' + [guid]::NewGuid().ToString() + [guid]::NewGuid().ToString()) -AsPlainText -Force`,
          ...calls({ cmdlet: 'New-MailUser', parameters: [...fieldParameters(created), ['Password', '$password']] }),
          ...calls(...setRecipient('Set-MailUser', ['Identity', newName], rest)),
        ];
      }
      return calls(...setRecipient('Set-MailUser', identity, action.changes));
    }
  }
}

const PRELUDE = (options: RetrySettings): string => `${SCRIPT_PREFERENCES}
${retryFunction(options)}
$ExoSucceeded = @{}
# The process that started this script (exo-gitops apply). When it is gone (killed, even with -9),
# this script is its orphan: it starts no further action rather than go on changing the tenant.
$ExoParentId = (Get-Process -Id $PID).Parent.Id
# A file exo-gitops apply creates when it is interrupted (Ctrl-C, SIGTERM): the step in flight
# finishes, and no further step starts.
$ExoStopFile = $env:${STOP_FILE_ENV}

# One action: skipped when an action it depends on did not succeed; one JSON result line either way.
# -Check: run after the body succeeded; it returns what it found (reported with the step) or throws,
# and then the step fails: the change is made, but does not work.
function Invoke-ExoStep {
  param([string]$Id, [string[]]$DependsOn, [scriptblock]$Body, [scriptblock]$Check)
  if ((Get-Process -Id $PID).Parent.Id -ne $ExoParentId) { exit 3 }
  if ($ExoStopFile -and (Test-Path -LiteralPath $ExoStopFile)) {
    Write-Output ([ordered]@{ ${STEP_MARKER} = $Id; status = 'skipped'; reason = '${INTERRUPTED_REASON}' } | ConvertTo-Json -Compress)
    return
  }
  foreach ($dependency in $DependsOn) {
    if (-not $ExoSucceeded[$dependency]) {
      Write-Output ([ordered]@{ ${STEP_MARKER} = $Id; status = 'skipped'; reason = "depends on $dependency, which did not succeed" } | ConvertTo-Json -Compress)
      return
    }
  }
  # The step's own duration, from its start (retries included): not the sign-in or the steps before it.
  $started = [datetime]::UtcNow.Ticks
  try {
    & $Body | Out-Null
    if ($null -ne $Check) {
      $found = [string](& $Check)
      $ExoSucceeded[$Id] = $true
      Write-Output ([ordered]@{ ${STEP_MARKER} = $Id; status = 'succeeded'; check = $found; durationMs = [long](([datetime]::UtcNow.Ticks - $started) / 10000) } | ConvertTo-Json -Compress)
      return
    }
    $ExoSucceeded[$Id] = $true
    Write-Output ([ordered]@{ ${STEP_MARKER} = $Id; status = 'succeeded'; durationMs = [long](([datetime]::UtcNow.Ticks - $started) / 10000) } | ConvertTo-Json -Compress)
  } catch {
    Write-Output ([ordered]@{ ${STEP_MARKER} = $Id; status = 'failed'; error = $_.Exception.Message; durationMs = [long](([datetime]::UtcNow.Ticks - $started) / 10000) } | ConvertTo-Json -Compress)
  }
}`;

function describeAction(action: Action): string[] {
  const lines = [`# ${action.action} ${action.kind} ${action.identity}${action.destructive.length ? `  [destructive: ${action.destructive.join(', ')}]` : ''}`];
  if (action.source) lines.push(`#   from ${formatLocation(action.source)}`);
  for (const change of action.changes) {
    if (change.sensitive) lines.push(`#   ${change.field}: (sent from the environment)`);
    else if (change.add || change.remove) {
      for (const v of change.add ?? []) lines.push(`#   ${change.field}: + ${v}`);
      for (const v of change.remove ?? []) lines.push(`#   ${change.field}: - ${v}`);
    } else lines.push(`#   ${change.field}: ${change.before === undefined ? '' : `${JSON.stringify(change.before)} -> `}${JSON.stringify(change.after)}`);
  }
  // A comment ends at the line's end: no value may carry a line break into code.
  return lines.map(psComment);
}

/** A step that does not run, reporting its status ('skipped' or 'failed') and why, after its description. */
function reportedStep(action: Action, comment: string[], status: 'skipped' | 'failed', why: string): string {
  const detail = status === 'skipped' ? 'reason' : 'error';
  return [
    ...comment,
    psComment(`# not run: ${why}`),
    `Write-Output ([ordered]@{ ${STEP_MARKER} = ${psReportString(action.id)}; status = '${status}'; ${detail} = ${psReportString(why)} } | ConvertTo-Json -Compress)`,
  ].join('\n');
}

/**
 * One action's block. An action that cannot be rendered (a value PowerShell cannot take) is a step
 * that reports `failed` naming the tenant, kind, identity and reason; a change exo-gitops never
 * writes (UnsupportedChangeError) is thrown: the plan was tampered with, and nothing may run.
 */
function actionBlock(action: Action, skipReason: string | undefined): string {
  const comment = describeAction(action);
  if (skipReason !== undefined) return reportedStep(action, comment, 'skipped', skipReason);
  let body: string[];
  try {
    body = actionCommands(action);
  } catch (error) {
    if (error instanceof UnsupportedChangeError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    return reportedStep(action, comment, 'failed', showInvisible(`${formatAddress(action.tenant, action.kind, action.identity)}: ${reason}`));
  }
  const dependsOn = action.dependsOn.length === 0 ? '@()' : `@(${action.dependsOn.map(psReportString).join(', ')})`;
  const check = checkCommands(action);
  const step = `Invoke-ExoStep -Id ${psReportString(action.id)} -DependsOn ${dependsOn} -Body {`;
  if (!check) return [...comment, step, ...body.map((l) => `  ${l}`), '}'].join('\n');
  return [...comment, step, ...body.map((l) => `  ${l}`), '} -Check {', ...check.map((l) => `  ${l}`), '}'].join('\n');
}

/**
 * What proves a change works, run right after it: a migration endpoint created or changed is tested
 * with Test-MigrationServerAvailability -Endpoint, as the guide's "verify" step does (its TestEndpoint
 * parameter set: -Endpoint alone). Its Result is reported with the step; anything but Success fails it.
 */
function checkCommands(action: Action): string[] | undefined {
  if (action.kind !== 'MigrationEndpoint' || action.action === 'delete' || action.action === 'blocked') return undefined;
  return [
    ...renderCall({ cmdlet: 'Test-MigrationServerAvailability', parameters: [['Endpoint', inField('Identity', () => psString(action.identity))]] }).map((line, i) => (i === 0 ? `$availability = ${line}` : line)),
    "if ([string]$availability.Result -ne 'Success') { throw ('Test-MigrationServerAvailability: ' + [string]$availability.Result + ': ' + [string]$availability.Message) }",
    "'Test-MigrationServerAvailability: ' + [string]$availability.Result",
  ];
}

/** The apply script for one tenant's actions. Blocked and skipped actions are reported, never run. */
export function renderApplyScript(tenant: TenantPlan, options: ApplyScriptOptions = {}): string {
  const settings: RetrySettings = {
    maxAttempts: options.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
    budget: options.budget === undefined ? DEFAULT_RETRY.budget : options.budget,
  };
  const blocks = tenant.actions.map((action) =>
    actionBlock(action, action.action === 'blocked' ? `blocked: ${action.reason ?? 'not applicable'}` : options.skip?.get(action.id)),
  );
  return `${titleComment(`exo-gitops apply: tenant ${tenant.tenant} (${tenant.organization}), ${tenant.actions.length} action(s)`)}
${options.header ? `${titleComment(options.header)}\n` : ''}${PRELUDE(settings)}

${connectCommand(tenant)}
try {
${blocks.join('\n\n').split('\n').map((l) => (l === '' ? '' : `  ${l}`)).join('\n')}
} finally {
  ${DISCONNECT_COMMAND}
}
`;
}
