// Domain rules that need only the desired state: the cross-resource and cross-tenant mistakes that
// Exchange would otherwise report days later, from a failed move request. Each rule is a function
// from the desired state to findings; none reads files or talks to a tenant.

import { formatAddress, formatLocation } from '../model/address.js';
import {
  about,
  scopeGroupName,
  type DesiredState,
  type MailboxMoveCapability,
  type Resource,
} from '../model/desired.js';
import { finding, type Finding, type SourceLocation } from '../model/finding.js';
import { closestMatch } from '../util/suggest.js';
import { TenantIndex } from '../model/tenant-index.js';

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Microsoft advises splitting scope groups above this many members. */
const SCOPE_MEMBER_LIMIT = 10_000;

/** The first Entra Connect build that syncs cloud-managed users (ExchangeManagedAttributesUpdateNotAllowed before it). */
const ENTRA_CONNECT_FOR_CLOUD_MANAGED = '2.5.190.0';

/** Dotted versions compared number by number (2.5.79.0 < 2.5.190.0); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}


function hasCapability(rel: Resource<'OrganizationRelationship'>, capability: MailboxMoveCapability): boolean {
  return rel.spec.ensure !== 'Absent' && (rel.spec.mailboxMoveCapability ?? []).includes(capability);
}

function allResources(desired: DesiredState): Resource[] {
  return [
    ...desired.tenants,
    ...desired.relationships,
    ...desired.endpoints,
    ...desired.scopes,
    ...desired.mailUsers,
    ...desired.cloudManagement,
    ...desired.batches,
  ];
}

function checkDuplicates(desired: DesiredState): Finding[] {
  const findings: Finding[] = [];
  // Where each key was first declared: a scope group may first appear as another scope's metadata.name,
  // so the place is kept, not re-derived from the later declaration's path.
  // The place is located only when a duplicate needs it: locating re-parses a document (yaml-source.ts),
  // which 50,000 MailUsers must not pay for.
  const firstSeen = new Map<string, { resource: Resource; path: (string | number)[] }>();
  const remember = (key: string, resource: Resource, label: string, path: (string | number)[]): void => {
    const first = firstSeen.get(key);
    if (!first) {
      firstSeen.set(key, { resource, path });
      return;
    }
    findings.push(
      finding('DuplicateResource', `${label} is declared twice; first at ${formatLocation(first.resource.locate(first.path))}`, about(resource, resource.locate(path))),
    );
  };
  // A name with a line break or spaces at either end never loads (InvalidName, src/load/value-check.ts).
  for (const resource of allResources(desired)) {
    remember(`${resource.tenant ?? ''}\0${resource.kind}\0${resource.name.toLowerCase()}`, resource, formatAddress(resource.tenant, resource.kind, resource.name), ['metadata', 'name']);
  }
  // Two scope resources may have different metadata names yet manage the same Exchange group.
  for (const scope of desired.scopes) {
    if (scope.spec.group === undefined || scope.spec.group.toLowerCase() === scope.name.toLowerCase()) continue;
    remember(`${scope.tenant ?? ''}\0MigrationScope\0${scope.spec.group.toLowerCase()}`, scope, `scope group ${JSON.stringify(scope.spec.group)} in ${scope.tenant}`, ['spec', 'group']);
  }
  const byId = new Map<string, Resource<'Tenant'>>();
  for (const tenant of desired.tenants) {
    const id = tenant.spec.tenantId.toLowerCase();
    const first = byId.get(id);
    if (first) {
      findings.push(
        finding('DuplicateTenantId', `tenant ID ${tenant.spec.tenantId} is also tenant ${first.name}'s (${formatLocation(first.locate(['spec', 'tenantId']))})`, about(tenant, tenant.locate(['spec', 'tenantId']))),
      );
    } else byId.set(id, tenant);
  }
  return findings;
}

function checkTenantReferences(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const names = [...index.tenantsByName.keys()];
  const unknown = (resource: Resource, name: string, path: (string | number)[], code: 'UnknownTenant' | 'UnknownPartner'): void => {
    const suggestion = closestMatch(name, names);
    findings.push(
      finding(code, `${code === 'UnknownTenant' ? 'tenant' : 'partner'} ${JSON.stringify(name)} is not declared by any Tenant document`, {
        ...about(resource, resource.locate(path)),
        ...(suggestion ? { hint: `Did you mean ${suggestion}?` } : names.length > 0 ? { hint: `Declared tenants: ${names.join(', ')}.` } : {}),
      }),
    );
  };
  for (const resource of allResources(index.desired)) {
    if (resource.kind !== 'Tenant' && resource.tenant !== null && !index.tenantsByName.has(resource.tenant)) {
      unknown(resource, resource.tenant, ['metadata', 'tenant'], 'UnknownTenant');
    }
  }
  for (const rel of index.desired.relationships) {
    if (rel.spec.partner !== undefined && !index.tenantsByName.has(rel.spec.partner)) unknown(rel, rel.spec.partner, ['spec', 'partner'], 'UnknownPartner');
  }
  for (const endpoint of index.desired.endpoints) {
    if (endpoint.spec.partner !== undefined && !index.tenantsByName.has(endpoint.spec.partner)) unknown(endpoint, endpoint.spec.partner, ['spec', 'partner'], 'UnknownPartner');
  }
  for (const batch of index.desired.batches) {
    if (!index.tenantsByName.has(batch.spec.source)) unknown(batch, batch.spec.source, ['spec', 'source'], 'UnknownTenant');
    else if (batch.spec.source === batch.tenant) {
      findings.push(finding('SourceInOwnTenant', `source is ${batch.spec.source}, the tenant this batch runs in`, about(batch, batch.locate(['spec', 'source']))));
    }
  }
  for (const user of index.desired.mailUsers) {
    const source = user.spec.source;
    if (source === undefined) continue;
    if (!index.tenantsByName.has(source.tenant)) unknown(user, source.tenant, ['spec', 'source', 'tenant'], 'UnknownTenant');
    else if (source.tenant === user.tenant) {
      findings.push(finding('SourceInOwnTenant', `source.tenant is ${source.tenant}, the tenant this mail user lives in`, about(user, user.locate(['spec', 'source', 'tenant']))));
    }
  }
  return findings;
}

/** What the rules may know of where the tool runs. */
export interface RuleOptions {
  /** The platform sign-in will run on (the CLI passes process.platform); absent: not checked. */
  platform?: NodeJS.Platform;
}

