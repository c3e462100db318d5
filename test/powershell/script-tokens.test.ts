// Whatever a plan or a tenant holds, the code of a generated script is the same: every value is
// inside a string literal or a comment. Apply scripts (renderApplyScript) of a plan with every kind
// and type of action, and export scripts, are rendered from arbitrary values (every line break, every
// PowerShell quote, backticks, $, $(, #, <#, #>, here-string marks, control characters but NUL, bidi
// and zero-width characters) and tokenized as PowerShell does (ps-tokenizer.ts): the code tokens must
// be those of the same script rendered from plain placeholder values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportScript } from '../../src/powershell/export-script.js';
import type { Resource } from '../../src/model/desired.js';
import type { Action, TenantPlan } from '../../src/model/plan.js';
import { renderApplyScript } from '../../src/powershell/apply-script.js';
import { EVERY_ACTION } from '../apply/every-action.js';
import { tokenize, type Token } from './tokenizer.js';
import { disagreements, pwshTokenize, pwshUnavailable } from './pwsh-tokens.js';

const LINE_BREAKS = ['\r', '\n', '\r\n', '\n\r', '\u0085', '\u2028', '\u2029'];
const QUOTES = ["'", '\u2018', '\u2019', '\u201A', '\u201B', '"', '\u201C', '\u201D', '\u201E'];
const SYNTAX = ['`', '``', '`n', '$', '$(', ')', '${', '}', '$env:HOME', '#', '<#', '#>', "@'", "'@", '@"', '"@', ';', '|', '&', '(', '{', ' + ', "' + '", '"`n"', '-', '=', ' ', '\t', '#requires -Version 99'];
const CONTROLS = [...Array.from({ length: 31 }, (_, i) => String.fromCharCode(i + 1)), ...Array.from({ length: 33 }, (_, i) => String.fromCharCode(0x7f + i))];
const INVISIBLE = ['\u200B', '\u200D', '\u200E', '\u200F', '\u202A', '\u202E', '\u2066', '\u2069', '\uFEFF', '\u00AD', '\u061C', '\u{E0041}'];
const noNul = (s: string): string => s.replace(/\u0000/g, '');

/** Strings rich in everything that ends a literal or a comment, or escapes from one. */
const value: fc.Arbitrary<string> = fc
  .array(
    fc.oneof(
      fc.constantFrom(...LINE_BREAKS, ...QUOTES, ...SYNTAX, ...CONTROLS, ...INVISIBLE),
      fc.string({ unit: 'binary', maxLength: 4 }).map(noNul),
      fc.string({ unit: 'grapheme-ascii', maxLength: 8 }),
    ),
    { maxLength: 12 },
  )
  .map((parts) => parts.join(''));

/** A deep copy of the template with each string a value from `next` (in a fixed order); names of fields, kinds and variables kept. */
function fill<T>(template: T, next: () => string): T {
  const KEEP = new Set(['kind', 'action', 'field', 'destructive', 'secretEnv', 'role', 'accessTokenEnv', 'certificatePasswordEnv', 'resourceKind']);
  const walk = (node: unknown, key: string | undefined): unknown => {
    if (typeof node === 'string') return key !== undefined && KEEP.has(key) ? node : next();
    if (Array.isArray(node)) return node.map((item) => walk(item, key));
    if (node !== null && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, k)]));
    return node;
  };
  return walk(template, undefined) as T;
}

/** The plan with every action sourced from a file, so file names reach the comments too. */
const ACTIONS: Action[] = EVERY_ACTION.map((a, i) => ({ ...a, source: { file: `f${i}.yaml`, line: i + 1, column: 3 } }));
const CONNECTIONS: TenantPlan['connection'][] = [
  { accessTokenEnv: 'NORTHWIND_TOKEN' },
  { appId: 'app', certificateThumbprint: 'thumbprint' },
  { appId: 'app', certificatePath: 'cert.pfx', certificatePasswordEnv: 'CERT_PASSWORD' },
];

interface Shape {
  connection: number;
  environment: boolean;
  header: boolean;
  /** Indexes of actions to skip. */
  skip: number[];
  groups: number;
}

/** A string supplier: the given values in order, or placeholders (zz0zz, zz1zz, …) when none are given. */
function supplier(values?: readonly string[]): () => string {
  let i = 0;
  return () => {
    const k = i++;
    return values ? (values[k % values.length] ?? '') : `zz${k}zz`;
  };
}

/** An application ID is never blank in a plan (apply refuses the plan otherwise): keep it so. */
function fixApplicationIds(actions: Action[]): Action[] {
  const nonBlank = (v: unknown): unknown => (typeof v === 'string' && v.trim() === '' ? `x${v}` : v);
  return actions.map((a) => ({
    ...a,
    changes: a.changes.map((c) => (c.field === 'ApplicationId' ? { ...c, after: nonBlank(c.after) } : c)),
    ...(a.parameters ? { parameters: { ...a.parameters, ...(a.parameters.applicationId !== undefined ? { applicationId: nonBlank(a.parameters.applicationId) as string } : {}) } } : {}),
  }));
}

function applyScript(shape: Shape, values?: readonly string[]): string {
  const next = supplier(values);
  // Ids stay distinct, as in any plan (a skip list names actions by id).
  const actions = fixApplicationIds(fill(ACTIONS, next)).map((a, i) => ({ ...a, id: `${i}/${a.id}` }));
  const tenant: TenantPlan = {
    tenant: next(),
    organization: next(),
    ...(shape.environment ? { environment: next() } : {}),
    connection: fill(CONNECTIONS[shape.connection]!, next),
    role: 'target',
    actions,
  };
  const header = shape.header ? `plan ${next()}` : undefined;
  const skip = new Map(shape.skip.map((i) => [actions[i]!.id, next()]));
  return renderApplyScript(tenant, { ...(header !== undefined ? { header } : {}), skip });
}

