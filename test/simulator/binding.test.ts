import { describe, expect, it } from 'vitest';
import { attempt, cleanedUpRunner, CONNECT_CONTOSO, CONNECT_NORTHWIND, contoso, mailUser, northwind, session } from './helpers.js';

const run = cleanedUpRunner();

const target = () => northwind({ MailUser: [mailUser('lara', 'northwindtraders.com')] });

describe('binding against the official signatures', () => {
  it('reports PowerShell\'s binding errors, word for word', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          attempt("Set-MailUser -Identity lara -EmailAdresses 'smtp:x@northwindtraders.com'"),
          attempt("Set-MailUser -Identity lara -C 'x'"),
          attempt("Set-MailUser -DisplayName 'x'"),
          attempt("Set-MailUser -Identity lara -UserPrincipalName 'x@northwindtraders.com'"),
          attempt("Set-MigrationEndpoint -Identity ep -RemoteTenant 'contoso.onmicrosoft.com'"),
          attempt("Test-MigrationServerAvailability -Endpoint 'ep' -TestMailbox 'lara@northwindtraders.com'"),
          attempt("Set-MailUser -Identity lara -Identity lara"),
          attempt('Set-MailUser -Identity'),
          attempt("Set-MailUser lara extra"),
        ].join('\n'),
      ),
      { tenants: [target()] },
    );
    expect(r.stdout.split('\n')).toEqual([
      "ERR:ParameterBindingException:A parameter cannot be found that matches parameter name 'EmailAdresses'.",
      expect.stringMatching(/^ERR:ParameterBindingException:Parameter cannot be processed because the parameter name 'C' is ambiguous\. Possible matches include: -Confirm -CustomAttribute1 .*-CustomAttribute9\.$/),
      'ERR:ParameterBindingException:Cannot process command because of one or more missing mandatory parameters: Identity.',
      "ERR:ParameterBindingException:A parameter cannot be found that matches parameter name 'UserPrincipalName'. The parameter -UserPrincipalName of Set-MailUser is available only in on-premises Exchange, not in Exchange Online.",
      "ERR:ParameterBindingException:A parameter cannot be found that matches parameter name 'RemoteTenant'.",
      'ERR:ParameterBindingException:Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.',
      expect.stringContaining("Cannot bind parameter because parameter 'Identity' is specified more than once."),
      "ERR:ParameterBindingException:Missing an argument for parameter 'Identity'. Specify a parameter of type 'MailUserIdParameter' and try again.",
      "ERR:ParameterBindingException:A positional parameter cannot be found that accepts argument 'extra'.",
    ]);
  });

  it('resolves unique prefixes and aliases case-insensitively, and binds Identity by position', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "Set-MailUser LARA -customattribute1 'one' -EmailAddress @{add='smtp:lara.n@northwindtraders.com'} -cf:$false",
          "(Get-MailUser 'lara').CustomAttribute1",
          "(Get-MailUser 'lara@northwindtraders.com').EmailAddresses -join ','",
        ].join('\n'),
      ),
      { tenants: [target()] },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual(['one', 'SMTP:lara@northwindtraders.com,smtp:lara.n@northwindtraders.com']);
  });

  it('transforms arguments by type: Boolean, SwitchParameter, Guid, enums and flags', async () => {
    const r = await run(
      session(
        CONNECT_CONTOSO,
        [
          attempt("Set-MailUser -Identity lara -ExchangeGuid 'not-a-guid'"),
          attempt("New-OrganizationRelationship -Name r1 -DomainNames '22222222-2222-2222-2222-222222222222' -Enabled 'yes'"),
          attempt("New-OrganizationRelationship -Name r1 -DomainNames '22222222-2222-2222-2222-222222222222' -MailboxMoveCapability Sideways"),
          "New-OrganizationRelationship -Name r1 -DomainNames '22222222-2222-2222-2222-222222222222' -Enabled:$false -MailboxMoveEnabled 1 -MailboxMoveCapability 'remoteoutbound, INBOUND' | Out-Null",
          "(Get-OrganizationRelationship r1).MailboxMoveCapability",
          "Set-OrganizationRelationship r1 -MailboxMoveCapability @('RemoteInbound', 'Outbound')",
          "(Get-OrganizationRelationship r1).MailboxMoveCapability",
          "Set-OrganizationRelationship r1 -MailboxMoveCapability None",
          "$r = Get-OrganizationRelationship r1",
          "\"$($r.MailboxMoveCapability) $($r.Enabled) $($r.MailboxMoveEnabled)\"",
          attempt("New-DistributionGroup -Name g -Type Secure"),
        ].join('\n'),
      ),
      { tenants: [contoso({ MailUser: [mailUser('lara', 'contoso.com')] })] },
    );
    expect(r.stdout.split('\n')).toEqual([
      'ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter \'ExchangeGuid\'. Cannot convert value "not-a-guid" to type "System.Guid". Error: "Unrecognized Guid format."',
      'ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter \'Enabled\'. Cannot convert value "System.String" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.',
      'ERR:ParameterBindingArgumentTransformationException:Cannot process argument transformation on parameter \'MailboxMoveCapability\'. Cannot convert value "Sideways" to type "Microsoft.Exchange.Data.MailboxMoveCapability". Error: "Unable to match the identifier name Sideways to a valid enumerator name. Specify one of the following enumerator names and try again:',
      'Inbound, Outbound, RemoteInbound, RemoteOutbound"',
      'Inbound, RemoteOutbound',
      'Outbound, RemoteInbound',
      'None False True',
      expect.stringContaining("Cannot process argument transformation on parameter 'Type'. Cannot convert value \"Secure\""),
      'Distribution, Security"',
    ]);
  });

  it('applies @{Add=...; Remove=...} to multi-valued parameters and replaces them with a list', async () => {
    const r = await run(
      session(
        CONNECT_NORTHWIND,
        [
          "Set-MailUser lara -EmailAddresses @{Add='X500:/o=Contoso/cn=Recipients/cn=lara', 'smtp:l2@northwindtraders.com'; Remove='smtp:nothing@northwindtraders.com'}",
          "Set-MailUser lara -EmailAddresses @{Remove='SMTP:L2@northwindtraders.com'}",
          "(Get-MailUser lara).EmailAddresses -join ','",
          "Set-MailUser lara -EmailAddresses 'SMTP:lara@northwindtraders.com', 'smtp:other@northwindtraders.onmicrosoft.com'",
          "(Get-MailUser lara).EmailAddresses -join ','",
          "Set-MailUser lara -EmailAddresses @{Add='SMTP:new@northwindtraders.com'}",
          "$u = Get-MailUser lara",
          "\"$($u.PrimarySmtpAddress) $($u.EmailAddresses -join ',')\"",
        ].join('\n'),
      ),
      { tenants: [target()] },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'SMTP:lara@northwindtraders.com,X500:/o=Contoso/cn=Recipients/cn=lara',
      'SMTP:lara@northwindtraders.com,smtp:other@northwindtraders.onmicrosoft.com',
      'new@northwindtraders.com SMTP:new@northwindtraders.com,smtp:lara@northwindtraders.com,smtp:other@northwindtraders.onmicrosoft.com',
    ]);
  });

  it('accepts -ResultSize Unlimited and the common parameters', async () => {
    const r = await run(session(CONNECT_CONTOSO, "(Get-Mailbox -ResultSize Unlimited -ErrorAction Stop -Verbose:$false).Count\n(Get-User -ResultSize unlimited).Count"));
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('2\n2');
  });
});