function checkConnections(desired: DesiredState, options: RuleOptions): Finding[] {
  const findings: Finding[] = [];
  for (const tenant of desired.tenants) {
    const c = tenant.spec.connection;
    const methods = [c.certificateThumbprint !== undefined, c.certificatePath !== undefined, c.accessTokenEnv !== undefined].filter(Boolean).length;
    let problem: string | undefined;
    if (methods === 0) problem = 'connection names no way to sign in';
    else if (methods > 1) problem = 'connection names more than one way to sign in';
    else if (c.accessTokenEnv === undefined && c.appId === undefined) problem = 'certificate sign-in needs appId';
    else if (c.certificatePasswordEnv !== undefined && c.certificatePath === undefined) problem = 'certificatePasswordEnv goes with certificatePath';
    if (problem) findings.push(finding('ConnectionIncomplete', problem, about(tenant, tenant.locate(['spec', 'connection']))));
    // Connect-ExchangeOnline -CertificateThumbprint reads the Windows certificate store: Windows only.
    if (c.certificateThumbprint !== undefined && options.platform !== undefined && options.platform !== 'win32') {
      findings.push(finding('CertificateThumbprintWindowsOnly', `tenant ${tenant.name} signs in with certificateThumbprint, which works only on Windows; this runs on ${options.platform}`, about(tenant, tenant.locate(['spec', 'connection', 'certificateThumbprint']))));
    }
  }
  return findings;
}

