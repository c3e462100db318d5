// The plan comment is one sticky comment, found by its marker across pages and edited in place.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLAN_MARKER } from '../../src/github/bodies.js';
import { OWNER, REPO, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { removeWorkspaces, workspace, type Workspace } from './workspace.js';

const base = `/repos/${OWNER}/${REPO}`;
let github: FakeGitHub;
let w: Workspace;
let baseSha: string;
let headSha: string;

beforeEach(async () => {
  github = await startFakeGitHub();
  github.pageSize = 3;
  w = await workspace(github);
  baseSha = (await w.git.revparse(['HEAD'])).trim();
  await w.git.checkoutLocalBranch('change');
  w.edit('northwind/mailusers.yaml', 'archive\n  customAttributes:\n    "1": Cross-Tenant-Project', 'archive\n  customAttributes:\n    "1": Wave-2');
  headSha = await w.commit('Bianca: wave 2');
  w.pullRequestEvent(7, baseSha, headSha);
});
afterEach(async () => {
  await github.close();
  removeWorkspaces();
});

const seed = (count: number, markerAt?: number) => {
  for (let i = 0; i < count; i++) github.comments.push({ id: 100 + i, issue: 7, body: i === markerAt ? `${PLAN_MARKER}\nold plan` : `a review remark ${i}` });
};

describe('github plan-comment: the sticky comment', () => {
  it('finds the marker on page 2 of 3 and updates that comment in place', async () => {
    seed(8, 4);
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(github.lines()).toEqual([
      `GET ${base}/issues/7/comments?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100&page=2`,
      `PATCH ${base}/issues/comments/104`,
    ]);
    expect(github.requests.every((q) => q.authorization === 'token test-token')).toBe(true);
    expect(github.comments).toHaveLength(8);
    expect(github.comments[4]!.body.startsWith(`${PLAN_MARKER}\n## exo-gitops plan for #7`)).toBe(true);
    expect(r.stdout).toContain('plan comment updated: https://github.test/contoso-it/exo-config/issues/7#issuecomment-104');
  });

  it("never takes over someone else's comment that starts with the marker", async () => {
    github.comments.push({ id: 90, issue: 7, body: `${PLAN_MARKER}\nI can write the marker too`, author: 'mallory' });
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(github.lines()).toEqual([`GET ${base}/issues/7/comments?per_page=100`, `POST ${base}/issues/7/comments`]);
    expect(github.comments.find((c) => c.id === 90)!.body).toBe(`${PLAN_MARKER}\nI can write the marker too`);
  });

  it('creates the comment once, then updates it: never a second one', async () => {
    seed(7);
    const first = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(first.exitCode, first.stderr).toBe(0);
    // A new push to the pull request (a body identical to the posted one would not be sent again).
    w.edit('northwind/mailusers.yaml', '"1": Wave-2', '"1": Wave-3');
    w.pullRequestEvent(7, baseSha, await w.commit('Bianca: wave 3'));
    const second = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(github.lines()).toEqual([
      `GET ${base}/issues/7/comments?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100&page=2`,
      `GET ${base}/issues/7/comments?per_page=100&page=3`,
      `POST ${base}/issues/7/comments`,
      `GET ${base}/issues/7/comments?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100&page=2`,
      `GET ${base}/issues/7/comments?per_page=100&page=3`,
      `PATCH ${base}/issues/comments/1000`,
    ]);
    expect(github.comments.filter((c) => c.body.startsWith(PLAN_MARKER)).map((c) => c.id)).toEqual([1000]);
    expect(github.requests[3]!.body.body).toMatch(/^<!-- exo-gitops:plan -->\n## exo-gitops plan for #7\n/);
    expect(github.comments.find((c) => c.id === 1000)!.body).toContain('+       CustomAttribute1: "Wave-3"');
    expect(w.summary()).toContain('## exo-gitops plan for #7');
  });

  it('sends nothing when the comment already says exactly this', async () => {
    seed(2);
    const first = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(first.exitCode, first.stderr).toBe(0);
    github.requests.length = 0;
    // Same head, same snapshots: the next run builds the same body (unless the second changes).
    const posted = github.comments.find((c) => c.id === 1000)!;
    const second = await w.run(['github', 'plan-comment', '--state', 'state']);
    if (github.requests.some((q) => q.method === 'PATCH')) {
      // The clock ticked to another second between the runs: the body differs by its timestamp only.
      expect(posted.body.replace(/updated \S+/, '')).toBe(github.requests.at(-1)!.body.body.replace(/updated \S+/, ''));
    } else {
      expect(github.lines()).toEqual([`GET ${base}/issues/7/comments?per_page=100`]);
      expect(second.stdout).toContain('plan comment unchanged');
    }
  });
});
