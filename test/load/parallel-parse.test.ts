// Large repositories are parsed on two cores (src/load/parallel-parse.ts). The worker runs only from
// the compiled dist/ (from TypeScript sources parsing is sequential), so this test loads through the
// built loader, forcing the parallel path, and compares everything with the sequential one.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error: the built module has no declaration next to the test
import { loadDesiredState } from '../../dist/load/load.js';
import type { LoadResult } from '../../src/load/load.js';
import { replaceOnce } from '../support/edit.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function summary(result: LoadResult) {
  const resources = [...result.desired.tenants, ...result.desired.relationships, ...result.desired.endpoints, ...result.desired.scopes, ...result.desired.mailUsers, ...result.desired.cloudManagement];
  return {
    findings: result.findings,
    files: result.desired.files,
    hashes: [...result.desired.contentHashes.entries()].sort(),
    resources: resources.map((r) => ({ kind: r.kind, name: r.name, file: r.file, index: r.documentIndex, spec: r.spec, at: r.locate(['metadata', 'name']), spec0: r.locate(['spec']) })),
  };
}

describe('parallel YAML parsing', () => {
  it('loads the example repository exactly as the sequential path does', () => {
    const dir = new URL('../../examples/contoso-northwind', import.meta.url).pathname;
    const load = (parallel: string) => (loadDesiredState as (d: string, o: object) => LoadResult)(dir, { cwd: dir, parallel });
    expect(summary(load('always'))).toEqual(summary(load('never')));
  });

  it('reports broken files (syntax, duplicate keys, binary, empty) in the same order with the same positions', () => {
    const dir = mkdtempSync(join(tmpdir(), 'exo-parallel-'));
    dirs.push(dir);
    const user = (i: number) => `apiVersion: exo.gitops/v1alpha1\nkind: MailUser\nmetadata: {name: u${i}, tenant: t}\nspec:\n  externalEmailAddress: SMTP:u${i}@a.com\n`;
    writeFileSync(join(dir, 'a.yaml'), Array.from({ length: 50 }, (_, i) => user(i)).join('---\n'));
    writeFileSync(join(dir, 'b.yaml'), `${user(1)}---\nkind: [unclosed\n---\n${user(2)}`);
    writeFileSync(join(dir, 'c.yaml'), `${user(3)}---\nkind: MailUser\nkind: MailUser\n`);
    writeFileSync(join(dir, 'd.yaml'), Buffer.from([0x61, 0x00, 0x62]));
    writeFileSync(join(dir, 'e.yaml'), '# nothing here\n');
    writeFileSync(join(dir, 'f.yaml'), replaceOnce(Array.from({ length: 50 }, (_, i) => user(100 + i)).join('---\n'), 'u120@a.com', 'u120@a.com\n  bogusField: 1'));
    const load = (parallel: string) => (loadDesiredState as (d: string, o: object) => LoadResult)(dir, { cwd: dir, parallel });
    const parallel = summary(load('always'));
    expect(parallel.findings.length).toBeGreaterThan(3);
    expect(parallel).toEqual(summary(load('never')));
  });
});