function exportOf(shape: Shape, values?: readonly string[]): string {
  const next = supplier(values);
  const name = next();
  const spec = { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f', organization: next(), ...(shape.environment ? { environment: next() } : {}), connection: fill(CONNECTIONS[shape.connection]!, next) };
  const tenant = { kind: 'Tenant', name, tenant: null, spec, file: 't.yaml', documentIndex: 0, locate: () => ({ file: 't.yaml', line: 1, column: 1 }) } as unknown as Resource<'Tenant'>;
  return exportScript(tenant, { groups: Array.from({ length: shape.groups }, () => next()) });
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  connection: fc.integer({ min: 0, max: CONNECTIONS.length - 1 }),
  environment: fc.boolean(),
  header: fc.boolean(),
  skip: fc.uniqueArray(fc.integer({ min: 0, max: ACTIONS.length - 1 }), { maxLength: 3 }),
  groups: fc.integer({ min: 0, max: 3 }),
});
const cases = fc.record({ shape: shapes, values: fc.array(value, { minLength: 1, maxLength: 200 }) });

/**
 * What PowerShell runs: code tokens and line breaks as they are, each string literal and each
 * comment as one placeholder, and a value split into literals at its line breaks ((-join @('…', "`n", '…')))
 * as one literal, so a script is compared with the same script made from other values.
 */
function code(script: string): string[] {
  const tokens = tokenize(script);
  const problems = tokens.flatMap((t) => [
    ...(t.terminated ? [] : [`unterminated ${t.kind}: ${JSON.stringify(t.text)}`]),
    ...(t.ambiguous ? [`${t.ambiguous}: ${JSON.stringify(t.text)}`] : []),
    ...(t.kind === 'comment' && /[\r\n\u0085\u2028\u2029]/.test(t.text) ? [`a line break in a comment: ${JSON.stringify(t.text)}`] : []),
  ]);
  expect(problems).toEqual([]);
  const out: string[] = tokens.map((t: Token) => (t.kind === 'string' ? '<string>' : t.kind === 'comment' ? '<comment>' : t.kind === 'newline' ? '<newline>' : t.text));
  // ( -join @( <string> , <string> … ) ) → <string>, until none is left (on both sides of a comparison alike).
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = 0; i < out.length; i++) {
      if (out[i] !== '(' || out[i + 1] !== '-join' || out[i + 2] !== '@' || out[i + 3] !== '(' || out[i + 4] !== '<string>') continue;
      let j = i + 5;
      while (out[j] === ',' && out[j + 1] === '<string>') j += 2;
      if (out[j] !== ')' || out[j + 1] !== ')') continue;
      out.splice(i, j - i + 2, '<string>');
      changed = true;
    }
  }
  return out;
}

describe('generated scripts: values never reach code', () => {
  it('the placeholder scripts hold every value only inside a literal or a comment', () => {
    for (const shape of [{ connection: 2, environment: true, header: true, skip: [1, 5], groups: 2 }, { connection: 0, environment: false, header: false, skip: [], groups: 0 }]) {
      for (const script of [applyScript(shape), exportOf(shape)]) {
        const tokens = tokenize(script);
        expect(tokens.filter((t) => t.kind === 'code').filter((t) => /zz\d+zz/.test(t.text))).toEqual([]);
        expect(tokens.filter((t) => t.kind !== 'code').some((t) => /zz\d+zz/.test(t.text))).toBe(true);
      }
    }
  });

  it('apply scripts: the code is the same whatever the values', () => {
    fc.assert(
      fc.property(cases, ({ shape, values }) => {
        expect(code(applyScript(shape, values))).toEqual(code(applyScript(shape)));
      }),
      { numRuns: 400 },
    );
  });

  it('export scripts: the code is the same whatever the values', () => {
    fc.assert(
      fc.property(cases, ({ shape, values }) => {
        expect(code(exportOf(shape, values))).toEqual(code(exportOf(shape)));
      }),
      { numRuns: 500 },
    );
  });

  it('a carriage return and code in the organization stay in the comment (the script once ran it)', () => {
    const organization = "northwindtraders.onmicrosoft.com\rWrite-Output 'INJECTED' #";
    const shape: Shape = { connection: 0, environment: false, header: true, skip: [], groups: 1 };
    const values = [organization];
    expect(code(applyScript(shape, values))).toEqual(code(applyScript(shape)));
    expect(code(exportOf(shape, values))).toEqual(code(exportOf(shape)));
    for (const brk of ['\r', '\n', '\r\n', '\u0085', '\u2028', '\u2029']) {
      const script = renderApplyScript({ tenant: 'northwind', organization: `o${brk}Write-Output 'INJECTED' #`, connection: { accessTokenEnv: 'T' }, role: 'target', actions: [] }, { header: `h${brk}Remove-Item x` });
      const [first, second] = script.split('\n');
      expect(first).toBe("# exo-gitops apply: tenant northwind (o Write-Output 'INJECTED' #), 0 action(s)");
      expect(second).toBe('# h Remove-Item x');
    }
  });
});

const pwsh = pwshUnavailable();

describe.skipIf(pwsh !== null)('the tokenizer reads generated scripts as pwsh does', () => {
  it('every comment, string literal and line break of arbitrary apply and export scripts is where pwsh has it', () => {
    const sample = fc.sample(cases, { numRuns: 40, seed: 4_242 });
    const scripts = sample.flatMap(({ shape, values }) => [applyScript(shape, values), exportOf(shape, values)]);
    const theirs = pwshTokenize(scripts);
    for (const [i, script] of scripts.entries()) expect(disagreements(script, tokenize(script), theirs[i]!)).toEqual([]);
  });
});
