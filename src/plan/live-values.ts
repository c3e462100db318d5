// Live data is not trusted either: a value Exchange returned may hold a NUL or another control
// character that no YAML value could (validate rejects them). Each is reported as a finding on its
// object, so the plan says where it is; apply renders per action, so such a value fails only the
// action that would send it.

import { formatAddress } from '../model/address.js';
import { codePointOf, controlCharacterIn } from '../load/text-rules.js';
import { finding, type Finding } from '../model/finding.js';
import { controlSuspectsOf, type Snapshot } from '../model/snapshot.js';

function identityOf(entry: Record<string, unknown>): string {
  for (const key of ['Name', 'Identity', 'PrimarySmtpAddress', 'DomainName']) {
    const value = entry[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '(unnamed)';
}

/** The first control character of a value (a string, or a list of strings), the rule YAML values obey. */
function controlCharacterOf(value: unknown): string | undefined {
  if (typeof value === 'string') return controlCharacterIn(value)?.character;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = typeof item === 'string' ? controlCharacterIn(item) : undefined;
      if (found) return found.character;
    }
  }
  return undefined;
}

/**
 * Performance: a snapshot read from lines says which of its entries could hold a control character
 * at all (load/snapshot-file.ts: their line has an escape or a DEL byte); only those are searched, and
 * usually there are none. Other snapshots are searched entry by entry.
 */
export function checkLiveValues(snapshots: ReadonlyMap<string, Snapshot>): Finding[] {
  const findings: Finding[] = [];
  for (const [tenant, snapshot] of snapshots) {
    const check = (kind: string, entry: unknown): void => {
      if (entry === null || typeof entry !== 'object') return;
      for (const [property, value] of Object.entries(entry)) {
        const character = controlCharacterOf(value);
        if (character === undefined) continue;
        const object = identityOf(entry as Record<string, unknown>);
        findings.push(finding('LiveControlCharacter', `${formatAddress(tenant, kind, object)}: ${property} holds a control character (${codePointOf(character)})`, { tenant, kind, object }));
      }
    };
    const suspects = controlSuspectsOf(snapshot);
    if (suspects !== undefined) {
      for (const { collection, entry } of suspects) if (Array.isArray((snapshot as unknown as Record<string, unknown>)[collection])) check(collection, entry);
      continue;
    }
    for (const [kind, collection] of Object.entries(snapshot)) {
      if (!Array.isArray(collection)) continue;
      for (const entry of collection) check(kind, entry);
    }
  }
  return findings;
}
