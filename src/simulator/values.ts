// The runtime values of the interpreter and PowerShell's conversions between them
// (truthiness, string conversion, comparison), case-insensitive as PowerShell is.
import type { ScriptBlockAst } from './host-embedded/ast.js';
import { ErrorRecord } from './errors.js';

/** A [pscustomobject] or an object returned by a cmdlet: ordered, case-insensitive properties. */
export class PSObject {
  private readonly properties = new Map<string, { name: string; value: unknown }>();

  constructor(entries: Iterable<[string, unknown]> = [], readonly typeName = 'System.Management.Automation.PSCustomObject') {
    for (const [name, value] of entries) this.set(name, value);
  }

  get(name: string): unknown {
    return this.properties.get(name.toLowerCase())?.value;
  }

  has(name: string): boolean {
    return this.properties.has(name.toLowerCase());
  }

  set(name: string, value: unknown): void {
    const key = name.toLowerCase();
    const existing = this.properties.get(key);
    if (existing) existing.value = value;
    else this.properties.set(key, { name, value });
  }

  entries(): [string, unknown][] {
    return [...this.properties.values()].map(({ name, value }) => [name, value]);
  }

  names(): string[] {
    return [...this.properties.values()].map(({ name }) => name);
  }
}

/** @{} and [ordered]@{}: case-insensitive keys, insertion order kept. */
export class Hashtable {
  readonly map = new Map<string, { key: unknown; value: unknown }>();

  constructor(readonly ordered = false) {}

  static keyOf(key: unknown): string {
    return typeof key === 'string' ? key.toLowerCase() : toStr(key).toLowerCase();
  }

  get(key: unknown): unknown {
    return this.map.get(Hashtable.keyOf(key))?.value;
  }

  set(key: unknown, value: unknown): void {
    const normalized = Hashtable.keyOf(key);
    const existing = this.map.get(normalized);
    if (existing) existing.value = value;
    else this.map.set(normalized, { key, value });
  }

  has(key: unknown): boolean {
    return this.map.has(Hashtable.keyOf(key));
  }

  entries(): [unknown, unknown][] {
    return [...this.map.values()].map(({ key, value }) => [key, value]);
  }
}

