import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { attempt, cleanedUpRunner, CONNECT_CONTOSO, CONNECT_NORTHWIND, contoso, mailbox, mailUser, northwind, session } from './helpers.js';

const run = cleanedUpRunner();

const NOT_FOUND = (identity: string) => `ERR:ManagementObjectNotFoundException:The operation couldn't be performed because object '${identity}' couldn't be found on '`;

describe('sessions', () => {
  it('selects the tenant by -Organization, case-insensitively, and has no Exchange cmdlets before Connect', async () => {
    const r = await run(
      [
        "$ErrorActionPreference = 'Stop'",
        attempt('Get-Mailbox'),
        "Connect-ExchangeOnline -AppId 'a' -CertificateThumbprint 'b' -Organization 'CONTOSO.onmicrosoft.com' -ShowBanner:$false",
        '(Get-OrganizationConfig).Name',
        'Disconnect-ExchangeOnline -Confirm:$false',
        "Connect-ExchangeOnline -AppId 'a' -CertificateThumbprint 'b' -Organization 'fabrikam.onmicrosoft.com'",
      ].join('\n'),
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^ERR:CommandNotFoundException:The term 'Get-Mailbox' is not recognized/);
    expect(lines.at(-1)).toBe('contoso.onmicrosoft.com');
    expect(r.exitCode).toBe(1);
    // ConciseView wraps the message at 80 columns, as pwsh does.
    expect(r.stderr.replace(/\n\s+\| /g, ' ')).toContain("the organization 'fabrikam.onmicrosoft.com' was not found");
  });
});

describe('organization relationships', () => {
  it('creates, reads, updates and removes, with Exchange\'s errors', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "New-DistributionGroup -Name 'Scope A' -Type Security | Out-Null",
          "New-DistributionGroup -Name 'Scope B' -Type Security | Out-Null",
          "New-DistributionGroup -Name 'Plain' | Out-Null",
          "New-OrganizationRelationship 'to-northwind' -DomainNames '22222222-2222-2222-2222-222222222222' -Enabled:$true -MailboxMoveEnabled:$true -MailboxMoveCapability RemoteOutbound -OAuthApplicationId 'app-1' -MailboxMovePublishedScopes 'Scope A' | Out-Null",
          attempt("New-OrganizationRelationship 'to-northwind' -DomainNames '33333333-3333-3333-3333-333333333333'"),
          attempt("New-OrganizationRelationship 'other' -DomainNames '22222222-2222-2222-2222-222222222222'"),
          attempt("Set-OrganizationRelationship 'to-northwind' -MailboxMovePublishedScopes 'Scope A', 'Scope B'"),
          attempt("Set-OrganizationRelationship 'to-northwind' -MailboxMovePublishedScopes 'Plain'"),
          attempt("Set-OrganizationRelationship 'nope' -Enabled $false"),
          "Set-OrganizationRelationship 'TO-NORTHWIND' -MailboxMoveCapability Inbound, RemoteOutbound -MailboxMovePublishedScopes 'scope b'",
          "Get-OrganizationRelationship | ForEach-Object { $_ | ConvertTo-Json -Compress }",
          attempt("Remove-OrganizationRelationship 'to-northwind'"),
          "Remove-OrganizationRelationship 'to-northwind' -Confirm:$false",
          '@(Get-OrganizationRelationship).Count',
        ].join('\n'),
      ),
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('ERR:ADObjectAlreadyExistsException:An organization relationship with the name "to-northwind" already exists. Please try another name.');
    expect(lines[1]).toContain("ERR:DuplicateOrganizationRelationshipDomainException:The domain '22222222-2222-2222-2222-222222222222' is already used by the organization relationship 'to-northwind'");
    expect(lines[2]).toBe("ERR:InvalidOperationException:Number of scopes specified '2' exeeds the allowed limit '1'");
    expect(lines[3]).toContain("isn't a mail-enabled security group");
    expect(lines[4]).toMatch(/^ERR:ManagementObjectNotFoundException:The operation couldn't be performed because object 'nope' couldn't be found on '.+'\.$/);
    expect(JSON.parse(lines[5]!)).toEqual({
      Identity: 'to-northwind',
      Name: 'to-northwind',
      DomainNames: ['22222222-2222-2222-2222-222222222222'],
      Enabled: true,
      MailboxMoveEnabled: true,
      MailboxMoveCapability: 'Inbound, RemoteOutbound',
      OAuthApplicationId: 'app-1',
      MailboxMovePublishedScopes: ['Scope B'],
    });
    expect(lines[6]).toBe('ERR:PSInvalidOperationException:PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.');
    expect(lines[7]).toBe('0');
    const state = await r.state('contoso');
    expect(state.OrganizationRelationship).toEqual([]);
  });
});

