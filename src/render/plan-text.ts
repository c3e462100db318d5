// The plan for a terminal, as terraform shows one, in the vocabulary of every view (values.ts):
// + create, ~ update, - delete, -/+ replace, ! blocked; each object once, its values below it with
// their own sign. Colour only when asked (picocolors, decided in settings: --no-color, NO_COLOR,
// FORCE_COLOR, TERM=dumb). Invisible and control characters are shown escaped before any colour.

import pc from 'picocolors';
import { formatLocation } from '../model/address.js';
import type { Plan, PlanSummary, TenantPlan } from '../model/plan.js';
import { summarize, actionCount, runnableCount } from '../model/plan.js';
import { renderFindingText } from './findings.js';
import { showInvisible } from '../util/invisible.js';
import { batchLine, LEGEND, notMovedLine, objectBlocks, pendingLine, readinessLine, readinessReason, splitPairLine, type DiffLine } from './values.js';

type Colors = ReturnType<typeof pc.createColors>;

function symbolColour(c: Colors, symbol: string): (text: string) => string {
  switch (symbol) {
    case '+':
      return c.green;
    case '~':
      return c.yellow;
    case '-':
      return c.red;
    case '-/+':
      return c.magenta;
    default:
      return (text) => c.bold(c.magenta(text));
  }
}

function diffLine(c: Colors, line: DiffLine): string {
  const text = showInvisible(line.text);
  if (line.sign === ' ') return `        ${line.text.startsWith('blocked: ') ? c.magenta(text) : text}`;
  return `      ${symbolColour(c, line.sign)(`${line.sign} ${text}`)}`;
}

export function summaryLine(summary: PlanSummary): string {
  return `${summary.create} to create, ${summary.update} to update, ${summary.replace} to replace, ${summary.delete} to delete, ${summary.blocked} blocked; ${summary.destructive} destructive`;
}

function tenantHeading(tenant: TenantPlan): string {
  return `Tenant ${tenant.tenant} (${tenant.role}, ${tenant.organization}): ${tenant.actions.length === 0 ? 'no changes' : summaryLine(summarize([tenant]))}`;
}

export function renderPlanText(plan: Plan, options: { color: boolean }): string {
  const c = pc.createColors(options.color);
  const lines: string[] = [];
  if (actionCount(plan.summary) > 0) lines.push(c.dim(LEGEND), '');
  for (const tenant of plan.tenants) {
    lines.push(c.bold(showInvisible(tenantHeading(tenant))));
    for (const block of objectBlocks(tenant.actions)) {
      const where = block.source ? `  ${c.dim(showInvisible(formatLocation(block.source)))}` : '';
      lines.push(`  ${symbolColour(c, block.symbol)(showInvisible(`${block.symbol} ${block.title}`))}${where}`);
      for (const line of block.lines) lines.push(diffLine(c, line));
    }
    lines.push('');
  }
  if (plan.findings.length > 0) {
    lines.push(c.bold('Findings:'));
    for (const f of plan.findings) lines.push(...renderFindingText(f, options).split('\n').map((l) => `  ${l}`));
    lines.push('');
  }
  if (plan.readiness.length > 0) {
    lines.push(c.bold(`Readiness: ${readinessLine(plan.readiness)}`));
    for (const row of plan.readiness) {
      if (row.status === 'ready') continue;
      const { mailUser, source, why } = readinessReason(row);
      lines.push(`  ${(row.status === 'blocked' ? c.red : c.yellow)(row.status.padEnd(7))} ${showInvisible(`${mailUser} ← ${source}: ${why}`)}`);
    }
    lines.push('');
  }
  if (plan.batches.length > 0) {
    lines.push(c.bold('Migration batches:'));
    for (const batch of plan.batches) {
      lines.push(`  ${showInvisible(batchLine(batch))}`);
      for (const user of batch.failedUsers) lines.push(`    ${c.red('failed')} ${showInvisible(`${user.user} (${user.status}): ${user.error}`)}`);
    }
    lines.push('');
  }
  const delegation = plan.delegation;
  if (delegation && delegation.splitPairs.length + delegation.notMoved.length + delegation.pending.length > 0) {
    lines.push(c.bold('Delegates:'));
    for (const pair of delegation.splitPairs) lines.push(`  ${c.yellow('apart  ')} ${showInvisible(`${pair.tenant}: ${splitPairLine(pair)}`)}`);
    for (const item of delegation.notMoved) lines.push(`  ${c.yellow('stays  ')} ${showInvisible(`${item.tenant}: ${notMovedLine(item)}`)}`);
    for (const item of delegation.pending) lines.push(`  ${c.yellow('waits  ')} ${showInvisible(pendingLine(item))}`);
    lines.push('');
  }
  lines.push(
    actionCount(plan.summary) === 0
      ? 'No changes: live state matches the desired state in every tenant.'
      : runnableCount(plan.summary) === 0
        ? `Nothing to apply: ${plan.summary.blocked} blocked change(s) need action outside exo-gitops (see the BlockedChange findings).`
        : `Plan: ${summaryLine(plan.summary)}.`,
  );
  return lines.join('\n');
}
