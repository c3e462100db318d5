// The contoso-northwind example's plan, built in-process with a fixed commit so goldens are stable.
import { loadDesiredState } from '../../src/load/load.js';
import { readSnapshots } from '../../src/load/snapshot.js';
import type { Plan } from '../../src/model/plan.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { buildPlan } from '../../src/plan/plan.js';
import { checkDesiredState } from '../../src/validate/rules.js';

export const ROOT = new URL('../../', import.meta.url).pathname;

export function examplePlan(): Plan {
  const { desired, findings } = loadDesiredState('examples/contoso-northwind', { cwd: ROOT });
  const snapshots = readSnapshots(`${ROOT}examples/contoso-northwind/state`, desired.tenants.map((t) => t.name));
  return buildPlan({
    desired,
    snapshots,
    validationFindings: [...findings, ...checkDesiredState(desired)],
    commit: { sha: 'ce7872933f2cd845f86cc85a42876aeeaae3344e', dirty: false },
    desiredDigest: desiredDigest(desired.contentHashes),
  });
}
