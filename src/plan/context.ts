// What every diff step reads: the desired state, the repository's tenants, and each tenant's live
// state. Built once per plan; the diff steps only read it.

import type { DesiredState, Resource } from '../model/desired.js';
import type { Action } from '../model/plan.js';
import type { Finding } from '../model/finding.js';
import type { Snapshot } from '../model/snapshot.js';
import { TenantIndex } from '../model/tenant-index.js';
import { LiveTenant } from './live.js';

export interface PlanContext {
  desired: DesiredState;
  index: TenantIndex;
  live: Map<string, LiveTenant>;
  /**
   * The endpoint credential `rotation` values of the baseline (the commit last applied, or a pull
   * request's base), keyed by endpointKey(). Absent: no baseline, so only creation sends the secret.
   */
  rotationBaseline?: Map<string, string | undefined>;
  /** Desired IsExchangeCloudManaged per mailbox, keyed by tenant and lower-cased address. */
  cloudManagedIntent: Map<string, boolean>;
  /**
   * Scopes whose members are only added, never removed: groups a MigrationBatch adds its users to
   * while nobody declares their other members (plan/batches.ts).
   */
  additiveScopes?: ReadonlySet<Resource<'MigrationScope'>>;
}

export interface DiffOutput {
  actions: Action[];
  findings: Finding[];
}

export function endpointKey(tenant: string, name: string): string {
  return `${tenant}/${name.toLowerCase()}`;
}

export function mailboxKey(tenant: string, address: string): string {
  return `${tenant}\0${address.toLowerCase()}`;
}

export function buildContext(desired: DesiredState, snapshots: Map<string, Snapshot>, rotationBaseline?: Map<string, string | undefined>): PlanContext {
  const live = new Map<string, LiveTenant>();
  for (const [tenant, snapshot] of snapshots) live.set(tenant, new LiveTenant(snapshot));
  const cloudManagedIntent = new Map<string, boolean>();
  for (const doc of desired.cloudManagement) {
    for (const mailbox of doc.spec.mailboxes) cloudManagedIntent.set(mailboxKey(doc.tenant!, mailbox), doc.spec.isExchangeCloudManaged);
  }
  return { desired, index: new TenantIndex(desired), live, ...(rotationBaseline ? { rotationBaseline } : {}), cloudManagedIntent };
}

/** The tenant ID GUIDs a relationship's DomainNames should hold. */
export function desiredDomainNames(context: PlanContext, rel: Resource<'OrganizationRelationship'>): string[] | undefined {
  if (rel.spec.partner !== undefined) {
    const partner = context.index.tenantsByName.get(rel.spec.partner);
    return partner ? [partner.spec.tenantId] : undefined;
  }
  return rel.spec.domainNames;
}

/** The source tenant's initial domain an endpoint should name as RemoteTenant. */
export function desiredRemoteTenant(context: PlanContext, endpoint: Resource<'MigrationEndpoint'>): string | undefined {
  if (endpoint.spec.partner !== undefined) return context.index.tenantsByName.get(endpoint.spec.partner)?.spec.organization;
  return endpoint.spec.remoteTenant;
}
