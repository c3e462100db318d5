// Mailbox permissions (FullAccess), Send As (recipient permissions) and Send on Behalf in the
// simulator: the cmdlets' output and errors (engine/cmdlets/permissions.ts), and what a completing
// move does with them (engine/moves.ts): FullAccess travels only between users completing together,
// Send As and Send on Behalf never travel, the source keeps what was on the object.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { MailboxPermissionEntry, MigrationBatchEntry, RecipientPermissionEntry, Snapshot } from '../../src/model/snapshot.js';
import { advanceMigrations } from '../../src/simulator/engine/moves.js';
import { address, DELIVERY_DOMAIN, GUIDS, sourceTenant, targetTenant } from './batch-fixtures.js';
import { PWSH, realPwshEnv, realPwshUnavailable } from '../support/real-pwsh.js';
import { attempt, cleanedUpInProcessRunner, CONNECT_CONTOSO, CONNECT_NORTHWIND, contoso, mailUser, northwind, session } from './helpers.js';

const run = cleanedUpInProcessRunner();

const NOT_FOUND = (identity: string) => `ERR:ManagementObjectNotFoundException:The operation couldn't be performed because object '${identity}' couldn't be found on 'CONTOSPR01A001.PROD.OUTLOOK.COM'.`;
const PROMPT = 'ERR:PSInvalidOperationException:PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.';
const json = (statement: string) => `${statement} | ForEach-Object { $_ | ConvertTo-Json -Compress }`;
const parsed = (stdout: string) => stdout.split('\n').map((line) => (line.startsWith('{') ? JSON.parse(line) : line));

