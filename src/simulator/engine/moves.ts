// The simulator's clock for migration batches. Exchange moves mailboxes on its own time; the
// simulator moves them when asked (advanceMigrations, `exo-gitops-sim advance-migrations`), one step a
// call, so lifecycle tests and demos run without a tenant:
//   - a Syncing batch's Syncing (or Queued) users are checked as the Mailbox Replication Service would check them,
//     and become Synced or Failed with Exchange's error in ErrorSummary; the batch becomes Synced,
//     SyncedWithErrors, or Failed (every user failed);
//   - a Completing batch, or a Synced / SyncedWithErrors one whose CompleteAfterUTC has passed,
//     completes: each Synced user's target mail user becomes a mailbox, and its source mailbox a mail
//     user that routes to the target (ExternalEmailAddress <alias>@<TargetDeliveryDomain>), as the
//     cross-tenant guide describes; the users become Completed, the batch Completed or
//     CompletedWithErrors.
// Permissions across a completing step (cmdlets/permissions.ts holds the grants):
//   - FullAccess travels only when principal and delegate move together: a source grant on a
//     completing user P whose trustee is another user D completing in the same batch in the same step
//     is recreated in the target on P's new mailbox (same MailboxGuid, Identity P's target Name, User
//     D's target UserPrincipalName). Grants to anyone else (a delegate that stays, moved earlier, or
//     is a group) do not travel. The users are resolved before any object is converted (two passes),
//     since completing turns source mailboxes into mail users;
//   - Send As and Send on Behalf never travel: the target mailbox starts with GrantSendOnBehalfTo []
//     and no Send As grant;
//   - the source keeps what was on the object: its grants stay (same MailboxGuid, and the legacy mail
//     user has the mailbox's Name, so nothing to rewrite), and the legacy mail user keeps the
//     mailbox's GrantSendOnBehalfTo (stored when not empty; Get-MailUser prints [] otherwise).
// The source of a batch is the tenant of the same state directory whose tenant.organization is the
// batch endpoint's RemoteTenant. States are loaded and written as the engine does (state.ts: each
// file replaced atomically).
import type { MailboxEntry, MailUserEntry, MigrationBatchEntry, MigrationUserEntry } from '../../model/snapshot.js';
import { EMPTY_GUID } from '../../model/snapshot.js';
import { batchesOf, migrationUsersOf, recount } from './cmdlets/batches.js';
import { grantsOn, mailboxPermissionsOf, storedTrustee, storeMailboxPermission, trusteeName } from './cmdlets/permissions.js';
import { loadTenants, type TenantState } from './state.js';

