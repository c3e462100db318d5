// The bodies are pure: the comment stays within GitHub's limit however large the plans, and the
// split keeps an action that changed between base and head on both sides of the ledger.
import { describe, expect, it } from 'vitest';
import { applyReportBody, driftIssueBody, hasDrift, planCommentBody, PLAN_MARKER } from '../../src/github/bodies.js';
import { splitPlans } from '../../src/github/split.js';
import { summarize, type Action, type Plan } from '../../src/model/plan.js';
import { GITHUB_COMMENT_LIMIT } from '../../src/render/plan-markdown.js';

function action(id: number, value: string): Action {
  return { id: `northwind/MailUser/U${id}`, tenant: 'northwind', kind: 'MailUser', identity: `U${id}`, action: 'update', destructive: [], dependsOn: [], changes: [{ field: 'CustomAttribute1', before: 'x'.repeat(40), after: value }] };
}

function plan(actions: Action[]): Plan {
  const tenants = [{ tenant: 'northwind', role: 'target' as const, organization: 'northwindtraders.onmicrosoft.com', connection: { accessTokenEnv: 'T' }, actions }];
  return { formatVersion: 1, commit: null, desiredDigest: 'sha256:0', snapshotDigests: {}, tenants, findings: [], summary: summarize(tenants), maxActionsPerTenant: 0, readiness: [], batches: [] };
}

describe('plan comment body', () => {
  it('separates by id and changes: an action the head plans differently is introduced, and its base form undone', () => {
    const base = plan([action(1, 'a'), action(2, 'b')]);
    const head = plan([action(1, 'a'), action(2, 'changed'), action(3, 'c')]);
    const split = splitPlans(base, head);
    expect(split.introduced.tenants[0]!.actions.map((a) => a.id)).toEqual(['northwind/MailUser/U2', 'northwind/MailUser/U3']);
    expect(split.alreadyThere.tenants[0]!.actions.map((a) => a.id)).toEqual(['northwind/MailUser/U1']);
    expect(split.removed.map((a) => a.id)).toEqual(['northwind/MailUser/U2']);
  });

  it.each([
    [3_000, 3_000],
    [6_000, 10],
    [10, 6_000],
  ])('stays within 65,536 characters with %i introduced and %i drifted actions, both sections present', (introduced, drifted) => {
    const old = Array.from({ length: drifted }, (_, i) => action(100_000 + i, 'drift'));
    const base = plan([...old, ...Array.from({ length: 500 }, (_, i) => action(200_000 + i, 'gone'))]);
    const head = plan([...old, ...Array.from({ length: introduced }, (_, i) => action(i, 'new'))]);
    const body = planCommentBody({ pullRequest: 1, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), split: splitPlans(base, head), live: { kind: 'exported', at: 'now' }, runUrl: 'https://github.test/run' });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body.startsWith(PLAN_MARKER)).toBe(true);
    expect(body).toContain('### Changes this pull request introduces');
    expect(body).toContain('### Drift already there');
    expect(body).toContain('#### Drift this pull request undoes or changes');
    expect(body).toContain('[workflow run](https://github.test/run)');
  });

  it('an apply report with thousands of failures stays within the limit', () => {
    const results = Array.from({ length: 5_000 }, (_, i) => ({ id: `northwind/MailUser/U${i}`, tenant: 'northwind', kind: 'MailUser', identity: `U${i}`, action: 'update', outcome: 'failed', durationMs: 1, error: 'x'.repeat(200) }));
    const record = { formatVersion: 1, outcome: 'failed', startedAt: '', finishedAt: '', actor: 'a', commit: null, plan: { digest: '', desiredDigest: '', snapshotDigests: {} }, summary: { succeeded: 0, failed: 5_000, skipped: 0 }, refusals: [], tenants: [], results } as any;
    const body = applyReportBody({ runs: [{ file: 'run.json', record }], sha: 'c'.repeat(40) });
    expect(body.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(body).toContain('… more failures in the run record artifact');
  });
});

describe('drift issue body', () => {
  it('a failed migration user keeps the drift issue open, with Exchange\'s error in it, even with no action to take', () => {
    const failed: Plan = {
      ...plan([]),
      batches: [{ tenant: 'northwind', batch: 'Wave-1', source: 'contoso', status: 'SyncedWithErrors', users: 2, blocked: [], counts: { total: 2, active: 0, synced: 1, finalized: 0, failed: 1 }, failedUsers: [{ user: 'u2@northwindtraders.com', status: 'Failed', error: 'MailboxNotInCrossTenantMigrationScopeException' }] }],
    };
    expect(hasDrift(plan([]))).toBe(false);
    expect(hasDrift(failed)).toBe(true);
    const body = driftIssueBody({ plan: failed, checkedAt: '2026-12-01T00:00:00Z' });
    expect(body).toContain('1 migration user(s) failed in Exchange');
    expect(body).toContain('| `Wave-1` | `u2@northwindtraders.com` | Failed | MailboxNotInCrossTenantMigrationScopeException |');
  });
});
