// The two halves of each migration pair, as they will be after this plan (desired state laid over
// live state): the target's Inbound relationship names the source's tenant ID, the source's
// RemoteOutbound relationship names the target's and publishes a scope, and the source's
// OAuthApplicationId is the target endpoint's ApplicationId.

import { about, type Resource } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';
import { isUnsetGuid, lower, parseCapability, sameGuid, sameText } from './compare.js';
import { desiredDomainNames, desiredRemoteTenant, type PlanContext } from './context.js';

interface EffectiveRelationship {
  name: string;
  domainNames: string[];
  capabilities: string[];
  oauthApplicationId: string | null;
  scopes: string[];
  /** Enabled and MailboxMoveEnabled after the plan: the YAML's when it writes them, else the live ones (undefined: not known). */
  enabled?: boolean;
  mailboxMoveEnabled?: boolean;
  declared?: Resource<'OrganizationRelationship'>;
}

interface EffectiveEndpoint {
  name: string;
  remoteTenant: string | null;
  applicationId: string | null;
  declared?: Resource<'MigrationEndpoint'>;
}

function effectiveRelationships(context: PlanContext, tenant: string): EffectiveRelationship[] {
  const byName = new Map<string, EffectiveRelationship>();
  for (const r of context.live.get(tenant)?.snapshot.OrganizationRelationship ?? []) {
    byName.set(lower(r.Name), {
      name: r.Name,
      domainNames: r.DomainNames,
      capabilities: parseCapability(r.MailboxMoveCapability),
      oauthApplicationId: isUnsetGuid(r.OAuthApplicationId) ? null : r.OAuthApplicationId,
      scopes: r.MailboxMovePublishedScopes,
      enabled: r.Enabled,
      mailboxMoveEnabled: r.MailboxMoveEnabled,
    });
  }
  for (const rel of context.desired.relationships) {
    if (rel.tenant !== tenant) continue;
    if (rel.spec.ensure === 'Absent') {
      byName.delete(lower(rel.name));
      continue;
    }
    const base = byName.get(lower(rel.name)) ?? { name: rel.name, domainNames: [], capabilities: [], oauthApplicationId: null, scopes: [] };
    byName.set(lower(rel.name), {
      name: base.name,
      domainNames: desiredDomainNames(context, rel) ?? base.domainNames,
      capabilities: rel.spec.mailboxMoveCapability ?? base.capabilities,
      oauthApplicationId: rel.spec.oauthApplicationId ?? base.oauthApplicationId,
      scopes: rel.spec.mailboxMovePublishedScopes ?? base.scopes,
      ...((rel.spec.enabled ?? base.enabled) !== undefined ? { enabled: rel.spec.enabled ?? base.enabled } : {}),
      ...((rel.spec.mailboxMoveEnabled ?? base.mailboxMoveEnabled) !== undefined ? { mailboxMoveEnabled: rel.spec.mailboxMoveEnabled ?? base.mailboxMoveEnabled } : {}),
      declared: rel,
    });
  }
  return [...byName.values()];
}

function effectiveEndpoints(context: PlanContext, tenant: string): EffectiveEndpoint[] {
  const byName = new Map<string, EffectiveEndpoint>();
  for (const e of context.live.get(tenant)?.snapshot.MigrationEndpoint ?? []) {
    if (lower(e.EndpointType) === 'exchangeremotemove') byName.set(lower(e.Identity), { name: e.Identity, remoteTenant: e.RemoteTenant, applicationId: isUnsetGuid(e.ApplicationId) ? null : e.ApplicationId });
  }
  for (const endpoint of context.desired.endpoints) {
    if (endpoint.tenant !== tenant) continue;
    if (endpoint.spec.ensure === 'Absent') {
      byName.delete(lower(endpoint.name));
      continue;
    }
    const base = byName.get(lower(endpoint.name));
    byName.set(lower(endpoint.name), {
      name: endpoint.name,
      remoteTenant: desiredRemoteTenant(context, endpoint) ?? base?.remoteTenant ?? null,
      applicationId: endpoint.spec.applicationId ?? base?.applicationId ?? null,
      declared: endpoint,
    });
  }
  return [...byName.values()];
}

const pairKey = (target: string, source: string): string => `${target}\0${source}`;

/**
 * (target, source) pairs the repository takes down: it removes (ensure: Absent) the target's Inbound
 * relationship for the source, the source's RemoteOutbound relationship for the target or the
 * target's endpoint to the source, and declares none of them present. Mail users that still name
 * the source (spec.source) are the migration's record then, not moves to check.
 */
export function decommissionedPairs(context: PlanContext): Set<string> {
  const removed = new Set<string>();
  const present = new Set<string>();
  const note = (absent: boolean, target: string | null | undefined, source: string | null | undefined) => {
    if (target && source) (absent ? removed : present).add(pairKey(target, source));
  };
  for (const e of context.desired.endpoints) note(e.spec.ensure === 'Absent', e.tenant, context.index.endpointRemote(e)?.name);
  for (const r of context.desired.relationships) {
    const partner = context.index.relationshipPartner(r)?.name;
    if ((r.spec.mailboxMoveCapability ?? []).includes('Inbound')) note(r.spec.ensure === 'Absent', r.tenant, partner);
    if ((r.spec.mailboxMoveCapability ?? []).includes('RemoteOutbound')) note(r.spec.ensure === 'Absent', partner, r.tenant);
  }
  return new Set([...removed].filter((key) => !present.has(key)));
}

