// The plan as JSON: its own versioned object with a fixed key order (Terraform's jsonplan idea), not a
// dump of internal types. docs/plan-json.md documents every field; formatVersion changes when a
// field's meaning does.

import { PLAN_FORMAT_VERSION, type Action, type Plan } from '../model/plan.js';
import { findingToJson } from './findings.js';
import type { Finding, FindingCode } from '../model/finding.js';

function actionToJson(a: Action): Record<string, unknown> {
  return {
    id: a.id,
    tenant: a.tenant,
    kind: a.kind,
    identity: a.identity,
    action: a.action,
    ...(a.reason !== undefined ? { reason: a.reason } : {}),
    destructive: a.destructive,
    dependsOn: a.dependsOn,
    changes: a.changes.map((c) => ({
      field: c.field,
      ...('before' in c ? { before: c.before ?? null } : {}),
      ...('after' in c ? { after: c.after ?? null } : {}),
      ...(c.add ? { add: c.add } : {}),
      ...(c.remove ? { remove: c.remove } : {}),
      ...(c.sensitive ? { sensitive: true } : {}),
      ...(c.derivedFrom ? { derivedFrom: c.derivedFrom } : {}),
    })),
    ...(a.parameters ? { parameters: a.parameters } : {}),
    ...(a.resourceKind ? { resourceKind: a.resourceKind } : {}),
    ...(a.source ? { source: a.source } : {}),
  };
}

export function planToJson(plan: Plan): Record<string, unknown> {
  return {
    formatVersion: plan.formatVersion,
    commit: plan.commit,
    desiredDigest: plan.desiredDigest,
    snapshotDigests: plan.snapshotDigests,
    maxActionsPerTenant: plan.maxActionsPerTenant,
    summary: plan.summary,
    tenants: plan.tenants.map((t) => ({
      tenant: t.tenant,
      organization: t.organization,
      ...(t.environment !== undefined ? { environment: t.environment } : {}),
      connection: t.connection,
      role: t.role,
      actions: t.actions.map(actionToJson),
    })),
    findings: plan.findings.map(findingToJson),
  };
}

export function renderPlanJson(plan: Plan): string {
  return `${JSON.stringify(planToJson(plan), null, 2)}\n`;
}

export class PlanFileError extends Error {
  override name = 'PlanFileError';
}

/** Read a saved plan back (apply --plan, render --plan). */
export function parsePlanJson(text: string, origin: string): Plan {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new PlanFileError(`${origin} is not a plan: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object') throw new PlanFileError(`${origin} is not a plan`);
  if (value.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PlanFileError(`${origin} has plan formatVersion ${JSON.stringify(value.formatVersion)}; this exo-gitops reads version ${PLAN_FORMAT_VERSION}: re-plan`);
  }
  for (const key of ['desiredDigest', 'snapshotDigests', 'tenants', 'findings', 'summary'] as const) {
    if (!(key in value)) throw new PlanFileError(`${origin} is missing ${key}`);
  }
  const findings = (value.findings as Record<string, unknown>[]).map((f): Finding => ({
    code: f.code as FindingCode,
    severity: f.severity as Finding['severity'],
    message: String(f.message),
    ...(f.hint !== undefined ? { hint: String(f.hint) } : {}),
    ...(f.file !== undefined ? { location: { file: String(f.file), line: Number(f.line), column: Number(f.column) } } : {}),
    ...(f.tenant !== undefined ? { tenant: String(f.tenant) } : {}),
    ...(f.kind !== undefined ? { kind: String(f.kind) } : {}),
    ...(f.object !== undefined ? { object: String(f.object) } : {}),
  }));
  return { ...(value as unknown as Plan), findings };
}