function checkRelationships(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const { desired } = index;
  for (const rel of desired.relationships) {
    const own = index.tenant(rel.tenant);
    const spec = rel.spec;
    if (spec.partner !== undefined && spec.domainNames !== undefined) {
      findings.push(finding('PartnerAndDomainNames', 'give partner or domainNames, not both', about(rel, rel.locate(['spec', 'domainNames'], 'key'))));
    } else if (spec.partner === undefined && spec.domainNames === undefined && spec.ensure !== 'Absent') {
      findings.push(finding('MissingPartner', 'the relationship names no partner tenant', about(rel, rel.locate(['spec']))));
    }
    if (spec.partner !== undefined && spec.partner === rel.tenant) {
      findings.push(finding('SelfPartner', `the relationship's partner is its own tenant ${rel.tenant}`, about(rel, rel.locate(['spec', 'partner']))));
    }
    (spec.domainNames ?? []).forEach((name, i) => {
      const at = rel.locate(['spec', 'domainNames', i]);
      if (!GUID.test(name)) {
        const owner = index.ownerOfDomain(name);
        const ownerTenant = owner === undefined ? undefined : index.tenantsByName.get(owner);
        findings.push(
          finding('DomainNameNotGuid', `DomainNames takes the partner's tenant ID, not a domain name: ${JSON.stringify(name)}`, {
            ...about(rel, at),
            ...(ownerTenant ? { hint: `${name} belongs to tenant ${ownerTenant.name}: write partner: ${ownerTenant.name} (tenant ID ${ownerTenant.spec.tenantId}).` } : {}),
          }),
        );
      } else if (own && name.toLowerCase() === own.spec.tenantId.toLowerCase()) {
        findings.push(finding('SelfPartner', `DomainNames holds the relationship's own tenant ID ${name}`, about(rel, at)));
      }
    });

    const scopes = spec.mailboxMovePublishedScopes ?? [];
    if (scopes.length > 1) {
      findings.push(
        finding('TooManyPublishedScopes', `${scopes.length} published scopes; Exchange accepts one`, about(rel, rel.locate(['spec', 'mailboxMovePublishedScopes']))),
      );
    }
    if (hasCapability(rel, 'RemoteOutbound')) {
      const at = rel.locate(['spec', 'mailboxMoveCapability']);
      if (spec.oauthApplicationId === undefined) {
        findings.push(finding('RemoteOutboundWithoutApp', 'RemoteOutbound without oauthApplicationId: the target cannot sign in to pull mailboxes', about(rel, at)));
      }
      if (scopes.length === 0) {
        findings.push(finding('RemoteOutboundWithoutScope', 'RemoteOutbound without mailboxMovePublishedScopes: no mailbox is allowed to move', about(rel, at)));
      }
    }
    scopes.forEach((group, i) => {
      const declaredHere = desired.scopes.some((s) => s.tenant === rel.tenant && scopeGroupName(s).toLowerCase() === group.toLowerCase());
      if (declaredHere) return;
      const elsewhere = desired.scopes.find((s) => scopeGroupName(s).toLowerCase() === group.toLowerCase());
      const at = rel.locate(['spec', 'mailboxMovePublishedScopes', i]);
      if (elsewhere) {
        findings.push(
          finding('PublishedScopeInOtherTenant', `published scope ${JSON.stringify(group)} is declared in tenant ${elsewhere.tenant} (${formatLocation(elsewhere.locate(['metadata', 'name']))}), not in ${rel.tenant}`, about(rel, at)),
        );
      } else {
        findings.push(finding('PublishedScopeUndeclared', `published scope ${JSON.stringify(group)} is not declared as a MigrationScope in ${rel.tenant}`, about(rel, at)));
      }
    });
  }
  return findings.concat(checkRelationshipPairs(index));
}

