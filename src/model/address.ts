// One way to name things in every message, id, progress line and rendering (Flux's ssa/utils/fmt.go
// idea): an object is `tenant/Kind/identity`, a place in the repository `file:line:col`, and an
// action's id is its object's address with the step it takes after `#`.

import type { Finding, SourceLocation } from './finding.js';

/** An object: tenant/Kind/identity (Kind/identity for a Tenant document, which lives in no tenant). */
export function formatAddress(tenant: string | null | undefined, kind: string, identity: string): string {
  return tenant === null || tenant === undefined ? `${kind}/${identity}` : `${tenant}/${kind}/${identity}`;
}

/** A place in a file, as editors and CI annotations read it: file:line:col. */
export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

/** An action's id: its object's address, and `#step` when the object takes more than one kind of step. */
export function formatActionId(tenant: string, kind: string, identity: string, step?: string): string {
  return `${formatAddress(tenant, kind, identity)}${step ? `#${step}` : ''}`;
}

/** Where a finding points: its file position, else its object, else its tenant. */
export function findingPlace(f: Pick<Finding, 'location' | 'tenant' | 'kind' | 'object'>): string {
  if (f.location) return formatLocation(f.location);
  if (f.tenant !== undefined && f.kind !== undefined && f.object !== undefined) return formatAddress(f.tenant, f.kind, f.object);
  if (f.tenant !== undefined) return f.tenant;
  return 'exo-gitops';
}
