// Documents removed since a base commit: reported as no longer managed, with nothing deleted.
import { describe, expect, it } from 'vitest';
import { removedDocuments } from '../../src/plan/unmanaged.js';
import { baseFiles, loadFiles, MAILUSER_YAML, planFor, snapshots } from '../plan/fixtures.js';

describe('removedDocuments', () => {
  it('names each document the base had and the head has not, where it was, and says nothing is deleted', () => {
    const base = loadFiles(baseFiles());
    const head = loadFiles(baseFiles({ 'mailusers.yaml': '', 'target.yaml': '' }));
    const findings = removedDocuments(head, { ref: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678', desired: base });
    expect(findings.map((f) => `${f.tenant}/${f.kind}/${f.object}`).sort()).toEqual(['northwind/MailUser/LaraN', 'northwind/MigrationEndpoint/Contoso-T2T', 'northwind/OrganizationRelationship/Contoso'].sort());
    expect(findings.every((f) => f.code === 'NoLongerManaged' && f.severity === 'warning' && f.location === undefined)).toBe(true);
    const lara = findings.find((f) => f.object === 'LaraN')!;
    expect(lara.message).toBe('northwind/MailUser/LaraN is no longer in the YAML (it was at mailusers.yaml:4:9 in a1b2c3d): no longer managed; nothing is deleted in Exchange');
    // Kinds exo-gitops can remove say how.
    expect(findings.find((f) => f.kind === 'MigrationEndpoint')!.message).toContain('(to remove it there, put the document back with spec.ensure: Absent)');
  });

  it('a document only renamed in case, or moved to another file, is the same object: nothing to report', () => {
    const base = loadFiles(baseFiles());
    const moved = loadFiles(baseFiles({ 'mailusers.yaml': '', 'people/lara.yaml': MAILUSER_YAML.replace('name: LaraN', 'name: laran') }));
    expect(removedDocuments(moved, { ref: 'main', desired: base })).toEqual([]);
  });

  it('in a plan: a warning per removed document, and no action that deletes anything', () => {
    const plan = planFor(baseFiles({ 'mailusers.yaml': '' }), snapshots(), { removedSince: { ref: 'main', desired: loadFiles(baseFiles()) } });
    expect(plan.findings.filter((f) => f.code === 'NoLongerManaged').map((f) => f.object)).toEqual(['LaraN']);
    expect(plan.tenants.flatMap((t) => t.actions).filter((a) => a.action === 'delete')).toEqual([]);
  });
});
