// Migration batches through both hosts: the batch calls the generator writes (New-MigrationBatch with
// -CSVData bytes and a CompleteAfter text, Set-MigrationBatch, -AddUsers, Start-/Complete-/
// Remove-MigrationBatch) and the export's reading of batches (ConvertTo-ExoTime), run by the embedded
// host and by REAL pwsh with the stand-in module, on copies of one state, in a time zone far from
// UTC (Asia/Tokyo): the same step results, the same exported snapshots, the same state files. The
// simulated clock (advance-migrations) runs between the scripts, the same for both.
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readExported } from '../../support/exported-snapshot.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Action } from '../../../src/model/plan.js';
import { renderApplyScript } from '../../../src/powershell/apply-script.js';
import { exportScript } from '../../../src/powershell/export-script.js';
import { PWSH, SIMULATOR, realPwshEnv, realPwshUnavailable } from '../../support/real-pwsh.js';
import { address, batchActions, NORTHWIND_PLAN, NORTHWIND_RESOURCE, sourceTenant, targetTenant } from '../batch-fixtures.js';
import { timeless } from '../../support/steps.js';

const unavailable = realPwshUnavailable();
const temps: string[] = [];
afterAll(() => temps.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const temp = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `exo-batches-${prefix}-`));
  temps.push(dir);
  return dir;
};

const TZ = 'Asia/Tokyo';
type Host = 'embedded' | 'pwsh';

const apply = (...actions: Action[]): string => renderApplyScript({ ...NORTHWIND_PLAN, actions });
const exported = (): string => exportScript(NORTHWIND_RESOURCE, { groups: [], batches: true });

/** Runs one script with a host, on a state directory, in Tokyo time. */
async function runWith(host: Host, dir: string, state: string, name: string, text: string) {
  const file = join(dir, `${name}.ps1`);
  writeFileSync(file, text);
  const snapshotFile = join(dir, `${name}.snapshot.jsonl`);
  const env = realPwshEnv(state, { TZ, NO_COLOR: '1', EXO_SIM_METRICS: join(dir, 'metrics.json'), EXO_GITOPS_SNAPSHOT_FILE: snapshotFile });
  const args = ['-NoLogo', '-NoProfile', '-NonInteractive', '-File', file];
  const options = { env, extendEnv: false, reject: false, timeout: 60_000 } as const;
  const r = host === 'pwsh' ? await execa(PWSH, args, options) : await execa(process.execPath, [SIMULATOR, ...args], options);
  // The exported snapshot's lines as written: the two hosts must write the same bytes.
  const snapshotText = existsSync(snapshotFile) ? withoutNow(readFileSync(snapshotFile, 'utf8')) : null;
  if (snapshotText !== null) writeFileSync(snapshotFile, snapshotText);
  return { exitCode: r.exitCode, stdout: timeless(String(r.stdout)), stderr: String(r.stderr).replaceAll(dir, '<dir>'), snapshotText, snapshot: readExported(snapshotFile) };
}

/** Complete-MigrationBatch sets CompleteAfter to the moment it runs, which differs between the two runs. */
const withoutNow = (json: string): string =>
  json.replace(/"CompleteAfterUTC":\s*"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"/g, (all, at: string) => (at === '2026-12-15T22:00:00Z' || at === '2027-01-02T03:04:05Z' ? all : '"CompleteAfterUTC":"<now>"'));

type Step = { kind: 'script'; name: string; text: string } | { kind: 'advance' };

