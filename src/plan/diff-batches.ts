// Migration batches, part two: the batch itself. New-MigrationBatch once every user is ready (its
// CSV built in memory from the target addresses), then only what Exchange lets change: CompleteAfter
// and NotificationEmails (Set-MigrationBatch), users added (Set-MigrationBatch -AddUsers -CSVData),
// Start- and Complete-MigrationBatch as declared, Remove-MigrationBatch for ensure: Absent. A batch's
// progress is status, not drift: it is reported (BatchStatus), never undone.
//
// Exchange's behaviour, from the cmdlet reference (exo-cmdlets.json):
//   - Set-MigrationBatch -AddUsers "You use this switch with the CSVData parameter … Only new entries
//     in the CSV file are processed" (Exchange Online only);
//   - Complete-MigrationBatch finalizes "a migration batch that has successfully finished initial
//     synchronization" (Synced or SyncedWithErrors);
//   - Remove-MigrationBatch deletes "a migration batch that either isn't running or is completed".
// SourceEndpoint and TargetDeliveryDomain are New-MigrationBatch parameters only: changing them takes
// a new batch.

import { about, type Resource } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';
import { COMPLETED_BATCH, planAction, type Action, type BatchStatus, type FailedMigrationUser, type FieldChange, type ReadinessRow } from '../model/plan.js';
import type { MigrationBatchEntry, MigrationUserEntry } from '../model/snapshot.js';
import type { BatchPlanInput } from './batches.js';
import { lower, missingFrom, sameText } from './compare.js';
import type { DiffOutput, PlanContext } from './context.js';

/** What the plan of a batch reads from the rest of the plan. */
export interface BatchContext {
  /** Actions planned for each mail user (to depend on). */
  mailUserActions: ReadonlyMap<Resource<'MailUser'>, readonly Action[]>;
  /** Readiness row of each mail user. */
  readiness: ReadonlyMap<Resource<'MailUser'>, ReadinessRow>;
  /** The add-members action of each scope, when one is planned. */
  scopeAdditions: ReadonlyMap<Resource<'MigrationScope'>, Action>;
}

const RUNNING = /^(syncing|completing|starting|stopping|removing)$/i;
const STARTABLE = /^(created|stopped)$/i;
const COMPLETABLE = /^(synced|syncedwitherrors)$/i;
const FAILED_USER = /failed/i;
/** Users named in a message before "and N more". */
const NAMED = 5;

function listed(names: readonly string[]): string {
  return names.length <= NAMED ? names.join(', ') : `${names.slice(0, NAMED).join(', ')} and ${names.length - NAMED} more`;
}

/** The address the batch's CSV names for a user: the target mail user's primary address. */
function targetAddress(context: PlanContext, tenant: string, user: Resource<'MailUser'>): string {
  const live = context.live.get(tenant)?.recipient(user.name);
  return user.spec.primarySmtpAddress ?? live?.entry.PrimarySmtpAddress ?? user.name;
}

/** Every address a migration user may be listed under: the CSV address, and the live mail user's addresses. */
function addressesOf(context: PlanContext, tenant: string, user: Resource<'MailUser'>, csv: string): string[] {
  const live = context.live.get(tenant)?.recipient(user.name)?.entry;
  const proxies = (live?.EmailAddresses ?? []).filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5));
  return [csv, user.name, ...(live ? [live.PrimarySmtpAddress] : []), ...proxies];
}

const sameInstant = (a: string | null | undefined, b: string | null | undefined): boolean =>
  (a ?? '') === '' || (b ?? '') === '' ? (a ?? '') === (b ?? '') : Date.parse(a!) === Date.parse(b!);

function failedUsers(users: readonly MigrationUserEntry[]): FailedMigrationUser[] {
  return users.filter((u) => FAILED_USER.test(u.Status)).map((u) => ({ user: u.Identity, status: u.Status, error: u.ErrorSummary || '(no error text)' }));
}

function statusOf(batch: Resource<'MigrationBatch'>, live: MigrationBatchEntry | undefined, liveUsers: readonly MigrationUserEntry[], users: number, blocked: readonly string[]): BatchStatus {
  return {
    tenant: batch.tenant!,
    batch: batch.name,
    source: batch.spec.source,
    status: live?.Status ?? (batch.spec.ensure === 'Absent' ? 'Removed' : 'NotCreated'),
    users,
    blocked,
    counts: {
      total: live?.TotalCount ?? 0,
      active: live?.ActiveCount ?? 0,
      synced: live?.SyncedCount ?? 0,
      finalized: live?.FinalizedCount ?? 0,
      failed: live?.FailedCount ?? 0,
    },
    failedUsers: failedUsers(liveUsers),
  };
}

