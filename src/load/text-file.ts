// Bytes of a file of the repository as text, and their content hash: shared by the desired-state
// files, the settings file and membersFile.

import { createHash } from 'node:crypto';

export function hashOf(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decode a file as UTF-8 text, or say why it is not text. */
export function decodeText(bytes: Buffer): { text: string } | { problem: string; offset: number } {
  const nul = bytes.indexOf(0);
  if (nul !== -1) return { problem: 'binary content (a NUL byte)', offset: nul };
  try {
    return { text: UTF8.decode(bytes).replace(/^\uFEFF/, '') };
  } catch {
    return { problem: 'not valid UTF-8 text', offset: 0 };
  }
}