describe('migration endpoints', () => {
  it('never writes the secret anywhere, and records that credentials were sent', async () => {
    const secret = 'S3cr3t-Value-That-Must-Not-Leak';
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          '$secure = ConvertTo-SecureString -String $env:MIGRATION_SECRET -AsPlainText -Force',
          "$credential = [System.Management.Automation.PSCredential]::new('app-id', $secure)",
          "$endpoint = New-MigrationEndpoint -Name 'from-contoso' -RemoteServer outlook.office.com -RemoteTenant 'contoso.onmicrosoft.com' -Credentials $credential -ExchangeRemoteMove:$true -ApplicationId 'app-id'",
          '$endpoint | ConvertTo-Json -Compress',
          '$credential | ConvertTo-Json -Compress',
          'Write-Output "$credential $secure"',
          "$again = New-Object System.Management.Automation.PSCredential -ArgumentList 'app-id', $secure",
          "Set-MigrationEndpoint 'from-contoso' -Credentials $again -MaxConcurrentMigrations 50",
          "(Get-MigrationEndpoint 'from-contoso').MaxConcurrentMigrations",
          attempt("New-MigrationEndpoint -Name 'self' -RemoteServer outlook.office.com -RemoteTenant 'northwindtraders.onmicrosoft.com' -Credentials $credential -ExchangeRemoteMove -ApplicationId 'x'"),
          attempt("New-MigrationEndpoint -Name 'from-contoso' -RemoteServer outlook.office.com -RemoteTenant 'contoso.onmicrosoft.com' -Credentials $credential -ExchangeRemoteMove -ApplicationId 'x'"),
          "(Test-MigrationServerAvailability -Endpoint 'from-contoso').Result",
          attempt("Test-MigrationServerAvailability -Endpoint 'missing'"),
          attempt("Remove-MigrationEndpoint 'missing' -Confirm:$false"),
          "Remove-MigrationEndpoint 'from-contoso' -Confirm:$false",
          '@(Get-MigrationEndpoint).Count',
          "throw 'an error after the secret was used'",
        ].join('\n'),
      ),
      { env: { MIGRATION_SECRET: secret } },
    );
    const lines = r.stdout.split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      Name: 'from-contoso',
      Identity: 'from-contoso',
      EndpointType: 'ExchangeRemoteMove',
      RemoteServer: 'outlook.office.com',
      RemoteTenant: 'contoso.onmicrosoft.com',
      ApplicationId: 'app-id',
      MaxConcurrentMigrations: 20,
    });
    expect(JSON.parse(lines[1]!)).toEqual({ UserName: 'app-id', Password: 'System.Security.SecureString' });
    expect(lines[2]).toBe('System.Management.Automation.PSCredential System.Security.SecureString');
    expect(lines[3]).toBe('50');
    expect(lines[4]).toBe('ERR:MigrationEndpointInvalidRemoteTenantException:ASSERT: The resource tenant and the accessing tenant cannot be equal');
    expect(lines[5]).toMatch(/^ERR:MigrationEndpointDuplicateException:/);
    expect(lines[6]).toBe('Success');
    expect(lines[7]).toMatch(/^ERR:ManagementObjectNotFoundException:.*'missing'/);
    expect(lines[8]).toMatch(/^ERR:ManagementObjectNotFoundException:.*'missing'/);
    expect(lines[9]).toBe('0');
    expect(r.exitCode).toBe(1);
    const files = await Promise.all(['northwind.json', 'metrics.json'].map((file) => readFile(join(r.stateDir, file), 'utf8')));
    for (const text of [r.stdout, r.stderr, ...files]) expect(text).not.toContain(secret);
    const metrics = (await r.metrics()) as { credentials: Record<string, { set: number }> };
    expect(metrics.credentials['northwind/from-contoso']?.set).toBe(2);
  });
});

