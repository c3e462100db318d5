// The cmdlets and properties the cross-tenant preflight reads (issue 13): Get-EXOMailbox with its
// property sets, the mailbox statistics cmdlets, the organization's holds and tenant ID, the mail
// user's license and dumpster quota, Unlimited endpoint limits, Test-MigrationServerAvailability's
// failed outcome and Set-OrganizationConfig's cloud-managed default, through the embedded host.
import { describe, expect, it } from 'vitest';
import { byteQuantifiedSize } from '../../src/simulator/engine/cmdlets/common.js';
import { attempt, cleanedUpRunner, CONNECT_CONTOSO, CONNECT_NORTHWIND, contoso, mailbox, mailUser, northwind, session } from './helpers.js';

const run = cleanedUpRunner();

const GB = 2 ** 30;
const AUX = (n: number) => Array.from({ length: n }, (_, i) => `1;a${String(i).padStart(7, '0')}-0000-4000-8000-000000000000;AuxArchive;contoso.onmicrosoft.com;00000000-0000-0000-0000-000000000000`);

const preflightContoso = () =>
  contoso({
    OrganizationConfig: { IsDehydrated: false, InPlaceHolds: ['mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:2', '-mbxaaaa'] },
    Mailbox: [
      mailbox('lara', 'contoso.com', {
        ArchiveGuid: '5d2e7c41-93a8-4f0e-b6c2-7a19e4d3f820',
        MailboxLocations: ['1;4e3188c6-39f5-4387-adc7-b355b6b852c8;Primary;contoso.onmicrosoft.com;00000000-0000-0000-0000-000000000000', ...AUX(13)],
        PersistedCapabilities: ['ExchangeT2TMbxMove', 'BPOS_S_Enterprise'],
        ArchiveStatus: 'Active',
        DisabledArchiveGuid: '00000000-0000-0000-0000-000000000000',
        CustomAttribute1: 'Cross-Tenant-Project',
      }),
      mailbox('john', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000001' }),
    ],
    MailboxStatistics: [{ MailboxGuid: '4E3188C6-39F5-4387-ADC7-B355B6B852C8', TotalDeletedItemSizeBytes: 1.5 * GB }],
  });

describe('ByteQuantifiedSize, as Exchange prints it', () => {
  it.each([
    [0, '0 B (0 bytes)'],
    [912, '912 B (912 bytes)'],
    [1536, '1.5 KB (1,536 bytes)'],
    [1_990_518, '1.898 MB (1,990,518 bytes)'],
    [30 * GB, '30 GB (32,212,254,720 bytes)'],
    [2_545_915_904, '2.371 GB (2,545,915,904 bytes)'],
    [2 ** 40 + 2 ** 39, '1.5 TB (1,649,267,441,664 bytes)'],
    [null, 'Unlimited'],
  ])('%s → %s', (bytes, text) => {
    expect(byteQuantifiedSize(bytes)).toBe(text);
  });
});

describe('Get-EXOMailbox', () => {
  it('returns the Minimum property set, plus the sets and properties asked for, and leaves out what the state does not hold', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "Get-EXOMailbox -Identity 'lara@contoso.com' | ForEach-Object { $_.PSObject.Properties.Name -join ',' }",
          "Get-EXOMailbox -ResultSize Unlimited -PropertySets Archive -Properties MailboxLocations, PersistedCapabilities, LegacyExchangeDN | ForEach-Object { $_ | ConvertTo-Json -Compress -Depth 3 }",
          "(Get-EXOMailbox lara -PropertySets Minimum, Custom, Hold).PSObject.Properties.Name -join ','",
          "(Get-EXOMailbox lara -PropertySets All).IsExchangeCloudManaged",
          "(Get-EXOMailbox lara -Properties exchangeguid).ExchangeGuid.ToString()",
          '@(Get-EXOMailbox -ResultSize 1).Count',
          attempt("Get-EXOMailbox -PropertySets Everything"),
          attempt("Get-EXOMailbox 'nobody@contoso.com'"),
          // Not modelled: loud, never a silent success (and never caught).
          "Get-EXOMailbox -Filter \"Name -eq 'lara'\"",
        ].join('\n'),
      ),
      { tenants: [preflightContoso(), northwind()] },
    );
    const lines = r.stdout.split('\n');
    // Minimum only: what the state holds or Exchange derives from it.
    expect(lines[0]).toBe('Alias,DisplayName,EmailAddresses,Id,Name,PrimarySmtpAddress,RecipientType,RecipientTypeDetails,UserPrincipalName');
    const lara = JSON.parse(lines[1]!);
    expect(lara).toMatchObject({
      Name: 'lara',
      ArchiveGuid: '5d2e7c41-93a8-4f0e-b6c2-7a19e4d3f820',
      ArchiveStatus: 'Active',
      DisabledArchiveGuid: '00000000-0000-0000-0000-000000000000',
      PersistedCapabilities: ['ExchangeT2TMbxMove', 'BPOS_S_Enterprise'],
      LegacyExchangeDN: expect.stringContaining('-lara'),
    });
    expect(lara.MailboxLocations.filter((l: string) => l.split(';')[2] === 'AuxArchive')).toHaveLength(13);
    // Not asked for: not returned (Get-Mailbox would return them all).
    expect(lara).not.toHaveProperty('IsExchangeCloudManaged');
    expect(lara).not.toHaveProperty('CustomAttribute1');
    // john's state holds none of the new properties: they are left out, as an older snapshot lacks them.
    const john = JSON.parse(lines[2]!);
    expect(john).toHaveProperty('ArchiveGuid');
    expect(john).not.toHaveProperty('MailboxLocations');
    expect(john).not.toHaveProperty('PersistedCapabilities');
    expect(lines[3]).toContain('CustomAttribute1,');
    expect(lines[3]).toContain('InPlaceHolds');
    expect(lines[3]).toContain('LitigationHoldEnabled');
    expect(lines[3]).not.toContain('ExchangeGuid');
    expect(lines[4]).toBe('False');
    expect(lines[5]).toBe('4e3188c6-39f5-4387-adc7-b355b6b852c8');
    // -ResultSize cuts the list short with Exchange's warning, as Get-Mailbox does.
    expect(lines[6]).toBe('WARNING: There are more results available than are currently displayed. To view them, increase the value for the ResultSize parameter.');
    expect(lines[7]).toBe('1');
    expect(lines[8]).toMatch(/^ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter 'PropertySets'\..*Everything/);
    expect(lines[9]).toMatch(/^All, Minimum, AddressList, Archive, .*, StatisticsSeed"$/);
    expect(lines[10]).toMatch(/^ERR:ManagementObjectNotFoundException:.*'nobody@contoso\.com'/);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Get-EXOMailbox -Filter is not supported by the simulator.');
  });
});

