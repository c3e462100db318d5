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

/** As Exchange leaves it after the move: the source mailbox is now a mail user, still in the group. */
function moveLara(root: string): void {
  const file = join(root, 'state/contoso.json');
  const state = JSON.parse(readFileSync(file, 'utf8'));
  const lara = state.Mailbox.find((m: any) => m.Alias === 'LaraN');
  state.Mailbox = state.Mailbox.filter((m: any) => m !== lara);
  state.MailUser.push({ ...lara, RecipientTypeDetails: 'MailUser', ExternalEmailAddress: 'SMTP:LaraN@northwindtraders.onmicrosoft.com', MicrosoftOnlineServicesID: null, PreviousRecipientTypeDetails: 'UserMailbox' });
  writeFileSync(file, JSON.stringify(state));
}

describe('a scope member whose move has completed', () => {
  it('is a warning when no batch moves it, and is neither added nor removed', () => {
    const root = copy();
    // Lara is listed by the scope's members file only, not by Wave-1.
    const batches = join(root, 'northwind/batches.yaml');
    writeFileSync(batches, replaceOnce(readFileSync(batches, 'utf8'), '    - Lara.Newton@contoso.com\n', '', { in: 'northwind/batches.yaml' }));
    moveLara(root);
    const plan = planOf(root);
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan.findings.find((f) => f.code === 'ScopeMemberMoved')).toMatchObject({ severity: 'warning', tenant: 'contoso', message: 'Lara.Newton@contoso.com has moved: it is a mail user of contoso now', location: { file: 'contoso/scope-members.csv', line: 3 } });
    const members = plan.tenants.find((t) => t.tenant === 'contoso')!.actions.filter((a) => a.kind === 'DistributionGroup');
    expect(members.map((a) => [a.id, a.changes])).toEqual([['contoso/DistributionGroup/T2T-Migration-Scope#add-members', [{ field: 'Members', add: ['Isaiah.Langer@contoso.com', 'Alex.Wilber@contoso.com', 'Johanna.Lorenz@contoso.com'] }]]]);
  });

  it("is no warning when a batch moves it (the batch reports its users), even where the scope's own list names it", () => {
    const root = copy();
    moveLara(root);
    const plan = planOf(root);
    expect(plan.findings.map((f) => f.code)).not.toContain('ScopeMemberMoved');
    const members = plan.tenants.find((t) => t.tenant === 'contoso')!.actions.filter((a) => a.kind === 'DistributionGroup');
    expect(members.map((a) => [a.id, a.changes])).toEqual([['contoso/DistributionGroup/T2T-Migration-Scope#add-members', [{ field: 'Members', add: ['Isaiah.Langer@contoso.com', 'Alex.Wilber@contoso.com', 'Johanna.Lorenz@contoso.com'] }]]]);
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
  /** A mail user to create, for a Contoso mailbox no batch lists, named `name`; its metadata.name is at line 5 of its file. */
  const PATTI = `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  tenant: northwind
  name: PattiF
spec:
  externalEmailAddress: SMTP:PattiF@contoso.onmicrosoft.com
  primarySmtpAddress: Patti.Fernandez@northwindtraders.com
  microsoftOnlineServicesId: PattiF@northwindtraders.onmicrosoft.com
  source: {tenant: contoso, mailbox: Patti.Fernandez@contoso.com}
`;
  const rename = (root: string, from: string, to: string) => {
    writeFileSync(join(root, 'northwind/patti.yaml'), replaceOnce(PATTI, from, to, { in: 'northwind/patti.yaml' }));
  };

  it('a mail user to create needs a name Exchange accepts as its alias, or an address', () => {
    for (const [name, ok] of [['Isaiah Langer', false], ['Isaiah,Langer', false], ['.IsaiahL', false], ['x'.repeat(65), false], ['Isaiah.Langer', true], ["o'brien", true], ['Isaiah.Langer@northwindtraders.com', true]] as const) {
      const root = copy();
      rename(root, '  name: PattiF', `  name: "${name}"`);
      const plan = planOf(root);
      const problem = plan.findings.find((f) => f.code === 'MailUserNotCreatable');
      if (ok) expect(problem, name).toBeUndefined();
      else expect(problem, name).toMatchObject({ severity: 'error', location: { file: 'northwind/patti.yaml', line: 5, column: 9 } });
    }
  });

  it('a name with a line break is an error', () => {
    const root = copy();
    rename(root, '  name: PattiF', '  name: "Patti\\nFernandez"');
    expect(validateDirectory(root, { cwd: root }).findings.map((f) => [f.code, f.location?.line])).toEqual([['InvalidName', 5]]);
  });
});
