// The plan file: the plan as its own versioned JSON object with a fixed key order (Terraform's
// jsonplan idea), not a dump of internal types, and the one reader of it. docs/plan-json.md documents
// every field; formatVersion changes when a field's meaning does. The schema's enums are the model's
// own constants, so a kind, type, role or class the model does not know is refused when read.

import { FINDING_CODES, SEVERITIES, type Finding, type FindingCode } from '../model/finding.js';
import {
  ACTION_TYPES,
  DELEGATE_RIGHTS,
  DESTRUCTIVE_CLASSES,
  EMPTY_DELEGATION,
  OBJECT_KINDS,
  PLAN_FORMAT_VERSION,
  READINESS,
  TENANT_ROLES,
  destructiveClassesOf,
  readinessCounts,
  summarize,
  type Action,
  type BatchStatus,
  type DelegationMember,
  type DelegationReport,
  type Plan,
  type ReadinessRow,
  type TenantPlan,
} from '../model/plan.js';
import { findingToJson } from '../render/findings.js';
import { validators as planFileValidators } from '../schema/generated/plan-file.js';

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
      ...(c.forcesReplacement ? { forcesReplacement: true } : {}),
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
    readiness: {
      summary: readinessCounts(plan.readiness),
      mailboxes: plan.readiness.map((r) => ({ tenant: r.tenant, mailUser: r.mailUser, ...(r.batch !== undefined ? { batch: r.batch } : {}), source: r.source, status: r.status, codes: r.codes, blockedActions: r.blockedActions })),
    },
    batches: plan.batches.map((b) => ({ tenant: b.tenant, batch: b.batch, source: b.source, status: b.status, users: b.users, blocked: b.blocked, counts: b.counts, failedUsers: b.failedUsers })),
    delegation: delegationToJson(plan.delegation ?? EMPTY_DELEGATION),
  };
}

const memberToJson = (m: DelegationMember) => ({ user: m.user, batch: m.batch });

function delegationToJson(report: DelegationReport): Record<string, unknown> {
  return {
    groups: report.groups.map((g) => ({ tenant: g.tenant, split: g.split, members: g.members.map(memberToJson) })),
    splitPairs: report.splitPairs.map((p) => ({ tenant: p.tenant, principal: memberToJson(p.principal), delegate: memberToJson(p.delegate), rights: [...p.rights] })),
    notMoved: report.notMoved.map((n) => ({ tenant: n.tenant, principal: memberToJson(n.principal), delegate: n.delegate, rights: [...n.rights], reason: n.reason })),
    pending: report.pending.map((p) => ({ tenant: p.tenant, mailbox: p.mailbox, delegate: p.delegate, rights: [...p.rights] })),
  };
}

function delegationFromJson(value: DelegationReport | undefined): DelegationReport {
  if (!value) return EMPTY_DELEGATION;
  const member = (m: DelegationMember): DelegationMember => ({ user: m.user, batch: m.batch });
  return {
    groups: value.groups.map((g) => ({ tenant: g.tenant, split: g.split, members: g.members.map(member) })),
    splitPairs: value.splitPairs.map((p) => ({ tenant: p.tenant, principal: member(p.principal), delegate: member(p.delegate), rights: [...p.rights] })),
    notMoved: value.notMoved.map((n) => ({ tenant: n.tenant, principal: member(n.principal), delegate: n.delegate, rights: [...n.rights], reason: n.reason })),
    pending: value.pending.map((p) => ({ tenant: p.tenant, mailbox: p.mailbox, delegate: p.delegate, rights: [...p.rights] })),
  };
}

export class PlanFileError extends Error {
  override name = 'PlanFileError';
}

export { ENVIRONMENTS, ORGANIZATION_PATTERN, TENANT_NAME_PATTERN } from '../schema/plan-file.js';

// Compiled ahead of time from src/schema/plan-file.ts (src/schema/precompiled.ts): reading a plan
// neither loads ajv nor compiles the schema.
const validatePlanFile = planFileValidators.planFile;

/**
 * Read a saved plan back (apply --plan, render --plan). A plan file is an artifact that passes through
 * other hands: its shape is checked, and what it claims about itself (destructive classes, summary)
 * is recomputed from its actions, never taken from the file.
 */
export function parsePlanJson(text: string, origin: string): Plan {
  return readPlanFile(text, origin).plan;
}

/**
 * A plan file, and the summary it declares: the plan's own summary is recomputed from its actions,
 * and apply refuses a file whose declared one differs.
 */
export function readPlanFile(text: string, origin: string): { plan: Plan; declaredSummary: unknown } {
  let value: Record<string, unknown>;
  try {
    value = JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw new PlanFileError(`${origin} is not a plan: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new PlanFileError(`${origin} is not a plan`);
  if (value.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PlanFileError(`${origin} has plan formatVersion ${JSON.stringify(value.formatVersion)}; this exo-gitops reads version ${PLAN_FORMAT_VERSION}: re-plan`);
  }
  if (!validatePlanFile(value)) {
    const error = validatePlanFile.errors![0]!;
    throw new PlanFileError(`${origin} is not a valid plan: ${error.instancePath || 'the plan'} ${error.message ?? 'is invalid'}: re-plan`);
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
  const tenants = (value.tenants as TenantPlan[]).map((t) => ({
    ...t,
    actions: t.actions.map((a) => ({ ...a, destructive: destructiveClassesOf(a) })),
  }));
  const readiness = ((value.readiness as { mailboxes?: ReadinessRow[] } | undefined)?.mailboxes ?? []).map(
    (r): ReadinessRow => ({ tenant: r.tenant, mailUser: r.mailUser, ...(r.batch !== undefined ? { batch: r.batch } : {}), source: { tenant: r.source.tenant, mailbox: r.source.mailbox }, status: r.status, codes: r.codes, blockedActions: r.blockedActions }),
  );
  const batches = ((value.batches as BatchStatus[] | undefined) ?? []).map(
    (b): BatchStatus => ({ tenant: b.tenant, batch: b.batch, source: b.source, status: b.status, users: b.users, blocked: b.blocked, counts: { ...b.counts }, failedUsers: b.failedUsers.map((u) => ({ user: u.user, status: u.status, error: u.error })) }),
  );
  const delegation = delegationFromJson(value.delegation as DelegationReport | undefined);
  return { plan: { ...(value as unknown as Plan), tenants, findings, readiness, batches, delegation, summary: summarize(tenants), maxActionsPerTenant: Number(value.maxActionsPerTenant ?? 0) }, declaredSummary: value.summary };
}

/**
 * What a plan does, for comparing two plans: tenants with their sign-in and actions, and the findings
 * by code and object. Left out: where things came from (commit, YAML positions, messages naming files).
 */
export function planSignature(plan: Plan): string {
  const json = planToJson(plan) as { tenants: Record<string, unknown>[]; findings: Record<string, unknown>[] };
  return JSON.stringify({
    tenants: json.tenants.map((t) => ({
      ...t,
      actions: (t.actions as Record<string, unknown>[]).map(({ source: _source, resourceKind: _kind, ...rest }) => rest),
    })),
    findings: json.findings.map((f) => [f.code, f.severity, f.tenant ?? null, f.kind ?? null, f.object ?? null]),
  });
}