describe('mailbox statistics', () => {
  it('prints TotalDeletedItemSize as Exchange prints a ByteQuantifiedSize; Get-EXOMailboxStatistics the Minimum set only', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "(Get-MailboxStatistics -Identity 'lara@contoso.com').TotalDeletedItemSize",
          "(Get-MailboxStatistics john).TotalDeletedItemSize",
          "Get-Mailbox lara | Get-MailboxStatistics | ForEach-Object { $_.MailboxGuid.ToString() }",
          "Get-EXOMailboxStatistics -ExchangeGuid '4e3188c6-39f5-4387-adc7-b355b6b852c8' | ForEach-Object { $_ | ConvertTo-Json -Compress }",
          "(Get-EXOMailboxStatistics -PrimarySmtpAddress 'john@contoso.com').TotalDeletedItemSize",
          attempt("Get-EXOMailboxStatistics -ExchangeGuid '99999999-0000-4000-8000-000000000000'"),
          attempt('Get-EXOMailboxStatistics'),
          'Get-MailboxStatistics lara -Archive',
        ].join('\n'),
      ),
      { tenants: [preflightContoso(), northwind()] },
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('1.5 GB (1,610,612,736 bytes)');
    expect(lines[1]).toBe('0 B (0 bytes)');
    expect(lines[2]).toBe('4e3188c6-39f5-4387-adc7-b355b6b852c8');
    expect(JSON.parse(lines[3]!)).toEqual({
      DeletedItemCount: 0,
      DisplayName: 'lara',
      ItemCount: 0,
      MailboxGuid: '4e3188c6-39f5-4387-adc7-b355b6b852c8',
      TotalDeletedItemSize: '1.5 GB (1,610,612,736 bytes)',
      TotalItemSize: '0 B (0 bytes)',
    });
    expect(lines[4]).toBe('0 B (0 bytes)');
    expect(lines[5]).toMatch(/^ERR:ManagementObjectNotFoundException:/);
    expect(lines[6]).toMatch(/^ERR:ArgumentException:Specify the mailbox with -Identity/);
    expect(r.stderr).toContain('Get-MailboxStatistics -Archive is not supported by the simulator.');
    expect((await r.metrics()).calls).toMatchObject({ 'Get-MailboxStatistics': 4, 'Get-EXOMailboxStatistics': 4 });
  });
});