/** Every step's output (step results and exported snapshot), and the state files after the last step. */
async function runAll(host: Host, original: string, steps: Step[]) {
  // Folders of one length for both hosts: pwsh wraps error messages (which may name the folder) at its width.
  const dir = temp(host === 'pwsh' ? 'pwsh' : 'embd');
  const state = join(dir, 'state');
  cpSync(original, state, { recursive: true });
  const outputs: { name: string; exitCode: number | undefined; steps: unknown[]; snapshotText: string | null; snapshot: unknown; stderr: string }[] = [];
  for (const step of steps) {
    if (step.kind === 'advance') {
      const r = await execa(process.execPath, [SIMULATOR, 'advance-migrations', '--state', state], { reject: false });
      expect(r.exitCode, String(r.stderr)).toBe(0);
      continue;
    }
    const r = await runWith(host, dir, state, step.name, step.text);
    const lines = r.stdout.split(/\r?\n/);
    outputs.push({ name: step.name, exitCode: r.exitCode, steps: lines.filter((l) => l.includes('"exoGitopsStep"')).map((l) => JSON.parse(l)), snapshotText: r.snapshotText, snapshot: r.snapshot, stderr: r.stderr });
  }
  const files = Object.fromEntries(
    readdirSync(state)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => [file, JSON.parse(withoutNow(readFileSync(join(state, file), 'utf8').replace(/"(exportedAt)":\s*"[^"]*"/g, '"$1":"<time>"')))]),
  );
  return { outputs, files };
}

describe.skipIf(unavailable !== null)('migration batches through the embedded host and real pwsh', () => {
  it('give the same step results, exported snapshots and states, whatever the local time zone', async () => {
    const original = temp('orig');
    writeFileSync(join(original, 'contoso.json'), JSON.stringify(sourceTenant(), null, 2));
    writeFileSync(join(original, 'northwind.json'), JSON.stringify(targetTenant(), null, 2));
    const steps: Step[] = [
      { kind: 'script', name: 'create', text: apply(batchActions.create('Wave-1', [address('lara'), '"x,y"@b.com', address('megan')], { completeAfter: '2026-12-15T22:00:00Z', notificationEmails: ['m@b.com'] })) },
      { kind: 'script', name: 'export-created', text: exported() },
      {
        kind: 'script',
        name: 'update',
        text: apply(
          batchActions.update('Wave-1', { completeAfter: '2027-01-02T03:04:05Z', notificationEmails: ['ops@northwindtraders.com', 'm@b.com'] }),
          batchActions.addUsers('Wave-1', [address('lara'), address('john')]),
          // Exchange's refusals, each its own step: a user of this batch in a new one, a batch not synced yet.
          batchActions.create('Wave-2', [address('john')]),
          batchActions.complete('Wave-1'),
        ),
      },
      { kind: 'advance' },
      { kind: 'script', name: 'export-synced', text: exported() },
      { kind: 'script', name: 'restart-complete', text: apply(batchActions.start('Wave-1'), batchActions.complete('Wave-1')) },
      { kind: 'advance' },
      { kind: 'script', name: 'complete', text: apply(batchActions.complete('Wave-1')) },
      { kind: 'advance' },
      { kind: 'script', name: 'export-completed', text: exported() },
      { kind: 'script', name: 'remove', text: apply(batchActions.remove('Wave-1')) },
      { kind: 'script', name: 'export-removed', text: exported() },
    ];
    const [embedded, pwsh] = await Promise.all([runAll('embedded', original, steps), runAll('pwsh', original, steps)]);
    for (const [i, output] of pwsh.outputs.entries()) {
      expect(output.stderr, `pwsh ${output.name}`).toBe('');
      expect(output.exitCode, `pwsh ${output.name}`).toBe(0);
      expect(embedded.outputs[i], `embedded ${output.name}`).toEqual(output);
    }
    expect(embedded.files).toEqual(pwsh.files);

    // What happened, as both hosts agree.
    const byName = Object.fromEntries(pwsh.outputs.map((o) => [o.name, o]));
    expect(byName['create']!.steps).toEqual([{ exoGitopsStep: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' }]);
    expect((byName['export-created']!.snapshot as { MigrationBatch: unknown[] }).MigrationBatch).toEqual([
      {
        Identity: 'Wave-1',
        Status: 'Syncing',
        SourceEndpoint: 'Contoso-T2T',
        TargetDeliveryDomain: 'northwindtraders.onmicrosoft.com',
        NotificationEmails: ['m@b.com'],
        CompleteAfterUTC: '2026-12-15T22:00:00Z',
        TotalCount: 3,
        ActiveCount: 3,
        SyncedCount: 0,
        FinalizedCount: 0,
        FailedCount: 0,
      },
    ]);
    expect((byName['export-created']!.snapshot as { MigrationUser: { Identity: string }[] }).MigrationUser.map((u) => u.Identity)).toEqual([address('lara'), '"x,y"@b.com', address('megan')]);
    expect(byName['update']!.steps).toEqual([
      { exoGitopsStep: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' },
      { exoGitopsStep: 'northwind/MigrationBatch/Wave-1#add-users', status: 'succeeded' },
      { exoGitopsStep: 'northwind/MigrationBatch/Wave-2', status: 'failed', error: expect.stringContaining('UserDuplicateInOtherBatchException') },
      { exoGitopsStep: 'northwind/MigrationBatch/Wave-1#complete', status: 'failed', error: expect.stringContaining('because it is Syncing') },
    ]);
    const synced = byName['export-synced']!.snapshot as { MigrationBatch: { Status: string; CompleteAfterUTC: string }[]; MigrationUser: { Identity: string; Status: string; ErrorSummary: string }[] };
    expect(synced.MigrationBatch[0]).toMatchObject({ Status: 'SyncedWithErrors', CompleteAfterUTC: '2027-01-02T03:04:05Z' });
    expect(synced.MigrationUser.map((u) => [u.Identity, u.Status])).toEqual([
      [address('lara'), 'Synced'],
      ['"x,y"@b.com', 'Failed'],
      [address('megan'), 'Failed'],
      [address('john'), 'Synced'],
    ]);
    const completed = byName['export-completed']!.snapshot as { MigrationBatch: { Status: string; FinalizedCount: number }[]; Mailbox: { Alias: string }[] };
    expect(completed.MigrationBatch[0]).toMatchObject({ Status: 'CompletedWithErrors', FinalizedCount: 2 });
    expect(completed.Mailbox.map((m) => m.Alias)).toEqual(['lara', 'john']);
    expect(byName['remove']!.steps).toEqual([{ exoGitopsStep: 'northwind/MigrationBatch/Wave-1', status: 'succeeded' }]);
    expect(byName['export-removed']!.snapshot).toMatchObject({ MigrationBatch: [], MigrationUser: [] });
    expect(pwsh.files['contoso.json'].MailUser.map((u: { Alias: string }) => u.Alias)).toEqual(['lara', 'john']);
    // Eleven scripts in each host, a real pwsh start each: room on a busy 2-core machine.
  }, 150_000);

  it('ConvertTo-ExoTime gives the UTC instant in both hosts, in Tokyo time, for each kind of DateTime', async () => {
    const helper = /function ConvertTo-ExoTime \{[\s\S]*?\n\}/.exec(exported())![0];
    const script = `${helper}
ConvertTo-ExoTime '2026-12-15T22:00:00Z'
ConvertTo-ExoTime '2026-12-16T07:00:00+09:00'
ConvertTo-ExoTime ([datetime]'2026-12-15T22:00:00Z')
ConvertTo-ExoTime ([datetime]'2026-12-15T22:00:00Z').ToUniversalTime()
ConvertTo-ExoTime ([datetime]'2026-12-15 22:00:00')
ConvertTo-ExoTime ([datetime]'2026-12-15T22:00:00Z').ToLocalTime()
$null -eq (ConvertTo-ExoTime $null)
$null -eq (ConvertTo-ExoTime '')
`;
    const dir = temp('time');
    const [embedded, pwsh] = await Promise.all([runWith('embedded', dir, dir, 'embedded', script), runWith('pwsh', dir, dir, 'pwsh', script)]);
    expect(pwsh.stderr).toBe('');
    expect(pwsh.stdout.split(/\r?\n/)).toEqual([
      '2026-12-15T22:00:00Z',
      '2026-12-15T22:00:00Z',
      '2026-12-15T22:00:00Z',
      '2026-12-15T22:00:00Z',
      // No zone: the clock time as written (Unspecified is not converted).
      '2026-12-15T22:00:00Z',
      '2026-12-15T22:00:00Z',
      'True',
      'True',
    ]);
    expect(embedded).toEqual(pwsh);
  });
});
