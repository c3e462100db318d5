// Live data is not trusted either: a value Exchange returned may hold a NUL or another control
// character that no YAML value could (validate rejects them). Each is reported as a finding on its
// object, so the plan says where it is; apply renders per action, so such a value fails only the
// action that would send it.

import { finding, type Finding } from '../model/finding.js';
import type { Snapshot } from '../model/snapshot.js';

/** C0 controls and DEL, but tab and line breaks, which Exchange attributes may hold. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

function identityOf(entry: Record<string, unknown>): string {
  for (const key of ['Name', 'Identity', 'PrimarySmtpAddress', 'DomainName']) {
    const value = entry[key];
    if (typeof value === 'string' && value !== '') return value;
  }
  return '(unnamed)';
}

function badValue(value: unknown): string | undefined {
  if (typeof value === 'string') return CONTROL.test(value) ? value : undefined;
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'string' && CONTROL.test(item)) return item;
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
          const bad = badValue(value);
          if (bad === undefined) continue;
          const code = bad.charCodeAt(bad.search(CONTROL)).toString(16).toUpperCase().padStart(4, '0');
          const object = identityOf(entry);
          findings.push(finding('LiveControlCharacter', `${tenant}/${kind}/${object}: ${property} holds a control character (U+${code})`, { tenant, kind, object }));
        }
      }
    }
  }
  return findings;
}