/**
 * The two halves of a cross-tenant move must agree: the target's Inbound relationship names the
 * source, the source's RemoteOutbound relationship names the target, and the source's
 * oauthApplicationId is the target endpoint's applicationId.
 */
function checkRelationshipPairs(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const rels = index.desired.relationships;
  const describe = (rel: Resource<'OrganizationRelationship'>): string =>
    `${formatAddress(rel.tenant, rel.kind, rel.name)} (${formatLocation(rel.locate(['metadata', 'name']))})`;

  const checkSide = (
    rel: Resource<'OrganizationRelationship'>,
    mine: MailboxMoveCapability,
    theirs: MailboxMoveCapability,
  ): void => {
    const partner = index.relationshipPartner(rel);
    if (!partner || partner.name === rel.tenant) return;
    const candidates = rels.filter((r) => r.tenant === partner.name && hasCapability(r, theirs));
    const at = rel.locate(rel.spec.partner !== undefined ? ['spec', 'partner'] : ['spec', 'domainNames']);
    if (candidates.some((r) => index.relationshipPartner(r)?.name === rel.tenant)) return;
    if (candidates.length > 0) {
      const pointsAt = candidates.map((r) => `${describe(r)} points at ${index.relationshipPartner(r)?.name ?? (r.spec.domainNames ?? []).join(', ')}`).join('; ');
      findings.push(
        finding('RelationshipPairMismatch', `this ${mine} relationship points at ${partner.name}, but ${partner.name}'s ${theirs} relationship does not point back at ${rel.tenant}: ${pointsAt}`, about(rel, at)),
      );
    } else {
      // A relationship that does point back, with another capability ([Outbound] for
      // [RemoteOutbound]): most likely a typo, named where it is written.
      const back = rels.find((r) => r.tenant === partner.name && index.relationshipPartner(r)?.name === rel.tenant && (r.spec.mailboxMoveCapability ?? []).length > 0);
      if (back) {
        const written = back.spec.mailboxMoveCapability!;
        findings.push(
          finding(
            'RelationshipPairMismatch',
            `${describe(back)} points back at ${rel.tenant} with mailboxMoveCapability ${written.join(', ')}, not ${theirs}: the ${mine} relationship ${formatAddress(rel.tenant, rel.kind, rel.name)} needs ${theirs} there`,
            about(back, back.locate(['spec', 'mailboxMoveCapability', 0])),
          ),
        );
      } else findings.push(finding('RelationshipPairMissing', `${partner.name} declares no ${theirs} relationship pointing back at ${rel.tenant}`, about(rel, at)));
    }
  };

  for (const rel of rels) {
    if (hasCapability(rel, 'Inbound')) checkSide(rel, 'Inbound', 'RemoteOutbound');
    if (hasCapability(rel, 'RemoteOutbound')) {
      checkSide(rel, 'RemoteOutbound', 'Inbound');
      const target = index.relationshipPartner(rel);
      const appId = rel.spec.oauthApplicationId;
      if (!target || appId === undefined) continue;
      for (const endpoint of index.desired.endpoints) {
        if (endpoint.tenant !== target.name || endpoint.spec.ensure === 'Absent') continue;
        if (index.endpointRemote(endpoint)?.name !== rel.tenant) continue;
        const endpointApp = endpoint.spec.applicationId;
        if (endpointApp !== undefined && endpointApp.toLowerCase() !== appId.toLowerCase()) {
          findings.push(
            finding('OAuthAppMismatch', `oauthApplicationId ${appId} differs from the applicationId ${endpointApp} of ${target.name}'s endpoint ${endpoint.name} (${formatLocation(endpoint.locate(['spec', 'applicationId']))})`, about(rel, rel.locate(['spec', 'oauthApplicationId']))),
          );
        }
      }
    }
  }
  return findings;
}

