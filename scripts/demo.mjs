// `npm run demo`: the main job end to end against the built-in Exchange Online simulator, on a copy
// of the Contoso → Northwind example, so nothing in the repository changes and no tenant is needed.
//   1. validate the YAML        2. plan (exports both tenants through the simulator)
//   3. apply it                 4. plan again: no changes
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/main.js');
const work = mkdtempSync(join(tmpdir(), 'exo-gitops-demo-'));
const config = join(work, 'contoso-northwind');
const tenants = join(work, 'simulated-tenants');
cpSync(join(root, 'examples/contoso-northwind'), config, { recursive: true, filter: (src) => !src.includes(`${join('contoso-northwind', 'state')}`) });
// The example's live snapshots become the simulated tenants' state.
cpSync(join(root, 'examples/contoso-northwind/state'), tenants, { recursive: true });

const env = {
  ...process.env,
  EXO_GITOPS_PWSH: join(root, 'dist/simulator/main.js'),
  EXO_SIM_STATE: tenants,
  // Stand-ins for what a real run reads from its secret store or OIDC: the simulator accepts any value.
  CONTOSO_EXO_TOKEN: 'demo-access-token',
  NORTHWIND_CERT_PASSWORD: 'demo-certificate-password',
  NORTHWIND_MIGRATION_APP_SECRET: 'demo-app-secret',
};

function step(title, args, expected) {
  console.log(`\n\u001b[1m$ exo-gitops ${args.join(' ')}\u001b[0m   # ${title}`);
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: work, env, stdio: 'inherit' });
  if (result.status !== expected) {
    console.error(`\ndemo: expected exit code ${expected}, got ${result.status}`);
    process.exit(1);
  }
}

try {
  step('check the YAML', ['validate', '--dir', 'contoso-northwind'], 0);
  step('plan against live state, exported through the simulator (exit 2: changes)', ['plan', '--dir', 'contoso-northwind', '--out', 'plan.json'], 2);
  step('apply the saved plan', ['apply', '--dir', 'contoso-northwind', '--plan', 'plan.json', '--yes', '--record', 'run.json'], 0);
  step('plan again (exit 0: live state matches)', ['plan', '--dir', 'contoso-northwind'], 0);
  const record = JSON.parse(readFileSync(join(work, 'run.json'), 'utf8'));
  console.log(`\ndemo: done. Run record: ${record.summary.succeeded} succeeded, ${record.summary.failed} failed, ${record.summary.skipped} skipped.`);
} finally {
  if (!process.env.EXO_GITOPS_DEMO_KEEP) rmSync(work, { recursive: true, force: true });
  else console.log(`demo files kept in ${work}`);
}
