// Desired state + live snapshots → plan. Pure: the caller loads YAML, reads or exports snapshots and
// finds the git commit; this function only compares and orders.

import { about, type DesiredState, type Resource } from '../model/desired.js';
import { checkLiveValues } from './live-values.js';
import { finding, sortFindings, type Finding } from '../model/finding.js';
import { PLAN_FORMAT_VERSION, planAction, summarize, type Action, type Plan, type TenantPlan, type TenantRole } from '../model/plan.js';
import type { Snapshot } from '../model/snapshot.js';
import { lower, sameGuid } from './compare.js';
import { buildContext, type DiffOutput, type PlanContext } from './context.js';
import { diffCloudManagement } from './diff-cloud.js';
import { diffMailUser } from './diff-mailusers.js';
import { diffEndpoint, diffRelationship } from './diff-relationships.js';
import { diffScope } from './diff-scopes.js';
import { snapshotDigest } from './digest.js';
import { orderTenants } from './order.js';
import { checkMigrationPairs, decommissionedPairs, inDecommissionedPair } from './pairs.js';
import { readinessRows, sortReadiness, type MailUserOutcome } from './readiness.js';
import { expandBatches, noteDerivedValues } from './batches.js';
import { diffBatch } from './diff-batches.js';
import { planDelegation } from './delegation.js';
import { removedDocuments, type RemovedSince } from './unmanaged.js';
import type { Resource as AnyResource } from '../model/desired.js';
import type { BatchStatus } from '../model/plan.js';

/** Default per-tenant guardrail: more actions than this in one tenant is an error until raised. */
export const DEFAULT_MAX_ACTIONS_PER_TENANT = 1000;

export interface PlanInput {
  desired: DesiredState;
  snapshots: Map<string, Snapshot>;
  /** Findings of desired-state validation, carried into the plan so apply can refuse on errors. */
  validationFindings?: Finding[];
  commit?: Plan['commit'];
  desiredDigest: string;
  rotationBaseline?: Map<string, string | undefined>;
  /** The desired state at a base commit: its documents missing now are reported as no longer managed. */
  removedSince?: RemovedSince;
  /** 0: no limit. */
  maxActionsPerTenant?: number;
}

function roleOf(context: PlanContext, tenant: string): TenantRole {
  const { desired, index } = context;
  const isTarget =
    desired.endpoints.some((e) => e.tenant === tenant && e.spec.ensure !== 'Absent') ||
    desired.batches.some((b) => b.tenant === tenant && b.spec.ensure !== 'Absent') ||
    desired.mailUsers.some((u) => u.tenant === tenant && u.spec.source !== undefined) ||
    desired.relationships.some((r) => r.tenant === tenant && (r.spec.mailboxMoveCapability ?? []).includes('Inbound'));
  if (isTarget) return 'target';
  const isSource =
    desired.scopes.some((s) => s.tenant === tenant) ||
    desired.mailUsers.some((u) => u.spec.source?.tenant === tenant) ||
    desired.relationships.some((r) => r.tenant === tenant && (r.spec.mailboxMoveCapability ?? []).includes('RemoteOutbound')) ||
    desired.endpoints.some((e) => index.endpointRemote(e)?.name === tenant);
  return isSource ? 'source' : 'other';
}

/** A group created in this plan must exist before a relationship publishes it. */
function linkPublishedGroups(actions: readonly Action[]): Action[] {
  const groupCreates = new Map(actions.filter((a) => a.kind === 'DistributionGroup' && a.action === 'create').map((a) => [lower(a.identity), a.id]));
  return actions.map((action) => {
    if (action.kind !== 'OrganizationRelationship') return action;
    const dependsOn = [...action.dependsOn];
    for (const change of action.changes) {
      if (change.field !== 'MailboxMovePublishedScopes' || !Array.isArray(change.after)) continue;
      for (const group of change.after as string[]) {
        const create = groupCreates.get(lower(group));
        if (create && !dependsOn.includes(create)) dependsOn.push(create);
      }
    }
    return dependsOn.length === action.dependsOn.length ? action : { ...action, dependsOn };
  });
}

/**
 * A relationship can publish only a group that exists: live, or created earlier in this plan.
 * Exchange refuses the relationship otherwise (ManagementObjectNotFoundException), at apply time.
 */