/** System.Guid: ToString() is the lowercase hyphenated form. */
export class PSGuid {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** System.Security.SecureString: the plain text never leaves through ToString or JSON. */
export class SecureString {
  readonly #plain: string;
  constructor(plain: string) {
    this.#plain = plain;
  }
  /** For the cmdlets that need the secret (they only record that one was given). */
  reveal(): string {
    return this.#plain;
  }
  toString(): string {
    return 'System.Security.SecureString';
  }
}

export class PSCredential {
  constructor(
    readonly userName: string,
    readonly password: SecureString,
  ) {}
  toString(): string {
    return 'System.Management.Automation.PSCredential';
  }
}

export class ScriptBlock {
  constructor(readonly ast: ScriptBlockAst) {}
  toString(): string {
    return this.ast.text.replace(/^\{/, '').replace(/\}$/, '');
  }
}

export class TypeRef {
  constructor(readonly name: string) {}
  toString(): string {
    return this.name;
  }
}

export class DateTimeValue {
  constructor(readonly date: Date) {}
  toString(): string {
    const pad = (n: number) => String(n).padStart(2, '0');
    const d = this.date;
    return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
}

/** System.Char ([char]'a', [char]13): a string of one UTF-16 unit that converts to its code as a number. */
export class CharValue {
  constructor(readonly char: string) {}
  get code(): number {
    return this.char.charCodeAt(0);
  }
  toString(): string {
    return this.char;
  }
}

/** A switch parameter's value inside a function ([switch]$Force). */
export class SwitchValue {
  constructor(readonly isPresent: boolean) {}
  toString(): string {
    return this.isPresent ? 'True' : 'False';
  }
}

export function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** PowerShell's conversion to [bool]. */
export function toBool(value: unknown): boolean {
  if (isNull(value)) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof SwitchValue) return value.isPresent;
  if (Array.isArray(value)) {
    if (value.length === 0) return false;
    if (value.length === 1) return toBool(value[0]);
    return true;
  }
  return true;
}

/** PowerShell's conversion to [string] (as in "$x" and -eq against a string). */
export function toStr(value: unknown): string {
  if (isNull(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return numberToString(value);
  if (Array.isArray(value)) return value.map(toStr).join(' ');
  if (value instanceof PSObject) {
    return `@{${value.entries().map(([name, item]) => `${name}=${toStr(item)}`).join('; ')}}`;
  }
  if (value instanceof Hashtable) return value.ordered ? 'System.Collections.Specialized.OrderedDictionary' : 'System.Collections.Hashtable';
  if (value instanceof ErrorRecord) return value.message;
  return String(value);
}

function numberToString(value: number): string {
  if (Number.isInteger(value)) return String(value);
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
  return String(Number(value.toPrecision(15)));
}

/** Conversion to a number for arithmetic and numeric comparison; NaN when PowerShell would fail. */
export function toNumber(value: unknown): number {
  if (isNull(value)) return 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const trimmed = value.trim();
    if (trimmed === '') return 0;
    if (/^0x[0-9a-f]+$/i.test(trimmed)) return Number.parseInt(trimmed, 16);
    const parsed = Number(trimmed);
    return parsed;
  }
  if (value instanceof SwitchValue) return value.isPresent ? 1 : 0;
  if (value instanceof CharValue) return value.code;
  if (Array.isArray(value) && value.length === 1) return toNumber(value[0]);
  return Number.NaN;
}

/** Items a pipeline enumerates: arrays unroll, everything else is one item, $null is none. */
export function enumerate(value: unknown): unknown[] {
  if (isNull(value)) return [];
  if (Array.isArray(value)) return value;
  return [value];
}

/** The value of collected pipeline output, as assignment sees it. */
export function collect(output: unknown[]): unknown {
  if (output.length === 0) return null;
  if (output.length === 1) return output[0];
  return output;
}

function wildcardToRegExp(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    if (char === '*') source += '.*';
    else if (char === '?') source += '.';
    else if (char === '`' && index + 1 < pattern.length) source += escapeRegExp(pattern[++index]!);
    else if (char === '[') {
      const close = pattern.indexOf(']', index);
      if (close > index) {
        source += `[${pattern.slice(index + 1, close).replace(/\\/g, '\\\\')}]`;
        index = close;
      } else source += '\\[';
    } else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'is');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const wildcardCache = new Map<string, RegExp>();
export function likeMatch(value: unknown, pattern: unknown): boolean {
  const patternText = toStr(pattern);
  let regExp = wildcardCache.get(patternText);
  if (!regExp) {
    regExp = wildcardToRegExp(patternText);
    wildcardCache.set(patternText, regExp);
  }
  return regExp.test(toStr(value));
}

/** The scalar that a comparison sees for a value (GUIDs and switches compare as their plain form). */
function comparable(value: unknown): unknown {
  if (value instanceof PSGuid) return value.value;
  if (value instanceof SwitchValue) return value.isPresent;
  if (value instanceof DateTimeValue) return value.date.getTime();
  if (value instanceof CharValue) return value.char;
  return value;
}

/** PowerShell's -eq for scalars: the left operand's type decides the conversion; strings ignore case. */
export function looseEquals(left: unknown, right: unknown): boolean {
  const l = comparable(left);
  const r = comparable(right);
  if (isNull(l)) return isNull(r);
  if (isNull(r)) return false;
  if (typeof l === 'string') return l.toLowerCase() === toStr(r).toLowerCase();
  if (typeof l === 'number') {
    const n = toNumber(r);
    return typeof r === 'string' && Number.isNaN(n) ? String(l) === r : l === n;
  }
  if (typeof l === 'boolean') return l === toBool(r);
  if (l instanceof PSObject || l instanceof Hashtable) return l === r;
  return toStr(l).toLowerCase() === toStr(r).toLowerCase();
}

/** -lt/-gt ordering: negative, zero, positive. */
export function compareValues(left: unknown, right: unknown): number {
  const l = comparable(left);
  const r = comparable(right);
  if (isNull(l) && isNull(r)) return 0;
  if (isNull(l)) return -1;
  if (isNull(r)) return 1;
  if (typeof l === 'number' || typeof l === 'boolean') {
    const a = toNumber(l);
    const b = toNumber(r);
    if (!Number.isNaN(b)) return a === b ? 0 : a < b ? -1 : 1;
  }
  const a = toStr(l).toLowerCase();
  const b = toStr(r).toLowerCase();
  return a === b ? 0 : a < b ? -1 : 1;
}

/** The type name PowerShell shows for a value, for error messages. */
export function typeNameOf(value: unknown): string {
  if (isNull(value)) return 'null';
  if (typeof value === 'string') return 'System.String';
  if (typeof value === 'number') return Number.isInteger(value) ? 'System.Int32' : 'System.Double';
  if (typeof value === 'boolean') return 'System.Boolean';
  if (Array.isArray(value)) return 'System.Object[]';
  if (value instanceof Hashtable) return 'System.Collections.Hashtable';
  if (value instanceof PSObject) return value.typeName;
  if (value instanceof PSGuid) return 'System.Guid';
  if (value instanceof SecureString) return 'System.Security.SecureString';
  if (value instanceof PSCredential) return 'System.Management.Automation.PSCredential';
  if (value instanceof ScriptBlock) return 'System.Management.Automation.ScriptBlock';
  if (value instanceof DateTimeValue) return 'System.DateTime';
  if (value instanceof CharValue) return 'System.Char';
  if (value instanceof ErrorRecord) return 'System.Management.Automation.ErrorRecord';
  return 'System.Object';
}

const GUID_PATTERN = /^[{(]?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})[)}]?$/i;

/** Parses a GUID in the forms System.Guid accepts; null when it is not one. */
export function parseGuid(value: unknown): string | null {
  if (value instanceof PSGuid) return value.value;
  const text = toStr(value).trim();
  const match = GUID_PATTERN.exec(text);
  if (!match) return null;
  return `${match[1]}-${match[2]}-${match[3]}-${match[4]}-${match[5]}`.toLowerCase();
}
