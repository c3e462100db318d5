// Scope membership changes stay one Add-/Remove-DistributionGroupMember call per member (see
// BENCHMARKS.md, "Add per member or Update for bulk"): never Update-DistributionGroupMember, which
// replaces the whole list. Each call is idempotent (-DoneWhen), so a re-run after a partial failure
// changes nothing twice, and removals stay a separate action of the destructive remove-member class.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/model/plan.js';
import { actionCommands } from '../../src/powershell/apply-script.js';

const members = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `user${i + offset}@contoso.com`);
const base = { tenant: 'contoso', kind: 'DistributionGroup' as const, identity: 'T2T-Scope', action: 'update' as const, dependsOn: [], resourceKind: 'MigrationScope' as const };

describe('scope group membership at scale', () => {
  it('adds 5,000 members with one idempotent Add-DistributionGroupMember call each, in one loop, never Update', () => {
    const add: Action = { ...base, id: 'contoso/DistributionGroup/T2T-Scope#add-members', changes: [{ field: 'Members', add: members(5000) }], destructive: [] };
    const text = actionCommands(add).join('\n');
    expect(text).not.toMatch(/Update-DistributionGroupMember/);
    expect(text.match(/Add-DistributionGroupMember/g)).toHaveLength(1); // inside one foreach over the list
    expect(text).toMatch(/^foreach \(\$member in @\(/);
    expect(text).toContain("-DoneWhen '*already a member*'");
    for (const m of members(5000)) expect(text).toContain(`'${m}'`);
  });

  it('keeps removals apart (destructive remove-member), also one idempotent call each', () => {
    const remove: Action = { ...base, id: 'contoso/DistributionGroup/T2T-Scope#remove-members', changes: [{ field: 'Members', remove: members(3, 900) }], destructive: ['remove-member'] };
    const text = actionCommands(remove).join('\n');
    expect(text).not.toMatch(/Update-DistributionGroupMember|Add-DistributionGroupMember/);
    expect(text).toContain('Remove-DistributionGroupMember');
    expect(text).toContain("-DoneWhen '*isn''t a member*'");
  });
});