/** Contoso with a mail user (ann), a security group and a distribution group besides lara's and john's mailboxes. */
function contosoWithPrincipals(extra: Partial<Snapshot> = {}): Snapshot {
  return contoso({
    MailUser: [mailUser('ann', 'contoso.com', { MicrosoftOnlineServicesID: 'ann.upn@contoso.com', ExchangeGuid: '0a1b2c3d-0000-4000-8000-0000000000aa' })],
    DistributionGroup: [
      { Name: 'Helpdesk', Alias: 'Helpdesk', PrimarySmtpAddress: 'helpdesk@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: [] },
      { Name: 'Newsletter', Alias: 'Newsletter', PrimarySmtpAddress: 'newsletter@contoso.com', RecipientTypeDetails: 'MailUniversalDistributionGroup', IsDirSynced: false, Members: [] },
    ],
    ...extra,
  });
}

const selfFullAccess = (identity: string) => ({ Identity: identity, User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false, InheritanceType: 'All' });
const fullAccess = (identity: string, user: string) => ({ Identity: identity, User: user, AccessRights: ['FullAccess'], IsInherited: false, Deny: false, InheritanceType: 'All' });
const sendAs = (identity: string, trustee: string) => ({ Identity: identity, Trustee: trustee, AccessControlType: 'Allow', AccessRights: ['SendAs'], IsInherited: false, InheritanceType: 'None' });

describe('mailbox permissions (FullAccess)', () => {
  it('Add-MailboxPermission stores the grant and outputs it; Get-EXOMailboxPermission / Get-MailboxPermission print SELF, then the grants', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          json("Add-MailboxPermission -Identity 'lara' -User 'john@contoso.com' -AccessRights FullAccess -AutoMapping $false -InheritanceType All -Confirm:$false"),
          json("Add-MailboxPermission 'lara@contoso.com' -User 'Helpdesk' -AccessRights FullAccess"),
          json("Add-MailboxPermission 'lara' -User 'ann' -AccessRights FullAccess"),
          "'--exo'",
          json("Get-EXOMailboxPermission -Identity 'LaraN@contoso.onmicrosoft.com'"),
          "'--get'",
          json("Get-MailboxPermission 'lara'"),
          "'--by-address'",
          "@(Get-EXOMailboxPermission -PrimarySmtpAddress 'lara@contoso.com').Count",
          "@(Get-EXOMailboxPermission -UserPrincipalName 'lara@contoso.com').Count",
          "'--types'",
          "$p = Get-MailboxPermission 'lara' -User 'john'",
          '$p.AccessRights -is [array]',
          '$p.AccessRights[0]',
          '$p.IsInherited -is [bool]',
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(r.stderr).toBe('');
    const lines = parsed(r.stdout);
    expect(lines.slice(0, 3)).toEqual([fullAccess('lara', 'john@contoso.com'), fullAccess('lara', 'Helpdesk'), fullAccess('lara', 'ann.upn@contoso.com')]);
    const expected = [selfFullAccess('lara'), fullAccess('lara', 'john@contoso.com'), fullAccess('lara', 'Helpdesk'), fullAccess('lara', 'ann.upn@contoso.com')];
    expect(lines.slice(3, 8)).toEqual(['--exo', ...expected]);
    expect(lines.slice(8, 13)).toEqual(['--get', ...expected]);
    expect(lines.slice(13)).toEqual(['--by-address', '4', '4', '--types', 'True', 'FullAccess', 'True']);
    const state = await r.state('contoso');
    expect(state.MailboxPermission).toEqual([
      { MailboxGuid: GUIDS.lara, Identity: 'lara', User: 'john@contoso.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
      { MailboxGuid: GUIDS.lara, Identity: 'lara', User: 'Helpdesk', AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
      { MailboxGuid: GUIDS.lara, Identity: 'lara', User: 'ann.upn@contoso.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
    ]);
    expect(state.RecipientPermission).toBeUndefined();
  });

  it('a mailbox prints its UserPrincipalName as the trustee; adding an existing grant warns and changes nothing', async () => {
    const source = contosoWithPrincipals();
    source.Mailbox[1]!.UserPrincipalName = 'john.upn@contoso.com';
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "Add-MailboxPermission 'lara' -User 'john' -AccessRights FullAccess | Out-Null",
          // The same trustee by another of its identities: still the same grant.
          json("Add-MailboxPermission 'lara' -User 'john@contoso.com' -AccessRights FullAccess"),
          "'--'",
          "@(Get-MailboxPermission 'lara').Count",
        ].join('\n'),
      ),
      { tenants: [source, northwind()] },
    );
    expect(r.stdout.split('\n')).toEqual(['WARNING: The appropriate access control entry is already present on the object "lara" for account "john.upn@contoso.com".', '--', '2']);
    expect((await r.state('contoso')).MailboxPermission).toEqual([{ MailboxGuid: GUIDS.lara, Identity: 'lara', User: 'john.upn@contoso.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false }]);
  });

  it('Get-MailboxPermission reads a mail user (no SELF entry); Get-EXOMailboxPermission resolves mailboxes only', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "Add-MailboxPermission 'ann' -User 'lara' -AccessRights FullAccess | Out-Null",
          json("Get-MailboxPermission 'ann'"),
          attempt("Get-EXOMailboxPermission -Identity 'ann'"),
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(parsed(r.stdout)).toEqual([fullAccess('ann', 'lara@contoso.com'), NOT_FOUND('ann')]);
    expect((await r.state('contoso')).MailboxPermission).toEqual([{ MailboxGuid: '0a1b2c3d-0000-4000-8000-0000000000aa', Identity: 'ann', User: 'lara@contoso.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false }]);
  });

  it('-User keeps the entries whose trustee is that recipient, by any of its identities', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "Add-MailboxPermission 'lara' -User 'john' -AccessRights FullAccess | Out-Null",
          "Add-MailboxPermission 'lara' -User 'Helpdesk' -AccessRights FullAccess | Out-Null",
          json("Get-EXOMailboxPermission -Identity 'lara' -User 'helpdesk@contoso.com'"),
          json("Get-MailboxPermission 'lara' -User 'JOHN'"),
          "@(Get-MailboxPermission 'lara' -User 'ann').Count",
          attempt("Get-MailboxPermission 'lara' -User 'nobody'"),
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(parsed(r.stdout)).toEqual([fullAccess('lara', 'Helpdesk'), fullAccess('lara', 'john@contoso.com'), '0', NOT_FOUND('nobody')]);
  });

  it("fails as Exchange does: unknown mailbox or trustee, a trustee that is no security principal, a right that is no MailboxRights", async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          attempt("Get-EXOMailboxPermission -Identity 'ghost'"),
          attempt("Get-MailboxPermission 'ghost'"),
          attempt("Add-MailboxPermission 'ghost' -User 'john' -AccessRights FullAccess"),
          attempt("Add-MailboxPermission 'lara' -User 'nobody' -AccessRights FullAccess"),
          attempt("Add-MailboxPermission 'lara' -User 'Newsletter' -AccessRights FullAccess"),
          attempt("Add-MailboxPermission 'Helpdesk' -User 'john' -AccessRights FullAccess"),
          attempt("Add-MailboxPermission 'lara' -User 'john' -AccessRights SendAs"),
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([NOT_FOUND('ghost'), NOT_FOUND('ghost'), NOT_FOUND('ghost'), NOT_FOUND('nobody'), NOT_FOUND('Newsletter'), NOT_FOUND('Helpdesk')]);
    // SendAs is no MailboxRights value: PowerShell's own binding error.
    expect(lines[6]).toMatch(/^ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter 'AccessRights'\. Cannot convert value "SendAs"/);
    expect(r.exitCode).toBe(0);
    expect((await r.state('contoso')).MailboxPermission).toBeUndefined();
  });

  it.each([
    ["Add-MailboxPermission 'lara' -User 'john' -AccessRights ReadPermission", 'Add-MailboxPermission -AccessRights ReadPermission is not supported by the simulator (only FullAccess).'],
    ["Add-MailboxPermission 'lara' -User 'john' -AccessRights FullAccess -Deny", 'Add-MailboxPermission -Deny is not supported by the simulator.'],
    ["Add-MailboxPermission 'lara' -User 'john' -AccessRights FullAccess -InheritanceType SelfAndChildren", 'Add-MailboxPermission -InheritanceType SelfAndChildren is not supported by the simulator (only All).'],
    ['Get-EXOMailboxPermission', 'Get-EXOMailboxPermission without -Identity (every mailbox) is not supported by the simulator.'],
    ["Get-MailboxPermission 'lara' -Owner", 'Get-MailboxPermission -Owner is not supported by the simulator.'],
    ["Add-RecipientPermission 'lara' -AccessRights @{Add='SendAs'} -Trustee 'john' -Confirm:$false", 'Add-RecipientPermission -AccessRights @{Add=…; Remove=…} is not supported by the simulator.'],
  ])('what the simulator does not model fails loudly, ending the script: %s', async (statement, message) => {
    const r = await run(session(CONNECT_CONTOSO, [attempt(statement), "'not reached'"].join('\n')), { tenants: [contosoWithPrincipals(), northwind()] });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(message);
    expect(await r.state('contoso')).toEqual(contosoWithPrincipals());
  });
});

describe('recipient permissions (Send As)', () => {
  it('Add-RecipientPermission prompts, then stores and outputs the grant; an existing grant warns and changes nothing', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          attempt("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'john'"),
          json("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'john' -Confirm:$false"),
          json("Add-RecipientPermission -Identity 'Newsletter' -AccessRights SendAs -Trustee 'Helpdesk' -Confirm:$false"),
          json("Add-RecipientPermission -Identity 'ann' -AccessRights SendAs -Trustee 'ann.upn@contoso.com' -Confirm:$false"),
          json("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'john@contoso.com' -Confirm:$false"),
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(parsed(r.stdout)).toEqual([
      PROMPT,
      sendAs('lara', 'john@contoso.com'),
      sendAs('Newsletter', 'Helpdesk'),
      sendAs('ann', 'ann.upn@contoso.com'),
      'WARNING: The appropriate access control entry is already present on the object "lara" for account "john@contoso.com".',
    ]);
    const state = await r.state('contoso');
    expect(state.RecipientPermission).toEqual([
      { Identity: 'lara', Trustee: 'john@contoso.com', AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' },
      { Identity: 'Newsletter', Trustee: 'Helpdesk', AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' },
      { Identity: 'ann', Trustee: 'ann.upn@contoso.com', AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' },
    ]);
    expect(state.MailboxPermission).toBeUndefined();
  });

  it('Get-EXORecipientPermission without -Identity lists every grant (no SELF entries); with it, SELF (a mailbox) and its grants; -Trustee filters', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'john' -Confirm:$false | Out-Null",
          "Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'Helpdesk' -Confirm:$false | Out-Null",
          "Add-RecipientPermission 'Newsletter' -AccessRights SendAs -Trustee 'john' -Confirm:$false | Out-Null",
          "'--bulk'",
          json('Get-EXORecipientPermission -ResultSize Unlimited'),
          "'--lara'",
          json("Get-EXORecipientPermission -Identity 'lara@contoso.com'"),
          "'--positional'",
          json("Get-RecipientPermission 'lara'"),
          "'--group'",
          json("Get-EXORecipientPermission 'Newsletter'"),
          "'--trustee'",
          json("Get-EXORecipientPermission -Trustee 'john' -AccessRights SendAs"),
          json("Get-RecipientPermission -Identity 'lara' -Trustee 'helpdesk@contoso.com'"),
          "'--errors'",
          attempt("Get-EXORecipientPermission -Identity 'ghost'"),
          attempt("Get-RecipientPermission -Trustee 'nobody'"),
          attempt("Add-RecipientPermission 'ghost' -AccessRights SendAs -Trustee 'john' -Confirm:$false"),
          attempt("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'Newsletter' -Confirm:$false"),
          "'--first'",
          "Get-EXORecipientPermission -ResultSize 1 | ForEach-Object { $_.Trustee }",
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(parsed(r.stdout)).toEqual([
      '--bulk',
      sendAs('lara', 'john@contoso.com'),
      sendAs('lara', 'Helpdesk'),
      sendAs('Newsletter', 'john@contoso.com'),
      '--lara',
      sendAs('lara', 'NT AUTHORITY\\SELF'),
      sendAs('lara', 'john@contoso.com'),
      sendAs('lara', 'Helpdesk'),
      '--positional',
      sendAs('lara', 'NT AUTHORITY\\SELF'),
      sendAs('lara', 'john@contoso.com'),
      sendAs('lara', 'Helpdesk'),
      '--group',
      sendAs('Newsletter', 'john@contoso.com'),
      '--trustee',
      sendAs('lara', 'john@contoso.com'),
      sendAs('Newsletter', 'john@contoso.com'),
      sendAs('lara', 'Helpdesk'),
      '--errors',
      NOT_FOUND('ghost'),
      NOT_FOUND('nobody'),
      NOT_FOUND('ghost'),
      NOT_FOUND('Newsletter'),
      '--first',
      // The embedded host runs a pipeline stage by stage: the cmdlet's warning comes before ForEach-Object's output.
      'WARNING: There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.',
      'john@contoso.com',
    ]);
  });

  it('only SendAs is a valid right', async () => {
    const r = await run(session(CONNECT_CONTOSO, attempt("Add-RecipientPermission 'lara' -AccessRights FullAccess -Trustee 'john' -Confirm:$false")), { tenants: [contosoWithPrincipals(), northwind()] });
    expect(r.stdout).toMatch(/^ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter 'AccessRights'\. Cannot convert value "FullAccess"/);
  });
});

describe('reads', () => {
  it('never create the permission collections: a read-only session leaves the state file as it was', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "@(Get-EXOMailboxPermission -Identity 'lara').Count",
          "@(Get-MailboxPermission 'ann').Count",
          '@(Get-EXORecipientPermission).Count',
          "@(Get-RecipientPermission 'lara').Count",
          "@(Get-MailboxPermission 'lara' -User 'john').Count",
        ].join('\n'),
      ),
      { tenants: [contosoWithPrincipals(), northwind()] },
    );
    expect(r.stdout.split('\n')).toEqual(['1', '0', '0', '1', '0']);
    expect(readFileSync(join(r.stateDir, 'contoso.json'), 'utf8')).toBe(JSON.stringify(contosoWithPrincipals(), null, 2));
  });

  it('Get-MailUser prints GrantSendOnBehalfTo, an empty list when the state has none', async () => {
    const r = await run(
      session(CONNECT_CONTOSO, ["(Get-MailUser 'ann').GrantSendOnBehalfTo.Count", "Get-MailUser 'bob' | ForEach-Object { $_.GrantSendOnBehalfTo }", "Get-MailUser 'ann' | ConvertTo-Json -Compress"].join('\n')),
      { tenants: [contosoWithPrincipals({ MailUser: [mailUser('ann', 'contoso.com'), mailUser('bob', 'contoso.com', { GrantSendOnBehalfTo: ['lara@contoso.com', 'john@contoso.com'] })] }), northwind()] },
    );
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['0', 'lara@contoso.com', 'john@contoso.com']);
    expect(JSON.parse(lines[3]!)).toMatchObject({ Name: 'ann', GrantSendOnBehalfTo: [] });
  });
});

