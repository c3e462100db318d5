// Migration batches in the engine: New-/Set-/Start-/Stop-/Complete-/Remove-MigrationBatch and
// Get-MigrationBatch / Get-MigrationUser, with Exchange's rules and errors, run in-process through the
// embedded host. The batch calls are rendered by the real generator (renderApplyScript) and read back
// by the real export (exportScript), so a change on either side shows here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action, MigrationBatchEntry, MigrationUserEntry } from '../../src/model/plan.js';
import type { Snapshot } from '../../src/model/snapshot.js';
import { renderApplyScript } from '../../src/powershell/apply-script.js';
import { exportScript } from '../../src/powershell/export-script.js';
import { BATCH_ROW_LIMIT, csvAddresses } from '../../src/simulator/engine/cmdlets/batches.js';
import { address, batchActions, DELIVERY_DOMAIN, NORTHWIND_PLAN, NORTHWIND_RESOURCE, sourceTenant, targetTenant } from './batch-fixtures.js';
import { attempt, cleanedUpInProcessRunner, CONNECT_NORTHWIND, session, type SimulatorRun } from './helpers.js';

const run = cleanedUpInProcessRunner();

type BatchSnapshot = Snapshot & { MigrationBatch: MigrationBatchEntry[]; MigrationUser: MigrationUserEntry[] };

/** The apply script of these batch actions, as the tool renders it. */
const applyScript = (...actions: Action[]): string => renderApplyScript({ ...NORTHWIND_PLAN, actions });

/** The step results of an apply run: id → status, or the error. */
function steps(r: SimulatorRun): { id: string; status: string; error?: string }[] {
  return r.stdout
    .split('\n')
    .filter((line) => line.includes('"exoGitopsStep"'))
    .map((line) => JSON.parse(line) as { exoGitopsStep: string; status: string; error?: string })
    .map((step) => ({ id: step.exoGitopsStep, status: step.status, ...(step.error ? { error: step.error } : {}) }));
}

/** The snapshot the export script printed. */
function exported(r: SimulatorRun): BatchSnapshot {
  const snapshot = r.exported();
  expect(snapshot, r.stderr).not.toBeNull();
  return snapshot as unknown as BatchSnapshot;
}

const tenants = () => [sourceTenant(), targetTenant()];

/** Runs scripts one after another on one state (the first run creates it). */
async function sequence(...scripts: string[]): Promise<SimulatorRun[]> {
  const runs: SimulatorRun[] = [];
  for (const script of scripts) runs.push(await run(script, runs.length === 0 ? { tenants: tenants() } : { stateDir: runs[0]!.stateDir }));
  return runs;
}

const exportNorthwind = () => exportScript(NORTHWIND_RESOURCE, { groups: [], batches: true });