function checkEndpoints(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  for (const endpoint of index.desired.endpoints) {
    const spec = endpoint.spec;
    const own = index.tenant(endpoint.tenant);
    if (spec.partner !== undefined && spec.remoteTenant !== undefined) {
      findings.push(finding('EndpointPartnerAndRemoteTenant', 'give partner or remoteTenant, not both', about(endpoint, endpoint.locate(['spec', 'remoteTenant'], 'key'))));
    } else if (spec.partner === undefined && spec.remoteTenant === undefined && spec.ensure !== 'Absent') {
      findings.push(finding('EndpointMissingRemote', 'the endpoint names no remote tenant', about(endpoint, endpoint.locate(['spec']))));
    }
    if (spec.partner !== undefined && spec.partner === endpoint.tenant) {
      findings.push(finding('EndpointSelfRemote', `the endpoint's remote tenant is its own tenant ${endpoint.tenant}`, about(endpoint, endpoint.locate(['spec', 'partner']))));
    }
    if (own && spec.remoteTenant !== undefined && spec.remoteTenant.toLowerCase() === own.spec.organization.toLowerCase()) {
      findings.push(finding('EndpointSelfRemote', `remoteTenant ${spec.remoteTenant} is the endpoint's own tenant`, about(endpoint, endpoint.locate(['spec', 'remoteTenant']))));
    }
    if (spec.credentials === undefined && spec.ensure !== 'Absent') {
      findings.push(finding('EndpointWithoutCredentials', 'no credentials.secretEnv: the endpoint cannot be created', about(endpoint, endpoint.locate(['spec']))));
    }
  }
  return findings;
}

