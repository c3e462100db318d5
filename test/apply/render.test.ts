// The apply script for every action type parses with the PowerShell grammar, calls the cmdlets an
// admin expects, runs nothing blocked, and holds no secret.
import { describe, expect, it } from 'vitest';
import { actionCommands, renderApplyScript } from '../../src/render/ps-apply.js';
import { powershellParser, syntaxErrors } from '../support/powershell-grammar.js';
import { EVERY_ACTION, EVERY_ACTION_TENANT } from './every-action.js';

const commandNames = async (script: string): Promise<string[]> => {
  const tree = (await powershellParser()).parse(script)!;
  const names = tree.rootNode.descendantsOfType('command').map((c) => c!.childForFieldName('command_name')?.text ?? '');
  tree.delete();
  return names;
};

describe('renderApplyScript', () => {
  const script = renderApplyScript(EVERY_ACTION_TENANT);

  it('parses without a syntax error', async () => {
    const tree = (await powershellParser()).parse(script)!;
    expect(syntaxErrors(tree.rootNode)).toEqual([]);
    tree.delete();
  });

  it.each(EVERY_ACTION.filter((a) => a.action !== 'blocked').map((a) => [a.id, a] as const))('%s parses on its own', async (_id, action) => {
    const tree = (await powershellParser()).parse(actionCommands(action).join('\n'))!;
    expect(syntaxErrors(tree.rootNode)).toEqual([]);
    tree.delete();
  });

  it('calls the cmdlets each action needs, in plan order, and nothing for blocked actions', async () => {
    const names = (await commandNames(script)).filter((n) => /^[A-Z][a-z]+-[A-Z]/.test(n) && !n.startsWith('Invoke-Exo') && !['Write-Output', 'ConvertTo-Json', 'Out-Null', 'Start-Sleep', 'Get-Random', 'ConvertTo-SecureString', 'New-Object'].includes(n));
    expect(names).toEqual([
      'Connect-ExchangeOnline',
      'Enable-OrganizationCustomization',
      'New-DistributionGroup',
      'Add-DistributionGroupMember',
      'Remove-DistributionGroupMember',
      'New-MigrationEndpoint',
      'Set-MigrationEndpoint',
      'Remove-MigrationEndpoint',
      'New-MigrationEndpoint',
      'Remove-MigrationEndpoint',
      'New-OrganizationRelationship',
      'Set-OrganizationRelationship',
      'Remove-OrganizationRelationship',
      'Set-Mailbox',
      'Set-User',
      'New-MailUser',
      'Set-MailUser',
      'Set-MailUser',
      'Set-Mailbox',
      'Disconnect-ExchangeOnline',
    ]);
    expect(script).toMatch(/# not run: blocked: make this change in on-premises AD/);
    expect(script).toContain("exoGitopsStep = 'northwind/MailUser/Synced'; status = 'skipped'");
  });

  it('merges address changes into one @{Add; Remove} and makes a new primary an SMTP: proxy', () => {
    const lara = actionCommands(EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!).join('\n');
    expect(lara).toContain("EmailAddresses = @{ Add = @('SMTP:Lara.Newton@northwindtraders.com', 'smtp:o''brien@northwindtraders.com', 'X500:/o=First Organization/cn=Recipients/cn=d11-Lara'); Remove = @('smtp:LaraN@contoso.com') }");
    expect(lara).not.toMatch(/PrimarySmtpAddress =/);
    expect(lara.match(/Set-MailUser @parameters/g)).toHaveLength(1);
  });

  it('sends credentials only from the environment, and never in text', () => {
    expect(script).toContain('ConvertTo-SecureString -String $env:NORTHWIND_SECRET -AsPlainText -Force');
    expect(script).toContain('Connect-ExchangeOnline -AccessToken $env:NORTHWIND_TOKEN');
    expect(script.match(/Credentials = \$credential/g)).toHaveLength(3);
  });

  it('keeps values with line breaks out of comments', () => {
    for (const line of script.split('\n')) {
      if (line.trimStart().startsWith('#')) expect(line).not.toContain('second line 😀\n');
    }
    expect(script).toContain('#   DisplayName: ');
  });

  it('keeps IsExchangeCloudManaged in a call of its own', () => {
    const text = actionCommands(EVERY_ACTION.find((a) => a.id.endsWith('#cloud-managed'))!).join('\n');
    expect(text).toContain('IsExchangeCloudManaged = $true');
    expect(text.match(/=/g)?.length).toBe(3); // [ordered]@{, Identity =, IsExchangeCloudManaged =
  });

  it('reports actions to skip instead of running them', () => {
    const skipped = renderApplyScript(EVERY_ACTION_TENANT, { skip: new Map([['northwind/MailUser/LaraN', 'refused']]) });
    expect(skipped).toContain("exoGitopsStep = 'northwind/MailUser/LaraN'; status = 'skipped'; reason = 'refused'");
    expect(skipped).not.toContain("Invoke-ExoStep -Id 'northwind/MailUser/LaraN'");
  });
});
