// Properties of the renderings beyond the goldens: markdown within GitHub's limit, destructive
// changes first, colour only on request, digests that ignore export time and order.
import { describe, expect, it } from 'vitest';
import type { Action, Plan } from '../../src/model/plan.js';
import { EMPTY_DELEGATION, summarize } from '../../src/model/plan.js';
import { snapshotDigest } from '../../src/plan/digest.js';
import { parsePlanJson, planToJson } from '../../src/plan/plan-file.js';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { GITHUB_COMMENT_LIMIT, renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { contosoSnapshot } from '../plan/fixtures.js';
import { examplePlan } from './example-plan.js';
import { syntheticPlan } from './synthetic.js';
import { replaceOnce } from '../support/edit.js';

function hugePlan(count: number): Plan {
  const base = syntheticPlan();
  const actions: Action[] = [];
  for (let i = 0; i < count; i++) {
    actions.push({
      id: `northwind/MailUser/user${i}`, tenant: 'northwind', kind: 'MailUser', identity: `user${i}`, action: i % 7 === 0 ? 'delete' : 'update',
      changes: [{ field: 'EmailAddresses', add: [`X500:/o=ExchangeLabs/cn=Recipients/cn=${i}`], remove: i % 7 === 0 ? ['smtp:x@y.com'] : undefined } as never],
      destructive: i % 7 === 0 ? ['remove-address'] : [], dependsOn: [],
    });
  }
  const tenants = [
    { ...base.tenants[0]!, actions },
    { ...base.tenants[1]!, actions: base.tenants[1]!.actions },
  ];
  return { ...base, tenants, summary: summarize(tenants) };
}

const count = (text: string, needle: RegExp) => (text.match(needle) ?? []).length;

describe('markdown', () => {
  it('a 20,000-action plan stays within 65,536 characters, ends with the note, and keeps fences and <details> balanced', () => {
    const md = renderPlanMarkdown(hugePlan(20_000));
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT);
    expect(md.length).toBeGreaterThan(GITHUB_COMMENT_LIMIT - 2_000);
    expect(md).toMatch(/> \[!NOTE\]\n> The plan is too long for one comment: \d+ more line\(s\) are not shown\. The complete plan is in the workflow run's plan artifact\.$/);
    expect(count(md, /^```/gm) % 2).toBe(0);
    expect(count(md, /<details[ >]/g)).toBe(count(md, /<\/details>/g));
    // The summary table and findings are kept whole.
    expect(md).toContain('| northwind | target |');
    expect(md).toContain('#### Findings: 3 error(s), 1 warning(s)');
  });

  it('the truncation note names where the full plan is, and a smaller limit is honoured', () => {
    const md = renderPlanMarkdown(hugePlan(2_000), { limit: 10_000, fullPlanHint: 'Download plan.json from the run.' });
    expect(md.length).toBeLessThanOrEqual(10_000);
    expect(md.endsWith('Download plan.json from the run.')).toBe(true);
    expect(count(md, /^```/gm) % 2).toBe(0);
    expect(count(md, /<details[ >]/g)).toBe(count(md, /<\/details>/g));
  });

  it('at every limit between 3,000 and 12,000 the fences and sections stay balanced', () => {
    const plan = hugePlan(500);
    for (let limit = 3_000; limit <= 12_000; limit += 97) {
      const md = renderPlanMarkdown(plan, { limit });
      expect(md.length, `limit ${limit}`).toBeLessThanOrEqual(limit);
      expect(count(md, /^```/gm) % 2, `limit ${limit}`).toBe(0);
      expect(count(md, /<details[ >]/g), `limit ${limit}`).toBe(count(md, /<\/details>/g));
    }
  });

  it('a plan that fits is not truncated', () => {
    const md = renderPlanMarkdown(examplePlan());
    expect(md).not.toContain('[!NOTE]');
  });

  it('destructive actions come first within each tenant, in plan order otherwise', () => {
    const plan = syntheticPlan();
    const md = renderPlanMarkdown(plan);
    for (const tenant of plan.tenants.filter((t) => t.actions.length > 0)) {
      const section = md.slice(md.indexOf(`<b>${tenant.tenant}</b>`));
      const block = section.slice(section.indexOf('```diff'), section.indexOf('</details>'));
      // Headlines: a symbol, a space, the kind (a value line has spaces after its sign).
      const headlines = block.split('\n').filter((l) => /^(?:[-+~!]|-\/\+) \S/.test(l));
      const destructive = headlines.map((l) => l.includes('[destructive:'));
      const firstSafe = destructive.indexOf(false);
      expect(destructive.slice(firstSafe).every((d) => !d), tenant.tenant).toBe(true);
      // One headline per object, whatever number of its actions is destructive.
      expect(destructive.filter(Boolean)).toHaveLength(new Set(tenant.actions.filter((a) => a.destructive.length > 0 && a.action !== 'blocked').map((a) => `${a.kind}/${a.identity}`)).size);
    }
  });

  it('a plan without changes says so', () => {
    const plan: Plan = { ...syntheticPlan(), tenants: [], findings: [], summary: summarize([]), readiness: [], batches: [], delegation: EMPTY_DELEGATION };
    expect(renderPlanMarkdown(plan)).toContain('**No changes.**');
    expect(renderPlanText(plan, { color: false })).toBe('No changes: live state matches the desired state in every tenant.');
  });
});

describe('text colour', () => {
  it('ANSI codes only with color: true', () => {
    const plan = syntheticPlan();
    const plain = renderPlanText(plan, { color: false });
    const coloured = renderPlanText(plan, { color: true });
    expect(plain).not.toMatch(/\u001b\[/);
    expect(coloured).toMatch(/\u001b\[32m\+ OrganizationRelationship Contoso\u001b\[39m/);
    expect(coloured).toMatch(/\u001b\[1m\u001b\[31merror\u001b\[39m\u001b\[22m/);
    expect(coloured.replace(/\u001b\[[0-9;]*m/g, '')).toBe(plain);
  });
});

describe('json', () => {
  it('round-trips through parsePlanJson, and refuses another formatVersion', () => {
    const plan = syntheticPlan();
    const text = renderPlanJson(plan);
    expect(renderPlanJson(parsePlanJson(text, 'plan.json'))).toBe(text);
    expect(() => parsePlanJson(replaceOnce(text, '"formatVersion": 1', '"formatVersion": 2'), 'plan.json')).toThrow(/formatVersion 2/);
    expect(() => parsePlanJson(text.slice(0, 100), 'plan.json')).toThrow(/plan\.json is not a plan/);
  });

  it('carries the commit and digests; sensitive changes carry no value', () => {
    const json = planToJson(syntheticPlan()) as { commit: unknown; tenants: { actions: { changes: Record<string, unknown>[] }[] }[] };
    expect(json.commit).toEqual({ sha: '0123456789abcdef0123456789abcdef01234567', dirty: true });
    const sensitive = json.tenants.flatMap((t) => t.actions.flatMap((a) => a.changes)).filter((c) => c.sensitive);
    expect(sensitive.length).toBe(2);
    for (const c of sensitive) {
      expect(c).not.toHaveProperty('before');
      expect(c).not.toHaveProperty('after');
    }
  });
});

describe('snapshot digests', () => {
  const digest = snapshotDigest(contosoSnapshot());

  it('ignore exportedAt', () => {
    expect(snapshotDigest({ ...contosoSnapshot(), exportedAt: '2030-01-01T00:00:00Z' })).toBe(digest);
  });

  it('ignore the order of collections, of objects and of values, and key order', () => {
    const s = contosoSnapshot();
    s.AcceptedDomain.reverse();
    s.Mailbox[0]!.EmailAddresses.reverse();
    const reordered = Object.fromEntries(Object.entries(s).reverse()) as typeof s;
    expect(snapshotDigest(reordered)).toBe(digest);
  });

  it('change when a value changes', () => {
    const s = contosoSnapshot();
    s.Mailbox[0]!.LitigationHoldEnabled = true;
    expect(snapshotDigest(s)).not.toBe(digest);
    const t = contosoSnapshot();
    t.DistributionGroup[0]!.Members.push('Someone@contoso.com');
    expect(snapshotDigest(t)).not.toBe(digest);
    const u = contosoSnapshot();
    u.OrganizationConfig.IsDehydrated = true;
    expect(snapshotDigest(u)).not.toBe(digest);
  });

  it('the example plan has one per tenant', () => {
    const plan = examplePlan();
    expect(Object.keys(plan.snapshotDigests)).toEqual(['contoso', 'northwind']);
    expect(plan.desiredDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe('readiness', () => {
  it('counts every moving mailbox and lists the ones not ready, blocked first, in every rendering', () => {
    const plan = syntheticPlan();
    const text = renderPlanText(plan, { color: false });
    expect(text).toContain('Readiness: 4 moving mailboxes: 2 blocked, 1 with warnings, 1 ready');
    expect(text.indexOf('blocked northwind/MailUser/LaraN')).toBeLessThan(text.indexOf('warning northwind/MailUser/PattiF'));
    expect(text).not.toContain('AdeleV');
    const markdown = renderPlanMarkdown(plan);
    expect(markdown).toContain('**Readiness:** 4 moving mailboxes: 2 blocked, 1 with warnings, 1 ready.');
    expect(markdown).toContain('| ❌ blocked | `northwind/MailUser/Synced` | `contoso Synced@contoso.com` | blocked northwind/MailUser/Synced |');
    const json = JSON.parse(renderPlanJson(plan)) as { readiness: { summary: Record<string, number>; mailboxes: { mailUser: string; status: string }[] } };
    expect(json.readiness.summary).toEqual({ blocked: 2, warning: 1, ready: 1 });
    expect(json.readiness.mailboxes.map((m) => m.mailUser)).toEqual(['LaraN', 'Synced', 'PattiF', 'AdeleV']);
    expect(parsePlanJson(renderPlanJson(plan), 'plan.json').readiness).toEqual(plan.readiness);
  });

  it('a plan file with a status or code the model does not know is refused', () => {
    const text = renderPlanJson(syntheticPlan());
    expect(() => parsePlanJson(replaceOnce(text, '"status": "warning"', '"status": "fine"'), 'plan.json')).toThrow(/not a valid plan/);
    expect(() => parsePlanJson(replaceOnce(text, '"ScopeMemberMoved"', '"Whatever"', { all: true }), 'plan.json')).toThrow(/not a valid plan/);
  });
});

describe('migration batches', () => {
  const withBatches = (): Plan => ({
    ...syntheticPlan(),
    batches: [
      { tenant: 'northwind', batch: 'Wave-1', source: 'contoso', status: 'SyncedWithErrors', users: 3, blocked: [], counts: { total: 3, active: 0, synced: 2, finalized: 0, failed: 1 }, failedUsers: [{ user: 'user2@northwindtraders.com', status: 'Failed', error: 'MissingExchangeGuidException: no ExchangeGuid' }] },
      { tenant: 'northwind', batch: 'Wave-2', source: 'contoso', status: 'NotCreated', users: 2, blocked: ['user9@contoso.com'], counts: { total: 0, active: 0, synced: 0, finalized: 0, failed: 0 }, failedUsers: [] },
    ],
  });

  it('every rendering shows each batch\'s progress and the failed users with Exchange\'s error', () => {
    const text = renderPlanText(withBatches(), { color: false });
    expect(text).toContain('northwind/MigrationBatch/Wave-1 ← contoso: SyncedWithErrors; 3 listed, 3 in Exchange: 2 synced, 0 completed, 1 failed');
    expect(text).toContain('failed user2@northwindtraders.com (Failed): MissingExchangeGuidException: no ExchangeGuid');
    expect(text).toContain('northwind/MigrationBatch/Wave-2 ← contoso: NotCreated; 2 listed, not created yet; 1 not ready');
    const md = renderPlanMarkdown(withBatches());
    expect(md).toContain('| `northwind/Wave-1` ← contoso | SyncedWithErrors | 3 | 3 | 2 | 0 | 1 | 0 |');
    expect(md).toContain('| `Wave-1` | `user2@northwindtraders.com` | Failed | MissingExchangeGuidException: no ExchangeGuid |');
  });

  it('the plan file carries the batches and reads them back; a malformed one is refused', () => {
    const json = renderPlanJson(withBatches());
    expect(parsePlanJson(json, 'plan.json').batches).toEqual(withBatches().batches);
    const bad = JSON.parse(json) as { batches: { counts: { failed: unknown } }[] };
    bad.batches[0]!.counts.failed = -1;
    expect(() => parsePlanJson(JSON.stringify(bad), 'plan.json')).toThrow(/batches\/0\/counts\/failed/);
  });
});
