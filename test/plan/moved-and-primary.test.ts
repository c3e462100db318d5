// A scope member whose move has completed, and mail users that name more than one primary address.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSnapshots } from '../../src/load/snapshot.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { buildPlan } from '../../src/plan/plan.js';
import { validateDirectory } from '../../src/validate/validate.js';
import { replaceOnce } from '../support/edit.js';

const example = new URL('../../examples/contoso-northwind/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function copy(): string {
  const root = mkdtempSync(join(tmpdir(), 'exo-moved-'));
  dirs.push(root);
  cpSync(example, root, { recursive: true });
  return root;
}

function planOf(root: string) {
  const validation = validateDirectory(root, { cwd: root });
  const snapshots = readSnapshots(join(root, 'state'), validation.desired.tenants.map((t) => t.name));
  return buildPlan({ desired: validation.desired, snapshots, validationFindings: validation.findings, desiredDigest: desiredDigest(validation.desired.contentHashes) });
}

describe('a scope member whose move has completed', () => {
  it('is a warning, and is neither added nor removed', () => {
    const root = copy();
    const file = join(root, 'state/contoso.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    // As Exchange leaves it after the move: the source mailbox is now a mail user, still in the group.
    const lara = state.Mailbox.find((m: any) => m.Alias === 'LaraN');
    state.Mailbox = state.Mailbox.filter((m: any) => m !== lara);
    state.MailUser.push({ ...lara, RecipientTypeDetails: 'MailUser', ExternalEmailAddress: 'SMTP:LaraN@northwindtraders.onmicrosoft.com', MicrosoftOnlineServicesID: null, PreviousRecipientTypeDetails: 'UserMailbox' });
    writeFileSync(file, JSON.stringify(state));

    const plan = planOf(root);
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan.findings.find((f) => f.code === 'ScopeMemberMoved')).toMatchObject({ severity: 'warning', tenant: 'contoso', message: 'Lara.Newton@contoso.com has moved: it is a mail user of contoso now', location: { file: 'contoso/scope-members.csv', line: 3 } });
    const members = plan.tenants.find((t) => t.tenant === 'contoso')!.actions.filter((a) => a.kind === 'DistributionGroup');
    expect(members.map((a) => [a.id, a.changes])).toEqual([['contoso/DistributionGroup/T2T-Migration-Scope#add-members', [{ field: 'Members', add: ['Isaiah.Langer@contoso.com'] }]]]);
  });
});

describe('primary addresses in emailAddresses', () => {
  const edit = (root: string, from: string, to: string) => {
    const file = join(root, 'northwind/mailusers.yaml');
    writeFileSync(file, replaceOnce(readFileSync(file, 'utf8'), from, to, { in: 'northwind/mailusers.yaml' }));
  };

  it('two SMTP: entries are an error at the second', () => {
    const root = copy();
    edit(root, '    - smtp:LaraN@northwindtraders.onmicrosoft.com\n', '    - SMTP:Lara.Newton@northwindtraders.com\n    - SMTP:LaraN@northwindtraders.onmicrosoft.com\n');
    const result = validateDirectory(root, { cwd: root });
    expect(result.findings.map((f) => [f.code, f.location?.line, f.location?.column])).toEqual([['PrimaryAddressConflict', 18, 7]]);
  });

  it('an SMTP: entry other than primarySmtpAddress is an error; the same one, or smtp:, is fine', () => {
    const root = copy();
    edit(root, '    - smtp:LaraN@northwindtraders.onmicrosoft.com\n', '    - SMTP:LaraN@northwindtraders.onmicrosoft.com\n');
    expect(validateDirectory(root, { cwd: root }).findings.map((f) => f.code)).toEqual(['PrimaryAddressConflict']);
    const same = copy();
    edit(same, '    - smtp:LaraN@northwindtraders.onmicrosoft.com\n', '    - SMTP:lara.newton@northwindtraders.com\n    - smtp:LaraN@northwindtraders.onmicrosoft.com\n');
    expect(validateDirectory(same, { cwd: same }).findings).toEqual([]);
  });
});

describe('names', () => {
  const rename = (root: string, from: string, to: string) => {
    const file = join(root, 'northwind/mailusers.yaml');
    writeFileSync(file, replaceOnce(readFileSync(file, 'utf8'), from, to, { in: 'northwind/mailusers.yaml' }));
  };

  it('a mail user to create needs a name Exchange accepts as its alias, or an address', () => {
    for (const [name, ok] of [['Isaiah Langer', false], ['Isaiah,Langer', false], ['.IsaiahL', false], ['x'.repeat(65), false], ['Isaiah.Langer', true], ["o'brien", true], ['Isaiah.Langer@northwindtraders.com', true]] as const) {
      const root = copy();
      rename(root, '  name: IsaiahL', `  name: "${name}"`);
      const plan = planOf(root);
      const problem = plan.findings.find((f) => f.code === 'MailUserNotCreatable');
      if (ok) expect(problem, name).toBeUndefined();
      else expect(problem, name).toMatchObject({ severity: 'error', location: { file: 'northwind/mailusers.yaml', line: 99, column: 9 } });
    }
  });

  it('a name with a line break is an error', () => {
    const root = copy();
    rename(root, '  name: IsaiahL', '  name: "Isaiah\\nLanger"');
    expect(validateDirectory(root, { cwd: root }).findings.map((f) => [f.code, f.location?.line])).toEqual([['InvalidName', 99]]);
  });
});
