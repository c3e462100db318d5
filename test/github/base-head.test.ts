// Base versus head in a real git repository: the pull request's own change is listed under
// "introduced", drift that the snapshots already had under "already there".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { removeWorkspaces, workspace, type Workspace } from './workspace.js';

let github: FakeGitHub;
let w: Workspace;
let baseSha: string;

beforeEach(async () => {
  github = await startFakeGitHub();
  w = await workspace(github);
  baseSha = (await w.git.revparse(['HEAD'])).trim();
  await w.git.checkoutLocalBranch('change');
});
afterEach(async () => {
  await github.close();
  removeWorkspaces();
});

/** The comment's two sections: introduced, and already there (with whatever follows). */
function sections(body: string): { introduced: string; already: string } {
  const a = body.indexOf('### Changes this pull request introduces');
  const b = body.indexOf('### Drift already there');
  expect(a).toBeGreaterThan(0);
  expect(b).toBeGreaterThan(a);
  return { introduced: body.slice(a, b), already: body.slice(b) };
}

describe('documents a pull request removes', () => {
  it('are reported as no longer managed, nothing deleted, in the comment and in plan --baseline-ref; nothing changes in Exchange', async () => {
    const file = 'contoso/migration.yaml';
    const text = (await import('node:fs')).readFileSync(`${w.repo}/${file}`, 'utf8');
    const start = text.indexOf('---\n# Contoso\'s hybrid mailboxes');
    w.edit(file, text.slice(start), '');
    const headSha = await w.commit('Retire the CloudManagement list');
    w.pullRequestEvent(8, baseSha, headSha);
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(r.exitCode, r.stderr).toBe(0);
    const body = github.comments[0]!.body;
    expect(body).toContain('`NoLongerManaged`');
    expect(body).toContain(`contoso/CloudManagement/retire-on-premises-exchange is no longer in the YAML (it was at contoso/migration.yaml:29:9 in ${baseSha.slice(0, 7)}): no longer managed; nothing is deleted in Exchange`);
    // Its mailbox flag is simply no longer planned: no action takes anything away.
    expect(body).not.toContain('IsExchangeCloudManaged');

    const plan = await w.run(['plan', '--dir', '.', '--state', 'state', '--format', 'json', '--baseline-ref', baseSha]);
    const json = JSON.parse(plan.stdout) as { findings: { code: string; message: string }[]; tenants: { actions: { action: string; kind: string }[] }[] };
    expect(json.findings.filter((f) => f.code === 'NoLongerManaged').map((f) => f.message)).toEqual([expect.stringContaining('contoso/CloudManagement/retire-on-premises-exchange is no longer in the YAML')]);
    expect(json.tenants.flatMap((t) => t.actions).filter((a) => a.action === 'delete')).toEqual([]);
    // Without a base there is nothing to compare with, and nothing is said.
    const alone = await w.run(['plan', '--dir', '.', '--state', 'state', '--format', 'json']);
    expect(alone.stdout).not.toContain('NoLongerManaged');
  });
});

describe('github plan-comment: base versus head', () => {
  it("lists the pull request's change as introduced and the snapshots' drift as already there", async () => {
    w.edit('northwind/mailusers.yaml', 'archive\n  customAttributes:\n    "1": Cross-Tenant-Project', 'archive\n  customAttributes:\n    "1": Wave-2');
    const headSha = await w.commit('Bianca: wave 2');
    w.pullRequestEvent(7, baseSha, headSha);
    const r = await w.run(['github', 'plan-comment', '--state', 'state', '--out', '../work/plan.json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('this pull request: 0 to create, 1 to update');
    const body = github.comments[0]!.body;
    const { introduced, already } = sections(body);
    expect(introduced).toContain('MailUser BiancaP');
    expect(introduced).toContain('-       CustomAttribute1: "Cross-Tenant-Project"\n+       CustomAttribute1: "Wave-2"');
    for (const drift of ['MailUser LaraN', 'MailUser IsaiahL', 'MailUser AdeleV', 'DistributionGroup T2T-Migration-Scope', 'OrganizationRelationship Northwind Traders', 'Mailbox Megan.Bowen@contoso.com']) {
      expect(introduced).not.toContain(drift);
      expect(already).toContain(drift);
    }
    expect(already).not.toContain('BiancaP');
    // The known warning was there at the base too.
    expect(already).toContain('CloudManagementNoEffect');
    expect(introduced).not.toContain('CloudManagementNoEffect');
    expect(body).toContain(`Head \`${headSha.slice(0, 7)}\` compared with base \`${baseSha.slice(0, 7)}\``);
    expect(body).toContain('**Offline plan**');
    expect(body).not.toContain('undoes');
  });

  it('says which drift the pull request undoes (or changes) instead of calling it new', async () => {
    // Accept Contoso's live RemoteInbound instead of planning to change it, and change LaraN's attribute.
    w.edit('contoso/migration.yaml', 'mailboxMoveCapability: [RemoteOutbound]', 'mailboxMoveCapability: [RemoteInbound]');
    const headSha = await w.commit('accept live capability');
    w.pullRequestEvent(8, baseSha, headSha);
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    const body = github.comments[0]!.body;
    const { introduced, already } = sections(body);
    expect(introduced).not.toContain('OrganizationRelationship Northwind Traders');
    expect(already).toContain('#### Drift this pull request undoes or changes');
    expect(already).toMatch(/- `contoso\/OrganizationRelationship\/Northwind Traders`/);
    // Wave-1 with it: a source relationship that does not publish the scope to the target leaves its users
    // not ready, so the head plans the batch blocked instead of created.
    expect(already).toMatch(/- `northwind\/MigrationBatch\/Wave-1`/);
    expect(introduced).toContain("`UserNotReady` `northwind/batches.yaml:10:9`");
    expect(body).toContain('**Undone by it:** 2 actions.');
    // RemoteInbound without RemoteOutbound is an error finding of the head only: the check fails.
    expect(r.exitCode).toBe(1);
    expect(introduced).toContain('error');
  });

  it('fails the check with the findings in the comment when the head does not load', async () => {
    w.edit('tenants.yaml', 'organization: contoso.onmicrosoft.com', 'organization: [contoso.onmicrosoft.com');
    const headSha = await w.commit('break yaml');
    w.pullRequestEvent(9, baseSha, headSha);
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(r.exitCode).toBe(1);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toMatch(/^<!-- exo-gitops:plan -->\n## exo-gitops plan for #9\n\n❌ The desired state at `[0-9a-f]{7}` is invalid/);
    expect(github.comments[0]!.body).toContain('`YamlSyntax` `tenants.yaml:');
  });
});