describe('New-MigrationBatch (Onboarding)', () => {
  it('creates the batch and one migration user a CSV row, as the apply script writes it; the export reads them back', async () => {
    const users = [address('lara'), '"x,y"@b.com', address('john')];
    const [applied, read] = await sequence(
      applyScript(batchActions.create('Wave-1', users, { completeAfter: '2026-12-15T22:00:00Z', notificationEmails: ['m@b.com'] })),
      exportNorthwind(),
    );
    expect(steps(applied!)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' }]);
    const expectedBatch: MigrationBatchEntry = {
      Identity: 'Wave-1',
      Status: 'Syncing',
      SourceEndpoint: 'Contoso-T2T',
      TargetDeliveryDomain: DELIVERY_DOMAIN,
      NotificationEmails: ['m@b.com'],
      CompleteAfterUTC: '2026-12-15T22:00:00Z',
      TotalCount: 3,
      ActiveCount: 3,
      SyncedCount: 0,
      FinalizedCount: 0,
      FailedCount: 0,
    };
    const expectedUsers: MigrationUserEntry[] = users.map((user) => ({ Identity: user, BatchId: 'Wave-1', Status: 'Syncing', ErrorSummary: '' }));
    const state = (await applied!.state('northwind')) as BatchSnapshot;
    expect(state.MigrationBatch).toEqual([expectedBatch]);
    expect(state.MigrationUser).toEqual(expectedUsers);
    const snapshot = exported(read!);
    expect(snapshot.MigrationBatch).toEqual([expectedBatch]);
    expect(snapshot.MigrationUser).toEqual(expectedUsers);
  });

  it('without -AutoStart: Created, its users Queued; without -CompleteAfter: null', async () => {
    const [applied] = await sequence(applyScript(batchActions.create('Wave-2', [address('lara')], { autoStart: false })));
    const state = (await applied!.state('northwind')) as BatchSnapshot;
    expect(state.MigrationBatch[0]).toMatchObject({ Status: 'Created', CompleteAfterUTC: null, NotificationEmails: [], TotalCount: 1, ActiveCount: 1 });
    expect(state.MigrationUser).toEqual([{ Identity: address('lara'), BatchId: 'Wave-2', Status: 'Queued', ErrorSummary: '' }]);
  });

  it('keeps CompleteAfter as the UTC instant, whatever zone it was written in', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "$csv = [System.Text.Encoding]::UTF8.GetBytes(\"EmailAddress`nlara@northwindtraders.com\")",
          "New-MigrationBatch -Name A -SourceEndpoint Contoso-T2T -CSVData $csv -CompleteAfter '2026-12-16T07:00:00+09:00' | Out-Null",
          "$b = Get-MigrationBatch -Identity A",
          '$b.CompleteAfterUTC.Kind',
          "$b.CompleteAfterUTC.ToString('yyyy-MM-ddTHH:mm:ssZ')",
        ].join('\n'),
      ),
      { tenants: tenants() },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['Utc', '2026-12-15T22:00:00Z']);
    expect(((await r.state('northwind')) as BatchSnapshot).MigrationBatch[0]!.CompleteAfterUTC).toBe('2026-12-15T22:00:00Z');
  });

  it("refuses what Exchange refuses, with Exchange's errors, and creates nothing then", async () => {
    const csv = (text: string) => `([System.Text.Encoding]::UTF8.GetBytes(${JSON.stringify(text).replace(/\\n/g, '`n').replace(/\\r/g, '`r')}))`;
    const many = ['EmailAddress', ...Array.from({ length: BATCH_ROW_LIMIT + 1 }, (_, i) => `u${i}@northwindtraders.com`)].join('`n');
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          `New-MigrationBatch -Name Wave-1 -SourceEndpoint Contoso-T2T -CSVData ${csv('EmailAddress\nlara@northwindtraders.com')} -AutoStart | Out-Null`,
          attempt(`New-MigrationBatch -Name wave-1 -SourceEndpoint Contoso-T2T -CSVData ${csv('EmailAddress\njohn@northwindtraders.com')}`),
          attempt(`New-MigrationBatch -Name Wave-2 -SourceEndpoint Nowhere -CSVData ${csv('EmailAddress\njohn@northwindtraders.com')}`),
          attempt(`New-MigrationBatch -Name Wave-2 -SourceEndpoint Contoso-T2T -CSVData ${csv('Mail\njohn@northwindtraders.com')}`),
          attempt(`New-MigrationBatch -Name Wave-2 -SourceEndpoint Contoso-T2T -CSVData ${csv('EmailAddress\r\n\r\n')}`),
          attempt(`New-MigrationBatch -Name Wave-2 -SourceEndpoint Contoso-T2T -CSVData ([System.Text.Encoding]::UTF8.GetBytes("${many}"))`),
          attempt(`New-MigrationBatch -Name Wave-2 -SourceEndpoint Contoso-T2T -CSVData ${csv('EmailAddress\njohn@northwindtraders.com\nLARA@NorthwindTraders.com')}`),
          '@(Get-MigrationBatch).Count',
          '@(Get-MigrationUser).Count',
        ].join('\n'),
      ),
      { tenants: tenants() },
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe("ERR:MigrationJobAlreadyExistsException:A migration batch with the name 'wave-1' already exists.");
    expect(lines[1]).toMatch(/^ERR:ManagementObjectNotFoundException:The operation couldn't be performed because object 'Nowhere' couldn't be found/);
    expect(lines[2]).toMatch(/^ERR:MigrationCSVParsingException:.*EmailAddress column/);
    expect(lines[3]).toMatch(/^ERR:MigrationCSVParsingException:The CSV file has no rows/);
    expect(lines[4]).toMatch(/^ERR:MigrationCSVTooManyRowsException:.*2001 rows.*at most 2000/);
    expect(lines[5]).toMatch(/^ERR:UserDuplicateInOtherBatchException:UserDuplicateInOtherBatchException: The user LARA@NorthwindTraders.com already exists in migration batch 'Wave-1'/);
    expect(lines.slice(6)).toEqual(['1', '1']);
    expect(r.exitCode).toBe(0);
  });

  it('takes exactly 2,000 rows; the header is matched case-insensitively, among other columns, in quotes', async () => {
    const rows = Array.from({ length: BATCH_ROW_LIMIT }, (_, i) => `u${i}@northwindtraders.com`);
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          `New-MigrationBatch -Name Big -SourceEndpoint Contoso-T2T -CSVData ([System.Text.Encoding]::UTF8.GetBytes("${['EmailAddress', ...rows].join('`n')}")) | Out-Null`,
          `New-MigrationBatch -Name Columns -SourceEndpoint Contoso-T2T -CSVData ([System.Text.Encoding]::UTF8.GetBytes("Name,""emailADDRESS""\`r\`nLara,lara@northwindtraders.com\`r\`n\`r\`nJohn,""john@northwindtraders.com""\`r\`n")) | Out-Null`,
          "(Get-MigrationBatch Big).TotalCount",
          "Get-MigrationUser -BatchId Columns | ForEach-Object { $_.Identity }",
        ].join('\n'),
      ),
      { tenants: tenants() },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['2000', 'lara@northwindtraders.com', 'john@northwindtraders.com']);
  });

  it('other parameter sets are not supported by the simulator', async () => {
    const r = await run(session(CONNECT_NORTHWIND, "New-MigrationBatch -Name X -UserIds 'lara@northwindtraders.com'"), { tenants: tenants() });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/New-MigrationBatch in the parameter set 'PreexistingUserIds' is not supported by the simulator/);
  });
});

