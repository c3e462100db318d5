// A saved plan's tenant, organization and environment obey the Tenant CRD's own rules: values that
// reach script headers and the sign-in command cannot be anything a Tenant document could not say.
import { describe, expect, it } from 'vitest';
import { ENVIRONMENTS, ORGANIZATION_PATTERN, parsePlanJson, TENANT_NAME_PATTERN } from '../../src/plan/plan-file.js';
import { loadCrdSchemas } from '../../src/schema/crds.js';

const tenantSchema = loadCrdSchemas().get('Tenant')!.schema as any;

const plan = (tenant: Record<string, unknown>) =>
  JSON.stringify({
    formatVersion: 1,
    commit: null,
    desiredDigest: 'sha256:x',
    snapshotDigests: {},
    maxActionsPerTenant: 0,
    summary: { create: 0, update: 0, delete: 0, replace: 0, blocked: 0, destructive: 0 },
    tenants: [{ tenant: 'northwind', organization: 'northwindtraders.onmicrosoft.com', role: 'target', connection: {}, actions: [], ...tenant }],
    findings: [],
  });

describe('the plan file schema', () => {
  it('uses the Tenant CRD\'s patterns for tenant, organization and environment', () => {
    expect(TENANT_NAME_PATTERN).toBe(tenantSchema.properties.metadata.properties.name.pattern);
    expect(ORGANIZATION_PATTERN).toBe(tenantSchema.properties.spec.properties.organization.pattern);
    expect(ENVIRONMENTS).toEqual(tenantSchema.properties.spec.properties.environment.enum);
  });

  it.each([
    ['a CR and code in the organization', { organization: 'northwindtraders.onmicrosoft.com\rWrite-Output x' }],
    ['an organization outside onmicrosoft.com', { organization: 'attacker.example' }],
    ['a line break in the tenant', { tenant: 'northwind\nWrite-Output x' }],
    ['an environment that is not a cloud', { environment: "O365Default'; Write-Output x" }],
  ])('refuses %s', (_name, tenant) => {
    expect(() => parsePlanJson(plan(tenant), 'plan.json')).toThrow(/is not a valid plan/);
  });

  it('accepts a plan a Tenant document could give', () => {
    expect(parsePlanJson(plan({ environment: 'O365USGovGCCHigh' }), 'plan.json').tenants[0]!.environment).toBe('O365USGovGCCHigh');
  });
});
