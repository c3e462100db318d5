// Organization relationships and migration endpoints: create what is missing, update the fields the
// YAML writes, remove what is marked Absent.

import { about, type Resource } from '../model/desired.js';
import { finding } from '../model/finding.js';
import { planAction, type FieldChange } from '../model/plan.js';
import type { OrganizationRelationshipEntry } from '../model/snapshot.js';
import { formatCapability, lower, parseCapability, sameGuid, sameSet, sameText } from './compare.js';
import type { LiveTenant } from './live.js';
import { desiredDomainNames, desiredRemoteTenant, endpointKey, type DiffOutput, type PlanContext } from './context.js';

/**
 * The migration endpoint's RemoteServer follows the cloud both tenants are in (they must share one:
 * CrossCloudPair): Exchange Online's "Optimize/Required" address of each cloud, as Microsoft's
 * cross-tenant migration guide says to use (Microsoft 365 URLs and IP address ranges: outlook.office.com
 * worldwide, outlook.office365.us in GCC High, outlook-dod.office365.us in DoD).
 */
const REMOTE_SERVER_BY_ENVIRONMENT: Record<string, string> = {
  O365USGovGCCHigh: 'outlook.office365.us',
  O365USGovDoD: 'outlook-dod.office365.us',
};
const DEFAULT_REMOTE_SERVER = 'outlook.office.com';

export function defaultRemoteServer(environment: string | undefined): string {
  return (environment !== undefined ? REMOTE_SERVER_BY_ENVIRONMENT[environment] : undefined) ?? DEFAULT_REMOTE_SERVER;
}

export function diffRelationship(context: PlanContext, rel: Resource<'OrganizationRelationship'>): DiffOutput {
  const tenant = rel.tenant!;
  const live = context.live.get(tenant);
  if (!live) return { actions: [], findings: [] };
  const current = live.relationships.get(lower(rel.name));
  const spec = rel.spec;
  const source = rel.locate(['metadata', 'name']);
  const base = { tenant, kind: 'OrganizationRelationship' as const, resourceKind: rel.kind, source, dependsOn: [] as string[] };

  if (spec.ensure === 'Absent') {
    if (!current) return { actions: [], findings: [] };
    return {
      actions: [planAction({ ...base, identity: current.Name, action: 'delete', changes: [] })],
      findings: [],
    };
  }

  const domainNames = desiredDomainNames(context, rel);
  if (!current) {
    // Exchange keeps one relationship per partner domain: creating a second one for the same tenant ID fails.
    const clash = domainNames && live.snapshot.OrganizationRelationship.find((r) => r.DomainNames.some((d) => domainNames.some((n) => sameText(d, n))));
    if (clash) {
      return {
        actions: [],
        findings: [finding('RelationshipNameConflict', `${tenant} already has relationship ${JSON.stringify(clash.Name)} for ${domainNames!.join(', ')}`, about(rel, source))],
      };
    }
    const changes = relationshipChanges(rel, domainNames, undefined, live);
    return { actions: [planAction({ ...base, identity: rel.name, action: 'create', changes })], findings: [] };
  }

  const changes = relationshipChanges(rel, domainNames, current, live);
  if (changes.length === 0) return { actions: [], findings: [] };
  return { actions: [planAction({ ...base, identity: current.Name, action: 'update', changes })], findings: [] };
}

function relationshipChanges(rel: Resource<'OrganizationRelationship'>, domainNames: string[] | undefined, current: OrganizationRelationshipEntry | undefined, live: LiveTenant): FieldChange[] {
  const spec = rel.spec;
  // A published scope may be written as the group's alias or address: Exchange stores (and prints) its Name.
  const scopes = spec.mailboxMovePublishedScopes?.map((group) => live.groups.get(lower(group))?.Name ?? group);
  const changes: FieldChange[] = [];
  if (domainNames !== undefined && !(current && sameSet(current.DomainNames, domainNames))) {
    changes.push({ field: 'DomainNames', before: current?.DomainNames, after: domainNames });
  }
  if (spec.enabled !== undefined && current?.Enabled !== spec.enabled) changes.push({ field: 'Enabled', before: current?.Enabled, after: spec.enabled });
  if (spec.mailboxMoveEnabled !== undefined && current?.MailboxMoveEnabled !== spec.mailboxMoveEnabled) {
    changes.push({ field: 'MailboxMoveEnabled', before: current?.MailboxMoveEnabled, after: spec.mailboxMoveEnabled });
  }
  if (spec.mailboxMoveCapability !== undefined) {
    const wanted = formatCapability(spec.mailboxMoveCapability);
    const have = current ? formatCapability(parseCapability(current.MailboxMoveCapability)) : undefined;
    if (have !== wanted) changes.push({ field: 'MailboxMoveCapability', before: current?.MailboxMoveCapability, after: wanted });
  }
  if (spec.oauthApplicationId !== undefined && !(current && sameGuid(current.OAuthApplicationId, spec.oauthApplicationId))) {
    changes.push({ field: 'OAuthApplicationId', before: current?.OAuthApplicationId ?? null, after: spec.oauthApplicationId });
  }
  if (scopes !== undefined && !(current && sameSet(current.MailboxMovePublishedScopes, scopes))) {
    changes.push({ field: 'MailboxMovePublishedScopes', before: current?.MailboxMovePublishedScopes, after: scopes });
  }
  return changes;
}

