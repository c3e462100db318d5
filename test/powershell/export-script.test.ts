// The export script: how each kind of sign-in is written (no secret value, env vars only as
// $env:NAME), quoting of every PowerShell single quote, bulk reads only.
import { execa } from 'execa';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PWSH, realPwshUnavailable, ROOT } from '../support/real-pwsh.js';
import type { Resource } from '../../src/model/desired.js';
import { EXO_MAILBOX_PROPERTIES, EXO_MAILBOX_PROPERTY_SETS, exportScript, MAILBOX_PROPERTIES_READ } from '../../src/powershell/export-script.js';
import { psArray, psEnv, psString } from '../../src/powershell/literal.js';
import { EXO_MAILBOX_PROPERTY_SETS as SETS } from '../../src/simulator/engine/cmdlets/property-sets.js';
import signatures from '../../src/simulator/signatures.json' with { type: 'json' };

function tenant(connection: Resource<'Tenant'>['spec']['connection'], organization = 'contoso.onmicrosoft.com'): Resource<'Tenant'> {
  return { kind: 'Tenant', name: 'contoso', tenant: null, spec: { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f', organization, connection }, file: 't.yaml', documentIndex: 0, locate: () => ({ file: 't.yaml', line: 1, column: 1 }) };
}

const SECRET = 'sUp3r-s3cret-value';
const envWithSecrets = { CONTOSO_EXO_TOKEN: SECRET, CERT_PASSWORD: SECRET };

describe('connection kinds', () => {
  it('access token: -AccessToken $env:NAME', () => {
    const script = exportScript(tenant({ accessTokenEnv: 'CONTOSO_EXO_TOKEN' }), { groups: [] });
    expect(script).toContain("Connect-ExchangeOnline -AccessToken $env:CONTOSO_EXO_TOKEN -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false");
    expect(script).not.toContain(SECRET);
  });

  it('certificate thumbprint: -AppId and -CertificateThumbprint, no env but the snapshot file the CLI names', () => {
    const script = exportScript(tenant({ appId: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', certificateThumbprint: 'ABCDEF0123' }), { groups: [] });
    expect(script).toContain("Connect-ExchangeOnline -AppId '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d' -CertificateThumbprint 'ABCDEF0123' -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false");
    expect([...script.matchAll(/\$env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1])).toEqual(['EXO_GITOPS_SNAPSHOT_FILE']);
  });

  it('certificate file with a password from the environment', () => {
    const script = exportScript(tenant({ appId: 'app', certificatePath: "/etc/o'neil/cert.pfx", certificatePasswordEnv: 'CERT_PASSWORD' }), { groups: [] });
    expect(script).toContain("-CertificateFilePath '/etc/o''neil/cert.pfx' -CertificatePassword (ConvertTo-SecureString -String $env:CERT_PASSWORD -AsPlainText -Force)");
    for (const value of Object.values(envWithSecrets)) expect(script).not.toContain(value);
    // Every environment reference is $env:NAME, nothing else.
    expect([...script.matchAll(/\$env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1])).toEqual(['CERT_PASSWORD', 'EXO_GITOPS_SNAPSHOT_FILE']);
    expect(script).not.toMatch(/\$\{env:|\[Environment\]::GetEnvironmentVariable|Get-ChildItem env:/i);
  });

  it('a variable name that is not one is refused, never interpolated', () => {
    expect(() => psEnv('X; Remove-Item /')).toThrow(/not an environment variable name/);
    expect(() => exportScript(tenant({ accessTokenEnv: 'TOKEN)$(calc' }), { groups: [] })).toThrow();
  });
});

describe('quoting', () => {
  it.each([
    ["'", "''"],
    ['\u2018', '\u2018\u2018'],
    ['\u2019', '\u2019\u2019'],
    ['\u201A', '\u201A\u201A'],
    ['\u201B', '\u201B\u201B'],
  ])('%s is doubled inside single quotes', (quote, doubled) => {
    expect(psString(`a${quote}b`)).toBe(`'a${doubled}b'`);
    expect(psString(`${quote}; Remove-Item /; ${quote}`)).toBe(`'${doubled}; Remove-Item /; ${doubled}'`);
  });

  it('everything else is literal inside single quotes', () => {
    expect(psString('$env:X `n "x" $(y) z')).toBe('\'$env:X `n "x" $(y) z\'');
    // A line break becomes a "`n" escape between literals, so no literal spans two lines.
    expect(psString('$(y)\nz')).toBe('(-join @(\'$(y)\', "`n", \'z\'))');
    expect(psArray([])).toBe('@()');
    expect(psArray(["Bob's group", 'T2T'])).toBe("@('Bob''s group', 'T2T')");
  });

  it('a group name with every quote kind reaches the script quoted', () => {
    const name = "Q'\u2018\u2019\u201A\u201B";
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [name] });
    expect(script).toContain(`foreach ($groupName in @('Q''\u2018\u2018\u2019\u2019\u201A\u201A\u201B\u201B'))`);
  });
});

describe('bulk reads', () => {
  it('one Get-* per kind with -ResultSize Unlimited where it applies; members only of the named groups', () => {
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: ['A', 'B'] });
    for (const cmd of ['Get-OrganizationConfig', 'Get-AcceptedDomain', 'Get-OrganizationRelationship', 'Get-MigrationEndpoint', 'Get-User', 'Get-MailUser', 'Get-EXOMailbox', 'Get-EXOMailboxStatistics']) {
      expect(script.split(`Invoke-ExoCall { ${cmd} `).length - 1, cmd).toBe(1);
    }
    expect(script).toContain('Get-MailUser -ResultSize Unlimited');
    expect(script).toContain('Get-EXOMailbox -ResultSize Unlimited -PropertySets Minimum, Custom -Properties ExchangeGuid, ArchiveGuid, LegacyExchangeDN,');
    // Not the full Get-Mailbox (230+ properties an object).
    expect(script).not.toMatch(/Get-Mailbox\b/);
    expect(script).toContain("foreach ($groupName in @('A', 'B'))");
    expect(script.indexOf('Disconnect-ExchangeOnline')).toBeGreaterThan(script.indexOf('finally'));
  });

  it('asks Get-EXOMailbox for every Mailbox property the snapshot holds, by property sets of the reference and named properties', () => {
    const parameters = signatures.cmdlets['Get-EXOMailbox'].parameters;
    for (const set of EXO_MAILBOX_PROPERTY_SETS) expect(parameters.PropertySets.validValues).toContain(set);
    expect(parameters.Properties.type).toBe('String[]');
    expect(parameters.ResultSize.type).toBe('Unlimited');
    const returned = new Set([...EXO_MAILBOX_PROPERTY_SETS.flatMap((set) => SETS[set]!), ...EXO_MAILBOX_PROPERTIES].map((name) => name.toLowerCase()));
    expect(MAILBOX_PROPERTIES_READ.filter((name) => !returned.has(name.toLowerCase()))).toEqual([]);
    // Nothing named twice: a property a set already brings is not named again.
    const fromSets = new Set(EXO_MAILBOX_PROPERTY_SETS.flatMap((set) => SETS[set]!));
    expect(EXO_MAILBOX_PROPERTIES.filter((name) => fromSets.has(name))).toEqual([]);
  });

  it('reads statistics of the linked mailboxes only, given as literals, one Get-EXOMailboxStatistics -ExchangeGuid each', () => {
    const linked = ["o'brien@contoso.com", 'LaraN'];
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [], linkedMailboxes: linked });
    expect(script).toContain(`foreach ($linked in ${psArray(linked)})`);
    expect(script).toContain("foreach ($linked in @('o''brien@contoso.com', 'LaraN'))");
    expect(script).toContain('Get-EXOMailboxStatistics -ExchangeGuid $mailboxGuid -ErrorAction Stop');
    expect(exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [] })).toContain('foreach ($linked in @())');
    expect(signatures.cmdlets['Get-EXOMailboxStatistics'].parameters.ExchangeGuid.type).toBe('Guid');
  });

  it('reads batches and migration users, two bulk calls, only where the repository declares batches', () => {
    const without = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [] });
    expect(without).not.toContain('Get-MigrationBatch');
    expect(without).not.toContain('Get-MigrationUser');
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [], batches: true });
    expect(script.split('Invoke-ExoCall { Get-MigrationBatch -ResultSize Unlimited -ErrorAction Stop }').length - 1).toBe(1);
    expect(script.split('Invoke-ExoCall { Get-MigrationUser -ResultSize Unlimited -ErrorAction Stop }').length - 1).toBe(1);
    expect(script).toContain('CompleteAfterUTC = (ConvertTo-ExoTime $b.CompleteAfterUTC)');
    for (const cmdlet of ['Get-MigrationBatch', 'Get-MigrationUser']) expect(signatures.cmdlets[cmdlet as 'Get-MigrationBatch'].parameters.ResultSize.type).toBe('Unlimited');
  });

  it('converts MaxConcurrentMigrations (Unlimited<int>) and RecoverableItemsQuota (ByteQuantifiedSize) inside PowerShell, never with [int]', () => {
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [] });
    expect(script).toContain('MaxConcurrentMigrations = (ConvertTo-ExoUnlimited $e.MaxConcurrentMigrations)');
    expect(script).not.toContain('[int]$e.MaxConcurrentMigrations');
    expect(script).toContain("if (Test-ExoProperty $u 'RecoverableItemsQuota') { $record.RecoverableItemsQuotaBytes = (ConvertTo-ExoBytes $u.RecoverableItemsQuota) }");
    expect(script).toContain('TotalDeletedItemSizeBytes = (ConvertTo-ExoBytes $s.TotalDeletedItemSize)');
    expect(script).toContain('$state.tenant = [ordered]@{ tenantId = [string]$organization.ExternalDirectoryOrganizationId }');
  });
});

