// The plan as a pull-request comment or job summary: a summary table, findings, destructive changes
// first, each tenant's actions in a collapsible section. GitHub refuses a comment over 65,536
// characters, so the rendering stops adding lines before that and says where the full plan is.
// Invisible and control characters in values are shown escaped (./markdown.ts): GitHub would render
// a bidi override or a zero-width character as it is, and the reviewer would not see it.

import type { Plan } from '../model/plan.js';
import { actionCount, delegateRightsText, runnableCount, summarize } from '../model/plan.js';
import { alert, code, fenceSafe, findingItem, inline, linesThatFit, smallPrint } from './markdown.js';
import { formatAddress, formatLocation } from '../model/address.js';
import type { Finding } from '../model/finding.js';
import { batchLine, LEGEND, notMovedLine, objectBlocks, pendingLine, readinessLine, readinessReason, type DiffLine } from './values.js';
import { summaryLine } from './plan-text.js';

export const GITHUB_COMMENT_LIMIT = 65_536;

export interface MarkdownOptions {
  /** Characters the result may take, at most (default: GitHub's comment limit). */
  limit?: number;
  /** A heading above everything, e.g. "Changes this pull request introduces". */
  title?: string;
  /** Where the complete plan can be found when this one is cut short. */
  fullPlanHint?: string;
  /** What merging does, shown under the changes (default ON_MERGE). */
  onMerge?: string;
}

/** What merging does, in the example workflows' terms (docs/github.md); a repository with its own says so through `onMerge`. */
export const ON_MERGE =
  '**On merge:** apply re-plans from the merged commit and applies each tenant in its own job, once a reviewer of that tenant\'s environment approves it. Blocked (`!`) actions never run.';

/** BlockedChange findings as one item per reason: how many, and the first few objects. */
function blockedSummary(findings: readonly Finding[]): string[] {
  const byReason = new Map<string, Finding[]>();
  for (const f of findings) {
    const reason = f.message.replace(/^\S+ is blocked: /, '');
    byReason.set(reason, [...(byReason.get(reason) ?? []), f]);
  }
  return [...byReason].map(([reason, items]) => {
    const objects = items.slice(0, 3).map((f) => code(formatAddress(f.tenant, f.kind ?? '', f.object ?? ''))).join(', ');
    return `- ⚠️ warning ${code('BlockedChange')} ×${items.length} (${objects}${items.length > 3 ? ', …' : ''}): ${inline(reason)}`;
  });
}

function diffLines(line: DiffLine): string[] {
  if (line.sign === '~') return [`-       ${line.before}`, `+       ${line.after}`];
  if (line.sign === ' ') return [`        ${line.text}`];
  return [`${line.sign}       ${line.text}`];
}

