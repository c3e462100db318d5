// Who is who among the repository's tenants: by name, by tenant ID, by domain; and which tenant a
// relationship or endpoint points at.

import type { DesiredState, Resource } from './desired.js';

/** Lookups over the repository's tenants that validation and planning both need, built once. */
export class TenantIndex {
  readonly tenantsByName = new Map<string, Resource<'Tenant'>>();
  readonly tenantsById = new Map<string, Resource<'Tenant'>>();
  /** Lower-cased domain → owning tenant name (initial domain and accepted domains). */
  readonly domainOwner = new Map<string, string>();

  constructor(readonly desired: DesiredState) {
    for (const tenant of desired.tenants) {
      if (!this.tenantsByName.has(tenant.name)) this.tenantsByName.set(tenant.name, tenant);
      const id = tenant.spec.tenantId.toLowerCase();
      if (!this.tenantsById.has(id)) this.tenantsById.set(id, tenant);
      for (const domain of [tenant.spec.organization, ...(tenant.spec.acceptedDomains ?? [])]) {
        if (!this.domainOwner.has(domain.toLowerCase())) this.domainOwner.set(domain.toLowerCase(), tenant.name);
      }
    }
  }

  tenant(name: string | null): Resource<'Tenant'> | undefined {
    return name === null ? undefined : this.tenantsByName.get(name);
  }

  /** The tenant that owns a domain or one of its parent domains (a subdomain cannot be verified elsewhere). */
  ownerOfDomain(domain: string): string | undefined {
    // The domain, then each parent that still has two labels, as one substring each (called per
    // address: 100,000 times in a large repository, so no array of labels per call).
    const name = domain.toLowerCase();
    for (let start = 0; ; ) {
      const dot = name.indexOf('.', start);
      if (dot === -1) return undefined;
      const owner = this.domainOwner.get(start === 0 ? name : name.slice(start));
      if (owner !== undefined) return owner;
      start = dot + 1;
    }
  }

  /** The partner tenant of a relationship: by `partner`, or by a DomainNames GUID that is a known tenant ID. */
  relationshipPartner(rel: Resource<'OrganizationRelationship'>): Resource<'Tenant'> | undefined {
    if (rel.spec.partner !== undefined) return this.tenantsByName.get(rel.spec.partner);
    for (const name of rel.spec.domainNames ?? []) {
      const tenant = this.tenantsById.get(name.toLowerCase());
      if (tenant) return tenant;
    }
    return undefined;
  }

  endpointRemote(endpoint: Resource<'MigrationEndpoint'>): Resource<'Tenant'> | undefined {
    if (endpoint.spec.partner !== undefined) return this.tenantsByName.get(endpoint.spec.partner);
    const remote = endpoint.spec.remoteTenant?.toLowerCase();
    return this.desired.tenants.find((t) => t.spec.organization.toLowerCase() === remote);
  }
}
