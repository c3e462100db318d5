// Scope membership changes are one Add-/Remove-DistributionGroupMember call per member (see
// BENCHMARKS.md, "Scope groups: Add per member or Update for bulk"), idempotent (-DoneWhen), so a
// re-run after a partial failure changes nothing twice, and removals stay a separate action of the
// destructive remove-member class. The one exception is the first fill of a group (the plan's
// parameters.firstFill: at least 100 members added to a group that had none at export): the first
// 1,000 go in one Update-DistributionGroupMember, which replaces the whole list, and so only after
// Get-DistributionGroupMember found the group still empty; the rest, or all when it is not empty, one
// idempotent Add each. The plan side: test/apply/first-fill.test.ts; both hosts: test/simulator/host-pwsh/pacing.test.ts.

import { describe, expect, it } from 'vitest';
import type { Action } from '../../src/model/plan.js';
import { actionCommands, FIRST_FILL_BULK } from '../../src/powershell/apply-script.js';

const members = (n: number, offset = 0) => Array.from({ length: n }, (_, i) => `user${i + offset}@contoso.com`);
const base = { tenant: 'contoso', kind: 'DistributionGroup' as const, identity: 'T2T-Scope', action: 'update' as const, dependsOn: [], resourceKind: 'MigrationScope' as const };
const adding = (list: string[], parameters?: Action['parameters']): Action => ({ ...base, id: 'contoso/DistributionGroup/T2T-Scope#add-members', changes: [{ field: 'Members', add: list }], destructive: [], ...(parameters ? { parameters } : {}) });

describe('scope group membership at scale', () => {
  it('adds 5,000 members to a group that had members with one idempotent Add-DistributionGroupMember call each, in one loop, never Update', () => {
    const text = actionCommands(adding(members(5000))).join('\n');
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

  it('a first fill of 2,500: the first 1,000 in one Update, only when the group is still empty; the other 1,500 (or all 2,500) one idempotent Add each', () => {
    expect(FIRST_FILL_BULK).toBe(1000);
    const list = members(2500);
    const lines = actionCommands(adding(list, { firstFill: true }));
    const text = lines.join('\n');
    // The two lists, each on its line: the first 1,000 and the rest, every address once.
    const bulk = lines.find((l) => l.startsWith('$bulk = '))!;
    const rest = lines.find((l) => l.startsWith('$rest = @('))!;
    expect(bulk.match(/'[^']+'/g)).toEqual(list.slice(0, 1000).map((m) => `'${m}'`));
    expect(rest.match(/'[^']+'/g)).toEqual(list.slice(1000).map((m) => `'${m}'`));
    // Checked right before: is the group still empty?
    const check = text.indexOf('Get-DistributionGroupMember');
    const update = text.indexOf('Update-DistributionGroupMember');
    expect(check).toBeGreaterThan(-1);
    expect(text).toMatch(/\$present = @\(Invoke-ExoCall \{\n {2}\$parameters = \[ordered\]@\{\n {4}Identity = 'T2T-Scope'\n {4}ResultSize = 1\n/);
    expect(text).toMatch(/if \(\$present\.Count -eq 0\) \{\n {2}Invoke-ExoCall \{/);
    expect(update).toBeGreaterThan(check);
    expect(text.match(/Update-DistributionGroupMember/g)).toHaveLength(1);
    expect(text).toContain('    Members = $bulk\n');
    // Not empty: the bulk members go one Add each too, with the rest.
    expect(text).toContain('} else {\n  $rest = @($bulk) + @($rest)\n}');
    expect(text.indexOf('foreach ($member in $rest)')).toBeGreaterThan(update);
    expect(text.match(/Add-DistributionGroupMember/g)).toHaveLength(1);
    expect(text).toContain("-DoneWhen '*already a member*'");
  });

  it('a first fill within the bulk size: one Update, nothing left to add', () => {
    const text = actionCommands(adding(members(150), { firstFill: true })).join('\n');
    expect(text).toContain('$rest = @()');
    expect(text.match(/Update-DistributionGroupMember/g)).toHaveLength(1);
  });

  it('never Update without the plan\'s mark, nor for an action that also removes', () => {
    const both: Action = { ...adding(members(500), { firstFill: true }), changes: [{ field: 'Members', add: members(500), remove: members(1, 900) }] };
    for (const action of [adding(members(500)), adding(members(500), { firstFill: 'yes' }), both]) {
      expect(actionCommands(action).join('\n')).not.toMatch(/Update-DistributionGroupMember/);
    }
  });
});
