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

/** System.DateTimeKind: what a DateTime's clock time is relative to. */
export type DateTimeKind = 'Utc' | 'Local' | 'Unspecified';

/**
 * System.DateTime: a clock time and its Kind, as .NET keeps them. `date` is the instant for Utc and
 * Local; for Unspecified (no zone was given) it holds the clock time in its UTC fields. Formatting and
 * the date parts read the clock time (a Local time in the process's time zone, TZ); ToUniversalTime
 * takes an Unspecified time as local, ToLocalTime as UTC, as .NET does.
 */
export class DateTimeValue {
  constructor(
    readonly date: Date,
    readonly kind: DateTimeKind = 'Utc',
  ) {}

  /** The clock time, in the UTC fields of a Date. */
  get clock(): Date {
    return this.kind === 'Local' ? new Date(this.date.getTime() - this.date.getTimezoneOffset() * 60_000) : this.date;
  }

  /** The instant this time stands for (an Unspecified time taken as local). */
  get instant(): Date {
    if (this.kind !== 'Unspecified') return this.date;
    const c = this.date;
    const local = new Date(c.getUTCFullYear(), c.getUTCMonth(), c.getUTCDate(), c.getUTCHours(), c.getUTCMinutes(), c.getUTCSeconds(), c.getUTCMilliseconds());
    if (c.getUTCFullYear() < 100) local.setFullYear(c.getUTCFullYear());
    return local;
  }

  toUniversalTime(): DateTimeValue {
    return this.kind === 'Utc' ? this : new DateTimeValue(this.instant, 'Utc');
  }

  toLocalTime(): DateTimeValue {
    return this.kind === 'Local' ? this : new DateTimeValue(this.date, 'Local');
  }

  /** The same kind, moved by a number of milliseconds. */
  plus(milliseconds: number): DateTimeValue {
    return new DateTimeValue(new Date(this.date.getTime() + milliseconds), this.kind);
  }

  /** As [string] and "$x" print a DateTime (the invariant culture): MM/dd/yyyy HH:mm:ss. */
  toString(): string {
    const pad = (n: number) => String(n).padStart(2, '0');
    const d = this.clock;
    return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  }
}

const ISO_DATE_TIME = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,7}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const INVARIANT_DATE_TIME = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*(AM|PM)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * A string as PowerShell converts it to [datetime] (DateTime.Parse with the invariant culture): with
 * a zone (Z, +02:00) the instant, as a Local time; without one, the clock time as written, Unspecified.
 * ISO 8601 and the invariant MM/dd/yyyy forms; null when the text is not a date.
 */
export function parseDateTime(text: string): DateTimeValue | null {
  const trimmed = text.trim();
  let fields: { year: number; month: number; day: number; hour: number; minute: number; second: number; fraction: string; zone: string | undefined } | null = null;
  const iso = ISO_DATE_TIME.exec(trimmed);
  if (iso) {
    fields = { year: +iso[1]!, month: +iso[2]!, day: +iso[3]!, hour: +(iso[4] ?? 0), minute: +(iso[5] ?? 0), second: +(iso[6] ?? 0), fraction: iso[7] ?? '', zone: iso[8] };
  } else {
    const invariant = INVARIANT_DATE_TIME.exec(trimmed);
    if (invariant) {
      let hour = +(invariant[4] ?? 0);
      const meridiem = invariant[8]?.toUpperCase();
      if (meridiem && (hour < 1 || hour > 12)) return null;
      if (meridiem === 'PM' && hour < 12) hour += 12;
      if (meridiem === 'AM' && hour === 12) hour = 0;
      fields = { year: +invariant[3]!, month: +invariant[1]!, day: +invariant[2]!, hour, minute: +(invariant[5] ?? 0), second: +(invariant[6] ?? 0), fraction: invariant[7] ?? '', zone: invariant[9] };
    }
  }
  if (!fields) return null;
  const { year, month, day, hour, minute, second } = fields;
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const milliseconds = fields.fraction ? Math.floor(Number(`0.${fields.fraction}`) * 1000) : 0;
  const clock = new Date(Date.UTC(year, month - 1, day, hour, minute, second, milliseconds));
  if (year < 100) clock.setUTCFullYear(year);
  if (clock.getUTCDate() !== day) return null;
  if (fields.zone === undefined) return new DateTimeValue(clock, 'Unspecified');
  const zone = fields.zone.toUpperCase();
  let offsetMinutes = 0;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
  }
  return new DateTimeValue(new Date(clock.getTime() - offsetMinutes * 60_000), 'Local');
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The offset a time's zone designator prints (zzz, K): +00:00 for UTC, the local zone's otherwise. */
function offsetOf(value: DateTimeValue): number {
  return value.kind === 'Utc' ? 0 : -value.instant.getTimezoneOffset();
}

