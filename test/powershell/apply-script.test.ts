// The apply script for every action type parses with the PowerShell grammar, calls the cmdlets an
// admin expects, runs nothing blocked, and holds no secret.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { actionCommands, renderApplyScript } from '../../src/powershell/apply-script.js';
import { powershellParser, syntaxErrors } from '../support/powershell-grammar.js';
import { EVERY_ACTION, EVERY_ACTION_TENANT, planOf } from '../apply/every-action.js';

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
    const names = (await commandNames(script)).filter((n) => /^[A-Z][a-z]+-[A-Z]/.test(n) && !n.startsWith('Invoke-Exo') && !['Write-Output', 'ConvertTo-Json', 'Out-Null', 'Start-Sleep', 'Get-Random', 'ConvertTo-SecureString', 'New-Object', 'Get-Process', 'Test-Path'].includes(n));
    expect(names).toEqual([
      'Connect-ExchangeOnline',
      'Enable-OrganizationCustomization',
      'Set-OrganizationConfig',
      'New-DistributionGroup',
      'Add-DistributionGroupMember',
      'Remove-DistributionGroupMember',
      'New-MigrationEndpoint',
      'Test-MigrationServerAvailability', // every endpoint created or changed is tested
      'Set-MigrationEndpoint',
      'Test-MigrationServerAvailability',
      'Remove-MigrationEndpoint',
      'New-MigrationEndpoint',
      'Test-MigrationServerAvailability',
      'Remove-MigrationEndpoint',
      'New-OrganizationRelationship',
      'Set-OrganizationRelationship',
      'Remove-OrganizationRelationship',
      'Set-Mailbox',
      'Set-User',
      'New-MailUser',
      'Set-MailUser',
      'Set-MailUser', // LaraN: the new primary first,
      'Set-MailUser', // then the removal
      'Set-Mailbox',
      'Set-Mailbox', // -GrantSendOnBehalfTo @{Add=…}
      'Add-RecipientPermission', // one trustee a call, in a loop
      'Add-MailboxPermission', // one user a call, in a loop
      'New-MigrationBatch',
      'Set-MigrationBatch', // CompleteAfter and NotificationEmails,
      'Set-MigrationBatch', // then -AddUsers
      'Start-MigrationBatch',
      'Complete-MigrationBatch',
      'Remove-MigrationBatch',
      'Disconnect-ExchangeOnline',
    ]);
    expect(script).toMatch(/# not run: blocked: make this change in on-premises AD/);
    expect(script).toContain("exoGitopsStep = 'northwind/MailUser/Synced'; status = 'skipped'");
  });

  it('adds delegates to what a moved mailbox has, never replacing it: Send on Behalf merged, Send As without a prompt, FullAccess with AutoMapping unless listed', () => {
    const commands = (step: string) => actionCommands(EVERY_ACTION.find((a) => a.id === `northwind/Mailbox/Nestor.Wilke@northwindtraders.com#${step}`)!).join('\n');
    expect(commands('send-on-behalf')).toContain("GrantSendOnBehalfTo = @{ Add = @('Lara.Newton@northwindtraders.com', 'Bianca.Pisani@northwindtraders.com') }");
    expect(commands('send-as')).toMatch(/foreach \(\$trustee in @\('Lara.Newton@northwindtraders.com'\)\) \{[\s\S]*AccessRights = 'SendAs'\n\s+Trustee = \$trustee\n\s+Confirm = \$false[\s\S]*Add-RecipientPermission @parameters -ErrorAction Stop/);
    const fullAccess = commands('full-access');
    expect(fullAccess).toContain("$noAutoMapping = @('Megan.Bowen@northwindtraders.com')");
    expect(fullAccess).toContain('AutoMapping = (-not ($noAutoMapping -contains $user))');
    // Not a field Set-Mailbox would take: the delegate fields never reach a Set-Mailbox parameter list.
    expect(commands('send-as')).not.toContain('Set-Mailbox');
    expect(commands('full-access')).not.toContain('Set-Mailbox');
  });

  it('makes a new primary an SMTP: proxy, set before any address is removed (Exchange refuses to remove the current primary first)', () => {
    const lara = actionCommands(EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!).join('\n');
    const add = "EmailAddresses = @{ Add = @('SMTP:Lara.Newton@northwindtraders.com', 'smtp:o''brien@northwindtraders.com', 'X500:/o=First Organization/cn=Recipients/cn=d11-Lara') }";
    const remove = "EmailAddresses = @{ Remove = @('smtp:LaraN@contoso.com') }";
    expect(lara).toContain(add);
    expect(lara).toContain(remove);
    expect(lara.indexOf(add)).toBeLessThan(lara.indexOf(remove));
    expect(lara).not.toMatch(/PrimarySmtpAddress =/);
    expect(lara.match(/Set-MailUser @parameters/g)).toHaveLength(2);
  });

  it('merges address changes into one @{Add; Remove} when the primary stays', () => {
    const action = { ...EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!, changes: [{ field: 'EmailAddresses', add: ['smtp:a@northwindtraders.com'], remove: ['smtp:b@northwindtraders.com'] }] };
    const text = actionCommands(action).join('\n');
    expect(text).toContain("EmailAddresses = @{ Add = @('smtp:a@northwindtraders.com'); Remove = @('smtp:b@northwindtraders.com') }");
    expect(text.match(/Set-MailUser @parameters/g)).toHaveLength(1);
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

  it('sets the tenant default with one of Set-OrganizationConfig\'s two switches, by direction', () => {
    const action = EVERY_ACTION.find((a) => a.id.endsWith('#cloud-managed-default'))!;
    expect(actionCommands(action).join('\n')).toContain('ExchangeAttributesCloudManagedByDefault = $true');
    const back = actionCommands({ ...action, changes: [{ field: 'ExchangeAttributesCloudManagedByDefault', before: true, after: false }] }).join('\n');
    expect(back).toContain('ExchangeAttributesServerManagedByDefault = $true');
    expect(back).not.toContain('ExchangeAttributesCloudManagedByDefault');
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

const ROOT = new URL('../../', import.meta.url).pathname;
const CLI = join(ROOT, 'dist/cli/main.js');
const SIMULATOR = join(ROOT, 'dist/simulator/main.js');
const PWSH = join(ROOT, '.tools/pwsh');

describe('comments and headers: no value carries a line break into code', () => {
  const BREAKS = ['\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029'];

  it.each(BREAKS.map((b) => [JSON.stringify(b), b]))('%s in the tenant, organization, header, identity, source file, values and skip reason stays in its comment', (_name, brk) => {
    const injected = `x${brk}Write-Output 'INJECTED' #`;
    const action = { ...EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!, identity: injected, source: { file: injected, line: 1, column: 1 } };
    const blocked = { ...EVERY_ACTION.find((a) => a.action === 'blocked')!, reason: injected };
    const script = renderApplyScript({ ...EVERY_ACTION_TENANT, tenant: injected, organization: injected, actions: [action, blocked] }, { header: injected, skip: new Map([[action.id, injected]]) });
    for (const line of script.split('\n')) {
      if (line.includes('INJECTED')) expect(line, JSON.stringify(line)).toMatch(/^\s*(#|Write-Output \(\[ordered\]@\{ exoGitopsStep = |Connect-ExchangeOnline )/);
    }
    // No CR anywhere (literals say "`r"); NEL, U+2028 and U+2029 only inside literals, never in a comment.
    expect(script).not.toContain('\r');
    for (const line of script.split('\n').filter((l) => l.trimStart().startsWith('#'))) expect(line).not.toMatch(/[\u0085\u2028\u2029]/);
    expect(script.split('\n')[0]).toBe("# exo-gitops apply: tenant x Write-Output 'INJECTED' # (x Write-Output 'INJECTED' #), 2 action(s)");
  });

  it.skipIf(!existsSync(CLI) || !existsSync(SIMULATOR) || !existsSync(PWSH))('`exo-gitops render` of a plan whose organization holds a CR and code: pwsh never runs the code', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-render-cr-'));
    try {
      const tenant = { ...EVERY_ACTION_TENANT, organization: "northwindtraders.onmicrosoft.com\rWrite-Output 'INJECTED-CODE-RAN' #", actions: [EVERY_ACTION.find((a) => a.id === 'northwind/MailUser/LaraN')!] };
      writeFileSync(join(dir, 'plan.json'), renderPlanJson(planOf([tenant])));
      // The plan file is refused outright: its organization is not one a Tenant document could have.
      const refused = spawnSync(process.execPath, [CLI, 'render', '--plan', join(dir, 'plan.json')], { cwd: dir, encoding: 'utf8' });
      expect(refused.status).toBe(1);
      expect(refused.stderr).toContain('is not a valid plan');
      // And the script itself, had such a value reached it, keeps it in the comment.
      const script = renderApplyScript(tenant);
      expect(script.split('\n')[0]).toBe("# exo-gitops apply: tenant northwind (northwindtraders.onmicrosoft.com Write-Output 'INJECTED-CODE-RAN' #), 1 action(s)");
      writeFileSync(join(dir, 'apply.ps1'), script);
      cpSync(join(ROOT, 'examples/contoso-northwind/state'), join(dir, 'state'), { recursive: true });
      execFileSync(process.execPath, [SIMULATOR, 'module', '--out', join(dir, 'modules')], { stdio: 'pipe' });
      const run = spawnSync(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', join(dir, 'apply.ps1')], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PSModulePath: join(dir, 'modules'), EXO_SIM_STATE: join(dir, 'state'), NORTHWIND_TOKEN: 'token' },
      });
      // The organization is none the simulator knows: sign-in fails, and nothing else ran.
      expect(run.stdout).not.toContain('INJECTED-CODE-RAN');
      expect(run.stderr).toContain('was not found');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