function checkPublishedGroups(context: PlanContext, actions: readonly Action[]): Finding[] {
  const created = new Set(actions.filter((a) => a.kind === 'DistributionGroup' && a.action === 'create').map((a) => lower(a.identity)));
  const findings: Finding[] = [];
  for (const action of actions) {
    if (action.kind !== 'OrganizationRelationship' || action.action === 'blocked') continue;
    for (const change of action.changes) {
      if (change.field !== 'MailboxMovePublishedScopes' || !Array.isArray(change.after)) continue;
      for (const group of change.after as string[]) {
        if (created.has(lower(group)) || context.live.get(action.tenant)?.groups.has(lower(group))) continue;
        findings.push(
          finding('PublishedScopeNotFound', `${action.tenant} has no group ${JSON.stringify(group)} for relationship ${action.identity} to publish, and this plan creates none`, {
            tenant: action.tenant,
            kind: 'OrganizationRelationship',
            object: action.identity,
            ...(action.source ? { location: action.source } : {}),
          }),
        );
      }
    }
  }
  return findings;
}

/** The tenant's own settings: today the cloud-managed default of new synced mailboxes. */
function diffTenantDefaults(tenant: Resource<'Tenant'>, snapshot: Snapshot | undefined): DiffOutput {
  const wanted = tenant.spec.exchangeAttributesCloudManagedByDefault;
  if (wanted === undefined || !snapshot) return { actions: [], findings: [] };
  const live = snapshot.OrganizationConfig.ExchangeAttributesCloudManagedByDefault;
  const location = tenant.locate(['spec', 'exchangeAttributesCloudManagedByDefault']);
  if (live === undefined) {
    return { actions: [], findings: [finding('CloudManagedDefaultUnknown', `${tenant.name}'s live state does not say whether new synced mailboxes are cloud-managed by default`, about(tenant, location))] };
  }
  if (live === wanted) return { actions: [], findings: [] };
  return {
    actions: [
      planAction({
        tenant: tenant.name,
        kind: 'OrganizationConfig',
        identity: tenant.spec.organization,
        step: 'cloud-managed-default',
        action: 'update',
        changes: [{ field: 'ExchangeAttributesCloudManagedByDefault', before: live, after: wanted }],
        dependsOn: [],
        source: location,
        resourceKind: 'Tenant',
      }),
    ],
    findings: [],
  };
}

