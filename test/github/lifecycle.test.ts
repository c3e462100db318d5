// Whole lifecycles against the fake GitHub, with the simulator as both tenants: a pull request from
// plan comment to apply report, a failed apply opening (and a later success closing) an issue, and a
// drift issue opened, updated and closed. Every request is asserted, in order.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { APPLY_FAILED_MARKER, APPLY_MARKER, DRIFT_MARKER, PLAN_MARKER } from '../../src/github/bodies.js';
import { OWNER, REPO, startFakeGitHub, type FakeGitHub } from './fake-github.js';
import { removeWorkspaces, workspace, type Workspace } from './workspace.js';

const base = `/repos/${OWNER}/${REPO}`;
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

/** A pull request #7 that changes Bianca's custom attribute, merged into main with a merge commit. */
async function mergedPullRequest(): Promise<{ baseSha: string; headSha: string; mergeSha: string }> {
  const baseSha = (await w.git.revparse(['HEAD'])).trim();
  await w.git.checkoutLocalBranch('change');
  w.edit('northwind/mailusers.yaml', 'archive\n  customAttributes:\n    "1": Cross-Tenant-Project', 'archive\n  customAttributes:\n    "1": Wave-2');
  const headSha = await w.commit('Bianca: wave 2');
  await w.git.checkout('main');
  await w.git.merge(['--no-ff', '-m', 'Merge pull request #7', 'change']);
  const mergeSha = (await w.git.revparse(['HEAD'])).trim();
  github.pulls.push({ number: 7, merged_at: '2026-11-21T08:00:00Z', merge_commit_sha: mergeSha, commits: [headSha] });
  return { baseSha, headSha, mergeSha };
}

/** apply.yml's jobs: plan, then one apply job per tenant (target first), each with its run record. */
async function applyJobs(mergeSha: string, beforeSha: string, failNorthwind = false): Promise<void> {
  // The plan job saves the snapshots it planned from; each apply job checks the other tenant's against the plan.
  const plan = await w.run(['plan', '--dir', '.', '--state', '../work/plan-state', '--refresh', '--out', '../work/plan.json', '--baseline-ref', beforeSha]);
  expect(plan.exitCode, plan.stderr).toBe(2);
  const northwind = await w.run(['apply', '--dir', '.', '--plan', '../work/plan.json', '--tenant', 'northwind', '--peer-state', '../work/plan-state', '--yes', '--record', '../work/run-northwind.json', '--baseline-ref', beforeSha], failNorthwind ? { EXO_SIM_FAIL: 'Set-MailUser:LaraN' } : {});
  expect(northwind.exitCode, northwind.stderr).toBe(failNorthwind ? 1 : 0);
  // `needs:` skips the source tenant's job when the target's failed: it writes no record.
  if (!failNorthwind) {
    const contoso = await w.run(['apply', '--dir', '.', '--plan', '../work/plan.json', '--tenant', 'contoso', '--peer-state', '../work/plan-state', '--yes', '--record', '../work/run-contoso.json', '--baseline-ref', beforeSha]);
    expect(contoso.exitCode, contoso.stderr).toBe(0);
  }
  w.env.GITHUB_SHA = mergeSha;
}

const report = () => w.run(['github', 'apply-report', '--record', '../work/run-northwind.json', '../work/run-contoso.json']);