export function diffEndpoint(context: PlanContext, endpoint: Resource<'MigrationEndpoint'>): DiffOutput {
  const tenant = endpoint.tenant!;
  const live = context.live.get(tenant);
  if (!live) return { actions: [], findings: [] };
  const current = live.endpoints.get(lower(endpoint.name));
  const spec = endpoint.spec;
  const source = endpoint.locate(['metadata', 'name']);
  const base = { tenant, kind: 'MigrationEndpoint' as const, resourceKind: endpoint.kind, source, dependsOn: [] as string[] };
  const secretParameters: Record<string, string> = spec.credentials ? { secretEnv: spec.credentials.secretEnv } : {};

  if (spec.ensure === 'Absent') {
    if (!current) return { actions: [], findings: [] };
    return { actions: [planAction({ ...base, identity: current.Identity, action: 'delete', changes: [] })], findings: [] };
  }

  const remoteTenant = desiredRemoteTenant(context, endpoint);
  const environment = context.index.tenantsByName.get(tenant)?.spec.environment;
  const credentialChange: FieldChange = { field: 'Credentials', sensitive: true };

  if (!current) {
    const changes: FieldChange[] = [
      { field: 'RemoteServer', after: spec.remoteServer ?? defaultRemoteServer(environment) },
      ...(remoteTenant !== undefined ? [{ field: 'RemoteTenant', after: remoteTenant }] : []),
      ...(spec.applicationId !== undefined ? [{ field: 'ApplicationId', after: spec.applicationId }] : []),
      ...(spec.maxConcurrentMigrations !== undefined ? [{ field: 'MaxConcurrentMigrations', after: spec.maxConcurrentMigrations }] : []),
      credentialChange,
    ];
    const missing = [spec.credentials ? undefined : 'credentials.secretEnv', spec.applicationId ? undefined : 'applicationId', remoteTenant ? undefined : 'partner or remoteTenant'].filter(Boolean);
    const blocked = missing.length > 0 ? ({ action: 'blocked', reason: `creating the endpoint needs ${missing.join(', ')}` } as const) : ({ action: 'create' } as const);
    return { actions: [planAction({ ...base, identity: endpoint.name, ...blocked, changes, parameters: secretParameters })], findings: [] };
  }

  if (current.EndpointType.toLowerCase() !== 'exchangeremotemove') {
    return {
      actions: [],
      findings: [finding('EndpointTypeMismatch', `endpoint ${current.Identity} in ${tenant} is of type ${current.EndpointType}, not ExchangeRemoteMove`, about(endpoint, source))],
    };
  }

  // Set-MigrationEndpoint cannot change RemoteTenant: a different source tenant means a new endpoint.
  if (remoteTenant !== undefined && !sameText(current.RemoteTenant, remoteTenant)) {
    const changes: FieldChange[] = [
      { field: 'RemoteTenant', before: current.RemoteTenant, after: remoteTenant, forcesReplacement: true },
      { field: 'RemoteServer', before: current.RemoteServer, after: spec.remoteServer ?? current.RemoteServer ?? defaultRemoteServer(environment) },
      { field: 'ApplicationId', before: current.ApplicationId, after: spec.applicationId ?? current.ApplicationId },
      ...(spec.maxConcurrentMigrations !== undefined || current.MaxConcurrentMigrations !== null
        ? [{ field: 'MaxConcurrentMigrations', before: current.MaxConcurrentMigrations, after: spec.maxConcurrentMigrations ?? current.MaxConcurrentMigrations }]
        : []),
      credentialChange,
    ];
    const blocked = spec.credentials
      ? ({ action: 'replace' } as const)
      : ({ action: 'blocked', reason: 'RemoteTenant can change only by re-creating the endpoint, which needs credentials.secretEnv' } as const);
    return { actions: [planAction({ ...base, identity: current.Identity, ...blocked, changes, parameters: secretParameters })], findings: [] };
  }

  const changes: FieldChange[] = [];
  if (spec.remoteServer !== undefined && !sameText(current.RemoteServer, spec.remoteServer)) changes.push({ field: 'RemoteServer', before: current.RemoteServer, after: spec.remoteServer });
  const appChanges = spec.applicationId !== undefined && !sameGuid(current.ApplicationId, spec.applicationId);
  if (appChanges) changes.push({ field: 'ApplicationId', before: current.ApplicationId, after: spec.applicationId });
  if (spec.maxConcurrentMigrations !== undefined && current.MaxConcurrentMigrations !== spec.maxConcurrentMigrations) {
    changes.push({ field: 'MaxConcurrentMigrations', before: current.MaxConcurrentMigrations, after: spec.maxConcurrentMigrations });
  }
  // Exchange never returns the secret: a rotation is known only from the YAML's history.
  const key = endpointKey(tenant, endpoint.name);
  const rotated = context.rotationBaseline?.has(key) === true && context.rotationBaseline.get(key) !== spec.credentials?.rotation;
  if (spec.credentials && (appChanges || rotated)) {
    changes.push({ ...credentialChange, derivedFrom: rotated ? `rotation ${JSON.stringify(context.rotationBaseline!.get(key) ?? '')} → ${JSON.stringify(spec.credentials.rotation ?? '')}` : 'a new application needs its secret' });
  }
  if (changes.length === 0) return { actions: [], findings: [] };
  // The credential's user name is the application ID, also when only the secret changes.
  const applicationId = spec.applicationId ?? current.ApplicationId;
  const parameters = spec.credentials && applicationId ? { ...secretParameters, applicationId } : secretParameters;
  return { actions: [planAction({ ...base, identity: current.Identity, action: 'update', changes, parameters })], findings: [] };
}
