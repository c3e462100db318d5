// Small documents the load tests build their repositories from.

export const TENANT = `apiVersion: exo.gitops/v1alpha1
kind: Tenant
metadata:
  name: fabrikam
spec:
  tenantId: 11111111-1111-4111-8111-111111111111
  organization: fabrikam.onmicrosoft.com
  connection:
    accessTokenEnv: FABRIKAM_TOKEN
`;

export const SCOPE = (spec: string): string => `apiVersion: exo.gitops/v1alpha1
kind: MigrationScope
metadata:
  name: Movers
  tenant: fabrikam
spec:
${spec}`;

/** The line ours() adds. */
export const CLAIM = '\napiVersion: exo.gitops/v1alpha1\n';

/**
 * `text` with a last line that makes its file ours (src/load/ownership.ts) whatever comes before it,
 * and no position before it moved: a file that does not parse, or whose documents have no apiVersion
 * of ours, is someone else's and skipped without a finding.
 */
export const ours = (text: string): string => `${text}${CLAIM}`;
