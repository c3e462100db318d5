// The work order is a table: every action the model can describe has a place in it, and the step
// field (not the id) decides where a cloud-management or member change goes.
import { describe, expect, it } from 'vitest';
import { ACTION_STEPS, ACTION_TYPES, OBJECT_KINDS, planAction, type Action, type ActionStep } from '../../src/model/plan.js';
import { compareActions } from '../../src/plan/order.js';

const draft = (over: Partial<Action> & Pick<Action, 'kind'>): Action =>
  planAction({ tenant: 't', identity: 'x', action: 'update', changes: [], dependsOn: [], ...over });

describe('the work order table', () => {
  it('places every kind, type and step the model has', () => {
    const all: Action[] = [];
    for (const kind of OBJECT_KINDS) {
      for (const action of ACTION_TYPES) {
        for (const step of [undefined, ...ACTION_STEPS] as (ActionStep | undefined)[]) all.push(draft({ kind, action, ...(step ? { step } : {}) }));
      }
    }
    expect(() => [...all].sort(compareActions)).not.toThrow();
  });

  it('reads the step field, never the id', () => {
    // The same id text, different steps: the step decides.
    const cloud = draft({ kind: 'Mailbox', identity: 'm', step: 'cloud-managed' });
    const attributes = draft({ kind: 'Mailbox', identity: 'm' });
    const mailUser = draft({ kind: 'MailUser', identity: 'm' });
    expect(cloud.id).toBe('t/Mailbox/m#cloud-managed');
    expect([attributes, mailUser, cloud].sort(compareActions).map((a) => a.id)).toEqual(['t/Mailbox/m#cloud-managed', 't/MailUser/m', 't/Mailbox/m']);
    const forged = { ...attributes, id: 't/Mailbox/m#cloud-managed' };
    expect([forged, mailUser].sort(compareActions).map((a) => a.kind)).toEqual(['MailUser', 'Mailbox']);
  });

  it('planAction derives the id from the address and step, and the destructive classes from what the action does', () => {
    const removal = draft({ kind: 'DistributionGroup', identity: 'Scope', step: 'remove-members', changes: [{ field: 'Members', remove: ['a@contoso.com'] }] });
    expect(removal.id).toBe('t/DistributionGroup/Scope#remove-members');
    expect(removal.destructive).toEqual(['remove-member']);
    expect(draft({ kind: 'MailUser', changes: [{ field: 'ExchangeGuid', before: '00000000-0000-0000-0000-000000000000', after: 'b5d3a6c2-1111-4a22-9c33-444455556666' }] }).destructive).toEqual([]);
    expect(draft({ kind: 'MailUser', changes: [{ field: 'ExchangeGuid', before: 'a5d3a6c2-1111-4a22-9c33-444455556666', after: 'b5d3a6c2-1111-4a22-9c33-444455556666' }] }).destructive).toEqual(['change-guid']);
    expect(draft({ kind: 'User', step: 'clear-previous-mailbox' }).destructive).toEqual(['clear-previous-mailbox-info']);
    expect(draft({ kind: 'MigrationEndpoint', action: 'replace' }).destructive).toEqual(['delete']);
  });
});