const same = (a: string | null | undefined, b: string | null | undefined): boolean => (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

const CUSTOM_ATTRIBUTES = Array.from({ length: 15 }, (_, i) => `CustomAttribute${i + 1}` as const);

/** The target mail user a migration user names (its CSV address), if it is one. */
function targetMailUser(target: TenantState, user: MigrationUserEntry): MailUserEntry | undefined {
  const found = target.findRecipients(user.Identity, ['MailUser']);
  return found.length === 1 ? (found[0]!.entry as MailUserEntry) : undefined;
}

/** The source mailbox a target mail user stands for: the one with its ExchangeGuid. */
function sourceMailbox(source: TenantState | undefined, meu: MailUserEntry): MailboxEntry | undefined {
  if (!source || !meu.ExchangeGuid || same(meu.ExchangeGuid, EMPTY_GUID)) return undefined;
  return source.snapshot.Mailbox.find((mailbox) => same(mailbox.ExchangeGuid, meu.ExchangeGuid));
}

/**
 * Whether a recipient is a member of a group, directly or through nested mail-enabled security
 * groups (as the published scope is evaluated); each group is looked at once.
 */
function isMemberOf(state: TenantState, group: string, recipient: MailboxEntry, seen = new Set<unknown>()): boolean {
  const groups = state.findRecipients(group, ['DistributionGroup']);
  for (const ref of groups) {
    if (seen.has(ref.entry)) continue;
    seen.add(ref.entry);
    const entry = ref.entry as { Members: string[] };
    for (const member of entry.Members) {
      for (const resolved of state.findRecipients(member)) {
        if (resolved.entry === recipient) return true;
        if (resolved.kind === 'DistributionGroup' && resolved.entry.RecipientTypeDetails === 'MailUniversalSecurityGroup' && isMemberOf(state, resolved.entry.PrimarySmtpAddress, recipient, seen)) return true;
      }
    }
  }
  return false;
}

/** The scope group the source publishes to the target: its RemoteOutbound relationship with the target's tenant ID. */
function publishedScope(source: TenantState, target: TenantState): string | undefined {
  const relationship = source.snapshot.OrganizationRelationship.find(
    (r) => r.Enabled && r.MailboxMoveEnabled && /(^|,\s*)RemoteOutbound\b/i.test(r.MailboxMoveCapability) && r.DomainNames.some((domain) => same(domain, target.snapshot.tenant.tenantId)),
  );
  return relationship?.MailboxMovePublishedScopes[0];
}

/** Why MRS would fail this user, in Exchange's words (the exception's name first); null when the move can proceed. */
export function moveProblem(user: MigrationUserEntry, target: TenantState, source: TenantState | undefined, endpointRemoteTenant: string | null): string | null {
  const meu = targetMailUser(target, user);
  if (!meu) {
    return `MigrationRecipientNotFoundException: The user couldn't be found. There is no mail user '${user.Identity}' in the target organization '${target.organization}'.`;
  }
  if (!meu.ExchangeGuid || same(meu.ExchangeGuid, EMPTY_GUID)) {
    return `MissingExchangeGuidException: The target mail user '${user.Identity}' doesn't have an ExchangeGuid. Set its ExchangeGuid to the source mailbox's (Set-MailUser -ExchangeGuid) and restart the batch.`;
  }
  if (!source) {
    return `MigrationRemoteEndpointNotFoundException: The source organization '${endpointRemoteTenant ?? ''}' of the migration endpoint couldn't be found.`;
  }
  const mailbox = sourceMailbox(source, meu);
  if (!mailbox) {
    return `MissingExchangeGuidException: The source organization '${source.organization}' has no mailbox with the ExchangeGuid '${meu.ExchangeGuid}' of the target mail user '${user.Identity}'. Set the mail user's ExchangeGuid to the source mailbox's and restart the batch.`;
  }
  const scope = publishedScope(source, target);
  if (scope === undefined || !isMemberOf(source, scope, mailbox)) {
    return `MailboxNotInCrossTenantMigrationScopeException: The mailbox '${mailbox.PrimarySmtpAddress}' isn't in the migration scope${scope === undefined ? '' : ` '${scope}'`} that the source organization '${source.organization}' publishes to this organization.`;
  }
  const x500 = `X500:${mailbox.LegacyExchangeDN}`;
  if (!meu.EmailAddresses.some((proxy) => same(proxy, x500))) {
    return `MissingX500ProxyAddressPermanentException: The target mail user '${user.Identity}' doesn't have the proxy address '${x500}' (the source mailbox's LegacyExchangeDN).`;
  }
  return null;
}

/** One synced user's move completes: the target mail user becomes a mailbox, the source mailbox a mail user routing to it. Returns the new target mailbox. */
function completeMove(user: MigrationUserEntry, batch: MigrationBatchEntry, target: TenantState, source: TenantState | undefined): MailboxEntry | undefined {
  const meu = targetMailUser(target, user);
  if (!meu) return undefined;
  const record = meu as MailUserEntry & { DisplayName?: string };
  const mailbox: MailboxEntry = {
    Name: meu.Name,
    Alias: meu.Alias,
    ...(record.DisplayName !== undefined ? { DisplayName: record.DisplayName } : {}),
    ...(meu.MicrosoftOnlineServicesID ? { UserPrincipalName: meu.MicrosoftOnlineServicesID } : {}),
    PrimarySmtpAddress: meu.PrimarySmtpAddress,
    ExchangeGuid: meu.ExchangeGuid,
    ArchiveGuid: meu.ArchiveGuid,
    LegacyExchangeDN: meu.LegacyExchangeDN,
    EmailAddresses: [...meu.EmailAddresses],
    RecipientTypeDetails: 'UserMailbox',
    IsDirSynced: meu.IsDirSynced,
    IsExchangeCloudManaged: false,
    LitigationHoldEnabled: false,
    DelayHoldApplied: false,
    DelayReleaseHoldApplied: false,
    ComplianceTagHoldApplied: false,
    InPlaceHolds: [],
    GrantSendOnBehalfTo: [],
  };
  for (const name of CUSTOM_ATTRIBUTES) mailbox[name] = meu[name] ?? '';
  const moved = sourceMailbox(source, meu);
  target.removeRecipient(meu);
  target.addRecipient({ kind: 'Mailbox', entry: mailbox });
  if (source && moved) {
    const mailUser: MailUserEntry = {
      Name: moved.Name,
      Alias: moved.Alias,
      PrimarySmtpAddress: moved.PrimarySmtpAddress,
      ExternalEmailAddress: `SMTP:${moved.Alias}@${batch.TargetDeliveryDomain ?? target.organization}`,
      MicrosoftOnlineServicesID: moved.UserPrincipalName ?? moved.PrimarySmtpAddress,
      ExchangeGuid: moved.ExchangeGuid,
      ArchiveGuid: moved.ArchiveGuid,
      LegacyExchangeDN: moved.LegacyExchangeDN,
      EmailAddresses: [...moved.EmailAddresses],
      IsDirSynced: moved.IsDirSynced,
      RecipientTypeDetails: 'MailUser',
      PreviousRecipientTypeDetails: 'UserMailbox',
    };
    // The source keeps the object's Send on Behalf delegates (Send As and FullAccess grants stay in the
    // source's permission lists, keyed by the same ExchangeGuid and Name).
    if (moved.GrantSendOnBehalfTo?.length) mailUser.GrantSendOnBehalfTo = [...moved.GrantSendOnBehalfTo];
    for (const name of CUSTOM_ATTRIBUTES) mailUser[name] = moved[name] ?? '';
    source.removeRecipient(moved);
    source.addRecipient({ kind: 'MailUser', entry: mailUser });
  }
  user.Status = 'Completed';
  user.ErrorSummary = '';
  return mailbox;
}

/**
 * Completes the synced users of a batch in one step, and brings over the FullAccess grants between
 * two of them (see the top of this file). First pass: who moves, and which source grants are between
 * two movers, resolved while the source mailboxes are still mailboxes; second: the moves; third: the
 * grants, on the new target mailboxes.
 */
function completeBatch(users: MigrationUserEntry[], batch: MigrationBatchEntry, target: TenantState, source: TenantState | undefined): void {
  const movers = new Map<MigrationUserEntry, MailboxEntry | undefined>();
  for (const user of users) {
    const meu = targetMailUser(target, user);
    movers.set(user, meu ? sourceMailbox(source, meu) : undefined);
  }
  const travelling: { principal: MigrationUserEntry; delegate: MigrationUserEntry }[] = [];
  if (source && mailboxPermissionsOf(source).length > 0) {
    const byMailbox = new Map([...movers].filter(([, mailbox]) => mailbox !== undefined).map(([user, mailbox]) => [mailbox as MailboxEntry, user]));
    for (const [mailbox, principal] of byMailbox) {
      for (const grant of grantsOn(source, mailbox)) {
        if (!grant.AccessRights.includes('FullAccess') || grant.Deny) continue;
        const trustee = storedTrustee(source, grant.User);
        const delegate = trustee?.kind === 'Mailbox' && trustee.entry !== mailbox ? byMailbox.get(trustee.entry as MailboxEntry) : undefined;
        if (delegate) travelling.push({ principal, delegate });
      }
    }
  }
  const moved = new Map<MigrationUserEntry, MailboxEntry>();
  for (const user of users) {
    const mailbox = completeMove(user, batch, target, source);
    if (mailbox) moved.set(user, mailbox);
  }
  for (const { principal, delegate } of travelling) {
    const principalMailbox = moved.get(principal);
    const delegateMailbox = moved.get(delegate);
    if (!principalMailbox || !delegateMailbox) continue;
    const user = trusteeName({ kind: 'Mailbox', entry: delegateMailbox });
    if (grantsOn(target, principalMailbox).some((grant) => grant.User.toLowerCase() === user.toLowerCase())) continue;
    storeMailboxPermission(target, { MailboxGuid: principalMailbox.ExchangeGuid, Identity: principalMailbox.Name, User: user, AccessRights: ['FullAccess'], IsInherited: false, Deny: false });
  }
}

/** Whether a batch completes on this step: asked to (Completing), or synced and past its CompleteAfterUTC. */
function completesNow(batch: MigrationBatchEntry, now: Date): boolean {
  if (batch.Status === 'Completing') return true;
  if (batch.Status !== 'Synced' && batch.Status !== 'SyncedWithErrors') return false;
  return batch.CompleteAfterUTC !== null && Date.parse(batch.CompleteAfterUTC) <= now.getTime();
}

/** What one step did to one batch. */
export interface MigrationChange {
  tenant: string;
  batch: string;
  from: string;
  to: string;
  /** The users whose status changed, with their new status and error. */
  users: { identity: string; status: string; error: string }[];
}

/**
 * Moves every tenant's batches one step on (see the top of this file) and writes the tenants that
 * changed, each file atomically. Returns what changed, one entry a batch.
 */
export function advanceMigrations(stateDirectory: string, now: Date = new Date()): MigrationChange[] {
  const tenants = loadTenants(stateDirectory);
  const changes: MigrationChange[] = [];
  for (const target of tenants) {
    for (const batch of batchesOf(target)) {
      const endpoint = target.snapshot.MigrationEndpoint.find((e) => same(e.Identity, batch.SourceEndpoint));
      const remoteTenant = endpoint?.RemoteTenant ?? null;
      const source = remoteTenant === null ? undefined : tenants.find((t) => t !== target && same(t.organization, remoteTenant));
      const users = migrationUsersOf(target).filter((u) => same(u.BatchId, batch.Identity));
      const from = batch.Status;
      const before = new Map(users.map((u) => [u, u.Status]));
      if (batch.Status === 'Syncing') {
        for (const user of users.filter((u) => u.Status === 'Syncing' || u.Status === 'Queued')) {
          const problem = moveProblem(user, target, source, remoteTenant);
          user.Status = problem === null ? 'Synced' : 'Failed';
          user.ErrorSummary = problem ?? '';
        }
        const failed = users.filter((u) => u.Status === 'Failed').length;
        batch.Status = failed === 0 ? 'Synced' : failed === users.length ? 'Failed' : 'SyncedWithErrors';
      } else if (completesNow(batch, now)) {
        completeBatch(users.filter((u) => u.Status === 'Synced'), batch, target, source);
        batch.Status = users.some((u) => u.Status === 'Failed') ? 'CompletedWithErrors' : 'Completed';
      } else continue;
      recount(target, batch);
      changes.push({
        tenant: target.snapshot.tenant.name,
        batch: batch.Identity,
        from,
        to: batch.Status,
        users: users.filter((u) => before.get(u) !== u.Status).map((u) => ({ identity: u.Identity, status: u.Status, error: u.ErrorSummary ?? '' })),
      });
    }
  }
  for (const tenant of tenants) tenant.flush();
  return changes;
}

/** The lines `advance-migrations` prints for what changed. */
export function describeChanges(changes: MigrationChange[]): string[] {
  if (changes.length === 0) return ['no migration batch to advance'];
  return changes.flatMap((change) => [
    `${change.tenant}/${change.batch}: ${change.from} → ${change.to}`,
    ...change.users.map((user) => `  ${user.identity}: ${user.status}${user.error ? ` (${user.error})` : ''}`),
  ]);
}

const USAGE = `Usage: exo-gitops-sim advance-migrations [--state DIR]
  Moves every simulated migration batch one step: a Syncing batch's users are checked as Exchange
  checks them and become Synced or Failed; a Completing batch (or a synced one past CompleteAfter)
  completes, each moved mailbox changing tenant. DIR defaults to EXO_SIM_STATE, else the current directory.
`;

/** `exo-gitops-sim advance-migrations [--state DIR]` (default EXO_SIM_STATE, else the current directory). */
export function advanceCommand(args: string[], env: NodeJS.ProcessEnv, out: (text: string) => void = (text) => process.stdout.write(text), err: (text: string) => void = (text) => process.stderr.write(text)): number {
  let directory = env.EXO_SIM_STATE || '.';
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    if (arg === '--help' || arg === '-h') {
      out(USAGE);
      return 0;
    }
    if (arg === '--state' && args[index + 1] !== undefined) directory = args[++index]!;
    else if (arg.startsWith('--state=')) directory = arg.slice('--state='.length);
    else {
      err(`exo-gitops-sim advance-migrations: unexpected argument '${arg}'\n${USAGE}`);
      return 2;
    }
  }
  out(`${describeChanges(advanceMigrations(directory)).join('\n')}\n`);
  return 0;
}
