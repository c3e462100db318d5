// Live data is not trusted either: a value Exchange returned may hold a NUL or another control
// character that no YAML value could (validate rejects them). Each is reported as a finding on its
// object, so the plan says where it is; apply renders per action, so such a value fails only the
// action that would send it.

import { formatAddress } from '../model/address.js';
import { codePointOf, controlCharacterIn } from '../load/text-rules.js';
import { finding, type Finding } from '../model/finding.js';
import type { Snapshot } from '../model/snapshot.js';

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

export function checkLiveValues(snapshots: ReadonlyMap<string, Snapshot>): Finding[] {
  const findings: Finding[] = [];
  for (const [tenant, snapshot] of snapshots) {
    for (const [kind, collection] of Object.entries(snapshot)) {
      if (!Array.isArray(collection)) continue;
      for (const entry of collection as Record<string, unknown>[]) {
        if (entry === null || typeof entry !== 'object') continue;
        for (const [property, value] of Object.entries(entry)) {
          const character = controlCharacterOf(value);
          if (character === undefined) continue;
          const object = identityOf(entry);
          findings.push(finding('LiveControlCharacter', `${formatAddress(tenant, kind, object)}: ${property} holds a control character (${codePointOf(character)})`, { tenant, kind, object }));
        }
      }
    }
  }
  return findings;
}
