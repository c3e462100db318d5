// Check one document against its kind's schema and turn ajv's errors into findings that point at the
// offending node and read like advice to an Exchange admin, not like a JSON Schema trace.

import type { ErrorObject } from 'ajv';
import { API_VERSION, RESOURCE_KINDS, type ResourceKind } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';
// Compiled from crds/ ahead of time (src/schema/precompiled.ts): no schema is compiled, nor ajv loaded, at run time.
import { schemas, validators } from '../schema/generated/crds.js';
import type { SourceDocument } from './yaml-source.js';
import { closestMatch } from '../util/suggest.js';

/** Names for the patterns the CRDs use, so "does not match pattern ^[0-9a-f…" becomes "is not a GUID". */
const PATTERN_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/^\^\[0-9a-fA-F\]\{8\}-/, 'a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)'],
  [/^\^\[0-9a-fA-F\]\{40\}\$$/, 'a certificate thumbprint (40 hexadecimal digits)'],
  [/onmicrosoft/, "a tenant's initial domain (name.onmicrosoft.com)"],
  [/^\^\(\(\[Ss\]\[Mm\]\[Tt\]\[Pp\]\):/, 'a proxy address with its type prefix (SMTP:user@domain, smtp:…, X500:/o=…)'],
  [/^\^\(\[Ss\]\[Mm\]\[Tt\]\[Pp\]:\)\?/, 'an SMTP address (user@domain, optionally SMTP:user@domain)'],
  [/^\^\[\^\\s@\]\+@/, 'an SMTP address (user@domain)'],
  [/^\^\[A-Za-z_\]/, 'an environment variable name (letters, digits and _)'],
  [/^\^\(\[A-Za-z0-9\]/, 'a domain name (contoso.com)'],
  [/^\^\[0-9\]\+/, 'a version number (2.5.190.0)'],
  [/^\^\[a-z0-9\]/, 'a lower-case name of letters, digits and hyphens'],
];

function describePattern(pattern: string): string {
  return PATTERN_NAMES.find(([re]) => re.test(pattern))?.[1] ?? `text matching ${pattern}`;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return String(value);
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  return `a ${typeof value}`;
}

const EXPECTED_TYPE: Record<string, string> = {
  string: 'text',
  boolean: 'true or false',
  integer: 'a whole number',
  number: 'a number',
  array: 'a list',
  object: 'a mapping',
};

function pathOf(instancePath: string): (string | number)[] {
  if (instancePath === '') return [];
  return instancePath
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function valueAt(root: unknown, path: (string | number)[]): unknown {
  let node: unknown = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

function fieldName(path: (string | number)[]): string {
  return path.length === 0 ? 'document' : path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

export class SchemaChecker {

  /** Findings for one document; an empty list means it is a valid resource of its kind. */
  check(doc: SourceDocument): Finding[] {
    const value = doc.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return [finding('NotAMapping', `a document must be a mapping, got ${typeName(value)}`, { location: doc.locate() })];
    }
    const record = value as Record<string, unknown>;
    if (record.apiVersion !== API_VERSION) {
      const message =
        record.apiVersion === undefined
          ? 'missing apiVersion: this is not an exo-gitops document'
          : `unknown apiVersion ${show(record.apiVersion)}`;
      return [finding('UnknownApiVersion', message, { location: doc.locate(record.apiVersion === undefined ? [] : ['apiVersion']) })];
    }
    const kind = record.kind;
    if (typeof kind !== 'string' || !(RESOURCE_KINDS as readonly string[]).includes(kind)) {
      const suggestion = typeof kind === 'string' ? closestMatch(kind, RESOURCE_KINDS) : undefined;
      return [
        finding('UnknownKind', kind === undefined ? 'missing kind' : `unknown kind ${show(kind)}`, {
          location: doc.locate(kind === undefined ? [] : ['kind']),
          ...(suggestion ? { hint: `Did you mean ${suggestion}?` } : {}),
        }),
      ];
    }
    const validate = validators[kind as ResourceKind];
    if (validate(value)) return [];
    return this.explain(kind as ResourceKind, doc, validate.errors ?? []);
  }

  private explain(kind: ResourceKind, doc: SourceDocument, errors: ErrorObject[]): Finding[] {
    const findings: Finding[] = [];
    const seen = new Set<string>();
    for (const error of errors) {
      const path = pathOf(error.instancePath);
      const value = valueAt(doc.value, path);
      let message: string;
      let location = doc.locate(path);
      let hint: string | undefined;
      switch (error.keyword) {
        case 'additionalProperties': {
          const field = String((error.params as { additionalProperty: string }).additionalProperty);
          location = doc.locate([...path, field], 'key');
          message = `unknown field ${show(field)} in ${fieldName(path)}`;
          const known = Object.keys((this.schemaAt(kind, path)?.properties as Record<string, unknown>) ?? {});
          const suggestion = closestMatch(field, known);
          hint = suggestion ? `Did you mean ${suggestion}?` : known.length > 0 ? `Known fields: ${known.join(', ')}.` : undefined;
          break;
        }
        case 'required': {
          const field = String((error.params as { missingProperty: string }).missingProperty);
          location = doc.locate(path, path.length > 0 ? 'key' : 'value');
          message = `missing required field ${show(field)} in ${fieldName(path)}`;
          break;
        }
        case 'type': {
          const expected = String((error.params as { type: string }).type);
          message = `${fieldName(path)} must be ${EXPECTED_TYPE[expected] ?? expected}, got ${typeName(value)}`;
          if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
            hint = 'Quote the value so YAML reads it as text.';
          }
          break;
        }
        case 'enum': {
          const allowed = (error.params as { allowedValues: unknown[] }).allowedValues;
          message = `${fieldName(path)}: ${show(value)} is not one of ${allowed.map((v) => String(v)).join(', ')}`;
          const suggestion = typeof value === 'string' ? closestMatch(value, allowed.map(String)) : undefined;
          if (suggestion) hint = `Did you mean ${suggestion}?`;
          break;
        }
        case 'pattern': {
          const pattern = String((error.params as { pattern: string }).pattern);
          // An …Env field's value may be the secret itself: never echoed (value-check.ts reports it).
          const secret = String(path[path.length - 1]).endsWith('Env');
          message = `${fieldName(path)}: ${secret ? 'the value' : show(value)} is not ${describePattern(pattern)}`;
          break;
        }
        case 'uniqueItems':
          message = `${fieldName(path)} lists the same value twice`;
          break;
        case 'minItems':
          message = `${fieldName(path)} must not be empty`;
          break;
        case 'minLength':
          message = `${fieldName(path)} must not be empty`;
          break;
        default:
          message = `${fieldName(path)} ${error.message ?? 'is invalid'}`;
      }
      const key = `${location.line}:${location.column}:${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      findings.push(finding('SchemaViolation', message, { location, kind, ...(hint ? { hint } : {}) }));
    }
    return findings;
  }

  /** The sub-schema that describes the object at `path`, for "did you mean" suggestions. */
  private schemaAt(kind: ResourceKind, path: (string | number)[]): Record<string, unknown> | undefined {
    let schema: Record<string, unknown> | undefined = schemas[kind];
    for (const segment of path) {
      if (!schema) return undefined;
      if (typeof segment === 'number') schema = schema.items as Record<string, unknown> | undefined;
      else schema = (schema.properties as Record<string, Record<string, unknown>> | undefined)?.[segment];
    }
    return schema;
  }
}