function smtpDomain(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

/** The address part of an SMTP proxy ("smtp:a@b" → "a@b"), or undefined for X500 and other types. */
function smtpOfProxy(proxy: string): string | undefined {
  return /^smtp:/i.test(proxy) ? proxy.slice(5) : undefined;
}

/**
 * Performance: runs once per mail user (50,000 at the benchmark's size), so it builds nothing per
 * address that a clean user does not need: paths are made for findings only, and the sets for
 * removeEmailAddresses only when there are some.
 */
function checkMailUsers(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const guidOwner = new Map<string, Resource<'MailUser'>>();
  /** Per tenant, the mail user each lower-cased address belongs to. */
  const addressOwners = new Map<string | null, Map<string, Resource<'MailUser'>>>();

  for (const user of index.desired.mailUsers) {
    const spec = user.spec;
    let addressOwner = addressOwners.get(user.tenant);
    if (!addressOwner) addressOwners.set(user.tenant, (addressOwner = new Map()));
    const owners = addressOwner;
    const checkAddress = (address: string, path: () => (string | number)[]): void => {
      const domain = smtpDomain(address);
      const owner = index.ownerOfDomain(domain);
      if (owner !== undefined && user.tenant !== null && owner !== user.tenant) {
        findings.push(finding('AddressInForeignDomain', `${address} is in ${domain}, a domain of tenant ${owner}; this mail user lives in ${user.tenant}`, about(user, user.locate(path()))));
      }
      // The sign-in name may equal the primary address; only distinct recipients clash.
      const key = address.toLowerCase();
      const first = owners.get(key);
      if (first && first !== user) {
        findings.push(finding('DuplicateAddress', `${address} is also an address of ${first.name} (${formatLocation(first.locate(['metadata', 'name']))})`, about(user, user.locate(path()))));
      } else owners.set(key, user);
    };
    if (spec.primarySmtpAddress !== undefined) checkAddress(spec.primarySmtpAddress, () => ['spec', 'primarySmtpAddress']);
    if (spec.microsoftOnlineServicesId !== undefined) checkAddress(spec.microsoftOnlineServicesId, () => ['spec', 'microsoftOnlineServicesId']);
    const proxies = spec.emailAddresses ?? [];
    for (let i = 0; i < proxies.length; i++) {
      const address = smtpOfProxy(proxies[i]!);
      if (address !== undefined) checkAddress(address, () => ['spec', 'emailAddresses', i]);
    }

    // "SMTP:" (upper case) marks the primary address; a recipient has exactly one.
    let firstPrimary: string | undefined;
    for (let i = 0; i < proxies.length; i++) {
      const proxy = proxies[i]!;
      if (!proxy.startsWith('SMTP:')) continue;
      const address = proxy.slice(5);
      const clash =
        firstPrimary !== undefined
          ? `${proxy} is a second primary address (the first is ${firstPrimary})`
          : spec.primarySmtpAddress !== undefined && address.toLowerCase() !== spec.primarySmtpAddress.toLowerCase()
            ? `${proxy} is a primary address, but primarySmtpAddress is ${spec.primarySmtpAddress}`
            : undefined;
      firstPrimary ??= proxy;
      if (clash) findings.push(finding('PrimaryAddressConflict', clash, about(user, user.locate(['spec', 'emailAddresses', i]))));
    }

    // Kept and removed at once: every plan would undo the apply before it.
    const removing = spec.removeEmailAddresses ?? [];
    if (removing.length > 0) {
      const kept = new Set([...proxies.map((proxy) => proxy.toLowerCase()), ...(spec.primarySmtpAddress !== undefined ? [`smtp:${spec.primarySmtpAddress.toLowerCase()}`] : [])]);
      removing.forEach((proxy, i) => {
        if (kept.has(proxy.toLowerCase())) findings.push(finding('AddressKeptAndRemoved', `${proxy} is both kept and in removeEmailAddresses`, about(user, user.locate(['spec', 'removeEmailAddresses', i]))));
      });
    }

    if (spec.externalEmailAddress !== undefined && user.tenant !== null) {
      const external = spec.externalEmailAddress.replace(/^smtp:/i, '');
      if (index.ownerOfDomain(smtpDomain(external)) === user.tenant) {
        findings.push(
          finding('ExternalAddressInOwnDomain', `externalEmailAddress ${external} is in a domain of ${user.tenant} itself`, about(user, user.locate(['spec', 'externalEmailAddress']))),
        );
      }
    }

    if (spec.exchangeGuid !== undefined) {
      const guid = spec.exchangeGuid.toLowerCase();
      const first = guidOwner.get(guid);
      if (first) {
        findings.push(
          finding('DuplicateExchangeGuid', `exchangeGuid ${spec.exchangeGuid} is also ${formatAddress(first.tenant, 'MailUser', first.name)}'s (${formatLocation(first.locate(['spec', 'exchangeGuid']))})`, about(user, user.locate(['spec', 'exchangeGuid']))),
        );
      } else guidOwner.set(guid, user);
    }
  }
  return findings;
}

function checkScopes(desired: DesiredState): Finding[] {
  const findings: Finding[] = [];
  for (const scope of desired.scopes) {
    const members = desired.scopeMembers.get(scope) ?? [];
    if (members.length > SCOPE_MEMBER_LIMIT) {
      const at = scope.locate(scope.spec.membersFile !== undefined ? ['spec', 'membersFile'] : ['spec', 'members']);
      findings.push(finding('ScopeTooLarge', `${members.length} members, above ${SCOPE_MEMBER_LIMIT.toLocaleString('en-US')}: split them across several groups`, about(scope, at)));
    }
    const seen = new Map<string, SourceLocation>();
    for (const member of members) {
      const key = member.address.toLowerCase();
      const first = seen.get(key);
      if (first) {
        findings.push(finding('DuplicateMember', `${member.address} is listed twice; first at ${formatLocation(first)}`, { ...about(scope, member.location) }));
      } else seen.set(key, member.location);
    }
  }
  return findings;
}

/** Whether a tenant's Entra Connect syncs cloud-managed mailboxes: an error before 2.5.190.0, a warning when the version is unknown. */
function entraConnectGuard(tenant: Resource<'Tenant'>, at: Pick<Finding, 'location' | 'tenant' | 'kind' | 'object'>): Finding[] {
  const version = tenant.spec.entraConnectVersion;
  if (version === undefined) {
    return [finding('EntraConnectVersionUnknown', `tenant ${tenant.name} declares no entraConnectVersion: exo-gitops cannot check that its sync accepts cloud-managed mailboxes`, at)];
  }
  if (compareVersions(version, ENTRA_CONNECT_FOR_CLOUD_MANAGED) >= 0) return [];
  return [finding('UnsupportedEntraConnect', `tenant ${tenant.name} syncs with Entra Connect ${version}, older than ${ENTRA_CONNECT_FOR_CLOUD_MANAGED}: it raises ExchangeManagedAttributesUpdateNotAllowed for cloud-managed users and stops syncing them`, at)];
}

function checkCloudManagement(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const seen = new Map<string, { value: boolean; location: SourceLocation }>();
  // The tenant default: the same Entra Connect guard, and a warning for mailboxes still made on-premises.
  for (const tenant of index.desired.tenants) {
    if (tenant.spec.exchangeAttributesCloudManagedByDefault !== true) continue;
    const at = about(tenant, tenant.locate(['spec', 'exchangeAttributesCloudManagedByDefault']));
    for (const item of entraConnectGuard(tenant, at)) findings.push(item);
    findings.push(finding('CloudManagedByDefault', `every new mailbox of a synced user in ${tenant.name} becomes cloud-managed: one still created on-premises will not reach the Exchange Online address book`, at));
  }
  for (const doc of index.desired.cloudManagement) {
    const tenant = index.tenant(doc.tenant);
    if (tenant && doc.spec.isExchangeCloudManaged) {
      for (const item of entraConnectGuard(tenant, about(doc, doc.locate(['spec', 'isExchangeCloudManaged'])))) findings.push(item);
    }
    if (!doc.spec.isExchangeCloudManaged) {
      findings.push(finding('CloudManagementRevert', `isExchangeCloudManaged: false hands ${doc.spec.mailboxes.length} mailbox(es) back to on-premises AD: the next sync overwrites their cloud-edited attributes`, about(doc, doc.locate(['spec', 'isExchangeCloudManaged']))));
    }
    doc.spec.mailboxes.forEach((mailbox, i) => {
      const key = `${doc.tenant}\0${mailbox.toLowerCase()}`;
      const location = doc.locate(['spec', 'mailboxes', i]);
      const first = seen.get(key);
      if (!first) {
        seen.set(key, { value: doc.spec.isExchangeCloudManaged, location });
      } else if (first.value !== doc.spec.isExchangeCloudManaged) {
        findings.push(finding('CloudManagementConflict', `${mailbox} is listed with isExchangeCloudManaged ${doc.spec.isExchangeCloudManaged} here and ${first.value} at ${formatLocation(first.location)}`, about(doc, location)));
      } else {
        findings.push(finding('CloudManagementRepeated', `${mailbox} is listed twice; first at ${formatLocation(first.location)}`, about(doc, location)));
      }
    });
  }
  return findings;
}

/** A batch holds at most this many users (New-MigrationBatch; Microsoft's guide and Graph's migration jobs alike). */
export const BATCH_USER_LIMIT = 2_000;

/**
 * Batches as written: their size, a user listed twice, a user in two batches, the endpoint and
 * scope they name where the repository declares them, and the domains of addressMap. What needs live
 * state (the users' mailboxes, batches already in Exchange) is checked when planning.
 */
function checkBatches(index: TenantIndex): Finding[] {
  const findings: Finding[] = [];
  const { desired } = index;
  /** Source tenant + lower-cased address → the first batch listing it and where. */
  const batchOf = new Map<string, { batch: Resource<'MigrationBatch'>; location: SourceLocation }>();
  for (const batch of desired.batches) {
    if (batch.spec.ensure === 'Absent') continue;
    const users = desired.batchUsers.get(batch) ?? [];
    if (users.length > BATCH_USER_LIMIT) {
      const at = users[BATCH_USER_LIMIT]!.location;
      findings.push(finding('BatchTooLarge', `${users.length.toLocaleString('en-US')} users, above the ${BATCH_USER_LIMIT.toLocaleString('en-US')} a batch holds; the first one over is here`, about(batch, at)));
    }
    const seen = new Map<string, SourceLocation>();
    for (const user of users) {
      const key = user.address.toLowerCase();
      const first = seen.get(key);
      if (first) {
        findings.push(finding('DuplicateMember', `${user.address} is listed twice; first at ${formatLocation(first)}`, about(batch, user.location)));
        continue;
      }
      seen.set(key, user.location);
      const other = batchOf.get(`${batch.spec.source}\0${key}`);
      if (other && other.batch !== batch) {
        findings.push(finding('UserInTwoBatches', `${user.address} is also in batch ${other.batch.name} (${formatLocation(other.location)})`, about(batch, user.location)));
      } else batchOf.set(`${batch.spec.source}\0${key}`, { batch, location: user.location });
    }
    const endpoint = desired.endpoints.find((e) => e.tenant === batch.tenant && e.name.toLowerCase() === batch.spec.endpoint.toLowerCase());
    if (endpoint) {
      const remote = index.endpointRemote(endpoint);
      if (endpoint.spec.ensure === 'Absent') {
        findings.push(finding('BatchEndpointNotFound', `endpoint ${endpoint.name} is declared ensure: Absent`, about(batch, batch.locate(['spec', 'endpoint']))));
      } else if (remote && remote.name !== batch.spec.source) {
        findings.push(finding('BatchEndpointMismatch', `endpoint ${endpoint.name} points at ${remote.name}, not at the batch's source ${batch.spec.source}`, about(batch, batch.locate(['spec', 'endpoint']))));
      }
    }
    if (batch.spec.scope !== undefined) {
      const scope = batch.spec.scope.toLowerCase();
      const declared = desired.scopes.some((s) => s.tenant === batch.spec.source && (s.name.toLowerCase() === scope || scopeGroupName(s).toLowerCase() === scope));
      const published = desired.relationships.some((r) => r.tenant === batch.spec.source && (r.spec.mailboxMovePublishedScopes ?? []).some((g) => g.toLowerCase() === scope));
      if (!declared && !published && desired.relationships.some((r) => r.tenant === batch.spec.source)) {
        findings.push(finding('BatchScopeNotFound', `${batch.spec.source} declares no MigrationScope ${JSON.stringify(batch.spec.scope)}, and its relationships publish no such group`, about(batch, batch.locate(['spec', 'scope']))));
      }
    }
    for (const [from, to] of Object.entries(batch.spec.addressMap ?? {})) {
      if (!/^([A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/.test(from)) {
        findings.push(finding('InvalidAddress', `addressMap key ${JSON.stringify(from)} is not a domain`, about(batch, batch.locate(['spec', 'addressMap', from], 'key'))));
      }
      const owner = index.ownerOfDomain(to);
      if (owner !== undefined && owner !== batch.tenant) {
        findings.push(finding('AddressInForeignDomain', `addressMap maps ${from} to ${to}, a domain of ${owner}, not of ${batch.tenant}`, about(batch, batch.locate(['spec', 'addressMap', from]))));
      }
    }
  }
  return findings;
}

/** Every desired-state rule, in a fixed order. */
export function checkDesiredState(desired: DesiredState, options: RuleOptions = {}): Finding[] {
  const index = new TenantIndex(desired);
  return [
    ...checkDuplicates(desired),
    ...checkTenantReferences(index),
    ...checkConnections(desired, options),
    ...checkRelationships(index),
    ...checkEndpoints(index),
    ...checkMailUsers(index),
    ...checkScopes(desired),
    ...checkCloudManagement(index),
    ...checkBatches(index),
  ];
}