describe('organization config', () => {
  it("prints the organization-wide holds and the tenant's ID (ExternalDirectoryOrganizationId)", async () => {
    const r = await run(session(CONNECT_CONTOSO, ["(Get-OrganizationConfig).InPlaceHolds -join ','", '(Get-OrganizationConfig).ExternalDirectoryOrganizationId.ToString()'].join('\n')), {
      tenants: [preflightContoso(), northwind()],
    });
    expect(r.stdout.split('\n').slice(0, 2)).toEqual(['mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:2,-mbxaaaa', '11111111-1111-1111-1111-111111111111']);
  });

  it('Set-OrganizationConfig flips the cloud-managed default with either switch; not both, and not in a dehydrated tenant', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "@(Get-OrganizationConfig | Where-Object { $_.PSObject.Properties.Name -contains 'ExchangeAttributesCloudManagedByDefault' }).Count",
          '$parameters = [ordered]@{ ExchangeAttributesCloudManagedByDefault = $true }',
          'Set-OrganizationConfig @parameters',
          '(Get-OrganizationConfig).ExchangeAttributesCloudManagedByDefault',
          'Set-OrganizationConfig -ExchangeAttributesServerManagedByDefault',
          '(Get-OrganizationConfig).ExchangeAttributesCloudManagedByDefault',
          attempt('Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault -ExchangeAttributesServerManagedByDefault'),
          attempt('Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault -DomainController dc1'),
          'Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault -EwsEnabled $true',
        ].join('\n'),
      ),
    );
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 3)).toEqual(['0', 'True', 'False']);
    expect(lines[3]).toMatch(/^ERR:ArgumentException:The ExchangeAttributesCloudManagedByDefault and ExchangeAttributesServerManagedByDefault parameters can't be used together\./);
    expect(lines[4]).toMatch(/available only in on-premises Exchange/);
    expect(r.stderr).toContain('Set-OrganizationConfig -EwsEnabled is not supported by the simulator.');
    expect((await r.state('northwind')).OrganizationConfig.ExchangeAttributesCloudManagedByDefault).toBe(false);

    const dehydrated = await run(session(CONNECT_NORTHWIND, [attempt('Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault'), 'Enable-OrganizationCustomization', 'Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault', '(Get-OrganizationConfig).ExchangeAttributesCloudManagedByDefault'].join('\n')), {
      tenants: [contoso(), northwind({ OrganizationConfig: { IsDehydrated: true } })],
    });
    expect(dehydrated.stdout.split('\n').slice(0, 2)).toEqual([
      "ERR:InvalidOperationException:The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.",
      'True',
    ]);
  });
});

