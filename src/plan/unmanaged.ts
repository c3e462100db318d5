// Documents removed from the repository since a base commit (a pull request's base, the commit last
// applied): exo-gitops stops managing their objects and deletes nothing. The plan says so, so that
// nobody reads a removed document as "this will be deleted", nor misses that it is no longer managed.

import { formatAddress, formatLocation } from '../model/address.js';
import type { DesiredState, Resource } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';

/** The desired state at another commit, to compare the current one with. */
export interface RemovedSince {
  /** The commit as the admin gave it (a SHA or a ref). */
  ref: string;
  desired: DesiredState;
}

/** Kinds whose objects exo-gitops can remove from Exchange, with spec.ensure: Absent. */
const REMOVABLE = new Set(['OrganizationRelationship', 'MigrationEndpoint', 'MigrationBatch']);

function allResources(desired: DesiredState): Resource[] {
  return [...desired.tenants, ...desired.relationships, ...desired.endpoints, ...desired.scopes, ...desired.mailUsers, ...desired.cloudManagement, ...desired.batches];
}

/** Exchange compares names case-insensitively: a document whose name only changed case is the same object. */
const keyOf = (resource: Resource): string => `${resource.kind}\0${resource.tenant ?? ''}\0${resource.name.toLowerCase()}`;

/** One NoLongerManaged warning per document at `since` that the current desired state no longer has. */
export function removedDocuments(current: DesiredState, since: RemovedSince): Finding[] {
  const present = new Set(allResources(current).map(keyOf));
  const at = since.ref.length === 40 && /^[0-9a-f]+$/i.test(since.ref) ? since.ref.slice(0, 7) : since.ref;
  const findings: Finding[] = [];
  for (const resource of allResources(since.desired)) {
    if (present.has(keyOf(resource))) continue;
    const address = formatAddress(resource.tenant, resource.kind, resource.name);
    const was = formatLocation(resource.locate(['metadata', 'name']));
    findings.push(
      finding('NoLongerManaged', `${address} is no longer in the YAML (it was at ${was} in ${at}): no longer managed; nothing is deleted in Exchange${REMOVABLE.has(resource.kind) ? ' (to remove it there, put the document back with spec.ensure: Absent)' : ''}`, {
        ...(resource.tenant !== null ? { tenant: resource.tenant } : {}),
        kind: resource.kind,
        object: resource.name,
      }),
    );
  }
  return findings;
}