export function diffBatch(context: PlanContext, input: BatchPlanInput | Resource<'MigrationBatch'>, plan: BatchContext): DiffOutput & { status?: BatchStatus } {
  const batch = 'batch' in input ? input.batch : input;
  const tenant = batch.tenant!;
  const targetLive = context.live.get(tenant);
  if (!targetLive) return { actions: [], findings: [] };
  const liveBatch = (targetLive.snapshot.MigrationBatch ?? []).find((b) => sameText(b.Identity, batch.name));
  const allUsers = targetLive.snapshot.MigrationUser ?? [];
  const liveUsers = allUsers.filter((u) => sameText(u.BatchId, batch.name));
  const source = batch.locate(['metadata', 'name']);
  const base = { tenant, kind: 'MigrationBatch' as const, identity: liveBatch?.Identity ?? batch.name, resourceKind: batch.kind, source };
  const findings: Finding[] = [];
  const actions: Action[] = [];

  if (batch.spec.ensure === 'Absent' || !('batch' in input)) {
    if (!liveBatch) return { actions, findings, status: statusOf(batch, undefined, [], 0, []) };
    const running = RUNNING.test(liveBatch.Status);
    actions.push(
      planAction({
        ...base,
        action: running ? 'blocked' : 'delete',
        changes: [{ field: 'Status', before: liveBatch.Status }],
        dependsOn: [],
        ...(running ? { reason: `the batch is ${liveBatch.Status}: Exchange removes a batch only when it is not running; stop it first (Stop-MigrationBatch) or wait until it completes` } : {}),
      }),
    );
    return { actions, findings, status: statusOf(batch, liveBatch, liveUsers, 0, []) };
  }

  // Which users the batch still has to take, and which are already in it or elsewhere.
  const usersByAddress = new Map<string, MigrationUserEntry>();
  for (const user of allUsers) if (!usersByAddress.has(lower(user.Identity))) usersByAddress.set(lower(user.Identity), user);
  const pending: string[] = [];
  const dependsOn = new Set<string>();
  const blocked: string[] = [];
  const inBatch = new Set<MigrationUserEntry>();
  let listedCount = 0;
  for (const user of input.users) {
    listedCount++;
    if (user.moved) {
      // Its migration user is the batch's, done: found by the addresses of the mailbox it became.
      const entry = user.exchangeGuid !== undefined ? targetLive.recipient(user.exchangeGuid)?.entry : undefined;
      const addresses = entry ? [entry.PrimarySmtpAddress, ...entry.EmailAddresses.filter((p) => /^smtp:/i.test(p)).map((p) => p.slice(5))] : [];
      const done = addresses.map((a) => usersByAddress.get(lower(a))).find((u) => u !== undefined && sameText(u.BatchId, batch.name));
      if (done) inBatch.add(done);
      continue;
    }
    // A user whose mail user cannot be derived (its finding says why) holds the batch like a blocked one.
    if (!user.mailUser) {
      blocked.push(user.member.address);
      continue;
    }
    const csv = targetAddress(context, tenant, user.mailUser);
    const existing = addressesOf(context, tenant, user.mailUser, csv).map((a) => usersByAddress.get(lower(a))).find((u) => u !== undefined);
    if (existing && !sameText(existing.BatchId, batch.name)) {
      findings.push(finding('UserInTwoBatches', `${user.member.address} is already a migration user of batch ${existing.BatchId} in ${tenant} (${existing.Status})`, about(batch, user.member.location)));
      continue;
    }
    if (existing) {
      inBatch.add(existing);
      continue;
    }
    if (plan.readiness.get(user.mailUser)?.status === 'blocked') blocked.push(user.member.address);
    for (const action of plan.mailUserActions.get(user.mailUser) ?? []) if (action.action !== 'blocked') dependsOn.add(action.id);
    pending.push(csv);
  }
  const scopeAddition = input.scope ? plan.scopeAdditions.get(input.scope) : undefined;
  if (scopeAddition && scopeAddition.action !== 'blocked') dependsOn.add(scopeAddition.id);

  const notReady = (): Pick<Action, 'action' | 'reason'> => ({
    action: 'blocked',
    reason: `${blocked.length} of the batch's users are not ready (${listed(blocked)}): the batch is not ${liveBatch ? 'extended' : 'created'} until they are, or until they leave the list`,
  });
  if (blocked.length > 0 && pending.length > 0) {
    findings.push(finding('UserNotReady', `batch ${batch.name} waits for ${blocked.length} user(s) whose move would fail: ${listed(blocked)}`, about(batch, source)));
  }

  const spec = batch.spec;
  if (!liveBatch) {
    if (pending.length > 0) {
      const changes: FieldChange[] = [
        { field: 'SourceEndpoint', after: spec.endpoint },
        { field: 'TargetDeliveryDomain', after: spec.targetDeliveryDomain },
        { field: 'Users', add: pending },
        ...(spec.autoStart ? [{ field: 'AutoStart', after: true }] : []),
        ...(spec.completeAfter !== undefined ? [{ field: 'CompleteAfter', after: spec.completeAfter }] : []),
        ...(spec.notificationEmails !== undefined ? [{ field: 'NotificationEmails', after: spec.notificationEmails }] : []),
      ];
      actions.push(planAction({ ...base, ...(blocked.length > 0 ? notReady() : { action: 'create' }), changes, dependsOn: [...dependsOn] }));
    }
    return { actions, findings, status: statusOf(batch, undefined, [], listedCount, blocked) };
  }

  const completed = COMPLETED_BATCH.test(liveBatch.Status);
  const unlisted = liveUsers.filter((u) => !inBatch.has(u)).map((u) => u.Identity);
  if (unlisted.length > 0) {
    findings.push(finding('BatchUserNotListed', `the live batch ${batch.name} also moves ${unlisted.length} user(s) its YAML does not list: ${listed(unlisted)}`, about(batch, source)));
  }
  const failed = failedUsers(liveUsers);
  if (failed.length > 0) {
    findings.push(finding('BatchUserFailed', `${failed.length} user(s) of batch ${batch.name} failed: ${listed(failed.map((f) => `${f.user} (${f.error})`))}`, about(batch, source)));
  }
  if (!completed) {
    const fixed = (['SourceEndpoint', 'TargetDeliveryDomain'] as const)
      .filter((field) => (liveBatch[field] ?? '') !== '' && !sameText(liveBatch[field], field === 'SourceEndpoint' ? spec.endpoint : spec.targetDeliveryDomain))
      .map((field): FieldChange => ({ field, before: liveBatch[field], after: field === 'SourceEndpoint' ? spec.endpoint : spec.targetDeliveryDomain }));
    const settable: FieldChange[] = [];
    if (spec.completeAfter !== undefined && !sameInstant(liveBatch.CompleteAfterUTC, spec.completeAfter)) settable.push({ field: 'CompleteAfter', before: liveBatch.CompleteAfterUTC, after: spec.completeAfter });
    if (spec.notificationEmails !== undefined && (missingFrom(spec.notificationEmails, liveBatch.NotificationEmails).length > 0 || missingFrom(liveBatch.NotificationEmails, spec.notificationEmails).length > 0)) {
      settable.push({ field: 'NotificationEmails', before: liveBatch.NotificationEmails, after: spec.notificationEmails });
    }
    if (fixed.length > 0) {
      actions.push(
        planAction({
          ...base,
          action: 'blocked',
          changes: [...fixed, ...settable],
          dependsOn: [],
          reason: `Exchange sets a batch's ${fixed.map((c) => c.field).join(' and ')} only when it creates it: remove this batch (ensure: Absent) and declare a new one`,
        }),
      );
    } else if (settable.length > 0) actions.push(planAction({ ...base, action: 'update', changes: settable, dependsOn: [] }));
  }
  let addUsers: Action | undefined;
  if (pending.length > 0) {
    addUsers = planAction({
      ...base,
      step: 'add-users',
      ...(completed
        ? { action: 'blocked', reason: `the batch is ${liveBatch.Status}: Exchange adds users only to a batch that has not completed; list them in a new batch` }
        : blocked.length > 0
          ? notReady()
          : { action: 'update' }),
      changes: [{ field: 'Users', add: pending }],
      dependsOn: [...dependsOn],
    });
    actions.push(addUsers);
  }
  if (spec.autoStart && STARTABLE.test(liveBatch.Status)) {
    actions.push(planAction({ ...base, step: 'start', action: 'update', changes: [{ field: 'Status', before: liveBatch.Status, after: 'Syncing' }], dependsOn: addUsers && addUsers.action !== 'blocked' ? [addUsers.id] : [] }));
  }
  // Not while users are being added: they have not synced yet.
  if (spec.complete && COMPLETABLE.test(liveBatch.Status) && !addUsers) {
    actions.push(planAction({ ...base, step: 'complete', action: 'update', changes: [{ field: 'Status', before: liveBatch.Status, after: 'Completing' }], dependsOn: [] }));
  }
  return { actions, findings, status: statusOf(batch, liveBatch, liveUsers, listedCount, blocked) };
}
