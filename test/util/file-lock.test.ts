import { mkdtempSync, readFileSync, writeFileSync, utimesSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { withFileLockSync } from '../../src/util/atomic-write.js';

const faults = pathToFileURL(resolve('dist/simulator/engine/faults.js')).href;

describe('metrics flushed by processes at once', () => {
  it('add up: no process loses another one\'s counts', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'exo-lock-')), 'metrics.json');
    // Each process counts one call per flush and flushes 40 times, as a long export does.
    const script = `
      const { Faults, parseFaultConfig } = await import(${JSON.stringify(faults)});
      const faults = new Faults(parseFaultConfig({ EXO_SIM_METRICS: ${JSON.stringify(file)} }), () => {});
      for (let i = 0; i < 40; i++) { faults.countCall('Get-EXOMailbox'); faults.flushMetrics(); }
    `;
    await Promise.all(Array.from({ length: 4 }, () => execa(process.execPath, ['--input-type=module', '-e', script])));
    const metrics = JSON.parse(readFileSync(file, 'utf8')) as { calls: Record<string, number>; totalCalls: number };
    expect(metrics.calls['Get-EXOMailbox']).toBe(160);
    expect(metrics.totalCalls).toBe(160);
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('takes over a lock left by a killed process, and releases its own when the update throws', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'exo-lock-')), 'metrics.json');
    writeFileSync(`${file}.lock`, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, old, old);
    expect(withFileLockSync(file, () => 'updated')).toBe('updated');
    expect(() => withFileLockSync(file, () => { throw new Error('boom'); })).toThrow('boom');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });
});
