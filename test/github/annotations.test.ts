// The github commands under GitHub Actions (GITHUB_ACTIONS=true): the plan's findings with a file
// position appear as annotations (::error / ::warning workflow commands), once each, with the file
// relative to the repository root; without GITHUB_ACTIONS none are printed.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { removeWorkspaces, workspace, type Workspace } from './workspace.js';

let github: FakeGitHub;
let w: Workspace;

beforeEach(async () => {
  github = await startFakeGitHub();
  w = await workspace(github);
});
afterEach(async () => {
  await github.close();
  removeWorkspaces();
});

const annotations = (stdout: string): string[] => stdout.split('\n').filter((l) => /^::(error|warning) /.test(l));

describe('annotations from the github commands', () => {
  it("plan-comment: the head plan's findings, once each, relative to GITHUB_WORKSPACE; none outside Actions", async () => {
    const baseSha = (await w.git.revparse(['HEAD'])).trim();
    await w.git.checkoutLocalBranch('change');
    w.edit('northwind/mailusers.yaml', 'archive\n  customAttributes:\n    "1": Cross-Tenant-Project', 'archive\n  customAttributes:\n    "1": Wave-1');
    w.pullRequestEvent(7, baseSha, await w.commit('Bianca: wave 1'));

    const plain = await w.run(['github', 'plan-comment', '--dir', '.', '--summary-only']);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(`${plain.stdout}\n${plain.stderr}`).not.toMatch(/^::/m);

    const actions = await w.run(['github', 'plan-comment', '--dir', '.', '--summary-only'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: w.repo });
    expect(actions.exitCode, actions.stderr).toBe(0);
    const found = annotations(actions.stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found).size).toBe(found.length);
    // The example's warning about Patti Fernandez (listed for cloud management, never synced).
    expect(found).toContainEqual(expect.stringMatching(/^::warning file=contoso\/migration\.yaml,line=\d+,col=\d+,title=CloudManagementNoEffect::Patti\.Fernandez@contoso\.com /));
  });

  it('plan-comment with an invalid head: the validation errors', async () => {
    const baseSha = (await w.git.revparse(['HEAD'])).trim();
    await w.git.checkoutLocalBranch('broken');
    w.edit('northwind/migration.yaml', '  partner: contoso                  # RemoteTenant', '  partner: contosso                 # RemoteTenant');
    w.pullRequestEvent(8, baseSha, await w.commit('typo'));
    const r = await w.run(['github', 'plan-comment', '--dir', '.', '--summary-only'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: w.repo });
    expect(r.exitCode).toBe(1);
    expect(annotations(r.stdout)).toContainEqual(expect.stringMatching(/^::error file=northwind\/migration\.yaml,line=\d+,col=\d+,title=\w+::/));
  });

  it("drift: the drift plan's findings", async () => {
    const r = await w.run(['github', 'drift', '--dir', '.'], { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: w.repo });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(annotations(r.stdout)).toContainEqual(expect.stringMatching(/^::warning file=contoso\/migration\.yaml,.*title=CloudManagementNoEffect::/));
  });
});