function offsetText(minutes: number, width: 'z' | 'zz' | 'zzz'): string {
  const sign = minutes < 0 ? '-' : '+';
  const hours = Math.floor(Math.abs(minutes) / 60);
  const rest = Math.abs(minutes) % 60;
  if (width === 'z') return `${sign}${hours}`;
  if (width === 'zz') return `${sign}${String(hours).padStart(2, '0')}`;
  return `${sign}${String(hours).padStart(2, '0')}:${String(rest).padStart(2, '0')}`;
}

/** Standard formats as the invariant culture writes them, in custom-format terms. */
const STANDARD_FORMATS: Record<string, string> = {
  d: 'MM/dd/yyyy',
  D: 'dddd, dd MMMM yyyy',
  f: 'dddd, dd MMMM yyyy HH:mm',
  F: 'dddd, dd MMMM yyyy HH:mm:ss',
  g: 'MM/dd/yyyy HH:mm',
  G: 'MM/dd/yyyy HH:mm:ss',
  M: 'MMMM dd',
  m: 'MMMM dd',
  o: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  O: "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
  s: "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
  t: 'HH:mm',
  T: 'HH:mm:ss',
  u: "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
  Y: 'yyyy MMMM',
  y: 'yyyy MMMM',
};

/**
 * DateTime.ToString(format) with the invariant culture: the standard formats (o, s, u, d, G, …; r/R
 * and U convert to UTC first) and custom formats (yyyy MM dd HH hh mm ss f… F… tt zzz K, quoted
 * literals, \ escapes, % for a lone specifier); any other letter is copied as is, as .NET does.
 */
export function formatDateTime(value: DateTimeValue, format: string | null): string {
  if (format === null || format === '') return value.toString();
  if (format.length === 1) {
    if (format === 'r' || format === 'R') return formatDateTime(value.toUniversalTime(), "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'");
    if (format === 'U') return formatDateTime(value.toUniversalTime(), 'dddd, dd MMMM yyyy HH:mm:ss');
    const standard = STANDARD_FORMATS[format];
    if (standard === undefined) throw new Error(`Input string was not in a correct format.`);
    return formatDateTime(value, standard);
  }
  const d = value.clock;
  const pad = (n: number, width: number) => String(n).padStart(width, '0');
  let out = '';
  for (let index = 0; index < format.length; ) {
    const char = format[index]!;
    if (char === "'" || char === '"') {
      const close = format.indexOf(char, index + 1);
      if (close < 0) throw new Error(`Cannot find a matching quote character for the character '${char}'.`);
      out += format.slice(index + 1, close);
      index = close + 1;
      continue;
    }
    if (char === '\\') {
      out += format[index + 1] ?? '';
      index += 2;
      continue;
    }
    if (char === '%') {
      index++;
      continue;
    }
    let run = 1;
    while (format[index + run] === char) run++;
    index += run;
    const hour12 = d.getUTCHours() % 12 === 0 ? 12 : d.getUTCHours() % 12;
    const fraction = String(d.getUTCMilliseconds()).padStart(3, '0') + '0000';
    switch (char) {
      case 'y':
        out += run === 1 ? String(d.getUTCFullYear() % 100) : run === 2 ? pad(d.getUTCFullYear() % 100, 2) : pad(d.getUTCFullYear(), run);
        break;
      case 'M':
        out += run === 1 ? String(d.getUTCMonth() + 1) : run === 2 ? pad(d.getUTCMonth() + 1, 2) : run === 3 ? MONTHS[d.getUTCMonth()]!.slice(0, 3) : MONTHS[d.getUTCMonth()]!;
        break;
      case 'd':
        out += run === 1 ? String(d.getUTCDate()) : run === 2 ? pad(d.getUTCDate(), 2) : run === 3 ? DAYS[d.getUTCDay()]!.slice(0, 3) : DAYS[d.getUTCDay()]!;
        break;
      case 'H':
        out += run === 1 ? String(d.getUTCHours()) : pad(d.getUTCHours(), 2);
        break;
      case 'h':
        out += run === 1 ? String(hour12) : pad(hour12, 2);
        break;
      case 'm':
        out += run === 1 ? String(d.getUTCMinutes()) : pad(d.getUTCMinutes(), 2);
        break;
      case 's':
        out += run === 1 ? String(d.getUTCSeconds()) : pad(d.getUTCSeconds(), 2);
        break;
      case 'f':
        out += fraction.slice(0, Math.min(run, 7));
        break;
      case 'F':
        out += fraction.slice(0, Math.min(run, 7)).replace(/0+$/, '');
        break;
      case 't':
        out += run === 1 ? (d.getUTCHours() < 12 ? 'A' : 'P') : d.getUTCHours() < 12 ? 'AM' : 'PM';
        break;
      case 'z':
        out += offsetText(offsetOf(value), run === 1 ? 'z' : run === 2 ? 'zz' : 'zzz');
        break;
      case 'K':
        out += (value.kind === 'Utc' ? 'Z' : value.kind === 'Local' ? offsetText(offsetOf(value), 'zzz') : '').repeat(run);
        break;
      case 'g':
        out += 'A.D.';
        break;
      default:
        out += char.repeat(run);
    }
  }
  return out;
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
  if (value instanceof DateTimeValue) return value.clock.getTime();
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
