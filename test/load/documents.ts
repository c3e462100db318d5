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
