// How Exchange compares values, so a plan shows no false drift: identities and addresses are
// case-insensitive, GUIDs too, multi-valued properties are sets, and null, "" and a missing value are
// the same where Exchange treats them so.

import { EMPTY_GUID } from '../model/snapshot.js';
import type { MailboxMoveCapability } from '../model/desired.js';

export const lower = (value: string): string => value.toLowerCase();

export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').toLowerCase() === (b ?? '').toLowerCase();
}

/** An unset GUID: Exchange prints the all-zero GUID; exports may give null or "". */
export function isUnsetGuid(value: string | null | undefined): boolean {
  return value === null || value === undefined || value === '' || value.toLowerCase() === EMPTY_GUID;
}

export function sameGuid(a: string | null | undefined, b: string | null | undefined): boolean {
  if (isUnsetGuid(a) || isUnsetGuid(b)) return isUnsetGuid(a) && isUnsetGuid(b);
  return a!.toLowerCase() === b!.toLowerCase();
}

/** "SMTP:a@b" and "a@b" name the same external address. */
export function bareAddress(value: string | null | undefined): string {
  return (value ?? '').replace(/^smtp:/i, '');
}

/**
 * A proxy address as a comparison key: type and address both case-insensitive, so "SMTP:x" (primary)
 * and "smtp:x" count as the same address being present.
 */
export function proxyKey(proxy: string): string {
  return proxy.toLowerCase();
}

/** Values of `wanted` absent from `have`, compared by `key`, in `wanted`'s order, without repeats. */
export function missingFrom(wanted: readonly string[], have: readonly string[], key: (v: string) => string = lower): string[] {
  const present = new Set(have.map(key));
  const out: string[] = [];
  for (const value of wanted) {
    const k = key(value);
    if (!present.has(k)) {
      out.push(value);
      present.add(k);
    }
  }
  return out;
}

export function sameSet(a: readonly string[], b: readonly string[], key: (v: string) => string = lower): boolean {
  return missingFrom(a, b, key).length === 0 && missingFrom(b, a, key).length === 0;
}

const CAPABILITY_ORDER: readonly MailboxMoveCapability[] = ['Inbound', 'Outbound', 'RemoteInbound', 'RemoteOutbound'];

/** Exchange prints the MailboxMoveCapability flags as "Inbound, RemoteOutbound", or "None". */
export function parseCapability(value: string | null | undefined): MailboxMoveCapability[] {
  const parts = (value ?? '').split(',').map((s) => s.trim().toLowerCase());
  return CAPABILITY_ORDER.filter((c) => parts.includes(c.toLowerCase()));
}

export function formatCapability(values: readonly string[]): string {
  const wanted = values.map(lower);
  const ordered = CAPABILITY_ORDER.filter((c) => wanted.includes(c.toLowerCase()));
  return ordered.length === 0 ? 'None' : ordered.join(', ');
}

export function smtpDomainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}