// ---- across a move ----------------------------------------------------------------------------

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const batch = (identity: string, status: string): MigrationBatchEntry => ({
  Identity: identity,
  Status: status,
  SourceEndpoint: 'Contoso-T2T',
  TargetDeliveryDomain: DELIVERY_DOMAIN,
  NotificationEmails: [],
  CompleteAfterUTC: null,
  TotalCount: 0,
  ActiveCount: 0,
  SyncedCount: 0,
  FinalizedCount: 0,
  FailedCount: 0,
});

const grant = (owner: keyof typeof GUIDS, user: string): MailboxPermissionEntry => ({ MailboxGuid: GUIDS[owner], Identity: owner, User: user, AccessRights: ['FullAccess'], IsInherited: false, Deny: false });
const sendAsGrant = (identity: string, trustee: string): RecipientPermissionEntry => ({ Identity: identity, Trustee: trustee, AccessRights: ['SendAs'], IsInherited: false, AccessControlType: 'Allow' });

/**
 * Lara (the exec) delegates to John (the assistant): FullAccess, Send As and Send on Behalf; she also
 * gives FullAccess to Megan (who does not move) and to the security group T2T-Scope, and John gives
 * FullAccess back to Lara. Send As on John for Lara, too.
 */
function delegatingSource(): Snapshot {
  const source = sourceTenant({
    MailboxPermission: [grant('lara', 'john@contoso.com'), grant('lara', 'megan@contoso.com'), grant('lara', 'T2T-Scope'), grant('john', 'lara@contoso.com')],
    RecipientPermission: [sendAsGrant('lara', 'john@contoso.com'), sendAsGrant('john', 'lara@contoso.com')],
  });
  source.Mailbox.find((m) => m.Alias === 'lara')!.GrantSendOnBehalfTo = ['john@contoso.com'];
  return source;
}