describe('a pull request from plan comment to apply report', () => {
  it('plan comment → update on a new push → merge → apply → report on the pull request', async () => {
    const baseSha = (await w.git.revparse(['HEAD'])).trim();
    await w.git.checkoutLocalBranch('change');
    w.edit('northwind/mailusers.yaml', 'archive\n  customAttributes:\n    "1": Cross-Tenant-Project', 'archive\n  customAttributes:\n    "1": Wave-1');
    const first = await w.commit('Bianca: wave 1');
    w.pullRequestEvent(7, baseSha, first);
    const planned = await w.run(['github', 'plan-comment', '--dir', '.', '--out', '../work/pr-plan.json']);
    expect(planned.exitCode, planned.stderr).toBe(0);
    expect(github.comments[0]!.body).toContain('-       CustomAttribute1: "Cross-Tenant-Project"\n+       CustomAttribute1: "Wave-1"');
    expect(github.comments[0]!.body).toContain('Live state: exported from every tenant by this run');

    w.edit('northwind/mailusers.yaml', '"1": Wave-1', '"1": Wave-2');
    const second = await w.commit('Bianca: wave 2 after review');
    w.pullRequestEvent(7, baseSha, second);
    const replanned = await w.run(['github', 'plan-comment', '--dir', '.', '--out', '../work/pr-plan.json']);
    expect(replanned.exitCode, replanned.stderr).toBe(0);
    expect(github.comments).toHaveLength(1);
    expect(github.comments[0]!.body).toContain('+       CustomAttribute1: "Wave-2"');

    await w.git.checkout('main');
    await w.git.merge(['--no-ff', '-m', 'Merge pull request #7', 'change']);
    const mergeSha = (await w.git.revparse(['HEAD'])).trim();
    github.pulls.push({ number: 7, merged_at: '2026-11-21T08:00:00Z', merge_commit_sha: mergeSha, commits: [first, second] });
    await applyJobs(mergeSha, baseSha);
    const reported = await report();
    expect(reported.exitCode, reported.stderr).toBe(0);

    expect(github.lines()).toEqual([
      `GET ${base}/issues/7/comments?per_page=100`,
      `POST ${base}/issues/7/comments`,
      `GET ${base}/issues/7/comments?per_page=100`,
      `PATCH ${base}/issues/comments/1000`,
      `GET ${base}/commits/${mergeSha}/pulls?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100`,
      `POST ${base}/issues/7/comments`,
      `GET ${base}/issues?labels=exo-gitops-apply-failed&state=open&sort=created&direction=asc&per_page=100`,
    ]);
    expect(github.comments.map((c) => c.body.split('\n')[0])).toEqual([PLAN_MARKER, APPLY_MARKER]);
    const applied = github.comments[1]!.body;
    expect(applied).toContain(`## exo-gitops apply of \`${mergeSha.slice(0, 7)}\`: ✅ applied`);
    // One job per tenant, the target first: Wave-1 waits for the source's scope members, so the target's
    // next apply creates it (the skip is no failure).
    expect(applied).toContain('- `../work/run-northwind.json` (northwind): **succeeded**: 6 succeeded, 0 failed, 1 skipped');
    expect(applied).toContain('- `../work/run-contoso.json` (contoso): **succeeded**: 3 succeeded, 0 failed, 0 skipped');
    expect(github.issues).toEqual([]);
    expect(reported.stdout).toContain('apply succeeded');
  });

  it('a failed apply comments on the pull request and opens an issue; the next successful apply closes it', async () => {
    const { baseSha, mergeSha } = await mergedPullRequest();
    await applyJobs(mergeSha, baseSha, true);
    expect(existsSync(join(w.work, 'run-contoso.json'))).toBe(false);
    const failed = await report();
    expect(failed.exitCode, failed.stderr).toBe(0);
    expect(github.lines()).toEqual([
      `GET ${base}/commits/${mergeSha}/pulls?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100`,
      `POST ${base}/issues/7/comments`,
      `GET ${base}/issues?labels=exo-gitops-apply-failed&state=open&sort=created&direction=asc&per_page=100`,
      `POST ${base}/issues`,
    ]);
    const opened = github.requests[4]!.body;
    expect(opened.title).toBe(`exo-gitops apply failed at ${mergeSha.slice(0, 7)}`);
    expect(opened.labels).toEqual(['exo-gitops-apply-failed']);
    expect(opened.body).toMatch(new RegExp(`^${APPLY_FAILED_MARKER}\\nApply of \`${mergeSha}\` \\(merged in #7\\): ❌ failed\\.`));
    expect(opened.body).toContain('❌ `northwind/MailUser/LaraN`');
    expect(opened.body).toContain('- `../work/run-contoso.json`: no run record (the file does not exist)');
    expect(github.comments[0]!.body).toContain('❌ failed');

    // Re-run after the cause is fixed: the same comment is updated and the issue closed.
    github.requests.length = 0;
    await applyJobs(mergeSha, baseSha);
    const fixed = await report();
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(github.lines()).toEqual([
      `GET ${base}/commits/${mergeSha}/pulls?per_page=100`,
      `GET ${base}/issues/7/comments?per_page=100`,
      `PATCH ${base}/issues/comments/1000`,
      `GET ${base}/issues?labels=exo-gitops-apply-failed&state=open&sort=created&direction=asc&per_page=100`,
      `POST ${base}/issues/8/comments`,
      `PATCH ${base}/issues/8`,
    ]);
    expect(github.requests[5]!.body).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(github.comments[0]!.body).toContain('✅ applied');
    expect(github.issues[0]!.state).toBe('closed');
  });

  it('a stale plan is refused, recorded, and reported as refused', async () => {
    const { baseSha, mergeSha } = await mergedPullRequest();
    const plan = await w.run(['plan', '--dir', '.', '--out', '../work/plan.json']);
    expect(plan.exitCode).toBe(2);
    // Someone changes northwind by hand between plan and apply.
    const file = join(w.tenants, 'northwind.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.MailUser[0].CustomAttribute2 = 'changed by hand';
    (await import('node:fs')).writeFileSync(file, JSON.stringify(state));
    const stale = await w.run(['apply', '--dir', '.', '--plan', '../work/plan.json', '--tenant', 'northwind', '--yes', '--record', '../work/run-northwind.json', '--baseline-ref', baseSha]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stderr).toContain('apply: plan is stale: re-plan (live state of tenant northwind changed since the plan was made)');
    const record = JSON.parse(readFileSync(join(w.work, 'run-northwind.json'), 'utf8'));
    expect(record).toMatchObject({ outcome: 'refused', refusals: ['the plan is stale: live state of tenant northwind changed since the plan was made'] });
    w.env.GITHUB_SHA = mergeSha;
    await report();
    expect(github.comments[0]!.body).toContain('⛔ refused (nothing was changed)');
    expect(github.issues).toHaveLength(1);
  });
});

describe('the drift issue', () => {
  it('opens when drift appears, is updated while it persists, and is closed with a comment when it is gone', async () => {
    const issues = `GET ${base}/issues?labels=exo-gitops-drift&state=open&sort=created&direction=asc&per_page=100`;
    const first = await w.run(['github', 'drift', '--dir', '.', '--out', '../work/drift.json']);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout).toContain('drift issue opened: https://github.test/contoso-it/exo-config/issues/1');
    const second = await w.run(['github', 'drift', '--dir', '.']);
    expect(second.exitCode, second.stderr).toBe(0);
    const applied = await w.run(['apply', '--dir', '.', '--yes']);
    expect(applied.exitCode, applied.stderr).toBe(0);
    const third = await w.run(['github', 'drift', '--dir', '.']);
    expect(third.exitCode, third.stderr).toBe(0);
    const fourth = await w.run(['github', 'drift', '--dir', '.']);
    expect(fourth.stdout).toBe('no drift; no drift issue open');

    expect(github.lines()).toEqual([issues, `POST ${base}/issues`, issues, `PATCH ${base}/issues/1`, issues, `POST ${base}/issues/1/comments`, `PATCH ${base}/issues/1`, issues]);
    const [, open, , update, , comment, close] = github.requests;
    expect(open!.body.title).toBe('exo-gitops: live state has drifted from the desired state');
    expect(open!.body.labels).toEqual(['exo-gitops-drift']);
    expect(open!.body.body).toMatch(new RegExp(`^${DRIFT_MARKER}\\nLive state no longer matches the desired state at \`[0-9a-f]{7}\`\\.`));
    expect(open!.body.body).toContain('**Plan:** 4 to create, 5 to update');
    expect(open!.body.body).toContain('+ MigrationBatch Wave-1');
    expect(open!.body.body).toContain('+ MailUser IsaiahL');
    expect(update!.body.title).toBe(open!.body.title);
    expect(update!.body.body).toContain('+ MailUser IsaiahL');
    expect(comment!.body.body).toMatch(new RegExp(`^${DRIFT_MARKER}\\n✅ Drift is gone: live state matches the desired state at \`[0-9a-f]{7}\``));
    expect(close!.body).toEqual({ state: 'closed', state_reason: 'completed' });
    expect(github.issues.map((i) => [i.number, i.state, i.labels])).toEqual([[1, 'closed', ['exo-gitops-drift']]]);
    expect(JSON.parse(readFileSync(join(w.work, 'drift.json'), 'utf8')).formatVersion).toBe(1);
    expect(w.summary()).toContain('No drift: live state matches the desired state');
  });
});

