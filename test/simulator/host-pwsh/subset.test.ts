// The embedded host runs a subset of PowerShell: the constructs the generator emits. Every script the
// tool generates (every action type of apply, the export script) is parsed here and its constructs
// compared with that subset, so a generator change that emits something new fails this test until
// the embedded host (and the differential test against real pwsh) covers it.
import { describe, expect, it } from 'vitest';
import { exportScript } from '../../../src/powershell/export-script.js';
import type { Resource } from '../../../src/model/desired.js';
import { renderApplyScript } from '../../../src/powershell/apply-script.js';
import { canonicalCmdletName } from '../../../src/simulator/binder.js';
import { parseScript } from '../../../src/simulator/host-embedded/parse.js';
import { EVERY_ACTION_TENANT } from '../../apply/every-action.js';

/** What generated scripts use: statement and expression kinds, operators, types, commands and methods. */
const GENERATED_SUBSET = new Set([
  // statements
  'statement:assignment', 'statement:exit', 'statement:foreach', 'statement:function', 'statement:if', 'statement:pipeline', 'statement:return', 'statement:throw', 'statement:try', 'statement:while',
  // expressions
  'expr:array', 'expr:arrayExpression', 'expr:bareword', 'expr:binary', 'expr:cast', 'expr:expandable', 'expr:hashtable', 'expr:index', 'expr:increment', 'expr:invoke', 'expr:member', 'expr:number', 'expr:paren', 'expr:scriptBlock', 'expr:string', 'expr:type', 'expr:unary', 'expr:variable',
  // operators
  'op:+', 'op:-', 'op:*', 'op:-join', 'op:-ge', 'op:-lt', 'op:-like', 'op:-ne', 'op:-not', 'op:-notlike', 'op:-and', 'op:-or', 'op:-eq', 'op:-notcontains',
  // the export's conversions (sizes, Unlimited) and property presence
  'op:-contains', 'op:-match', 'op:-replace',
  // a step's duration in milliseconds, from DateTime ticks (apply)
  'op:/',
  // types
  'type:string', 'type:bool', 'type:int', 'type:long', 'type:ordered', 'type:math', 'type:guid', 'type:scriptblock', 'type:string[]', 'type:collections.generic.list[string]', 'type:collections.generic.list[object]',
  // the export's batch times (ConvertTo-ExoTime): a DateTime to UTC text, whatever the local zone
  'type:datetime', 'type:globalization.cultureinfo', 'method:ToUniversalTime',
  // a batch's CSV, built in memory as bytes (New-MigrationBatch -CSVData)
  'type:text.encoding', 'method:GetBytes',
  // commands
  'command:&', 'command:ConvertTo-Json', 'command:Get-Process', 'command:ConvertTo-SecureString', 'command:ForEach-Object', 'command:Get-Random', 'command:New-Object', 'command:Out-Null', 'command:Start-Sleep', 'command:Where-Object', 'command:Write-Output',
  // apply's stop file: no further step once it exists
  'command:Test-Path',
  // the export's snapshot, a line per object, into the file the CLI names (and its counts)
  'command:Set-Content', 'command:Add-Content', 'op:-gt',
  // methods
  'method:Min', 'method:Pow', 'method:NewGuid', 'method:ToString', 'method:Add', 'method:ContainsKey', 'method:new',
]);

const LOCAL_FUNCTIONS = new Set(['Invoke-ExoCall', 'Invoke-ExoStep', 'Test-ExoProperty', 'ConvertTo-ExoUnlimited', 'ConvertTo-ExoBytes', 'ConvertTo-ExoTime', 'Write-ExoCollection']);

function constructs(node: unknown, found: Set<string>, context: 'statement' | 'expr' = 'statement'): void {
  if (Array.isArray(node)) {
    for (const item of node) constructs(item, found, context);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const kind = record.kind;
  if (typeof kind === 'string') {
    if (kind === 'command') {
      const name = record.name;
      if (typeof name === 'string') {
        if (canonicalCmdletName(name.toLowerCase()) === undefined && !LOCAL_FUNCTIONS.has(name)) found.add(`command:${name}`);
      } else found.add('command:&');
    } else if (['pipeline', 'assignment', 'if', 'foreach', 'while', 'doWhile', 'for', 'break', 'continue', 'return', 'exit', 'throw', 'try', 'function'].includes(kind)) found.add(`statement:${kind}`);
    else if (!['parameter', 'argument', 'expression'].includes(kind)) found.add(`expr:${kind}`);
    if ((kind === 'binary' || kind === 'unary') && typeof record.operator === 'string') found.add(`op:${record.operator.toLowerCase()}`);
    if ((kind === 'cast' || kind === 'type') && typeof record.typeName === 'string') found.add(`type:${record.typeName.toLowerCase().replace(/^system\./, '')}`);
    if (kind === 'invoke') {
      const name = record.name as { kind?: string; value?: unknown } | undefined;
      if (name?.kind === 'string' || name?.kind === 'bareword') found.add(`method:${String(name.value)}`);
    }
  }
  for (const [key, value] of Object.entries(record)) if (key !== 'position' && key !== 'text') constructs(value, found, context);
}

const TENANT: Resource<'Tenant'> = {
  kind: 'Tenant',
  name: 'contoso',
  spec: { tenantId: '6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f', organization: 'contoso.onmicrosoft.com', connection: { accessTokenEnv: 'CONTOSO_EXO_TOKEN' } },
} as unknown as Resource<'Tenant'>;

describe('the constructs generated scripts use', () => {
  it('are all in the embedded host\'s subset', async () => {
    const scripts = [
      renderApplyScript({ ...EVERY_ACTION_TENANT, organization: 'northwindtraders.onmicrosoft.com' }),
      exportScript(TENANT, { groups: ['T2T-Migration-Scope'], linkedMailboxes: ['Lara.Newton@contoso.com', 'BiancaP'] }),
      exportScript({ ...TENANT, spec: { ...TENANT.spec, connection: { appId: 'app', certificatePath: '/c.pfx', certificatePasswordEnv: 'P' } } } as Resource<'Tenant'>, { groups: [] }),
    ];
    const found = new Set<string>();
    for (const script of scripts) constructs((await parseScript(script, 'generated.ps1')).body, found);
    const outside = [...found].filter((construct) => !GENERATED_SUBSET.has(construct)).sort();
    expect(outside).toEqual([]);
  });

  it('a construct outside the subset is caught (the check can fail)', async () => {
    const found = new Set<string>();
    constructs((await parseScript("Get-Date | Out-File x\n[xml]$y = $null", 'x.ps1')).body, found);
    expect([...found].filter((construct) => !GENERATED_SUBSET.has(construct))).toEqual(expect.arrayContaining(['command:Get-Date', 'command:Out-File', 'type:xml']));
  });
});