describe('Set-MigrationBatch', () => {
  it('sets CompleteAfter and replaces NotificationEmails, as the apply script writes them', async () => {
    const [, updated] = await sequence(
      applyScript(batchActions.create('Wave-1', [address('lara')], { notificationEmails: ['a@b.com', 'c@b.com'] })),
      applyScript(batchActions.update('Wave-1', { completeAfter: '2027-01-02T03:04:05Z', notificationEmails: ['m@b.com'] })),
    );
    expect(steps(updated!)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' }]);
    expect(((await updated!.state('northwind')) as BatchSnapshot).MigrationBatch[0]).toMatchObject({ CompleteAfterUTC: '2027-01-02T03:04:05Z', NotificationEmails: ['m@b.com'] });
  });

  it('-AddUsers adds only the rows not in the batch yet: Syncing in a synced batch (which syncs again), Queued in a stopped one', async () => {
    const state = (batch: MigrationBatchEntry['Status']) => {
      const target = targetTenant({
        MigrationBatch: [
          { Identity: 'Wave-1', Status: batch, SourceEndpoint: 'Contoso-T2T', TargetDeliveryDomain: DELIVERY_DOMAIN, NotificationEmails: [], CompleteAfterUTC: null, TotalCount: 1, ActiveCount: 0, SyncedCount: 1, FinalizedCount: 0, FailedCount: 0 },
        ],
        MigrationUser: [{ Identity: address('lara'), BatchId: 'Wave-1', Status: 'Synced', ErrorSummary: '' }],
      });
      return [sourceTenant(), target];
    };
    const add = applyScript(batchActions.addUsers('Wave-1', ['LARA@northwindtraders.com', address('john')]));
    const synced = await run(add, { tenants: state('Synced') });
    expect(steps(synced)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1#add-users', status: 'succeeded' }]);
    const after = (await synced.state('northwind')) as BatchSnapshot;
    expect(after.MigrationUser).toEqual([
      { Identity: address('lara'), BatchId: 'Wave-1', Status: 'Synced', ErrorSummary: '' },
      { Identity: address('john'), BatchId: 'Wave-1', Status: 'Syncing', ErrorSummary: '' },
    ]);
    expect(after.MigrationBatch[0]).toMatchObject({ Status: 'Syncing', TotalCount: 2, ActiveCount: 1, SyncedCount: 1 });
    const stopped = await run(add, { tenants: state('Stopped') });
    const stoppedAfter = (await stopped.state('northwind')) as BatchSnapshot;
    expect(stoppedAfter.MigrationUser[1]).toMatchObject({ Identity: address('john'), Status: 'Queued' });
    expect(stoppedAfter.MigrationBatch[0]).toMatchObject({ Status: 'Stopped', TotalCount: 2, ActiveCount: 1 });
  });

  it('refuses -AddUsers without -CSVData, a user of another batch, and an unknown batch', async () => {
    const [, r] = await sequence(
      [applyScript(batchActions.create('Wave-1', [address('lara')])), ''].join('\n'),
      session(
        CONNECT_NORTHWIND,
        [
          "New-MigrationBatch -Name Wave-2 -SourceEndpoint Contoso-T2T -CSVData ([System.Text.Encoding]::UTF8.GetBytes(\"EmailAddress`njohn@northwindtraders.com\")) | Out-Null",
          attempt('Set-MigrationBatch -Identity Wave-2 -AddUsers'),
          attempt("Set-MigrationBatch -Identity Wave-2 -AddUsers -CSVData ([System.Text.Encoding]::UTF8.GetBytes(\"EmailAddress`nmegan@northwindtraders.com`nlara@northwindtraders.com\"))"),
          attempt("Set-MigrationBatch -Identity Nowhere -CompleteAfter '2027-01-01T00:00:00Z'"),
          'Get-MigrationUser -BatchId Wave-2 | ForEach-Object { $_.Identity }',
        ].join('\n'),
      ),
    );
    const lines = r!.stdout.split('\n');
    expect(lines[0]).toMatch(/^ERR:MigrationPermanentException:The AddUsers switch needs the CSVData parameter/);
    expect(lines[1]).toMatch(/^ERR:UserDuplicateInOtherBatchException:.*UserDuplicateInOtherBatchException.*lara@northwindtraders.com.*'Wave-1'/);
    expect(lines[2]).toMatch(/^ERR:ManagementObjectNotFoundException:.*'Nowhere'/);
    expect(lines.slice(3)).toEqual([address('john')]);
  });
});

/** A target with one batch in a given status, its users in given statuses. */
function withBatch(status: string, users: [string, string][], completeAfter: string | null = null): Snapshot[] {
  const target = targetTenant({
    MigrationBatch: [{ Identity: 'Wave-1', Status: status, SourceEndpoint: 'Contoso-T2T', TargetDeliveryDomain: DELIVERY_DOMAIN, NotificationEmails: [], CompleteAfterUTC: completeAfter, TotalCount: 0, ActiveCount: 0, SyncedCount: 0, FinalizedCount: 0, FailedCount: 0 }],
    MigrationUser: users.map(([alias, userStatus]) => ({ Identity: address(alias), BatchId: 'Wave-1', Status: userStatus, ErrorSummary: userStatus === 'Failed' ? 'MissingExchangeGuidException: …' : '' })),
  });
  return [sourceTenant(), target];
}

describe('Start-, Stop-, Complete-, Remove-MigrationBatch', () => {
  it.each(['Created', 'Stopped', 'Failed', 'SyncedWithErrors'])('Start-MigrationBatch starts a %s batch: its queued, stopped and failed users sync', async (status) => {
    const r = await run(applyScript(batchActions.start('Wave-1')), { tenants: withBatch(status, [['lara', 'Queued'], ['john', 'Stopped'], ['megan', 'Failed'], ['pat', 'Synced']]) });
    expect(steps(r)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1#start', status: 'succeeded' }]);
    const state = (await r.state('northwind')) as BatchSnapshot;
    expect(state.MigrationUser.map((u) => [u.Status, u.ErrorSummary])).toEqual([['Syncing', ''], ['Syncing', ''], ['Syncing', ''], ['Synced', '']]);
    expect(state.MigrationBatch[0]).toMatchObject({ Status: 'Syncing', TotalCount: 4, ActiveCount: 3, SyncedCount: 1, FailedCount: 0 });
  });

  it.each(['Completing', 'Completed'])('Start-MigrationBatch refuses a %s batch', async (status) => {
    const r = await run(applyScript(batchActions.start('Wave-1')), { tenants: withBatch(status, [['lara', status === 'Completed' ? 'Completed' : 'Synced']]) });
    expect(steps(r)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1#start', status: 'failed', error: `The migration batch 'Wave-1' can't be started because it is ${status}.` }]);
  });

  it('Stop-MigrationBatch stops a Syncing batch, and only that', async () => {
    const r = await run(session(CONNECT_NORTHWIND, ['Stop-MigrationBatch Wave-1', attempt('Stop-MigrationBatch Wave-1'), '(Get-MigrationBatch Wave-1).Status', 'Get-MigrationUser | ForEach-Object { $_.Status }'].join('\n')), {
      tenants: withBatch('Syncing', [['lara', 'Syncing'], ['john', 'Synced']]),
    });
    expect(r.stdout.split('\n')).toEqual([
      "ERR:MigrationBatchCannotBeStoppedException:The migration batch 'Wave-1' can't be stopped because it is Stopped.",
      'Stopped',
      'Stopped',
      'Synced',
    ]);
  });

  it.each(['Synced', 'SyncedWithErrors'])('Complete-MigrationBatch completes a %s batch now: Completing, CompleteAfterUTC the current time', async (status) => {
    const before = Date.now();
    const r = await run(applyScript(batchActions.complete('Wave-1')), { tenants: withBatch(status, [['lara', 'Synced']], '2030-01-01T00:00:00Z') });
    expect(steps(r)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1#complete', status: 'succeeded' }]);
    const batch = ((await r.state('northwind')) as BatchSnapshot).MigrationBatch[0]!;
    expect(batch.Status).toBe('Completing');
    expect(batch.CompleteAfterUTC).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(batch.CompleteAfterUTC!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(batch.CompleteAfterUTC!)).toBeLessThanOrEqual(Date.now());
  });

  it.each(['Created', 'Syncing', 'Stopped', 'Failed', 'Completing', 'Completed'])('Complete-MigrationBatch refuses a %s batch, naming its status', async (status) => {
    const r = await run(applyScript(batchActions.complete('Wave-1')), { tenants: withBatch(status, [['lara', 'Syncing']]) });
    expect(steps(r)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining(`because it is ${status}`) });
  });

  it('Complete-MigrationBatch and Remove-MigrationBatch ask first: under -NonInteractive the prompt fails without -Confirm:$false', async () => {
    const r = await run(session(CONNECT_NORTHWIND, [attempt('Complete-MigrationBatch Wave-1'), attempt('Remove-MigrationBatch Wave-1')].join('\n')), { tenants: withBatch('Synced', [['lara', 'Synced']]) });
    expect(r.stdout.split('\n')).toEqual([
      'ERR:PSInvalidOperationException:PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
      'ERR:PSInvalidOperationException:PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.',
    ]);
  });

  it.each(['Syncing', 'Completing', 'Starting', 'Stopping', 'Removing'])('Remove-MigrationBatch refuses a %s batch', async (status) => {
    const r = await run(applyScript(batchActions.remove('Wave-1')), { tenants: withBatch(status, [['lara', 'Syncing']]) });
    expect(steps(r)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining(`can't be removed because it is ${status}`) });
    expect(((await r.state('northwind')) as BatchSnapshot).MigrationUser).toHaveLength(1);
  });

  it.each(['Created', 'Stopped', 'Synced', 'Failed', 'Completed', 'CompletedWithErrors'])('Remove-MigrationBatch removes a %s batch and its users, and no other batch', async (status) => {
    const [source, target] = withBatch(status, [['lara', 'Completed']]);
    target!.MigrationBatch!.push({ ...target!.MigrationBatch![0]!, Identity: 'Wave-2' });
    target!.MigrationUser!.push({ Identity: address('john'), BatchId: 'Wave-2', Status: 'Synced', ErrorSummary: '' });
    const r = await run(applyScript(batchActions.remove('Wave-1')), { tenants: [source!, target!] });
    expect(steps(r)).toEqual([{ id: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' }]);
    const state = (await r.state('northwind')) as BatchSnapshot;
    expect(state.MigrationBatch.map((b) => b.Identity)).toEqual(['Wave-2']);
    expect(state.MigrationUser.map((u) => u.Identity)).toEqual([address('john')]);
  });

  it('an unknown batch is not found for each of them', async () => {
    const r = await run(
      session(CONNECT_NORTHWIND, ['Start-MigrationBatch', 'Stop-MigrationBatch', 'Complete-MigrationBatch', 'Remove-MigrationBatch', 'Get-MigrationBatch'].map((c) => attempt(`${c} -Identity Nowhere -Confirm:$false`.replace('Get-MigrationBatch -Identity Nowhere -Confirm:$false', 'Get-MigrationBatch -Identity Nowhere'))).join('\n')),
      { tenants: tenants() },
    );
    const lines = r.stdout.split('\n');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^ERR:ManagementObjectNotFoundException:.*'Nowhere' couldn't be found/);
  });
});

describe('Get-MigrationBatch and Get-MigrationUser', () => {
  it('by identity, e-mail address and batch, case-insensitively; counts consistent with the users', async () => {
    const [source, target] = withBatch('SyncedWithErrors', [['lara', 'Synced'], ['john', 'Failed'], ['megan', 'Completed'], ['pat', 'Stopped'], ['nog', 'Syncing']]);
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "Get-MigrationBatch -Identity 'WAVE-1' | ForEach-Object { '{0} {1} {2} {3} {4} {5}' -f $_.Status, $_.TotalCount, $_.ActiveCount, $_.SyncedCount, $_.FinalizedCount, $_.FailedCount }",
          '$null -eq (Get-MigrationBatch).CompleteAfterUTC',
          "(Get-MigrationUser -Identity 'JOHN@northwindtraders.com').ErrorSummary",
          "(Get-MigrationUser -EmailAddress 'lara@northwindtraders.com').Status",
          "@(Get-MigrationUser -BatchId wave-1 -ResultSize Unlimited).Count",
          "@(Get-MigrationUser -BatchId Other).Count",
          attempt("Get-MigrationUser -Identity 'nobody@northwindtraders.com'"),
        ].join('\n'),
      ),
      { tenants: [source!, target!] },
    );
    // The state's counts were zeros: Exchange derives them from the users.
    expect(r.stdout.split('\n').slice(0, 6)).toEqual(['SyncedWithErrors 5 1 1 1 1', 'True', 'MissingExchangeGuidException: …', 'Synced', '5', '0']);
    expect(r.stdout.split('\n')[6]).toMatch(/^ERR:ManagementObjectNotFoundException:/);
  });
});

describe('Get-EXOMailbox', () => {
  it('returns DisplayName and UserPrincipalName (its Minimum property set) as the state holds them, and finds a mailbox by its UPN', async () => {
    const source = sourceTenant();
    source.Mailbox[0]!.UserPrincipalName = 'lara.upn@contoso.com';
    const r = await run(
      session(
        "Connect-ExchangeOnline -AppId 'app' -CertificateThumbprint 'AB12' -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false",
        ["Get-EXOMailbox -UserPrincipalName 'lara.upn@contoso.com' | ForEach-Object { $_.DisplayName + '|' + $_.UserPrincipalName }", "(Get-User lara).UserPrincipalName"].join('\n'),
      ),
      { tenants: [source, targetTenant()] },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['Lara Contoso|lara.upn@contoso.com', 'lara.upn@contoso.com']);
  });
});

/** One CSV cell as the generator writes it (apply-script.ts csvCell): quoted when it holds , " CR or LF. */
const csvCell = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);

describe('the CSV of -CSVData', () => {
  it('reads back any list of addresses the generator quotes (RFC 4180), with CRLF or LF rows', () => {
    const cell = fc.string({ unit: fc.constantFrom('a', 'b', '@', '.', ',', '"', '\r', '\n', ' ', 'é', '😀', "'"), minLength: 1, maxLength: 12 }).filter((s) => s.trim() === s && s !== '');
    fc.assert(
      fc.property(fc.array(cell, { minLength: 0, maxLength: 8 }), fc.constantFrom('\r\n', '\n'), (addresses, newline) => {
        const text = ['EmailAddress', ...addresses].map(csvCell).join(newline);
        expect(csvAddresses(text)).toEqual(addresses);
      }),
      { numRuns: 500 },
    );
  });

  it('skips blank lines, takes the EmailAddress column wherever it is, and reads "" inside quotes as a quote', () => {
    expect(csvAddresses('Name,EMAILADDRESS,Other\r\n\r\nLara,lara@b.com,x\n  \nJohn,"""x,y""@b.com",\r\n')).toEqual(['lara@b.com', '"x,y"@b.com']);
    expect(() => csvAddresses('Name\r\nLara')).toThrow(/EmailAddress column/);
  });
});
