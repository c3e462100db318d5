// Export scripts write their snapshot into the file EXO_GITOPS_SNAPSHOT_FILE names (one JSON object per
// line: src/load/snapshot-file.ts); tests that run an export script directly give it one and read it.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNAPSHOT_FILE_ENV } from '../../src/powershell/export-script.js';
import { readSnapshotFile } from '../../src/load/snapshot-file.js';

/** A fresh file for one export script's snapshot, and the environment variable that names it. */
export function snapshotTarget(): { file: string; env: Record<string, string> } {
  const file = join(mkdtempSync(join(tmpdir(), 'exo-exported-')), 'snapshot.jsonl');
  return { file, env: { [SNAPSHOT_FILE_ENV]: file } };
}

/** The snapshot a script wrote (its members as read, unchecked), or null when it wrote none. */
export function readExported(file: string): Record<string, unknown> | null {
  return existsSync(file) ? readSnapshotFile(file).value : null;
}

/** The snapshot in a text of snapshot lines (as an export script writes them), unchecked. */
export function parseExported(text: string): Record<string, unknown> | null {
  const file = join(mkdtempSync(join(tmpdir(), 'exo-exported-')), 'snapshot.jsonl');
  writeFileSync(file, text);
  return readExported(file);
}
