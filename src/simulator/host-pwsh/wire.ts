// Values across the channel between the stand-in module (real pwsh) and the engine: JSON, with
// tags for what JSON has no type for. Only ASCII crosses the pipe (every other character is a \u
// escape), so no reader's idea of a line break or an encoding can change a value.
//   {"$guid": "…"}            System.Guid
//   {"$datetime": "…"}        System.DateTime (ISO 8601, UTC)
//   {"$bytes": "…"}           System.Byte[] (base64), such as -CSVData
//   {"$object": {…}}          a PSObject (an Exchange object, or a pipeline object bound to -Identity)
//   {"$hashtable": {…}}       a hashtable, such as @{Add=…; Remove=…}
//   {"$credential": {userName}}  a PSCredential: the password never crosses
//   {"$secureString": true}   a SecureString: never its text
import { DateTimeValue, Hashtable, PSCredential, PSGuid, PSObject, SecureString } from '../values.js';

type Wire = null | boolean | number | string | Wire[] | { [key: string]: Wire };

/** A wire value as the engine's PowerShell values. */
export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const record = value as Record<string, unknown>;
  if ('$guid' in record) return new PSGuid(String(record.$guid).toLowerCase());
  if ('$datetime' in record) return new DateTimeValue(new Date(String(record.$datetime)), 'Utc');
  if ('$bytes' in record) return [...Buffer.from(String(record.$bytes), 'base64')];
  if ('$secureString' in record) return new SecureString('');
  if ('$credential' in record) return new PSCredential(String((record.$credential as { userName?: unknown }).userName ?? ''), new SecureString(''));
  if ('$hashtable' in record) {
    const table = new Hashtable(true);
    for (const [key, item] of Object.entries(record.$hashtable as Record<string, unknown>)) table.set(key, fromWire(item));
    return table;
  }
  if ('$object' in record) return new PSObject(Object.entries(record.$object as Record<string, unknown>).map(([key, item]) => [key, fromWire(item)]));
  throw new Error(`unknown wire value: ${JSON.stringify(value).slice(0, 200)}`);
}

/** An engine value for the wire. */
export function toWire(value: unknown): Wire {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (Array.isArray(value)) return value.map(toWire);
  if (value instanceof PSGuid) return { $guid: value.value };
  if (value instanceof DateTimeValue) return { $datetime: value.instant.toISOString() };
  if (value instanceof PSObject) return { $object: Object.fromEntries(value.entries().map(([key, item]) => [key, toWire(item)])) };
  if (value instanceof Hashtable) return { $hashtable: Object.fromEntries(value.entries().map(([key, item]) => [String(key), toWire(item)])) };
  if (value instanceof SecureString) return { $secureString: true };
  if (value instanceof PSCredential) return { $credential: { userName: value.userName } };
  return String(value);
}

/** One JSON line of ASCII: every character above U+007E as a \u escape. */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
