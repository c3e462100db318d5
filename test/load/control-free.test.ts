// A file with no control character and no backslash skips the per-value searches for control
// characters and half surrogate pairs (yaml-source.ts, controlFree): it must report exactly what the
// searches would, whatever the values and however they are quoted.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkValues } from '../../src/load/value-check.js';
import { parseYamlFile } from '../../src/load/yaml-source.js';

const piece = fc.constantFrom('a', 'Z', ' ', '\\', '\\a', '\\x07', '\\u0000', '\\ud800', '\\t', '\t', '\u0007', '\u007f', 'é', '🚀', '"', "'", '#', ':');

describe('control-free files', () => {
  it('give the findings the full search gives', () => {
    let skipped = 0;
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 6 }), fc.constantFrom('double', 'single', 'plain'), (parts, style) => {
        const raw = parts.join('');
        const written = style === 'double' ? `"${raw.replace(/"/g, '\\"')}"` : style === 'single' ? `'${raw.replace(/'/g, "''")}'` : `x${raw.replace(/[#:'"]/g, '')}x`;
        const text = `apiVersion: exo.gitops/v1alpha1\nkind: MailUser\nmetadata:\n  name: AdaL\n  tenant: northwind\nspec:\n  displayName: ${written}\n`;
        const parsed = parseYamlFile('t.yaml', text);
        for (const doc of parsed.documents) {
          if (doc.controlFree) skipped++;
          expect(checkValues(doc)).toEqual(checkValues({ ...doc, controlFree: false }));
        }
      }),
      { numRuns: 300 },
    );
    expect(skipped).toBeGreaterThan(20);
  });
});
