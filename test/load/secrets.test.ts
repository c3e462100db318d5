// A secret pasted into the YAML (in an …Env field, where only its variable's name belongs, or
// anywhere as a long random token) is an error that never shows the value back: findings reach
// terminals, CI logs and PR comments. Only its length and first two characters are shown.
import { execa } from 'execa';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { looksLikeSecret } from '../../src/load/text-rules.js';
import { validateDirectory } from '../../src/validate/validate.js';
import { FixtureRepo, removeTempDirs, where } from '../fixtures/repo.js';
import { TENANT } from './documents.js';

afterAll(removeTempDirs);

const cli = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const EXAMPLE = new URL('../../examples/contoso-northwind', import.meta.url).pathname;
const SECRET = 'Xq8~vR2.kLmN-4pQzT7wY9sBcD1eFgH3jK5';
const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiIsIng1dCI6Ik1yNS1BVWliZkJpaTdOZDFqQmViYXhib1hXMCJ9';

const tenant = (connection: string) => TENANT.replace('    accessTokenEnv: FABRIKAM_TOKEN\n', connection);
const secretFindings = (r: { findings: { code: string; message: string; location?: { file: string; line: number; column: number } }[] }) =>
  r.findings.filter((f) => f.code === 'SecretInYaml').map((f) => [where(f as never), f.message]);

describe('a secret pasted into the YAML', () => {
  it('in accessTokenEnv: an error at the value, showing its length and first two characters only', () => {
    const r = FixtureRepo.empty().set('t.yaml', tenant(`    accessTokenEnv: "${SECRET}"\n`)).load();
    expect(secretFindings(r)).toEqual([['t.yaml:9:21', `spec.connection.accessTokenEnv holds 35 characters starting "Xq…", which is not an environment variable name: it may be the secret itself`]]);
    expect(r.findings.find((f) => f.code === 'SecretInYaml')!.hint).toMatch(/revoke it/);
    expect(JSON.stringify(r.findings)).not.toContain(SECRET.slice(2, 12));
  });

  it('anywhere, as a long random token (a JWT in a custom attribute)', () => {
    const repo = FixtureRepo.empty()
      .set('t.yaml', TENANT)
      .set('m.yaml', `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata: {name: LaraN, tenant: fabrikam}
spec:
  externalEmailAddress: SMTP:LaraN@contoso.onmicrosoft.com
  customAttributes: {"1": ${TOKEN}}
`);
    const r = repo.load();
    expect(secretFindings(r)).toEqual([['m.yaml:6:27', `spec.customAttributes.1 holds ${TOKEN.length} characters starting "ey…", which looks like a secret`]]);
    expect(JSON.stringify(r.findings)).not.toContain(TOKEN.slice(2, 12));
  });

  it('validate through the CLI prints neither the secret nor any part of it past two characters, and exits 1', async () => {
    const dir = FixtureRepo.empty().set('t.yaml', tenant(`    appId: 8b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d\n    certificatePath: cert.pfx\n    certificatePasswordEnv: "${SECRET}"\n`)).write();
    for (const format of ['text', 'json']) {
      const r = await execa(process.execPath, [cli, 'validate', '--dir', dir, '--format', format], { reject: false, env: { NO_COLOR: '1' } });
      expect(r.exitCode).toBe(1);
      const output = `${String(r.stdout)}${String(r.stderr)}`;
      expect(output).toContain('SecretInYaml');
      expect(output).not.toContain(SECRET.slice(2, 8));
    }
  });

  it('what is no secret stays quiet: GUIDs, thumbprints, addresses, X500s, names, repeated letters', () => {
    for (const value of [
      '1ec059c7-8396-4d0b-af4e-d6bd4c12a8d8',
      '0123456789ABCDEF0123456789ABCDEF01234567',
      'Lara.Newton.With.A.Very.Long.Name@northwindtraders.onmicrosoft.com',
      'X500:/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d11ec1a2cacd4f81858c81907273f1f9-Lara',
      'NORTHWIND_MIGRATION_APP_SECRET_FOR_THE_SECOND_WAVE_2026',
      'c3ab8ff13720e8ad9047dd39466b3c8974e592c2fa383d4a3960714caef0c4f2',
      'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1',
    ]) {
      expect(looksLikeSecret(value), value).toBe(false);
    }
  });

  it('property: random tokens of 41 to 100 characters are flagged, and a finding never holds more than their first two characters', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
    const token = fc
      .array(fc.integer({ min: 0, max: alphabet.length - 1 }), { minLength: 41, maxLength: 100 })
      .map((indexes) => indexes.map((i) => alphabet[i]).join(''))
      .filter((t) => /[a-z]/.test(t) && /[A-Z]/.test(t) && /[0-9]/.test(t) && new Set(t).size >= 24);
    fc.assert(
      fc.property(token, (secret) => {
        expect(looksLikeSecret(secret)).toBe(true);
        const r = FixtureRepo.empty().set('t.yaml', tenant(`    accessTokenEnv: "${secret}!"\n`)).load();
        const text = JSON.stringify(r.findings);
        expect(text).toContain('SecretInYaml');
        expect(text).not.toContain(secret.slice(0, 8));
      }),
      { numRuns: 25 },
    );
  });
});

describe('the example', () => {
  it('has no value that looks like a secret', () => {
    const r = validateDirectory(EXAMPLE, { cwd: EXAMPLE });
    expect(r.findings.filter((f) => f.code === 'SecretInYaml')).toEqual([]);
  });
});