describe('distribution groups and members', () => {
  it('creates security groups and manages members with Exchange\'s errors', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          "$g = New-DistributionGroup -Name 'Migration Scope' -Type Security -Members 'lara'",
          '"$($g.RecipientTypeDetails) $($g.PrimarySmtpAddress)"',
          attempt("New-DistributionGroup -Name 'migration scope'"),
          attempt("Add-DistributionGroupMember 'Migration Scope' -Member 'LARA@contoso.com'"),
          attempt("Add-DistributionGroupMember 'Migration Scope' -Member 'ghost@contoso.com'"),
          "Add-DistributionGroupMember 'Migration Scope' -Member '0a1b2c3d-0000-4000-8000-000000000001'",
          "(Get-DistributionGroupMember 'Migration Scope' -ResultSize Unlimited | ForEach-Object { $_.PrimarySmtpAddress }) -join ','",
          attempt("Remove-DistributionGroupMember 'Migration Scope' -Member 'john' -Confirm:$false"),
          attempt("Remove-DistributionGroupMember 'Migration Scope' -Member 'john' -Confirm:$false"),
          "Update-DistributionGroupMember 'Migration Scope' -Members 'john', 'lara@contoso.com' -Confirm:$false",
          "(Get-DistributionGroupMember 'Migration Scope').Count",
          "Update-DistributionGroupMember 'Migration Scope' -Members @() -Confirm:$false",
          "@(Get-DistributionGroupMember 'Migration Scope').Count",
          attempt("Get-DistributionGroup 'Nope'"),
          "(Get-DistributionGroup -ResultSize Unlimited).Name",
        ].join('\n'),
      ),
    );
    expect(r.stdout.split('\n')).toEqual([
      'MailUniversalSecurityGroup MigrationScope@contoso.onmicrosoft.com',
      'ERR:ADObjectAlreadyExistsException:The name "migration scope" is already being used. Please try another name.',
      'ERR:MemberAlreadyExistsException:The recipient "LARA@contoso.com" is already a member of the group "Migration Scope".',
      'ERR:ManagementObjectNotFoundException:Couldn\'t find object "ghost@contoso.com". Please make sure that it was spelled correctly or specify a different object.',
      'lara@contoso.com,john@contoso.com',
      'ERR:',
      'ERR:MemberNotFoundException:The recipient "john" isn\'t a member of the group "Migration Scope".',
      '2',
      '0',
      expect.stringMatching(/^ERR:ManagementObjectNotFoundException:.*'Nope'/),
      'Migration Scope',
    ].filter((line) => line !== 'ERR:'));
    const state = await r.state('contoso');
    expect(state.DistributionGroup[0]).toMatchObject({ Name: 'Migration Scope', RecipientTypeDetails: 'MailUniversalSecurityGroup', Members: [], IsDirSynced: false });
  });

  it('exports no members for an empty group through a function that returns (& $Call)', async () => {
    // The export script's shape: Invoke-ExoCall returns (& $Call); an empty group must give @(), not @($null).
    const r = await run(
      session(
        CONNECT_CONTOSO,
        String.raw`
function Invoke-ExoCall {
  param([scriptblock]$Call)
  while ($true) {
    try {
      return (& $Call)
    } catch {
      throw
    }
  }
}
function F {
  param([scriptblock]$Call)
  return (& $Call)
}
$empty = @(F { Get-DistributionGroupMember -Identity 'Empty Scope' -ResultSize Unlimited } | ForEach-Object { [string]$_.PrimarySmtpAddress })
Write-Output $empty.Count
$members = @(Invoke-ExoCall { Get-DistributionGroupMember -Identity 'Empty Scope' -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { [string]$_.PrimarySmtpAddress })
Write-Output ([pscustomobject]@{ Members = $members } | ConvertTo-Json -Compress)
$full = @(Invoke-ExoCall { Get-DistributionGroupMember -Identity 'Full Scope' -ResultSize Unlimited -ErrorAction Stop } | ForEach-Object { [string]$_.PrimarySmtpAddress })
Write-Output ([pscustomobject]@{ Members = $full } | ConvertTo-Json -Compress)`,
      ),
      {
        tenants: [
          contoso({
            DistributionGroup: [
              { Name: 'Empty Scope', PrimarySmtpAddress: 'EmptyScope@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: [] },
              { Name: 'Full Scope', PrimarySmtpAddress: 'FullScope@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['lara@contoso.com'] },
            ],
          }),
        ],
      },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['0', '{"Members":[]}', '{"Members":["lara@contoso.com"]}']);
  });

  it('refuses member changes of a directory-synced group', async () => {
    const r = await run(
      session(CONNECT_CONTOSO, attempt("Add-DistributionGroupMember 'Synced' -Member 'lara'")),
      { tenants: [contoso({ DistributionGroup: [{ Name: 'Synced', PrimarySmtpAddress: 'synced@contoso.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: true, Members: [] }] })] },
    );
    expect(r.stdout).toBe(
      'ERR:InvalidOperationInDirSyncedObjectException:The operation on mailbox "Synced" failed because it\'s out of the current user\'s write scope. ' +
        "The action 'Add-DistributionGroupMember', 'Members', can't be performed on the object 'Synced' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.",
    );
  });
});

describe('mail users', () => {
  it('stamps realistic values on New-MailUser and resolves every identity Exchange resolves', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "$u = New-MailUser -Name 'Lara Newman' -Alias 'LaraN' -MicrosoftOnlineServicesID 'LaraN@northwindtraders.onmicrosoft.com' -PrimarySmtpAddress 'LaraN@northwindtraders.onmicrosoft.com' -ExternalEmailAddress 'LaraN@contoso.onmicrosoft.com' -Password (ConvertTo-SecureString -String 'P@ss' -AsPlainText -Force)",
          '$u | Select-Object Name, Alias, PrimarySmtpAddress, ExternalEmailAddress, RecipientTypeDetails, PreviousRecipientTypeDetails, EmailAddresses | ConvertTo-Json -Compress',
          '$u.LegacyExchangeDN',
          '$u.ExchangeGuid.ToString()',
          "Set-MailUser 'LaraN' -ExchangeGuid '4E3188C6-39F5-4387-ADC7-B355B6B852C8' -ArchiveGuid ([guid]'00000000-0000-0000-0000-000000000000') -EmailAddresses @{Add='x500:/o=ExchangeLabs/cn=Recipients/cn=abc-lara'}",
          "(Get-MailUser '4e3188c6-39f5-4387-adc7-b355b6b852c8').Name",
          "(Get-MailUser 'laran@NORTHWINDTRADERS.onmicrosoft.com').Alias",
          "(Get-MailUser 'Lara Newman').EmailAddresses -join ','",
          attempt("Get-MailUser 'nobody'"),
          attempt("New-MailUser -Name 'Lara Newman' -ExternalEmailAddress 'x@contoso.com'"),
          "$null = New-MailUser -Name 'Other' -ExternalEmailAddress 'o@contoso.com' -MicrosoftOnlineServicesID 'o@northwindtraders.onmicrosoft.com' -Password (ConvertTo-SecureString 'p' -AsPlainText -Force)",
          attempt("Set-MailUser 'Other' -EmailAddresses @{Add='smtp:laran@northwindtraders.onmicrosoft.com'}"),
          attempt("Set-MailUser 'LaraN' -EmailAddresses @{Add='smtp:lara@fabrikam.com'}"),
          "Get-MailUser 'LaraN' | Set-MailUser -CustomAttribute7 'piped'",
          "(Get-MailUser 'LaraN').CustomAttribute7",
        ].join('\n'),
      ),
    );
    const lines = r.stdout.split('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      Name: 'Lara Newman',
      Alias: 'LaraN',
      // -PrimarySmtpAddress works only on-premises: the external address is the primary one.
      PrimarySmtpAddress: 'LaraN@contoso.onmicrosoft.com',
      ExternalEmailAddress: 'SMTP:LaraN@contoso.onmicrosoft.com',
      RecipientTypeDetails: 'MailUser',
      PreviousRecipientTypeDetails: 'None',
      EmailAddresses: ['SMTP:LaraN@contoso.onmicrosoft.com', 'smtp:LaraN@northwindtraders.onmicrosoft.com'],
    });
    expect(lines[1]).toMatch(/^\/o=ExchangeLabs\/ou=Exchange Administrative Group \(FYDIBOHF23SPDLT\)\/cn=Recipients\/cn=[0-9a-f]{32}-LaraN$/);
    expect(lines[2]).toBe('00000000-0000-0000-0000-000000000000');
    expect(lines[3]).toBe('Lara Newman');
    expect(lines[4]).toBe('LaraN');
    expect(lines[5]).toBe('SMTP:LaraN@contoso.onmicrosoft.com,smtp:LaraN@northwindtraders.onmicrosoft.com,X500:/o=ExchangeLabs/cn=Recipients/cn=abc-lara');
    expect(lines[6]).toMatch(/^ERR:ManagementObjectNotFoundException:The operation couldn't be performed because object 'nobody' couldn't be found on '.+'\.$/);
    expect(lines[7]).toBe('ERR:ADObjectAlreadyExistsException:The name "Lara Newman" is already being used. Please try another name.');
    expect(lines[8]).toBe('ERR:ProxyAddressExistsException:The proxy address "smtp:laran@northwindtraders.onmicrosoft.com" is already being used by the proxy addresses or LegacyExchangeDN of "Lara Newman". Please choose another proxy address.');
    expect(lines[9]).toBe("ERR:NotAcceptedDomainException:You can't use the domain because it's not an accepted domain for your organization.");
    expect(lines[10]).toBe('piped');
    const state = await r.state('northwind');
    expect(state.MailUser[0]).toMatchObject({ ExchangeGuid: '4e3188c6-39f5-4387-adc7-b355b6b852c8', ArchiveGuid: '00000000-0000-0000-0000-000000000000', CustomAttribute7: 'piped' });
  });

  it('ignores New-MailUser -PrimarySmtpAddress (on-premises only): the external address is the primary until Set-MailUser sets one', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "$u = New-MailUser -Name 'Megan Bowen' -Alias 'MeganB' -MicrosoftOnlineServicesID 'MeganB@northwindtraders.onmicrosoft.com' -PrimarySmtpAddress 'MeganB@northwindtraders.com' -ExternalEmailAddress 'MeganB@contoso.com' -Password (ConvertTo-SecureString -String 'P@ss' -AsPlainText -Force)",
          '"$($u.PrimarySmtpAddress) $($u.EmailAddresses -join \',\')"',
          "Set-MailUser 'MeganB' -EmailAddresses @{Add='SMTP:MeganB@northwindtraders.com'}",
          "$u = Get-MailUser 'MeganB@northwindtraders.com'",
          '"$($u.PrimarySmtpAddress) $($u.EmailAddresses -join \',\') $($u.ExternalEmailAddress)"',
          attempt("Set-MailUser 'MeganB' -EmailAddresses @{Add='smtp:megan@contoso.com'}"),
        ].join('\n'),
      ),
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'MeganB@contoso.com SMTP:MeganB@contoso.com,smtp:MeganB@northwindtraders.onmicrosoft.com',
      'MeganB@northwindtraders.com SMTP:MeganB@northwindtraders.com,smtp:MeganB@contoso.com,smtp:MeganB@northwindtraders.onmicrosoft.com SMTP:MeganB@contoso.com',
      "ERR:NotAcceptedDomainException:You can't use the domain because it's not an accepted domain for your organization.",
    ]);
    const state = await r.state('northwind');
    expect(state.MailUser[0]).toMatchObject({ PrimarySmtpAddress: 'MeganB@northwindtraders.com', ExternalEmailAddress: 'SMTP:MeganB@contoso.com' });
  });

  it('refuses changes to a directory-synced mail user, as Exchange Online does', async () => {
    const r = await run(session(CONNECT_NORTHWIND, attempt("Set-MailUser 'synced' -EmailAddresses @{Add='smtp:s2@northwindtraders.com'}")), {
      tenants: [northwind({ MailUser: [mailUser('synced', 'northwindtraders.com', { IsDirSynced: true })] })],
    });
    expect(r.stdout).toBe(
      'ERR:InvalidOperationInDirSyncedObjectException:The operation on mailbox "synced" failed because it\'s out of the current user\'s write scope. ' +
        "The action 'Set-MailUser', 'EmailAddresses', can't be performed on the object 'synced' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.",
    );
  });

  it('reads PreviousRecipientTypeDetails with Get-User and clears it with Set-User -PermanentlyClearPreviousMailboxInfo', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "(Get-User 'was-mailbox').PreviousRecipientTypeDetails",
          attempt("Set-User 'was-mailbox' -PermanentlyClearPreviousMailboxInfo"),
          "Set-User 'was-mailbox' -PermanentlyClearPreviousMailboxInfo -Confirm:$false",
          "(Get-User 'was-mailbox').PreviousRecipientTypeDetails",
        ].join('\n'),
      ),
      { tenants: [northwind({ MailUser: [mailUser('was-mailbox', 'northwindtraders.com', { PreviousRecipientTypeDetails: 'UserMailbox' })] })] },
    );
    expect(r.stdout.split('\n')).toEqual(['UserMailbox', 'ERR:PSInvalidOperationException:PowerShell is in NonInteractive mode. Read and Prompt functionality is not available.', 'None']);
    expect((await r.state('northwind')).MailUser[0]?.PreviousRecipientTypeDetails).toBe('None');
  });
});