describe('blocked is not pending', () => {
  it('only blocked changes: plan exits 0 and says where to act, apply asks nothing, and the drift issue reports them once, then closes and stays closed', async () => {
    expect((await w.run(['apply', '--dir', '.', '--yes'])).exitCode).toBe(0);
    // Diego's mail user is synced from on-premises AD: an X500 address lost there is a change exo-gitops cannot make.
    const removeX500 = (which: RegExp) => {
      const file = join(w.tenants, 'northwind.json');
      const state = JSON.parse(readFileSync(file, 'utf8'));
      const diego = state.MailUser.find((u: { Alias: string }) => u.Alias === 'DiegoS');
      diego.EmailAddresses = diego.EmailAddresses.filter((a: string) => !which.test(a));
      writeFileSync(file, JSON.stringify(state));
    };
    removeX500(/^X500:.*-Diego$/);
    const plan = await w.run(['plan', '--dir', '.', '--format', 'json']);
    expect(plan.exitCode, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout);
    expect(json.summary).toMatchObject({ create: 0, update: 0, delete: 0, replace: 0, blocked: 1 });
    expect(json.findings).toContainEqual(expect.objectContaining({ code: 'BlockedChange', severity: 'warning', tenant: 'northwind', object: 'DiegoS', message: expect.stringContaining('on-premises') }));
    const text = await w.run(['plan', '--dir', '.']);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toContain('Nothing to apply: 1 blocked change(s) need action outside exo-gitops');
    // Nothing to run: no confirmation, no session, exit 0.
    const apply = await w.run(['apply', '--dir', '.', '--record', '../work/run.json']);
    expect(apply.exitCode, apply.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(w.work, 'run.json'), 'utf8')).results).toEqual([expect.objectContaining({ id: 'northwind/MailUser/DiegoS', outcome: 'skipped' })]);

    const reported = await w.run(['github', 'drift', '--dir', '.']);
    expect(reported.stdout).toBe('no drift apply can fix; 1 change(s) need action outside exo-gitops; drift issue opened: https://github.test/contoso-it/exo-config/issues/1');
    const body = github.issues[0]!.body;
    expect(body).toContain('#### Needs action outside exo-gitops: 1');
    expect(body).toMatch(/- `northwind\/MailUser\/DiegoS`: .*on-premises AD/);
    expect(body).toContain('Nothing is left for apply');
    const closed = await w.run(['github', 'drift', '--dir', '.']);
    expect(closed.stdout).toBe('no drift apply can fix; 1 change(s) need action outside exo-gitops, reported before; drift issue closed: https://github.test/contoso-it/exo-config/issues/1');
    expect(github.issues[0]!.state).toBe('closed');
    expect(github.requests.at(-2)!.body.body).toContain('only the 1 change needing action outside exo-gitops listed above remain, already reported');
    const quiet = await w.run(['github', 'drift', '--dir', '.']);
    expect(quiet.stdout).toBe('no drift apply can fix; 1 change(s) need action outside exo-gitops, reported before; no drift issue open');
    expect(github.issues).toHaveLength(1);

    // More to do outside exo-gitops: reported again, in a new issue.
    const file = join(w.tenants, 'northwind.json');
    const state = JSON.parse(readFileSync(file, 'utf8'));
    state.MailUser.find((u: { Alias: string }) => u.Alias === 'DiegoS').ExternalEmailAddress = 'SMTP:Diego.Old@contoso.onmicrosoft.com';
    writeFileSync(file, JSON.stringify(state));
    const again = await w.run(['github', 'drift', '--dir', '.']);
    expect(again.stdout).toContain('drift issue opened: https://github.test/contoso-it/exo-config/issues/2');
  });
});