/** A state directory with Contoso (the source) and Northwind (the target) holding these batches and users. */
function movesState(source: Snapshot, batches: MigrationBatchEntry[], users: [alias: string, batch: string, status: string][]) {
  const dir = mkdtempSync(join(tmpdir(), 'exo-sim-permissions-'));
  dirs.push(dir);
  const target = targetTenant({ MigrationBatch: batches, MigrationUser: users.map(([alias, batchId, status]) => ({ Identity: address(alias), BatchId: batchId, Status: status, ErrorSummary: '' })) });
  writeFileSync(join(dir, 'contoso.json'), JSON.stringify(source, null, 2));
  writeFileSync(join(dir, 'northwind.json'), JSON.stringify(target, null, 2));
  const read = (tenant: string) => JSON.parse(readFileSync(join(dir, `${tenant}.json`), 'utf8')) as Snapshot;
  return { dir, read };
}

describe('permissions across a move', () => {
  it('an exec and an assistant completing together: FullAccess between them travels, Send As and Send on Behalf do not; the source keeps them', async () => {
    const source = delegatingSource();
    const { dir, read } = movesState(source, [batch('Wave-1', 'Completing')], [['lara', 'Wave-1', 'Synced'], ['john', 'Wave-1', 'Synced']]);
    expect(advanceMigrations(dir)[0]).toMatchObject({ to: 'Completed' });
    const target = read('northwind');
    // Only the grants between the two movers, on the new mailboxes, to the delegate's target UPN.
    expect(target.MailboxPermission).toEqual([
      { MailboxGuid: GUIDS.lara, Identity: 'lara', User: 'john@northwindtraders.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
      { MailboxGuid: GUIDS.john, Identity: 'john', User: 'lara@northwindtraders.com', AccessRights: ['FullAccess'], IsInherited: false, Deny: false },
    ]);
    expect(target.RecipientPermission).toBeUndefined();
    expect(target.Mailbox.find((m) => m.Alias === 'lara')!.GrantSendOnBehalfTo).toEqual([]);

    const after = read('contoso');
    expect(after.MailboxPermission).toEqual(source.MailboxPermission);
    expect(after.RecipientPermission).toEqual(source.RecipientPermission);
    expect(after.MailUser.find((u) => u.Alias === 'lara')!.GrantSendOnBehalfTo).toEqual(['john@contoso.com']);
    // John had no Send on Behalf delegates: his legacy mail user stores none (Get-MailUser prints []).
    expect(after.MailUser.find((u) => u.Alias === 'john')!).not.toHaveProperty('GrantSendOnBehalfTo');

    // As the cmdlets print it: the target mailbox, and the source's legacy mail user.
    const t = await run(session(CONNECT_NORTHWIND, [json("Get-EXOMailboxPermission -Identity 'lara'"), "@(Get-EXORecipientPermission -Identity 'lara').Count"].join('\n')), { stateDir: dir });
    expect(parsed(t.stdout)).toEqual([selfFullAccess('lara'), fullAccess('lara', 'john@northwindtraders.com'), '1']);
    const s = await run(
      session(CONNECT_CONTOSO, [json("Get-MailboxPermission 'lara'"), json("Get-RecipientPermission 'lara'"), "(Get-MailUser 'lara').GrantSendOnBehalfTo", "@((Get-MailUser 'john').GrantSendOnBehalfTo).Count"].join('\n')),
      { stateDir: dir },
    );
    expect(parsed(s.stdout)).toEqual([
      fullAccess('lara', 'john@contoso.com'),
      fullAccess('lara', 'megan@contoso.com'),
      fullAccess('lara', 'T2T-Scope'),
      sendAs('lara', 'john@contoso.com'),
      'john@contoso.com',
      '0',
    ]);
  });

  it('in different batches nothing travels: neither when they complete in the same step nor one after the other', () => {
    const together = movesState(delegatingSource(), [batch('Wave-1', 'Completing'), batch('Wave-2', 'Completing')], [['lara', 'Wave-1', 'Synced'], ['john', 'Wave-2', 'Synced']]);
    expect(advanceMigrations(together.dir).map((c) => c.to)).toEqual(['Completed', 'Completed']);
    expect(together.read('northwind').Mailbox.map((m) => m.Alias)).toEqual(['lara', 'john']);
    expect(together.read('northwind').MailboxPermission).toBeUndefined();

    // The assistant first, the exec later.
    const apart = movesState(delegatingSource(), [batch('Wave-1', 'Synced'), batch('Wave-2', 'Completing')], [['lara', 'Wave-1', 'Synced'], ['john', 'Wave-2', 'Synced']]);
    advanceMigrations(apart.dir);
    const between = apart.read('northwind');
    expect(between.Mailbox.map((m) => m.Alias)).toEqual(['john']);
    between.MigrationBatch!.find((b) => b.Identity === 'Wave-1')!.Status = 'Completing';
    writeFileSync(join(apart.dir, 'northwind.json'), JSON.stringify(between, null, 2));
    advanceMigrations(apart.dir);
    const target = apart.read('northwind');
    expect(target.Mailbox.map((m) => m.Alias)).toEqual(['john', 'lara']);
    expect(target.MailboxPermission).toBeUndefined();
    expect(target.RecipientPermission).toBeUndefined();
    expect(apart.read('contoso').MailboxPermission).toEqual(delegatingSource().MailboxPermission);
  });

  it('a move without permissions in the source creates no permission collections', () => {
    const { dir, read } = movesState(sourceTenant(), [batch('Wave-1', 'Completing')], [['lara', 'Wave-1', 'Synced'], ['john', 'Wave-1', 'Synced']]);
    advanceMigrations(dir);
    for (const tenant of ['northwind', 'contoso']) {
      expect(read(tenant)).not.toHaveProperty('MailboxPermission');
      expect(read(tenant)).not.toHaveProperty('RecipientPermission');
    }
  });
});

// ---- the same script through real pwsh and the stand-in module --------------------------------

const unavailable = realPwshUnavailable();

describe.skipIf(unavailable !== null)('permissions through real pwsh', () => {
  it('bind, add, warn and read as through the embedded host: the same output and the same state', async () => {
    const script = session(
      CONNECT_CONTOSO,
      [
        json("Add-MailboxPermission -Identity 'lara' -User 'john' -AccessRights FullAccess -AutoMapping $false -InheritanceType All"),
        "Add-MailboxPermission 'lara' -User 'john@contoso.com' -AccessRights FullAccess | Out-Null",
        attempt("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'Helpdesk'"),
        json("Add-RecipientPermission 'lara' -AccessRights SendAs -Trustee 'Helpdesk' -Confirm:$false"),
        json("Get-MailboxPermission 'lara'"),
        json("Get-EXOMailboxPermission -Identity 'lara' -User 'john@contoso.com'"),
        json('Get-EXORecipientPermission'),
        json("Get-RecipientPermission 'lara'"),
        attempt("Get-MailboxPermission 'ghost'"),
        "(Get-MailUser 'ann').GrantSendOnBehalfTo.Count",
      ].join('\n'),
    );
    const embedded = await run(script, { tenants: [contosoWithPrincipals(), northwind()] });
    const dir = mkdtempSync(join(tmpdir(), 'exo-sim-permissions-pwsh-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'contoso.json'), JSON.stringify(contosoWithPrincipals(), null, 2));
    writeFileSync(join(dir, 'northwind.json'), JSON.stringify(northwind(), null, 2));
    writeFileSync(join(dir, 'script.ps1'), script);
    const pwsh = await execa(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(dir, 'script.ps1')], {
      env: realPwshEnv(dir, { NO_COLOR: '1' }),
      extendEnv: false,
      reject: false,
      timeout: 120_000,
    });
    expect(String(pwsh.stderr)).toBe('');
    expect(pwsh.exitCode).toBe(0);
    expect(String(pwsh.stdout).replace(/\r\n/g, '\n').trimEnd()).toBe(embedded.stdout);
    expect(parsed(embedded.stdout)).toEqual([
      fullAccess('lara', 'john@contoso.com'),
      'WARNING: The appropriate access control entry is already present on the object "lara" for account "john@contoso.com".',
      PROMPT,
      sendAs('lara', 'Helpdesk'),
      selfFullAccess('lara'),
      fullAccess('lara', 'john@contoso.com'),
      fullAccess('lara', 'john@contoso.com'),
      sendAs('lara', 'Helpdesk'),
      sendAs('lara', 'NT AUTHORITY\\SELF'),
      sendAs('lara', 'Helpdesk'),
      NOT_FOUND('ghost'),
      '0',
    ]);
    expect(JSON.parse(readFileSync(join(dir, 'contoso.json'), 'utf8'))).toEqual(await embedded.state('contoso'));
  }, 180_000);
});