describe('mailboxes and cloud management', () => {
  it('lets a cloud-managed synced mailbox change its Exchange attributes, and nothing else', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          attempt("Set-Mailbox 'synced' -CustomAttribute1 'x'"),
          "Set-Mailbox -Identity 'synced' -IsExchangeCloudManaged $true",
          "Set-Mailbox 'synced' -CustomAttribute1 'x' -HiddenFromAddressListsEnabled $true -EmailAddresses @{Add='smtp:alias2@contoso.com'}",
          attempt("Set-Mailbox 'synced' -DisplayName 'New Name'"),
          "$m = Get-Mailbox 'alias2@contoso.com'",
          '"$($m.IsExchangeCloudManaged) $($m.CustomAttribute1) $($m.HiddenFromAddressListsEnabled) $($m.ExchangeGuid)"',
          attempt("Set-Mailbox 'lara' -IsExchangeCloudManaged 'yes'"),
        ].join('\n'),
      ),
      { tenants: [contoso({ Mailbox: [mailbox('lara', 'contoso.com'), mailbox('synced', 'contoso.com', { IsDirSynced: true, ExchangeGuid: '11111111-2222-4333-8444-555555555555' })] })] },
    );
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(
      'ERR:InvalidOperationInDirSyncedObjectException:The operation on mailbox "synced" failed because it\'s out of the current user\'s write scope. ' +
        "The action 'Set-Mailbox', 'CustomAttribute1', can't be performed on the object 'synced' because the object is being synchronized from your on-premises organization. This action should be performed on the object in your on-premises organization.",
    );
    expect(lines[1]).toContain("The action 'Set-Mailbox', 'DisplayName', can't be performed on the object 'synced'");
    expect(lines[2]).toBe('True x True 11111111-2222-4333-8444-555555555555');
    expect(lines[3]).toContain("Cannot process argument transformation on parameter 'IsExchangeCloudManaged'");
    const state = await r.state('contoso');
    expect(state.Mailbox[1]).toMatchObject({ IsExchangeCloudManaged: true, CustomAttribute1: 'x', EmailAddresses: ['SMTP:synced@contoso.com', 'smtp:alias2@contoso.com'] });
  });
});

describe('organization', () => {
  it('reads accepted domains and the organization config, and customizes a dehydrated tenant once', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          '(Get-AcceptedDomain | ForEach-Object { "$($_.DomainName)/$($_.DomainType)" }) -join ","',
          '$dehydrated = Get-OrganizationConfig | Select-Object IsDehydrated',
          '$dehydrated.IsDehydrated',
          'if ($dehydrated.IsDehydrated) { Enable-OrganizationCustomization }',
          '(Get-OrganizationConfig).IsDehydrated',
          attempt('Enable-OrganizationCustomization'),
        ].join('\n'),
      ),
      { tenants: [contoso({ OrganizationConfig: { IsDehydrated: true } })] },
    );
    expect(r.stdout.split('\n')).toEqual([
      'contoso.com/Authoritative,contoso.onmicrosoft.com/Authoritative',
      'True',
      'False',
      'ERR:InvalidOperationException:This operation is not required. Organization is already enabled for customization.',
    ]);
  });
});
