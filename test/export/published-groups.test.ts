// The export reads the members of every group a live RemoteOutbound relationship publishes, even one
// the YAML does not declare: otherwise every mail user would get a false NotInMigrationScope from a
// live export (and none from a snapshot).
import { execa } from 'execa';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportScript } from '../../src/powershell/export-script.js';
import { readExported, snapshotTarget } from '../support/exported-snapshot.js';
import type { Resource } from '../../src/model/desired.js';
import { PWSH, realPwshEnv, realPwshUnavailable } from '../support/real-pwsh.js';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'exo-published-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contoso = { kind: 'Tenant', name: 'contoso', spec: { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f', organization: 'contoso.onmicrosoft.com', connection: { accessTokenEnv: 'CONTOSO_EXO_TOKEN' } } } as unknown as Resource<'Tenant'>;

/** The export script's snapshot, run by the embedded host (default) or by real pwsh with the stand-in module. */
async function exported(groups: string[], host: 'embedded' | 'pwsh' = 'embedded'): Promise<{ DistributionGroup: { Name: string; Members: string[] }[] }> {
  const script = join(dir, 'export.ps1');
  writeFileSync(script, exportScript(contoso, { groups }));
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', script];
  const target = snapshotTarget();
  const r =
    host === 'pwsh'
      ? await execa(PWSH, args, { env: realPwshEnv(join(dir, 'state'), { CONTOSO_EXO_TOKEN: 't', ...target.env }), extendEnv: false, reject: false })
      : await execa(process.execPath, [join(root, 'dist/simulator/main.js'), ...args], { env: { EXO_SIM_STATE: join(dir, 'state'), CONTOSO_EXO_TOKEN: 't', ...target.env }, extendEnv: false, reject: false });
  expect(r.exitCode, String(r.stderr)).toBe(0);
  return readExported(target.file) as unknown as { DistributionGroup: { Name: string; Members: string[] }[] };
}

describe('export of published scope groups', () => {
  it('reads the group a live RemoteOutbound relationship publishes when the YAML names none, and a group named twice once', async () => {
    cpSync(join(root, 'examples/contoso-northwind/state'), join(dir, 'state'), { recursive: true });
    const file = join(dir, 'state', 'contoso.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.OrganizationRelationship[0].MailboxMoveCapability = 'RemoteOutbound';
    writeFileSync(file, JSON.stringify(state));
    const undeclared = await exported([]);
    expect(undeclared.DistributionGroup.map((g) => g.Name)).toEqual(['T2T-Migration-Scope']);
    expect(undeclared.DistributionGroup[0]!.Members.length).toBeGreaterThan(0);
    const twice = await exported(['t2t-migration-scope']);
    expect(twice.DistributionGroup.map((g) => g.Name)).toEqual(['T2T-Migration-Scope']);
    // Not published (an inbound relationship): not read unless the YAML names it.
    state.OrganizationRelationship[0].MailboxMoveCapability = 'RemoteInbound';
    writeFileSync(file, JSON.stringify(state));
    expect((await exported([])).DistributionGroup).toEqual([]);
  });

  it('reads nested security groups of a scope group too (two levels), each once, a cycle ending', async () => {
    cpSync(join(root, 'examples/contoso-northwind/state'), join(dir, 'state'), { recursive: true });
    const file = join(dir, 'state', 'contoso.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    const scope = state.DistributionGroup.find((g: { Name: string }) => g.Name === 'T2T-Migration-Scope');
    const nested = (name: string, members: string[]) => ({ ...scope, Name: name, Alias: name, PrimarySmtpAddress: `${name}@contoso.com`, Members: members });
    state.DistributionGroup.push(nested('Wave-2', ['Wave-3@contoso.com']), nested('Wave-3', [scope.Members[0], 'Wave-2@contoso.com']));
    scope.Members = [...scope.Members, 'Wave-2@contoso.com'];
    writeFileSync(file, JSON.stringify(state));
    const read = await exported(['T2T-Migration-Scope']);
    expect(read.DistributionGroup.map((g) => g.Name)).toEqual(['T2T-Migration-Scope', 'Wave-2', 'Wave-3']);
    expect(read.DistributionGroup[1]!.Members).toEqual(['Wave-3@contoso.com']);
    // The same script in real PowerShell: the while loop over a growing list, -lt, the nested reads.
    if (realPwshUnavailable() === null) expect(await exported(['T2T-Migration-Scope'], 'pwsh')).toEqual(read);
  });
});