export function renderPlanMarkdown(plan: Plan, options: MarkdownOptions = {}): string {
  const limit = options.limit ?? GITHUB_COMMENT_LIMIT;
  const title = options.title ?? 'exo-gitops plan';
  const head: string[] = [`### ${title}`, ''];

  if (actionCount(plan.summary) === 0) head.push('**No changes.** Live state matches the desired state in every tenant.', '');
  else if (runnableCount(plan.summary) === 0) head.push(`**Nothing to apply.** ${plan.summary.blocked} blocked change(s) need action outside exo-gitops: see the \`BlockedChange\` findings.`, '');
  else head.push(`**Plan:** ${summaryLine(plan.summary)}.`, '');
  head.push('| Tenant | Role | Create | Update | Replace | Delete | Blocked | Destructive |', '|---|---|--:|--:|--:|--:|--:|--:|');
  for (const tenant of plan.tenants) {
    const s = summarize([tenant]);
    head.push(`| ${inline(tenant.tenant)} | ${tenant.role} | ${s.create} | ${s.update} | ${s.replace} | ${s.delete} | ${s.blocked} | ${s.destructive} |`);
  }
  head.push('');
  if (plan.readiness.length > 0) head.push(`**Readiness:** ${readinessLine(plan.readiness)}.`, '');
  if (actionCount(plan.summary) > 0) head.push(`<sub>${inline(LEGEND)}</sub>`, '');
  if (plan.summary.destructive > 0) {
    // Each destructive change by name and YAML position: the reviewer goes straight to it.
    const destructive = plan.tenants.flatMap((t) => t.actions.filter((a) => a.destructive.length > 0 && a.action !== 'blocked'));
    const shown = destructive.slice(0, 20).map((a) => `> - ${code(a.id)} (${a.destructive.join(', ')})${a.source ? ` at ${code(formatLocation(a.source))}` : ''}`);
    const more = destructive.length > shown.length ? [`> - … and ${destructive.length - shown.length} more, first in each tenant's section below`] : [];
    head.push(
      [alert('WARNING', `${plan.summary.destructive} destructive change(s), first in each tenant's section below. Apply refuses them unless their class is allowed (\`--allow delete\`, \`--allow remove-member\`, …):`), ...shown, ...more].join('\n'),
      '',
    );
  }

  const body: string[] = [];
  const notReady = plan.readiness.filter((row) => row.status !== 'ready');
  if (notReady.length > 0) {
    body.push(`#### Readiness: ${notReady.length} of ${plan.readiness.length} moving mailbox(es) not ready`, '', '| Status | Mail user | Source mailbox | Why |', '|---|---|---|---|');
    for (const row of notReady) {
      const { mailUser, source, why } = readinessReason(row);
      body.push(`| ${row.status === 'blocked' ? '❌ blocked' : '⚠️ warning'} | ${code(mailUser)} | ${code(source)} | ${inline(why)} |`);
    }
    body.push('');
  }
  if (plan.batches.length > 0) {
    body.push('#### Migration batches', '', '| Batch | Status | Listed | In Exchange | Synced | Completed | Failed | Not ready |', '|---|---|--:|--:|--:|--:|--:|--:|');
    for (const batch of plan.batches) {
      const c = batch.counts;
      body.push(`| ${code(`${batch.tenant}/${batch.batch}`)} ← ${inline(batch.source)} | ${inline(batch.status)} | ${batch.users} | ${c.total} | ${c.synced} | ${c.finalized} | ${c.failed} | ${batch.blocked.length} |`);
    }
    body.push('');
    const failed = plan.batches.flatMap((batch) => batch.failedUsers.map((user) => ({ batch, user })));
    if (failed.length > 0) {
      body.push(`#### Failed migration users: ${failed.length}`, '', '| Batch | User | Status | Exchange\'s error |', '|---|---|---|---|');
      for (const { batch, user } of failed) body.push(`| ${code(batch.batch)} | ${code(user.user)} | ${inline(user.status)} | ${inline(user.error)} |`);
      body.push('');
    }
  }
  const delegation = plan.delegation;
  if (delegation && delegation.splitPairs.length > 0) {
    // The split pairs by name: the reviewer sees who must move together before approving.
    body.push(`#### Delegates moving apart: ${delegation.splitPairs.length} pair(s)`, '', '| Source | Delegate | Batch | Holds | On principal | Batch |', '|---|---|---|---|---|---|');
    for (const pair of delegation.splitPairs) {
      const batch = (b: string | null) => (b === null ? '_none_' : code(b));
      body.push(`| ${inline(pair.tenant)} | ${code(pair.delegate.user)} | ${batch(pair.delegate.batch)} | ${inline(delegateRightsText(pair.rights))} | ${code(pair.principal.user)} | ${batch(pair.principal.batch)} |`);
    }
    body.push('');
  }
  if (delegation && delegation.notMoved.length + delegation.pending.length > 0) {
    body.push(`#### Delegates not re-stamped: ${delegation.notMoved.length + delegation.pending.length}`, '');
    for (const item of delegation.notMoved) body.push(`- ${inline(notMovedLine(item))}`);
    for (const item of delegation.pending) body.push(`- ${inline(pendingLine(item))}`);
    body.push('');
  }
  if (plan.findings.length > 0) {
    const errors = plan.findings.filter((f) => f.severity === 'error').length;
    body.push(`#### Findings: ${errors} error(s), ${plan.findings.length - errors} warning(s)`, '');
    // Errors first: a long list of warnings must not push them out of a comment cut at GitHub's limit.
    // Blocked changes are listed in their tenant's section already: here one line per reason, counted.
    const blocked = plan.findings.filter((f) => f.code === 'BlockedChange');
    const others = plan.findings.filter((f) => f.code !== 'BlockedChange');
    body.push(...others.filter((f) => f.severity === 'error').map(findingItem), ...others.filter((f) => f.severity !== 'error').map(findingItem));
    body.push(...blockedSummary(blocked));
    body.push('');
  }
  for (const tenant of plan.tenants) {
    if (tenant.actions.length === 0) continue;
    body.push(`<details${tenant.actions.length <= 20 ? ' open' : ''}><summary><b>${inline(tenant.tenant)}</b> (${tenant.role}): ${summaryLine(summarize([tenant]))}</summary>`, '', '```diff');
    // The same symbols as the terminal's; every value line starts with its own + or - in column 0,
    // which GitHub's diff highlighting colours green or red (a change is its old line and its new one).
    for (const block of objectBlocks(tenant.actions)) {
      body.push(fenceSafe(`${block.symbol} ${block.title}`));
      for (const line of block.lines) body.push(...diffLines(line).map(fenceSafe));
    }
    body.push('```', '', '</details>', '');
  }

  const onMerge = runnableCount(plan.summary) > 0 ? [options.onMerge ?? ON_MERGE, ''] : [];
  const footer = [
    ...onMerge,
    ...(plan.commit ? [smallPrint([`commit ${plan.commit.sha.slice(0, 12)}${plan.commit.dirty ? ' (with uncommitted changes)' : ''}`, `desired ${plan.desiredDigest.slice(7, 19)}`])] : []),
  ];
  const full = [...head, ...body, ...footer].join('\n');
  if (full.length <= limit) return full;

  // Too long: keep whole lines while they fit, close any open fence and section, and say so.
  const note = (hidden: number) =>
    `\n\n${alert('NOTE', `The plan is too long for one comment: ${hidden} more line(s) are not shown. ${options.fullPlanHint ?? 'The complete plan is in the workflow run\'s plan artifact.'}`)}`;
  const reserve = 200 + (options.fullPlanHint?.length ?? 80);
  const shown = body.slice(0, linesThatFit(body, head.join('\n').length, limit - 1 - reserve).count);
  const kept: string[] = [...head, ...shown];
  const inFence = shown.filter((line) => line.startsWith('```')).length % 2 === 1;
  if (inFence) kept.push('```', '', '</details>');
  else if (kept.some((l) => l.startsWith('<details')) && kept.lastIndexOf('</details>') < kept.findLastIndex((l) => l.startsWith('<details'))) kept.push('</details>');
  return `${kept.join('\n')}${note(body.length - shown.length)}`.slice(0, limit);
}
