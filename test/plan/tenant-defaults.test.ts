// The tenant's cloud-managed default as code: planned only when live state says what it is.
import { describe, expect, it } from 'vitest';
import { actionById, allActions, baseFiles, codes, planFor, snapshots, TENANTS_YAML } from './fixtures.js';
import { replaceOnce } from '../support/edit.js';

const withDefault = (value: boolean) =>
  baseFiles({ 'tenants.yaml': replaceOnce(TENANTS_YAML, 'organization: northwindtraders.onmicrosoft.com', `organization: northwindtraders.onmicrosoft.com\n  exchangeAttributesCloudManagedByDefault: ${value}`) });

describe('exchangeAttributesCloudManagedByDefault', () => {
  it('plans Set-OrganizationConfig when the live default differs, first among the tenant\'s changes', () => {
    const plan = planFor(withDefault(true), snapshots((l) => (l.northwind.OrganizationConfig.ExchangeAttributesCloudManagedByDefault = false)));
    const action = actionById(plan, 'northwind/OrganizationConfig/northwindtraders.onmicrosoft.com#cloud-managed-default');
    expect(action).toMatchObject({ action: 'update', step: 'cloud-managed-default', changes: [{ field: 'ExchangeAttributesCloudManagedByDefault', before: false, after: true }], destructive: [] });
    expect(codes(plan)).toEqual([]);
  });

  it('plans nothing when live state matches, or when the YAML leaves it alone', () => {
    expect(allActions(planFor(withDefault(true), snapshots((l) => (l.northwind.OrganizationConfig.ExchangeAttributesCloudManagedByDefault = true))))).toEqual([]);
    expect(allActions(planFor(baseFiles(), snapshots((l) => (l.northwind.OrganizationConfig.ExchangeAttributesCloudManagedByDefault = true))))).toEqual([]);
  });

  it('a live state that does not say (older snapshot, or Exchange did not print it) is a warning, never an action that comes back forever', () => {
    const plan = planFor(withDefault(false), snapshots());
    expect(allActions(plan)).toEqual([]);
    expect(codes(plan)).toEqual(['CloudManagedDefaultUnknown']);
  });

  it('comes after organization customization in a dehydrated tenant', () => {
    const plan = planFor(withDefault(true), snapshots((l) => {
      l.northwind.OrganizationConfig.IsDehydrated = true;
      l.northwind.OrganizationConfig.ExchangeAttributesCloudManagedByDefault = false;
    }));
    const ids = plan.tenants.find((t) => t.tenant === 'northwind')!.actions.map((a) => a.id);
    expect(ids.slice(0, 2)).toEqual(['northwind/OrganizationConfig/northwindtraders.onmicrosoft.com#customize', 'northwind/OrganizationConfig/northwindtraders.onmicrosoft.com#cloud-managed-default']);
  });
});
