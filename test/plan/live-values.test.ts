// A control character in live data (a NUL Exchange returned) is a finding on its object: the plan
// says where it is, and it does not refuse the plan (an action sending it fails alone at apply).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkLiveValues } from '../../src/plan/live-values.js';
import { baseFiles, planFor, snapshots } from './fixtures.js';

describe('control characters in live data', () => {
  it('are a warning naming the tenant, kind, object and property', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.MailUser[0]!.CustomAttribute3 = 'bad\u0000value';
    }));
    const found = plan.findings.filter((f) => f.code === 'LiveControlCharacter');
    expect(found).toEqual([expect.objectContaining({ severity: 'warning', tenant: 'northwind', kind: 'MailUser', object: 'Lara Newton', message: 'northwind/MailUser/Lara Newton: CustomAttribute3 holds a control character (U+0000)' })]);
  });

  it('tab and line breaks are not control characters here, and clean state gives no finding', () => {
    expect(planFor(baseFiles(), snapshots()).findings.filter((f) => f.code === 'LiveControlCharacter')).toEqual([]);
    fc.assert(
      fc.property(fc.string().filter((s) => !/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(s)), (text) => {
        const live = snapshots((l) => {
          l.northwind.MailUser[0]!.CustomAttribute3 = `a\tb\r\nc${text}`;
        });
        expect(checkLiveValues(live)).toEqual([]);
      }),
      { numRuns: 50 },
    );
  });
});
