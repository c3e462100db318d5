// Reviewers see what will run: bidi controls, zero-width and other format characters, C0 and C1
// controls in values are shown escaped (\u202E) in the text plan, the markdown plan and every
// pull-request body, by the one function showInvisible.
import { describe, expect, it } from 'vitest';
import { applyReportBody, driftIssueBody, invalidCommentBody, planCommentBody } from '../../src/github/bodies.js';
import { splitPlans } from '../../src/github/split.js';
import type { Finding } from '../../src/model/finding.js';
import { summarize, type Plan } from '../../src/model/plan.js';
import { renderFindingText } from '../../src/render/findings.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { renderPlanText } from '../../src/render/plan-text.js';
import { showInvisible } from '../../src/util/invisible.js';

/** Any character showInvisible must escape; line feeds are the renderings' own. */
const RAW_INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]/u;
const rawInvisible = (text: string): string[] => [...text.replace(/\n/g, '')].filter((c) => RAW_INVISIBLE.test(c)).map((c) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`);

describe('showInvisible', () => {
  it.each([
    ['\u200B', '\\u200B'], ['\u200C', '\\u200C'], ['\u200D', '\\u200D'], ['\u200E', '\\u200E'], ['\u200F', '\\u200F'],
    ['\u202A', '\\u202A'], ['\u202B', '\\u202B'], ['\u202C', '\\u202C'], ['\u202D', '\\u202D'], ['\u202E', '\\u202E'],
    ['\u2066', '\\u2066'], ['\u2067', '\\u2067'], ['\u2068', '\\u2068'], ['\u2069', '\\u2069'],
    ['\uFEFF', '\\uFEFF'], ['\u00AD', '\\u00AD'], ['\u061C', '\\u061C'], ['\u2060', '\\u2060'], ['\u180E', '\\u180E'], ['\u{E0041}', '\\u{E0041}'],
    ['\u0000', '\\u0000'], ['\u0007', '\\u0007'], ['\t', '\\u0009'], ['\r', '\\u000D'], ['\n', '\\u000A'], ['\u001B', '\\u001B'], ['\u007F', '\\u007F'],
    ['\u0085', '\\u0085'], ['\u009B', '\\u009B'], ['\u2028', '\\u2028'], ['\u2029', '\\u2029'], ['\u3164', '\\u3164'], ['\uD800', '\\uD800'],
  ])('escapes %j', (char, escaped) => {
    expect(showInvisible(`a${char}b`)).toBe(`a${escaped}b`);
  });

  it('leaves visible text alone, whatever its script', () => {
    for (const text of ["O'Brien", 'Zoë Ñúñez', 'Łukasz', '中文 名前', 'עברית', 'العربية', '😀 𝔘', 'a\\u202Eb', '`$(x)` | ; &']) expect(showInvisible(text)).toBe(text);
  });

  it('is idempotent', () => {
    const text = 'Contoso\u202Egnp.exe\u200B';
    expect(showInvisible(showInvisible(text))).toBe(showInvisible(text));
  });
});

/** A plan whose every value a reviewer reads hides something. */
function trojanPlan(): Plan {
  const tenants: Plan['tenants'] = [
    {
      tenant: 'north\u200Bwind',
      organization: 'northwindtraders.onmicrosoft.com\uFEFF',
      connection: { accessTokenEnv: 'T' },
      role: 'target',
      actions: [
        {
          id: 'northwind/MailUser/Lara\u202EnaL', tenant: 'northwind', kind: 'MailUser', identity: 'Lara\u202EnaL', action: 'update',
          changes: [
            { field: 'CustomAttribute1', before: 'a', after: 'Project\u2066\u2069 \u00AD\u009B31m' },
            { field: 'EmailAddresses', add: ['smtp:lara\u200D@northwindtraders.com'], remove: ['smtp:old\u2028@northwindtraders.com'], derivedFrom: 'contoso mailbox \u200Fx' },
          ],
          destructive: ['remove-address'], dependsOn: [], source: { file: 'north\u202Awind.yaml', line: 3, column: 5 },
        },
        { id: 'northwind/MailUser/Synced', tenant: 'northwind', kind: 'MailUser', identity: 'Synced', action: 'blocked', reason: 'synced \u202Efrom on-premises', changes: [], destructive: [], dependsOn: [] },
      ],
    },
  ];
  const findings: Finding[] = [
    { code: 'ExchangeGuidMismatch', severity: 'error', message: 'exchangeGuid of \u202Eanomaly', hint: 'hint \u200B', location: { file: 'x\u2067.yaml', line: 1, column: 1 }, tenant: 'northwind', kind: 'MailUser', object: 'Lara' },
  ];
  return { formatVersion: 1, commit: null, desiredDigest: 'sha256:0', snapshotDigests: {}, tenants, findings, summary: summarize(tenants), maxActionsPerTenant: 0, readiness: [], batches: [] };
}

describe('every rendering a reviewer reads shows invisible characters escaped', () => {
  const plan = trojanPlan();

  it('the text plan', () => {
    const text = renderPlanText(plan, { color: false });
    expect(rawInvisible(text)).toEqual([]);
    expect(text).toContain('~ MailUser Lara\\u202EnaL  [destructive: remove-address]  north\\u202Awind.yaml:3:5');
    expect(text).toContain('CustomAttribute1: "a" → "Project\\u2066\\u2069 \\u00AD\\u009B31m"');
    expect(text).toContain('- EmailAddresses: "smtp:old\\u2028@northwindtraders.com"  (from contoso mailbox \\u200Fx)');
    expect(text).toContain('blocked: synced \\u202Efrom on-premises');
    expect(text).toContain('Tenant north\\u200Bwind (target, northwindtraders.onmicrosoft.com\\uFEFF)');
    expect(text).toContain('x\\u2067.yaml:1:1: error ExchangeGuidMismatch: exchangeGuid of \\u202Eanomaly');
    // In colour, the only control characters are the colours' own escapes.
    expect(rawInvisible(renderPlanText(plan, { color: true }).replace(/\u001b\[[0-9;]*m/g, ''))).toEqual([]);
    expect(rawInvisible(renderFindingText(plan.findings[0]!, { color: false }))).toEqual([]);
  });

  it('the markdown plan', () => {
    const md = renderPlanMarkdown(plan);
    expect(rawInvisible(md)).toEqual([]);
    expect(md).toContain('<b>north\\u200Bwind</b>');
    expect(md).toContain('~ MailUser Lara\\u202EnaL  [destructive: remove-address]');
    expect(md).toContain('exchangeGuid of \\u202Eanomaly');
    expect(md).toContain('| north\\u200Bwind | target |');
  });

  it('the pull-request comment, the drift issue, the invalid-state comment and the apply report', () => {
    const empty: Plan = { ...plan, tenants: [], findings: [], summary: summarize([]) };
    const comment = planCommentBody({ pullRequest: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), split: splitPlans(empty, plan), live: { kind: 'snapshots', directory: 'state\u202E', exportedAt: { 'north\u200Bwind': 'now' } }, baseProblem: 'base \u2066broken' });
    expect(rawInvisible(comment)).toEqual([]);
    expect(comment).toContain('Lara\\u202EnaL');
    expect(comment).toContain('base \\u2066broken');
    expect(comment).toContain('`state\\u202E/`');
    // Undone by the pull request: the removed action's id and title.
    const undone = planCommentBody({ pullRequest: 7, baseSha: 'a'.repeat(40), headSha: 'b'.repeat(40), split: splitPlans(plan, empty), live: { kind: 'exported', at: 'now' } });
    expect(rawInvisible(undone)).toEqual([]);
    expect(undone).toContain('`northwind/MailUser/Lara\\u202EnaL`: MailUser Lara\\u202EnaL');

    const drift = driftIssueBody({ plan, checkedAt: 'now' });
    expect(rawInvisible(drift)).toEqual([]);

    const invalid = invalidCommentBody({ pullRequest: 7, headSha: 'b'.repeat(40), findings: plan.findings });
    expect(rawInvisible(invalid)).toEqual([]);
    expect(invalid).toContain('exchangeGuid of \\u202Eanomaly');

    const result = { id: 'northwind/MailUser/Lara\u202EnaL', tenant: 'northwind', kind: 'MailUser', identity: 'Lara\u202EnaL', action: 'update', outcome: 'failed', durationMs: 1, error: '\u001b[31;1mfailed \u200Bhere\u001b[0m' };
    const record = { formatVersion: 1, outcome: 'failed', startedAt: '', finishedAt: '', actor: 'a', commit: null, plan: { digest: '', desiredDigest: '', snapshotDigests: {} }, summary: { succeeded: 0, failed: 1, skipped: 0 }, refusals: ['refused \u202E:\n  x'], tenants: [{ tenant: 'north\u200Bwind' }], results: [result] } as never;
    const report = applyReportBody({ runs: [{ file: 'run\u202E.json', record }, { file: 'gone\u200B.json', record: null, problem: 'missing \u2066' }], sha: 'c'.repeat(40) });
    expect(rawInvisible(report)).toEqual([]);
    expect(report).toContain('`northwind/MailUser/Lara\\u202EnaL`: \\u001B[31;1mfailed \\u200Bhere\\u001B[0m');
    expect(report).toContain('⛔ refused \\u202E:   x');
    expect(report).toContain('`run\\u202E.json` (north\\u200Bwind, northwind)');
  });
});