describe('mail users: license and dumpster quota', () => {
  it('prints PersistedCapabilities and RecoverableItemsQuota (bytes in the state, Exchange\'s text out); a new MEU has no license and the 30 GB default', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "Get-MailUser lara | ForEach-Object { $_.RecoverableItemsQuota; $_.PersistedCapabilities -join ','; @($_.PSObject.Properties.Name -like '*Bytes').Count }",
          "(Get-MailUser bianca).RecoverableItemsQuota",
          "@(Get-MailUser megan | Where-Object { $_.PSObject.Properties.Name -contains 'RecoverableItemsQuota' }).Count",
          "$null = New-MailUser -Name 'New One' -ExternalEmailAddress 'new@contoso.onmicrosoft.com' -MicrosoftOnlineServicesID 'new@northwindtraders.onmicrosoft.com' -Password (ConvertTo-SecureString 'p' -AsPlainText -Force)",
          "(Get-MailUser 'New One').RecoverableItemsQuota",
          "@((Get-MailUser 'New One').PersistedCapabilities).Count",
        ].join('\n'),
      ),
      {
        tenants: [
          contoso(),
          northwind({
            MailUser: [
              mailUser('lara', 'northwindtraders.com', { RecoverableItemsQuotaBytes: 100 * GB, PersistedCapabilities: ['ExchangeT2TMbxMove'] }),
              mailUser('bianca', 'northwindtraders.com', { RecoverableItemsQuotaBytes: null }),
              mailUser('megan', 'northwindtraders.com'),
            ],
          }),
        ],
      },
    );
    expect(r.stdout.split('\n').slice(0, 7)).toEqual(['100 GB (107,374,182,400 bytes)', 'ExchangeT2TMbxMove', '0', 'Unlimited', '0', '30 GB (32,212,254,720 bytes)', '0']);
    const created = (await r.state('northwind')).MailUser.find((u) => u.Name === 'New One')!;
    expect(created).toMatchObject({ PersistedCapabilities: [], RecoverableItemsQuotaBytes: 30 * GB });
  });
});

describe('migration endpoints: Unlimited and the availability test', () => {
  it('keeps MaxConcurrentMigrations Unlimited as Exchange prints it', async () => {
    const r = await run(
      session(CONNECT_NORTHWIND, ["Set-MigrationEndpoint 'ep' -MaxConcurrentMigrations Unlimited", "(Get-MigrationEndpoint 'ep').MaxConcurrentMigrations", "Set-MigrationEndpoint 'ep' -MaxConcurrentMigrations 30", "(Get-MigrationEndpoint 'ep').MaxConcurrentMigrations", attempt("Set-MigrationEndpoint 'ep' -MaxConcurrentMigrations lots")].join('\n')),
      { tenants: [contoso(), northwind({ MigrationEndpoint: [{ Identity: 'ep', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: 'app', MaxConcurrentMigrations: 20 }] })] },
    );
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 2)).toEqual(['Unlimited', '30']);
    expect(lines[2]).toMatch(/^ERR:ParameterBindingArgumentTransformationException:.*Valid values are Unlimited or a positive number/);
  });

  it('Test-MigrationServerAvailability -Endpoint: Success, or Failed with the reason (no RemoteTenant, credentials missing, an injected failure), never an error', async () => {
    const endpoint = (identity: string, extra: Record<string, unknown> = {}) => ({ Identity: identity, EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: 'app', MaxConcurrentMigrations: 'Unlimited' as const, ...extra });
    const test = (name: string) => `Test-MigrationServerAvailability -Endpoint '${name}' | ForEach-Object { $_.Result + '|' + $_.Message }`;
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          test('good'),
          test('no-tenant'),
          test('expired'),
          '$c = [System.Management.Automation.PSCredential]::new(\'app\', (ConvertTo-SecureString \'s\' -AsPlainText -Force))',
          "Set-MigrationEndpoint 'expired' -Credentials $c",
          test('expired'),
          test('faulty'),
          "@(Get-MigrationEndpoint 'expired' | Where-Object { $_.PSObject.Properties.Name -contains 'CredentialsMissing' }).Count",
          attempt("Test-MigrationServerAvailability -Endpoint 'missing'"),
        ].join('\n'),
      ),
      {
        tenants: [contoso(), northwind({ MigrationEndpoint: [endpoint('good'), endpoint('no-tenant', { RemoteTenant: null }), endpoint('expired', { CredentialsMissing: true }), endpoint('faulty')] as never })],
        env: { EXO_SIM_FAIL: 'Test-MigrationServerAvailability:faulty' },
      },
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('Success|');
    expect(lines[1]).toBe("Failed|The migration endpoint 'no-tenant' has no RemoteTenant: the source tenant can't be reached.");
    expect(lines[2]).toMatch(/^Failed\|The connection to the server 'outlook\.office\.com' could not be completed: the credentials of the application 'app' for 'contoso\.onmicrosoft\.com' were rejected\./);
    expect(lines[3]).toBe('Success|');
    expect(lines[4]).toBe("Failed|Simulated failure of Test-MigrationServerAvailability for 'faulty' (EXO_SIM_FAIL).");
    expect(lines[5]).toBe('0');
    expect(lines[6]).toMatch(/^ERR:ManagementObjectNotFoundException:.*'missing'/);
    const metrics = await r.metrics();
    expect(metrics.calls['Test-MigrationServerAvailability']).toBe(6);
    expect((metrics as unknown as { injectedFailures: Record<string, number> }).injectedFailures['Test-MigrationServerAvailability']).toBe(1);
    expect((await r.state('northwind')).MigrationEndpoint.find((e) => e.Identity === 'expired')).not.toHaveProperty('CredentialsMissing');
  });
});

