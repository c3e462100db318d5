import { readFile } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { attempt, CONNECT_NORTHWIND, contoso, mailbox, mailUser, northwind, runScript, session, type SimulatorRun } from './helpers.js';

const runs: SimulatorRun[] = [];
afterEach(async () => {
  await Promise.all(runs.splice(0).map((r) => r.cleanup()));
});

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const SECRET = 'guide-secret-value-0123456789';

describe("the calls of Microsoft's cross-tenant migration guide", () => {
  it('prepare the target tenant and leave the expected state', async () => {
    const target = northwind({
      OrganizationConfig: { IsDehydrated: true },
      MailUser: [mailUser('John', 'northwindtraders.com', { PreviousRecipientTypeDetails: 'UserMailbox' })],
    });
    const r = await runScript(await fixture('guide-target.ps1'), { tenants: [target], env: { GUIDE_APP_SECRET: SECRET } });
    runs.push(r);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const state = await r.state('northwind');
    expect(state.OrganizationConfig.IsDehydrated).toBe(false);
    expect(state.MigrationEndpoint).toEqual([
      { Identity: 'T2Tcontoso', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'contoso.onmicrosoft.com', ApplicationId: '9c9b1c2a-0e6c-4b8e-9a57-3d0f4f1f7e21', MaxConcurrentMigrations: 20 },
    ]);
    expect(state.OrganizationRelationship).toEqual([
      { Name: 'contoso-source', DomainNames: ['11111111-1111-1111-1111-111111111111'], Enabled: true, MailboxMoveEnabled: true, MailboxMoveCapability: 'Inbound', OAuthApplicationId: null, MailboxMovePublishedScopes: [] },
    ]);
    const lara = state.MailUser.find((user) => user.Alias === 'LaraN');
    expect(lara).toMatchObject({
      Name: 'Lara Newman',
      // The guide's New-MailUser -PrimarySmtpAddress works only on-premises: in Exchange Online the
      // new MEU's primary address is its external address, and the guide sets no other.
      PrimarySmtpAddress: 'LaraN@contoso.onmicrosoft.com',
      MicrosoftOnlineServicesID: 'LaraN@northwindtraders.onmicrosoft.com',
      ExternalEmailAddress: 'SMTP:LaraN@contoso.onmicrosoft.com',
      ExchangeGuid: '4e3188c6-39f5-4387-adc7-b355b6b852c8',
      ArchiveGuid: '00000000-0000-0000-0000-000000000000',
      CustomAttribute1: 'Cross-Tenant-Project',
      RecipientTypeDetails: 'MailUser',
    });
    expect(lara?.EmailAddresses).toEqual([
      'SMTP:LaraN@contoso.onmicrosoft.com',
      'smtp:LaraN@northwindtraders.onmicrosoft.com',
      'X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=74e5385fce4b46d19006876949855035-LaraN',
      'X500:/o=First Organization/ou=Exchange Administrative Group(FYDIBOHF23SPDLT)/cn=Recipients/cn=b5a8a1b5a8ce4e5e8ff8b0d7d8a2b6b1-Lara',
    ]);
    expect(state.MailUser.find((user) => user.Alias === 'John')?.PreviousRecipientTypeDetails).toBe('None');
    expect(r.stdout).toContain('PreviousRecipientTypeDetails : UserMailbox');
    expect(r.stdout).toContain('ExternalEmailAddress : SMTP:LaraN@contoso.onmicrosoft.com');
    const written = [r.stdout, r.stderr, await readFile(`${r.stateDir}/northwind.json`, 'utf8'), await readFile(`${r.stateDir}/metrics.json`, 'utf8')];
    for (const text of written) expect(text).not.toContain(SECRET);
  });

  it('prepare the source tenant and leave the expected state', async () => {
    const r = await runScript(await fixture('guide-source.ps1'), { tenants: [contoso({ Mailbox: [mailbox('lara', 'contoso.com')] })] });
    runs.push(r);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const state = await r.state('contoso');
    expect(state.DistributionGroup).toEqual([
      { Name: 'T2T Migration Scope', Alias: 'T2TMigrationScope', PrimarySmtpAddress: 'T2TMigrationScope@contoso.onmicrosoft.com', RecipientTypeDetails: 'MailUniversalSecurityGroup', IsDirSynced: false, Members: ['lara@contoso.com'] },
    ]);
    expect(state.OrganizationRelationship).toEqual([
      {
        Name: 'northwind-target',
        DomainNames: ['22222222-2222-2222-2222-222222222222'],
        Enabled: true,
        MailboxMoveEnabled: true,
        MailboxMoveCapability: 'Inbound, RemoteOutbound',
        OAuthApplicationId: '9c9b1c2a-0e6c-4b8e-9a57-3d0f4f1f7e21',
        MailboxMovePublishedScopes: ['T2T Migration Scope'],
      },
    ]);
  });

  it("reject the guide's Test-MigrationServerAvailability -EndPoint -TestMailbox, as the reference's parameter sets do", async () => {
    const r = await runScript(session(CONNECT_NORTHWIND, attempt("Test-MigrationServerAvailability -EndPoint 'T2Tcontoso' -TestMailbox 'LaraN@northwindtraders.com'")));
    runs.push(r);
    expect(r.stdout).toContain('Parameter set cannot be resolved using the specified named parameters.');
  });
});