describe('setup problems: exit 1, nothing posted', () => {
  it('missing or malformed GITHUB_* variables are all named at once', async () => {
    const r = await w.run(['github', 'drift'], { GITHUB_TOKEN: undefined, GITHUB_REPOSITORY: 'no-slash', GITHUB_API_URL: 'ftp://x' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('GITHUB_TOKEN is not set');
    expect(r.stderr).toContain('GITHUB_REPOSITORY must be owner/name, got "no-slash"');
    expect(r.stderr).toContain('GITHUB_API_URL must be an http(s) URL');
    const p = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(p.exitCode).toBe(1);
    expect(p.stderr).toContain('GITHUB_EVENT_PATH is not set');
    w.env.GITHUB_EVENT_PATH = join(w.work, 'missing.json');
    expect((await w.run(['github', 'plan-comment', '--state', 'state'])).stderr).toContain('cannot be read');
    expect((await w.run(['github', 'apply-report', '--record', 'run.json'], { GITHUB_SHA: 'main' })).stderr).toContain('--sha must be a full commit SHA');
    expect(github.requests).toEqual([]);
  });

  it('a fork pull request gets the offline plan in the job summary only: no request at all, no token needed', async () => {
    const baseSha = (await w.git.revparse(['HEAD'])).trim();
    w.pullRequestEvent(12, baseSha, baseSha, 'someone/exo-config');
    const r = await w.run(['github', 'plan-comment', '--state', 'state', '--summary-only'], { GITHUB_TOKEN: undefined });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(github.requests).toEqual([]);
    expect(w.summary()).toContain('## exo-gitops plan for #12');
    expect(w.summary()).toContain('**Offline plan**: no tenant was read');
    // Without --summary-only, a fork is still never posted to.
    const auto = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(auto.stderr).toContain('comes from a fork (someone/exo-config): writing the job summary only');
    expect(github.requests).toEqual([]);
  });

  it('a GitHub error is reported with its status and exits 1', async () => {
    const baseSha = (await w.git.revparse(['HEAD'])).trim();
    w.pullRequestEvent(7, baseSha, baseSha);
    github.failures.set(`POST ${base}/issues/7/comments`, 403);
    const r = await w.run(['github', 'plan-comment', '--state', 'state']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('posting the plan comment on #7 failed (HTTP 403): Resource not accessible by integration');
  });
});