describe('the conversions inside PowerShell', () => {
  /** The script's helper functions (everything from Test-ExoProperty to the sign-in), then probes of them. */
  function helpers(): string {
    const script = exportScript(tenant({ accessTokenEnv: 'T' }), { groups: [] });
    return script.slice(script.indexOf('# True when Exchange printed'), script.indexOf('Connect-ExchangeOnline'));
  }
  const PROBES = [
    "ConvertTo-ExoBytes '30 GB (32,212,254,720 bytes)'",
    // Separators follow the server's culture.
    "ConvertTo-ExoBytes '30 GB (32.212.254.720 bytes)'",
    "ConvertTo-ExoBytes '1,5 GB (1 610 612 736 bytes)'",
    "ConvertTo-ExoBytes '0 B (0 bytes)'",
    "$null -eq (ConvertTo-ExoBytes 'Unlimited')",
    '$null -eq (ConvertTo-ExoBytes $null)',
    "try { ConvertTo-ExoBytes '30 GB' } catch { $_.Exception.Message }",
    "ConvertTo-ExoUnlimited 'Unlimited'",
    'ConvertTo-ExoUnlimited 20',
    "ConvertTo-ExoUnlimited '50'",
    '$null -eq (ConvertTo-ExoUnlimited $null)',
    "Test-ExoProperty ([pscustomobject]@{ A = $null; B = @() }) 'B'",
    "Test-ExoProperty ([pscustomobject]@{ A = $null }) 'A'",
    "Test-ExoProperty ([pscustomobject]@{ A = 1 }) 'C'",
  ];
  const EXPECTED = ['32212254720', '32212254720', '1610612736', '0', 'True', 'True', "exo-gitops cannot read the size '30 GB': Exchange prints sizes as '30 GB (32,212,254,720 bytes)'", 'Unlimited', '20', '50', 'True', 'True', 'True', 'False'];

  it('read sizes, Unlimited and property presence in the embedded host', async () => {
    const r = await execa(process.execPath, [join(ROOT, 'dist/simulator/main.js'), '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', '-'], { input: `${helpers()}\n${PROBES.join('\n')}\n`, reject: false });
    expect(r.exitCode, String(r.stderr)).toBe(0);
    expect(String(r.stdout).split('\n')).toEqual(EXPECTED);
  });

  it.skipIf(realPwshUnavailable() !== null)('and in real pwsh, the same', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-conversions-'));
    try {
      const file = join(dir, 'probes.ps1');
      writeFileSync(file, `${helpers()}\n${PROBES.join('\n')}\n`);
      const r = await execa(PWSH, ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file], { reject: false, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' }, extendEnv: false });
      expect(r.exitCode, String(r.stderr)).toBe(0);
      expect(String(r.stdout).trim().split('\n').map((l) => l.trimEnd())).toEqual(EXPECTED);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('collections that grow with the tenant', () => {
  it('are lists added to, never arrays grown with += (a copy per addition: 50,000 statistics took minutes)', () => {
    const script = exportScript(tenant({ accessTokenEnv: 'CONTOSO_EXO_TOKEN' }), { groups: ['Scope'], linkedMailboxes: ['a@contoso.com', 'b@contoso.com'] });
    expect(script).toContain('$statistics.Add(');
    // The one += left grows by one per scope group read, a handful.
    expect(script.match(/\$\w+ \+= /g)).toEqual(['$groups += ']);
  });
});
