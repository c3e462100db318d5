// The readiness report: one row per target mail user linked to a source mailbox, from what the plan
// already found. A mailbox is blocked by an error about itself, about its pair of tenants or about
// either tenant, or by an action of its own apply will not run; a warning makes it "warning".

import type { Resource } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import { READINESS, type Action, type ReadinessRow } from '../model/plan.js';

export interface MailUserOutcome {
  user: Resource<'MailUser'>;
  /** The batch the user moves in, when a MigrationBatch lists it. */
  batch?: string;
  findings: readonly Finding[];
  actions: readonly Action[];
}

const collator = new Intl.Collator('en', { sensitivity: 'base' });

/**
 * @param held findings that hold up every move of a (target, source) pair: the pair's own and each
 *   tenant's (TenantIdMismatch…), keyed by `target\0source`.
 */
export function readinessRows(outcomes: readonly MailUserOutcome[], held: ReadonlyMap<string, readonly Finding[]>): Map<Resource<'MailUser'>, ReadinessRow> {
  const rows = new Map<Resource<'MailUser'>, ReadinessRow>();
  // One row per moving mailbox (50,000 in a large repository): the pair's findings are looked up once
  // per run of rows of the same pair, and a row with no finding builds no lists to find its codes in.
  let pairTarget: string | undefined;
  let pairSource: string | undefined;
  let pairFindings: readonly Finding[] = [];
  for (const { user, findings, actions, batch } of outcomes) {
    const link = user.spec.source;
    if (!link || user.tenant === null) continue;
    if (user.tenant !== pairTarget || link.tenant !== pairSource) {
      pairTarget = user.tenant;
      pairSource = link.tenant;
      pairFindings = held.get(`${user.tenant}\0${link.tenant}`) ?? [];
    }
    const blockedActions: string[] = [];
    for (const action of actions) if (action.action === 'blocked') blockedActions.push(action.id);
    let status: ReadinessRow['status'];
    let codes: string[];
    if (findings.length === 0 && pairFindings.length === 0) {
      status = blockedActions.length > 0 ? 'blocked' : 'ready';
      codes = [];
    } else {
      const all = [...findings, ...pairFindings];
      const errors = all.filter((f) => f.severity === 'error').map((f) => f.code);
      const warnings = all.filter((f) => f.severity === 'warning').map((f) => f.code);
      status = errors.length > 0 || blockedActions.length > 0 ? 'blocked' : warnings.length > 0 ? 'warning' : 'ready';
      codes = [...new Set([...errors.sort(), ...warnings.sort()])];
    }
    rows.set(user, {
      tenant: user.tenant,
      mailUser: user.name,
      ...(batch !== undefined ? { batch } : {}),
      source: { tenant: link.tenant, mailbox: link.mailbox },
      status,
      codes,
      blockedActions,
    });
  }
  return rows;
}

/** Blocked first, then warnings, then ready; by tenant and mail user within each. */
export function sortReadiness(rows: Iterable<ReadinessRow>): ReadinessRow[] {
  return [...rows].sort((a, b) => READINESS.indexOf(a.status) - READINESS.indexOf(b.status) || (a.tenant < b.tenant ? -1 : a.tenant > b.tenant ? 1 : 0) || collator.compare(a.mailUser, b.mailUser));
}
