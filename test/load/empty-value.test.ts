// A field written with no value (`tenantId:`) is reported at its key: there is no value to point at.
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/load/yaml-source.js';

const header = 'apiVersion: exo.gitops/v1alpha1\nkind: Tenant\nmetadata:\n  name: a\n';

describe('positions of empty values', () => {
  it.each([
    ['spec:\n  tenantId:\n  organization: x\n', 3],
    ['spec:\n  tenantId:\n', 3],
    ['spec:\n  tenantId: ~\n', 13],
    ['spec:\n  tenantId: null\n', 13],
    ['spec:\n  tenantId: ""\n', 13],
  ])('%j points at column %i of line 6', (text, column) => {
    const parsed = parseYamlFile('x.yaml', header + text);
    expect(parsed.documents[0]!.locate(['spec', 'tenantId'])).toEqual({ file: 'x.yaml', line: 6, column });
  });
});