describe("a mailbox's RecoverableItemsQuota", () => {
  it('30 GB by default, 100 GB under a hold of its own or an organization policy that holds it, what the state holds otherwise', async () => {
    const tenant = (organizationHolds: string[]) =>
      contoso({
        OrganizationConfig: { IsDehydrated: false, InPlaceHolds: organizationHolds },
        Mailbox: [
          mailbox('plain', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000001' }),
          mailbox('litigation', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000002', LitigationHoldEnabled: true }),
          mailbox('inplace', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000003', InPlaceHolds: ['UniH7d5b9f1e-0000-4000-8000-000000000000'] }),
          mailbox('delayed', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000004', DelayHoldApplied: true }),
          mailbox('pinned', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000005', LitigationHoldEnabled: true, RecoverableItemsQuotaBytes: null }),
          // Excluded from the organization's policy: no hold of its own, none of the organization's.
          mailbox('excluded', 'contoso.com', { ExchangeGuid: '0a1b2c3d-0000-4000-8000-000000000006', InPlaceHolds: ['-mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0'] }),
        ],
      });
    const script = session(
      CONNECT_CONTOSO,
      [
        "Get-EXOMailbox -ResultSize Unlimited -Properties RecoverableItemsQuota | ForEach-Object { $_.Alias + '=' + $_.RecoverableItemsQuota }",
        "(Get-Mailbox plain).RecoverableItemsQuota",
        "@((Get-EXOMailbox plain).PSObject.Properties.Name) -contains 'RecoverableItemsQuota'",
      ].join('\n'),
    );
    const quiet = await run(script, { tenants: [tenant([]), northwind()] });
    expect(quiet.stdout.split('\n').slice(0, 8)).toEqual([
      `plain=${byteQuantifiedSize(30 * GB)}`,
      `litigation=${byteQuantifiedSize(100 * GB)}`,
      `inplace=${byteQuantifiedSize(100 * GB)}`,
      `delayed=${byteQuantifiedSize(100 * GB)}`,
      'pinned=Unlimited',
      `excluded=${byteQuantifiedSize(30 * GB)}`,
      '30 GB (32,212,254,720 bytes)',
      // Not in the Minimum property set: only when asked for.
      'False',
    ]);
    // An organization-wide retention policy holds every mailbox it does not exclude; a delete-only one (action 1) holds none.
    const held = await run(script, { tenants: [tenant(['mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:2']), northwind()] });
    expect(held.stdout.split('\n')[0]).toBe(`plain=${byteQuantifiedSize(100 * GB)}`);
    expect(held.stdout.split('\n')[5]).toBe(`excluded=${byteQuantifiedSize(30 * GB)}`);
    const deleteOnly = await run(script, { tenants: [tenant(['mbx5f6e7d8c9b0a41e2b3c4d5e6f7a8b9c0:1']), northwind()] });
    expect(deleteOnly.stdout.split('\n')[0]).toBe(`plain=${byteQuantifiedSize(30 * GB)}`);
  });
});