export function buildPlan(input: PlanInput): Plan {
  const { snapshots } = input;
  const maxActions = input.maxActionsPerTenant ?? DEFAULT_MAX_ACTIONS_PER_TENANT;
  const written = buildContext(input.desired, snapshots, input.rotationBaseline);
  const findings: Finding[] = [...(input.validationFindings ?? [])];
  const outputs: DiffOutput[] = [];
  // Batches first: the mail users and scope members they imply join the desired state the diffs read.
  const expansion = expandBatches(written);
  for (const item of expansion.findings) findings.push(item);
  const context: PlanContext = { ...written, desired: expansion.desired, additiveScopes: expansion.additiveScopes };
  const desired = context.desired;
  const batchOf = new Map<AnyResource<'MailUser'>, string>();
  for (const { batch, users } of expansion.batches) for (const user of users) if (user.mailUser) batchOf.set(user.mailUser, batch.name);

  for (const item of checkLiveValues(snapshots)) findings.push(item);
  if (input.removedSince) for (const item of removedDocuments(expansion.desired, input.removedSince)) findings.push(item);
  for (const tenant of desired.tenants) {
    if (!snapshots.has(tenant.name)) {
      findings.push(finding('SnapshotMissing', `no live snapshot of tenant ${tenant.name}`, { tenant: tenant.name, location: tenant.locate(['metadata', 'name']) }));
    }
  }
  for (const rel of desired.relationships) outputs.push(diffRelationship(context, rel));
  for (const endpoint of desired.endpoints) outputs.push(diffEndpoint(context, endpoint));
  const scopeAdditions = new Map<AnyResource<'MigrationScope'>, Action>();
  for (const scope of desired.scopes) {
    const output = diffScope(context, scope);
    outputs.push(output);
    const addition = output.actions.find((a) => a.step === 'add-members');
    if (addition) scopeAdditions.set(scope, addition);
  }
  for (const doc of desired.cloudManagement) outputs.push(diffCloudManagement(context, doc));
  const moving: MailUserOutcome[] = [];
  const decommissioned = decommissionedPairs(context);
  const mailUserActions = new Map<AnyResource<'MailUser'>, readonly Action[]>();
  for (const user of desired.mailUsers) {
    const output = noteDerivedValues(diffMailUser(context, user), user);
    outputs.push(output);
    // Read by the batches' diff only.
    if (desired.batches.length > 0) mailUserActions.set(user, output.actions);
    const batch = batchOf.get(user);
    // A pair the repository takes down moves nothing: its mail users are the migration's record.
    if (user.spec.source && !inDecommissionedPair(decommissioned, user)) moving.push({ user, ...output, ...(batch !== undefined ? { batch } : {}) });
  }
  // What holds up every move of a pair: the pair's findings and each of its tenants' (below).
  const held = new Map<string, Finding[]>();
  const tenantFindings = new Map<string, Finding[]>();
  for (const tenant of desired.tenants) {
    const live = snapshots.get(tenant.name);
    if (live && live.tenant.tenantId && !sameGuid(live.tenant.tenantId, tenant.spec.tenantId)) {
      const item = finding('TenantIdMismatch', `tenant ${tenant.name} signs in to tenant ID ${live.tenant.tenantId}, but its tenantId is ${tenant.spec.tenantId}`, about(tenant, tenant.locate(['spec', 'tenantId'])));
      findings.push(item);
      tenantFindings.set(tenant.name, [item]);
    }
  }
  for (const pair of checkMigrationPairs(context, decommissioned)) {
    // Loops, not push(...list): a list of 100,000+ findings (one per scope member) overflows the call stack as arguments.
    for (const item of pair.findings) findings.push(item);
    held.set(`${pair.target}\0${pair.source}`, [...pair.findings, ...(tenantFindings.get(pair.target) ?? []), ...(tenantFindings.get(pair.source) ?? [])]);
  }

  for (const tenant of desired.tenants) outputs.push(diffTenantDefaults(tenant, snapshots.get(tenant.name)));

  const readiness = readinessRows(moving, held);
  const batchStatuses: BatchStatus[] = [];
  const planned = new Map(expansion.batches.map((input) => [input.batch, input]));
  for (const batch of desired.batches) {
    const input = planned.get(batch);
    if (!input && batch.spec.ensure !== 'Absent') continue;
    const { status, ...output } = diffBatch(context, input ?? batch, { mailUserActions, readiness, scopeAdditions });
    outputs.push(output);
    if (status) batchStatuses.push(status);
  }
  // Delegates of the batches' users: the permission graph, and what moved mailboxes must be granted again.
  const { report: delegation, ...delegationOutput } = planDelegation(context, expansion.batches);
  outputs.push(delegationOutput);

  const byTenant = new Map<string, Action[]>();
  for (const output of outputs) {
    for (const finding of output.findings) findings.push(finding);
    for (const action of output.actions) {
      const list = byTenant.get(action.tenant) ?? [];
      list.push(action);
      byTenant.set(action.tenant, list);
    }
  }

  const tenants: TenantPlan[] = [];
  for (const tenant of desired.tenants) {
    const snapshot = snapshots.get(tenant.name);
    if (!snapshot) continue;
    let actions = linkPublishedGroups(byTenant.get(tenant.name) ?? []);
    for (const item of checkPublishedGroups(context, actions)) findings.push(item);
    const runnable = actions.filter((a) => a.action !== 'blocked');
    // A dehydrated tenant refuses most changes until its organization is customized.
    if (snapshot.OrganizationConfig.IsDehydrated && runnable.length > 0) {
      const customize = planAction({
        tenant: tenant.name,
        kind: 'OrganizationConfig',
        identity: tenant.spec.organization,
        step: 'customize',
        action: 'update',
        changes: [{ field: 'IsDehydrated', before: true, after: false }],
        dependsOn: [],
        source: tenant.locate(['metadata', 'name']),
        resourceKind: 'Tenant',
      });
      actions = [customize, ...actions.map((a) => ({ ...a, dependsOn: [customize.id, ...a.dependsOn] }))];
    }
    // What exo-gitops cannot do is not pending work: it is a finding that says where to act.
    for (const action of actions) {
      if (action.action !== 'blocked') continue;
      findings.push(finding('BlockedChange', `${action.id} is blocked: ${action.reason ?? 'no reason given'}`, { tenant: action.tenant, kind: action.kind, object: action.identity, ...(action.source ? { location: action.source } : {}) }));
    }
    if (maxActions > 0 && runnable.length > maxActions) {
      findings.push(finding('TooManyActions', `${runnable.length} actions planned for ${tenant.name}, above the limit of ${maxActions}`, { tenant: tenant.name }));
    }
    tenants.push({
      tenant: tenant.name,
      organization: tenant.spec.organization,
      ...(tenant.spec.environment !== undefined ? { environment: tenant.spec.environment } : {}),
      connection: tenant.spec.connection,
      role: roleOf(context, tenant.name),
      actions,
    });
  }

  const ordered = orderTenants(tenants);
  const snapshotDigests: Record<string, string> = {};
  for (const [name, snapshot] of [...snapshots.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) snapshotDigests[name] = snapshotDigest(snapshot);
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    commit: input.commit ?? null,
    desiredDigest: input.desiredDigest,
    snapshotDigests,
    tenants: ordered,
    findings: sortFindings(findings),
    summary: summarize(ordered),
    maxActionsPerTenant: maxActions,
    readiness: sortReadiness(readiness.values()),
    batches: batchStatuses,
    delegation,
  };
}
