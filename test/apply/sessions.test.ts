// The sessions apply opens: every tenant's other changes first (targets, then sources), then each
// tenant's migration batches, whose dependencies on earlier sessions are checked by apply itself.
import { describe, expect, it } from 'vitest';
import { applySessions } from '../../src/apply/sessions.js';
import { planAction, type Action, type TenantPlan } from '../../src/model/plan.js';

const tenant = (name: string, role: TenantPlan['role'], actions: Action[]): TenantPlan => ({ tenant: name, organization: `${name}.onmicrosoft.com`, connection: { accessTokenEnv: 'T' }, role, actions });

const meu = planAction({ tenant: 'northwind', kind: 'MailUser', identity: 'user1', action: 'create', changes: [{ field: 'Name', after: 'user1' }], dependsOn: [] });
const members = planAction({ tenant: 'contoso', kind: 'DistributionGroup', identity: 'Scope', step: 'add-members', action: 'update', changes: [{ field: 'Members', add: ['user1@contoso.com'] }], dependsOn: [] });
const batch = planAction({ tenant: 'northwind', kind: 'MigrationBatch', identity: 'Wave-1', action: 'create', changes: [{ field: 'Users', add: ['user1@northwindtraders.com'] }], dependsOn: [meu.id, members.id] });
const start = planAction({ tenant: 'northwind', kind: 'MigrationBatch', identity: 'Wave-1', step: 'start', action: 'update', changes: [{ field: 'Status', before: 'Created', after: 'Syncing' }], dependsOn: [batch.id] });

describe('applySessions', () => {
  it('runs batches after every tenant, and moves their cross-session dependencies out of the script', () => {
    const sessions = applySessions([tenant('northwind', 'target', [meu, batch, start]), tenant('contoso', 'source', [members])]);
    expect(sessions.map((s) => [s.tenant.tenant, s.tenant.actions.map((a) => a.id)])).toEqual([
      ['northwind', [meu.id]],
      ['contoso', [members.id]],
      ['northwind', [batch.id, start.id]],
    ]);
    const last = sessions[2]!;
    // Inside the last session only its own actions remain dependencies; the others are apply's to check.
    expect(last.tenant.actions.map((a) => a.dependsOn)).toEqual([[], [batch.id]]);
    expect([...last.earlier]).toEqual([[batch.id, [meu.id, members.id]]]);
  });

  it('opens no session for a tenant without actions of that kind', () => {
    expect(applySessions([tenant('northwind', 'target', [meu]), tenant('contoso', 'source', [])]).map((s) => s.tenant.tenant)).toEqual(['northwind']);
    expect(applySessions([tenant('northwind', 'target', [batch])]).map((s) => [s.tenant.tenant, [...s.earlier.keys()]])).toEqual([['northwind', [batch.id]]]);
  });
});