/** Whether a mail user's move belongs to a pair the repository takes down. */
export function inDecommissionedPair(decommissioned: ReadonlySet<string>, user: Resource<'MailUser'>): boolean {
  return user.tenant !== null && user.spec.source !== undefined && decommissioned.has(pairKey(user.tenant, user.spec.source.tenant));
}

/** (target, source) pairs the repository sets up a migration for. */
function migrationPairs(context: PlanContext, decommissioned: ReadonlySet<string>): [string, string][] {
  const pairs = new Map<string, [string, string]>();
  const add = (target: string | null | undefined, source: string | null | undefined, fromMailUser = false): void => {
    if (!target || !source || target === source || !context.live.has(target) || !context.live.has(source)) return;
    if (fromMailUser && decommissioned.has(pairKey(target, source))) return;
    pairs.set(pairKey(target, source), [target, source]);
  };
  for (const e of context.desired.endpoints) if (e.spec.ensure !== 'Absent') add(e.tenant, context.index.endpointRemote(e)?.name);
  for (const u of context.desired.mailUsers) add(u.tenant, u.spec.source?.tenant, true);
  for (const r of context.desired.relationships) {
    if (r.spec.ensure === 'Absent') continue;
    const partner = context.index.relationshipPartner(r)?.name;
    if ((r.spec.mailboxMoveCapability ?? []).includes('Inbound')) add(r.tenant, partner);
    if ((r.spec.mailboxMoveCapability ?? []).includes('RemoteOutbound')) add(partner, r.tenant);
  }
  return [...pairs.values()].sort();
}

/** The findings of one migration pair: they hold up every mailbox moving from `source` to `target`. */
export interface PairFindings {
  target: string;
  source: string;
  findings: Finding[];
}

export function checkMigrationPairs(context: PlanContext, decommissioned: ReadonlySet<string> = decommissionedPairs(context)): PairFindings[] {
  const pairs: PairFindings[] = [];
  for (const [target, source] of migrationPairs(context, decommissioned)) {
    const findings: Finding[] = [];
    pairs.push({ target, source, findings });
    const cloudOf = (name: string) => context.index.tenantsByName.get(name)?.spec.environment ?? 'O365Default';
    if (cloudOf(target) !== cloudOf(source)) {
      findings.push(
        finding('CrossCloudPair', `${target} is in ${cloudOf(target)} and ${source} in ${cloudOf(source)}: a mailbox cannot move between clouds`, {
          ...about(context.index.tenantsByName.get(target)!, context.index.tenantsByName.get(target)!.locate(['metadata', 'name'])),
        }),
      );
    }
    const targetTenant = context.index.tenantsByName.get(target)!;
    const sourceTenant = context.index.tenantsByName.get(source)!;
    const where = (declared: Resource | undefined, tenant: string, object: string) =>
      declared ? about(declared, declared.locate(['metadata', 'name'])) : { tenant, kind: 'OrganizationRelationship', object };
    const inbound = effectiveRelationships(context, target).find((r) => r.capabilities.includes('Inbound') && r.domainNames.some((d) => sameText(d, sourceTenant.spec.tenantId)));
    const outbound = effectiveRelationships(context, source).find((r) => r.capabilities.includes('RemoteOutbound') && r.domainNames.some((d) => sameText(d, targetTenant.spec.tenantId)));
    // Off, a relationship moves nothing, whatever its capabilities: checked also where the YAML leaves them to live state.
    for (const [tenant, relationship] of [[target, inbound], [source, outbound]] as const) {
      if (!relationship) continue;
      const off = [relationship.enabled === false ? 'Enabled' : undefined, relationship.mailboxMoveEnabled === false ? 'MailboxMoveEnabled' : undefined].filter(Boolean);
      if (off.length > 0) {
        findings.push(finding('RelationshipMoveDisabled', `after this plan ${tenant}'s relationship ${relationship.name} has ${off.map((f) => `${f} false`).join(' and ')}: no mailbox can move between ${target} and ${source}`, where(relationship.declared, tenant, relationship.name)));
      }
    }
    if (!inbound) {
      findings.push(finding('LiveRelationshipPairMismatch', `after this plan ${target} would have no relationship with capability Inbound for ${source} (tenant ID ${sourceTenant.spec.tenantId})`, { tenant: target, kind: 'OrganizationRelationship', object: source }));
    }
    if (!outbound) {
      findings.push(finding('LiveRelationshipPairMismatch', `after this plan ${source} would have no relationship with capability RemoteOutbound for ${target} (tenant ID ${targetTenant.spec.tenantId})`, { tenant: source, kind: 'OrganizationRelationship', object: target }));
      continue;
    }
    if (outbound.scopes.length === 0) {
      findings.push(finding('NoPublishedScope', `${source}'s relationship ${outbound.name} publishes no scope group: no mailbox may move to ${target}`, where(outbound.declared, source, outbound.name)));
    }
    for (const endpoint of effectiveEndpoints(context, target)) {
      if (!sameText(endpoint.remoteTenant, sourceTenant.spec.organization)) continue;
      if (outbound.oauthApplicationId !== null && endpoint.applicationId !== null && !sameGuid(outbound.oauthApplicationId, endpoint.applicationId)) {
        findings.push(
          finding('LiveOAuthAppMismatch', `${source}'s relationship ${outbound.name} names app ${outbound.oauthApplicationId}, but ${target}'s endpoint ${endpoint.name} signs in as ${endpoint.applicationId}`, where(outbound.declared, source, outbound.name)),
        );
      }
    }
  }
  return pairs;
}
