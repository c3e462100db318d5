// The migration is over: both relationships and the endpoint are removed (ensure: Absent), while the
// MailUser documents still name their source mailboxes. The pair check knows the pair is being taken
// down: validate and plan pass, the removals are planned, and no mailbox is reported as moving.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readSnapshots } from '../../src/load/snapshot.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { buildPlan } from '../../src/plan/plan.js';
import { validateDirectory } from '../../src/validate/validate.js';
import { replaceOnce } from '../support/edit.js';

const example = new URL('../../examples/contoso-northwind/', import.meta.url).pathname;
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The example without its batch, with the given documents removed (ensure: Absent after the line that follows). */
function decommissioned(edits: { file: string; after: string }[]): string {
  const root = mkdtempSync(join(tmpdir(), 'exo-decommission-'));
  dirs.push(root);
  cpSync(example, root, { recursive: true });
  rmSync(join(root, 'northwind/batches.yaml'));
  for (const { file, after } of edits) {
    const path = join(root, file);
    writeFileSync(path, replaceOnce(readFileSync(path, 'utf8'), after, `${after}  ensure: Absent\n`, { in: file }));
  }
  return root;
}

function planOf(root: string) {
  const validation = validateDirectory(root, { cwd: root });
  const snapshots = readSnapshots(join(root, 'state'), validation.desired.tenants.map((t) => t.name));
  return { validation, plan: buildPlan({ desired: validation.desired, snapshots, validationFindings: validation.findings, desiredDigest: desiredDigest(validation.desired.contentHashes) }) };
}

const ENDPOINT = { file: 'northwind/migration.yaml', after: '  maxConcurrentMigrations: 20\n' };
const INBOUND = { file: 'northwind/migration.yaml', after: '  mailboxMoveCapability: [Inbound]\n' };
const OUTBOUND = { file: 'contoso/migration.yaml', after: '  mailboxMovePublishedScopes: [T2T-Migration-Scope]\n' };

describe('decommissioning a migration pair', () => {
  it('both relationships and the endpoint Absent: validate and plan pass, the removals are planned, nothing is moving', () => {
    const { validation, plan } = planOf(decommissioned([ENDPOINT, INBOUND, OUTBOUND]));
    expect(validation.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(plan.findings.map((f) => f.code)).not.toContain('LiveRelationshipPairMismatch');
    const deletes = plan.tenants.flatMap((t) => t.actions).filter((a) => a.action === 'delete').map((a) => a.id);
    expect(deletes.sort()).toEqual(['contoso/OrganizationRelationship/Northwind Traders', 'northwind/MigrationEndpoint/Contoso-T2T', 'northwind/OrganizationRelationship/Contoso']);
    expect(plan.readiness).toEqual([]);
  });

  it('one side removed while the other stays: still the error that says the pair is broken', () => {
    const { plan } = planOf(decommissioned([OUTBOUND]));
    expect(plan.findings.find((f) => f.code === 'LiveRelationshipPairMismatch')).toMatchObject({ severity: 'error', tenant: 'contoso' });
  });
});
