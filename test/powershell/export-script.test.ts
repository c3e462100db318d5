// The export script: how each kind of sign-in is written (no secret value, env vars only as
// $env:NAME), quoting of every PowerShell single quote, bulk reads only.
import { describe, expect, it } from 'vitest';
import type { Resource } from '../../src/model/desired.js';
import { exportScript } from '../../src/powershell/export-script.js';
import { psArray, psEnv, psString } from '../../src/powershell/literal.js';

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

  it('certificate thumbprint: -AppId and -CertificateThumbprint, no env at all', () => {
    const script = exportScript(tenant({ appId: '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d', certificateThumbprint: 'ABCDEF0123' }), { groups: [] });
    expect(script).toContain("Connect-ExchangeOnline -AppId '3a4b5c6d-7e8f-4a9b-8c0d-1e2f3a4b5c6d' -CertificateThumbprint 'ABCDEF0123' -Organization 'contoso.onmicrosoft.com' -ShowBanner:$false");
    expect(script).not.toMatch(/\$env:/);
  });

  it('certificate file with a password from the environment', () => {
    const script = exportScript(tenant({ appId: 'app', certificatePath: "/etc/o'neil/cert.pfx", certificatePasswordEnv: 'CERT_PASSWORD' }), { groups: [] });
    expect(script).toContain("-CertificateFilePath '/etc/o''neil/cert.pfx' -CertificatePassword (ConvertTo-SecureString -String $env:CERT_PASSWORD -AsPlainText -Force)");
    for (const value of Object.values(envWithSecrets)) expect(script).not.toContain(value);
    // Every environment reference is $env:NAME, nothing else.
    expect([...script.matchAll(/\$env:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1])).toEqual(['CERT_PASSWORD']);
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
    for (const cmd of ['Get-OrganizationConfig', 'Get-AcceptedDomain', 'Get-OrganizationRelationship', 'Get-MigrationEndpoint', 'Get-User', 'Get-MailUser', 'Get-Mailbox']) {
      expect(script.split(cmd).length - 1, cmd).toBe(1);
    }
    expect(script).toContain('Get-MailUser -ResultSize Unlimited');
    expect(script).toContain('Get-Mailbox -ResultSize Unlimited');
    expect(script).toContain("foreach ($groupName in @('A', 'B'))");
    expect(script.indexOf('Disconnect-ExchangeOnline')).toBeGreaterThan(script.indexOf('finally'));
  });
});
