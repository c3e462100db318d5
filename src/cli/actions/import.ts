// The import command's implementation, loaded only when import runs (its options: commands/import.ts).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { exportTenant } from '../../export/export.js';
import { importTenant, knownTenantsOf, type ImportedFile, type ImportResult } from '../../import/import.js';
import { loadDesiredState } from '../../load/load.js';
import { readSnapshots, SnapshotError } from '../../load/snapshot.js';
import type { Resource } from '../../model/desired.js';
import type { Snapshot } from '../../model/snapshot.js';
import { renderFindingText } from '../../render/findings.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { validateDirectory } from '../../validate/validate.js';
import type { CliContext } from '../context.js';

/** The first line of every file import writes (import.ts's headers and members files). */
const IMPORTED_HEADER = /^# .*(by exo-gitops import\.|\(live, exported .*\): one address per line\.)/;

export interface ImportOptions {
  tenant: string;
  out: string;
  dir?: string;
  state?: string;
  peerState?: string;
  force?: boolean;
}

/**
 * The imported tenant's snapshot (<tenant>.json, which must load) and the partners' beside it: other
 * JSON files that are not snapshots (a plan.json, a run record) are passed over, with a note.
 */
function snapshotsIn(directory: string, tenant: string, notes: string[], own: 'required' | 'skipped'): Map<string, Snapshot> {
  const snapshots = own === 'required' ? readSnapshots(directory, [tenant]) : new Map<string, Snapshot>();
  if (!existsSync(directory)) throw new SnapshotError(tenant, `${directory} does not exist`);
  for (const file of readdirSync(directory).filter((f) => f.endsWith('.json') && !f.startsWith('.'))) {
    const name = basename(file, '.json');
    if (name === tenant) continue;
    try {
      for (const [peer, snapshot] of readSnapshots(directory, [name])) snapshots.set(peer, snapshot);
    } catch (error) {
      if (!(error instanceof SnapshotError)) throw error;
      notes.push(`passed over ${join(directory, file)}: not a snapshot exo-gitops reads`);
    }
  }
  return snapshots;
}

/**
 * The generated files must load as the repository's own do (syntax, schema, values): otherwise the
 * import is refused, with what failed, and nothing is written.
 */
function loadProblems(files: readonly ImportedFile[]): string[] {
  if (files.length === 0) return [];
  const scratch = mkdtempSync(join(tmpdir(), 'exo-gitops-import-check-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(scratch, file.path)), { recursive: true });
      writeFileSync(join(scratch, file.path), file.content);
    }
    const { findings } = loadDesiredState(scratch, { cwd: scratch });
    return findings.filter((f) => f.severity === 'error').map((f) => renderFindingText(f, { color: false }).split('\n')[0]!);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function summary(tenant: string, out: string, result: ImportResult): string {
  const labels: [keyof ImportResult['counts'], string, string][] = [
    ['Tenant', 'tenant', 'tenants'],
    ['OrganizationRelationship', 'relationship', 'relationships'],
    ['MigrationEndpoint', 'endpoint', 'endpoints'],
    ['MigrationScope', 'scope group', 'scope groups'],
    ['MailUser', 'mail user', 'mail users'],
    ['CloudManagement', 'cloud-managed list', 'cloud-managed lists'],
  ];
  const parts = labels.filter(([kind]) => (result.counts[kind] ?? 0) > 0).map(([kind, one, many]) => `${result.counts[kind]} ${result.counts[kind] === 1 ? one : many}`);
  return `imported ${tenant} → ${join(out, tenant)}: ${parts.length > 0 ? parts.join(', ') : 'nothing to manage'} (${result.files.length} file${result.files.length === 1 ? '' : 's'})`;
}

export async function importCommand(options: ImportOptions, context: CliContext): Promise<void> {
  const fail = (message: string): void => {
    context.stderr(`import: ${message}`);
    context.setExitCode(1);
  };
  let tenants: Resource<'Tenant'>[] = [];
  let validation: ReturnType<typeof validateDirectory> | undefined;
  if (options.dir !== undefined) {
    validation = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
    if (!validation.rulesRan) {
      for (const f of validation.findings) context.stderr(renderFindingText(f, { color: context.color }));
      return fail('the config directory is invalid; nothing was imported');
    }
    tenants = validation.desired.tenants;
  }
  let snapshots: Map<string, Snapshot>;
  const readNotes: string[] = [];
  try {
    if (options.state !== undefined) {
      snapshots = snapshotsIn(resolve(context.cwd, options.state), options.tenant, readNotes, 'required');
    } else {
      const tenant = tenants.find((t) => t.name === options.tenant);
      if (!validation || !tenant) {
        return fail(`reading ${options.tenant} live needs its Tenant document: give --dir with it (or --state with a snapshot)`);
      }
      const live = await exportTenant(validation.desired, tenant, { env: context.env, cwd: resolve(context.cwd, options.dir!), ...(context.retry ? { retry: context.retry } : {}) });
      snapshots = new Map([[tenant.name, live]]);
      if (options.peerState !== undefined) {
        for (const [name, snapshot] of snapshotsIn(resolve(context.cwd, options.peerState), tenant.name, readNotes, 'skipped')) snapshots.set(name, snapshot);
      }
    }
  } catch (error) {
    if (error instanceof SnapshotError || (error as NodeJS.ErrnoException).code === 'ENOENT') return fail((error as Error).message);
    throw error;
  }
  const snapshot = snapshots.get(options.tenant);
  if (!snapshot) return fail(`no snapshot of ${options.tenant} in ${options.state} (found: ${[...snapshots.keys()].join(', ') || 'none'})`);

  const result = importTenant({
    tenant: options.tenant,
    snapshot,
    peers: snapshots,
    knownTenants: knownTenantsOf(tenants.map((t) => ({ name: t.name, ...t.spec })), snapshots),
    hasTenantDocument: tenants.some((t) => t.name === options.tenant),
  });
  const problems = loadProblems(result.files);
  if (problems.length > 0) return fail(`the YAML for ${options.tenant} would not validate; nothing was written (please report this):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  result.notes.unshift(...readNotes);
  const out = resolve(context.cwd, options.out);
  const existing = result.files.map((f) => join(out, f.path)).filter((f) => existsSync(f));
  if (existing.length > 0 && !options.force) return fail(`${existing.join(', ')} exist${existing.length === 1 ? 's' : ''}; nothing was written (--force overwrites)`);
  for (const file of result.files) await writeFileAtomic(join(out, file.path), file.content);
  // Re-imported with --force: an earlier import's files this one no longer writes (mailusers-10.yaml
  // when there are fewer mail users now) would hold the same documents twice. Only files an import
  // wrote (its header says so) are removed; anything else in the folder stays.
  if (options.force) {
    const written = new Set(result.files.map((f) => join(out, f.path)));
    const folder = join(out, options.tenant);
    for (const name of existsSync(folder) ? readdirSync(folder) : []) {
      const file = join(folder, name);
      if (!written.has(file) && /\.(ya?ml|csv)$/.test(name) && IMPORTED_HEADER.test(readFileSync(file, 'utf8').split('\n', 2)[0] ?? '')) {
        rmSync(file);
        context.stdout(`  - removed ${join(options.out, options.tenant, name)}: written by an earlier import, not by this one`);
      }
    }
  }
  context.stdout(summary(options.tenant, options.out, result));
  for (const note of result.notes) context.stdout(`  - ${note}`);
}
