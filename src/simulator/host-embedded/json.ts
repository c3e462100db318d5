// ConvertTo-Json and ConvertFrom-Json as PowerShell 7 does them (Newtonsoft, 2-space indentation,
// default depth 2 with a truncation warning).
import { ErrorRecord } from '../errors.js';
import { DateTimeValue, formatDateTime, Hashtable, isNull, PSCredential, PSGuid, PSObject, ScriptBlock, SecureString, SwitchValue, toStr } from '../values.js';

export interface ToJsonResult {
  text: string;
  truncated: boolean;
}

function toJsonValue(value: unknown, depth: number, state: { truncated: boolean }, level = 0): unknown {
  if (isNull(value)) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : toStr(value);
  if (value instanceof PSGuid) return value.value;
  if (value instanceof SwitchValue) return { IsPresent: value.isPresent };
  if (value instanceof DateTimeValue) return jsonDateTime(value);
  if (value instanceof SecureString) return { Length: 0 };
  if (value instanceof ScriptBlock) return value.toString();
  if (value instanceof PSCredential) return level > depth ? 'System.Management.Automation.PSCredential' : { UserName: value.userName, Password: 'System.Security.SecureString' };
  // As pwsh: the object at level `depth` is still written out; what lies below it becomes its string.
  const beyond = level > depth;
  if (Array.isArray(value)) {
    if (beyond) {
      state.truncated = true;
      return value.map((item) => toStr(item)).join(' ');
    }
    return value.map((item) => toJsonValue(item, depth, state, level + 1));
  }
  if (value instanceof Hashtable || value instanceof PSObject || value instanceof ErrorRecord) {
    if (beyond) {
      state.truncated = true;
      return toStr(value);
    }
    const result: Record<string, unknown> = {};
    const entries = value instanceof ErrorRecord ? errorRecordEntries(value) : value instanceof Hashtable ? value.entries().map(([k, v]) => [toStr(k), v] as const) : value.entries();
    for (const [key, item] of entries) result[key] = toJsonValue(item, depth, state, level + 1);
    return result;
  }
  return toStr(value);
}

/** A DateTime as ConvertTo-Json writes it: ISO 8601, the fraction without trailing zeros, the zone by Kind (Z, +01:00, none). */
function jsonDateTime(value: DateTimeValue): string {
  const fraction = formatDateTime(value, 'fffffff').replace(/0+$/, '');
  return `${formatDateTime(value, "yyyy'-'MM'-'dd'T'HH':'mm':'ss")}${fraction ? `.${fraction}` : ''}${formatDateTime(value, '%K')}`;
}

function errorRecordEntries(record: ErrorRecord): [string, unknown][] {
  return [
    ['Exception', new PSObject([['Message', record.message]])],
    ['FullyQualifiedErrorId', record.fullyQualifiedErrorId],
    ['CategoryInfo', new PSObject([['Reason', record.reason], ['Category', record.category]])],
  ];
}

export function convertToJson(value: unknown, depth: number, compress: boolean): ToJsonResult {
  const state = { truncated: false };
  const plain = toJsonValue(value, depth, state);
  // ConvertTo-Json (Newtonsoft) also escapes the characters JavaScript reads as line breaks.
  const text = (JSON.stringify(plain, null, compress ? undefined : 2) ?? 'null').replace(/[\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return { text, truncated: state.truncated };
}

/** ConvertFrom-Json: objects become [pscustomobject], as PowerShell 7 returns them. */
export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (value !== null && typeof value === 'object') {
    return new PSObject(Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, fromJsonValue(item)]));
  }
  return value;
}
