// The plan for a terminal, as terraform shows one: + create, ~ update, - delete, -/+ replace,
// ! blocked, each field before → after; colour only when asked (on a TTY). Invisible and control
// characters in values are shown escaped (showInvisible), before any colour is added.

import { formatLocation } from '../model/address.js';
import type { Plan, PlanSummary, TenantPlan } from '../model/plan.js';
import { summarize, actionCount } from '../model/plan.js';
import { renderFindingText } from './findings.js';
import { showInvisible } from '../util/invisible.js';
import { ACTION_SYMBOL, actionHeadline, batchLine, describeChange, notMovedLine, pendingLine, readinessLine, readinessReason, splitPairLine } from './values.js';

const COLOURS: Record<string, string> = { '+': '32', '~': '33', '-': '31', '-/+': '35', '!': '35;1' };

export function summaryLine(summary: PlanSummary): string {
  return `${summary.create} to create, ${summary.update} to update, ${summary.replace} to replace, ${summary.delete} to delete, ${summary.blocked} blocked; ${summary.destructive} destructive`;
}

function tenantHeading(tenant: TenantPlan): string {
  return `Tenant ${tenant.tenant} (${tenant.role}, ${tenant.organization}): ${tenant.actions.length === 0 ? 'no changes' : summaryLine(summarize([tenant]))}`;
}

export function renderPlanText(plan: Plan, options: { color: boolean }): string {
  const paint = (code: string, text: string): string => (options.color ? `\u001b[${code}m${text}\u001b[0m` : text);
  const lines: string[] = [];
  for (const tenant of plan.tenants) {
    lines.push(paint('1', showInvisible(tenantHeading(tenant))));
    for (const action of tenant.actions) {
      const symbol = ACTION_SYMBOL[action.action];
      const where = action.source ? `  ${paint('2', showInvisible(formatLocation(action.source)))}` : '';
      lines.push(`  ${paint(COLOURS[symbol] ?? '0', showInvisible(actionHeadline(action)))}${where}`);
      if (action.reason) lines.push(`      ${paint('35', showInvisible(`blocked: ${action.reason}`))}`);
      for (const change of action.changes) for (const line of describeChange(change)) lines.push(`      ${showInvisible(line)}`);
    }
    lines.push('');
  }
  if (plan.findings.length > 0) {
    lines.push(paint('1', 'Findings:'));
    for (const f of plan.findings) lines.push(...renderFindingText(f, options).split('\n').map((l) => `  ${l}`));
    lines.push('');
  }
  if (plan.readiness.length > 0) {
    lines.push(paint('1', `Readiness: ${readinessLine(plan.readiness)}`));
    for (const row of plan.readiness) {
      if (row.status === 'ready') continue;
      const { mailUser, source, why } = readinessReason(row);
      lines.push(`  ${paint(row.status === 'blocked' ? '31' : '33', row.status.padEnd(7))} ${showInvisible(`${mailUser} ← ${source}: ${why}`)}`);
    }
    lines.push('');
  }
  if (plan.batches.length > 0) {
    lines.push(paint('1', 'Migration batches:'));
    for (const batch of plan.batches) {
      lines.push(`  ${showInvisible(batchLine(batch))}`);
      for (const user of batch.failedUsers) lines.push(`    ${paint('31', 'failed')} ${showInvisible(`${user.user} (${user.status}): ${user.error}`)}`);
    }
    lines.push('');
  }
  const delegation = plan.delegation;
  if (delegation && delegation.splitPairs.length + delegation.notMoved.length + delegation.pending.length > 0) {
    lines.push(paint('1', 'Delegates:'));
    for (const pair of delegation.splitPairs) lines.push(`  ${paint('33', 'apart  ')} ${showInvisible(`${pair.tenant}: ${splitPairLine(pair)}`)}`);
    for (const item of delegation.notMoved) lines.push(`  ${paint('33', 'stays  ')} ${showInvisible(`${item.tenant}: ${notMovedLine(item)}`)}`);
    for (const item of delegation.pending) lines.push(`  ${paint('33', 'waits  ')} ${showInvisible(pendingLine(item))}`);
    lines.push('');
  }
  lines.push(
    actionCount(plan.summary) === 0
      ? 'No changes: live state matches the desired state in every tenant.'
      : `Plan: ${summaryLine(plan.summary)}.`,
  );
  return lines.join('\n');
}
