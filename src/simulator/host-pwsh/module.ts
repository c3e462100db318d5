// The stand-in ExchangeOnlineManagement module for real pwsh, generated from the signature table
// (signatures.json, derived from the official reference). Each Exchange cmdlet is an advanced
// function declaring the official parameter sets, mandatory parameters, positions, aliases and
// types, so PowerShell's own binder accepts or rejects every call; its body hands the cmdlet name
// and $PSBoundParameters to the engine (`exo-gitops-sim engine`, started by Connect-ExchangeOnline)
// and turns the answer into objects, warnings and ErrorRecords with Exchange's exception types.
//
//   exo-gitops-sim module --out DIR   writes DIR/ExchangeOnlineManagement/{*.psd1,*.psm1}
//
// With DIR on PSModulePath and EXO_SIM_STATE set, the tool's scripts run unchanged in real pwsh
// against the simulated tenants. Like the real module's, these are functions of a script module:
// they do not see a script's own $ErrorActionPreference (PowerShell issue #4568), so callers pass
// -ErrorAction Stop where they mean it.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CmdletSignature, type ParameterSignature, signatureTable } from '../binder.js';
import { implementedCmdlets } from '../engine/engine.js';
import { EXCHANGE_EXCEPTIONS } from '../errors.js';

const MODULE_NAME = 'ExchangeOnlineManagement';
/** The version the stand-in reports; the tool's scripts need nothing of a particular version. */
const MODULE_VERSION = '3.9.0';

const MULTI_VALUED = /^(MultiValuedProperty|ProxyAddressCollection|.*\[\])$/;
const FLAGS_ENUMS = new Set(['MailboxMoveCapability', 'MailboxWorkloadFlags']);
const SCALAR_TYPES: Record<string, string> = {
  String: 'string',
  'String[]': 'string[]',
  SwitchParameter: 'switch',
  SecureString: 'securestring',
  PSCredential: 'pscredential',
  UInt32: 'uint32',
  Int32: 'int',
  Boolean: 'bool',
  Guid: 'guid',
  DateTime: 'datetime',
  Uri: 'uri',
  'Byte[]': 'byte[]',
  X509Certificate2: 'System.Security.Cryptography.X509Certificates.X509Certificate2',
};

/** A single-quoted PowerShell literal (the module's own text: names and values from the signature table). */
function q(text: string): string {
  return `'${text.replace(/['\u2018\u2019\u201A\u201B]/g, (c) => c + c)}'`;
}

function typeOf(parameter: ParameterSignature): { type: string; validateSet?: string[] } {
  const scalar = SCALAR_TYPES[parameter.type];
  if (scalar) return { type: scalar };
  if (parameter.validValues && !MULTI_VALUED.test(parameter.type) && !FLAGS_ENUMS.has(parameter.type)) return { type: 'string', validateSet: parameter.validValues };
  // Exchange's own types (identity parameters, SmtpAddress, multi-valued properties that also take
  // @{Add=…; Remove=…}, Unlimited values, flags enums): the engine transforms them as binder.ts does.
  return { type: 'object' };
}

function parameterBlock(name: string, parameter: ParameterSignature, signature: CmdletSignature): string {
  const lines: string[] = [];
  for (const set of signature.sets) {
    const inSet = parameter.sets[set];
    if (!inSet) continue;
    const parts = [`ParameterSetName = ${q(set)}`];
    if (inSet.required) parts.push('Mandatory = $true');
    if (inSet.position !== null) parts.push(`Position = ${Math.max(0, inSet.position - 1)}`);
    if (parameter.pipelineInput) parts.push('ValueFromPipeline = $true');
    lines.push(`    [Parameter(${parts.join(', ')})]`);
  }
  if (parameter.aliases.length > 0) lines.push(`    [Alias(${parameter.aliases.map(q).join(', ')})]`);
  const { type, validateSet } = typeOf(parameter);
  if (validateSet) lines.push(`    [ValidateSet(${validateSet.map(q).join(', ')})]`);
  lines.push(`    [${type}]$${name}`);
  return lines.join('\n');
}

function functionText(name: string, signature: CmdletSignature, body: string): string {
  const binding = signature.defaultSet ? `[CmdletBinding(DefaultParameterSetName = ${q(signature.defaultSet)})]` : '[CmdletBinding()]';
  const parameters = Object.entries(signature.parameters)
    .filter(([, parameter]) => parameter.exchangeOnline)
    .map(([parameterName, parameter]) => parameterBlock(parameterName, parameter, signature));
  return `function ${name} {\n  ${binding}\n  param(\n${parameters.join(',\n\n')}\n  )\n${body}\n}`;
}

const CALL_BODY = (name: string): string => `  process { Invoke-ExoSimCall -Cmdlet ${q(name)} -Caller $PSCmdlet -Bound $PSBoundParameters }`;

function exceptionSource(): string {
  const byNamespace = new Map<string, string[]>();
  for (const [reason, namespace] of Object.entries(EXCHANGE_EXCEPTIONS)) byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), reason]);
  return [...byNamespace]
    .map(([namespace, reasons]) => `namespace ${namespace} {\n${reasons.map((r) => `  public class ${r} : System.Exception { public ${r}(string message) : base(message) {} }`).join('\n')}\n}`)
    .join('\n');
}

const RUNTIME = String.raw`
# ---- the channel to the engine ---------------------------------------------------------------
$script:Engine = $null
$script:CommonParameters = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters | Where-Object { $_ -ne 'Confirm' -and $_ -ne 'WhatIf' })
$script:Utf8 = [System.Text.UTF8Encoding]::new($false)

# Exchange's exception types: compiled once into the module's folder, loaded from there afterwards.
if (-not ('Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException' -as [type])) {
  $assembly = Join-Path $PSScriptRoot 'ExoSim.Exceptions.dll'
  if (-not (Test-Path -LiteralPath $assembly)) {
    $partial = Join-Path $PSScriptRoot ("ExoSim.Exceptions.$PID.tmp")
    try {
      Add-Type -TypeDefinition $script:ExceptionSource -OutputAssembly $partial -OutputType Library -ErrorAction Stop
      Move-Item -LiteralPath $partial -Destination $assembly -Force -ErrorAction Stop
    } catch {
      Remove-Item -LiteralPath $partial -Force -ErrorAction SilentlyContinue
    }
  }
  if (Test-Path -LiteralPath $assembly) { Add-Type -LiteralPath $assembly } else { Add-Type -TypeDefinition $script:ExceptionSource }
}

function ConvertTo-ExoSimWire {
  param($Value)
  if ($null -eq $Value) { return $null }
  if ($Value -is [System.Management.Automation.SwitchParameter]) { return $Value.IsPresent }
  if ($Value -is [string] -or $Value -is [bool] -or $Value -is [int] -or $Value -is [long] -or $Value -is [uint32] -or $Value -is [double]) { return $Value }
  if ($Value -is [char]) { return [string]$Value }
  if ($Value -is [byte]) { return [int]$Value }
  if ($Value -is [byte[]]) { return @{ '$bytes' = [System.Convert]::ToBase64String($Value) } }
  if ($Value -is [guid]) { return @{ '$guid' = $Value.ToString() } }
  if ($Value -is [datetime]) { return @{ '$datetime' = $Value.ToUniversalTime().ToString('o') } }
  if ($Value -is [enum]) { return $Value.ToString() }
  if ($Value -is [securestring]) { return @{ '$secureString' = $true } }
  if ($Value -is [pscredential]) { return @{ '$credential' = @{ userName = $Value.UserName } } }
  if ($Value -is [System.Collections.IDictionary]) {
    $entries = [ordered]@{}
    foreach ($key in $Value.Keys) { $entries[[string]$key] = ConvertTo-ExoSimWire $Value[$key] }
    return @{ '$hashtable' = $entries }
  }
  if ($Value -is [System.Collections.IEnumerable]) {
    $items = [System.Collections.Generic.List[object]]::new()
    foreach ($item in $Value) { $items.Add((ConvertTo-ExoSimWire $item)) }
    return ,$items.ToArray()
  }
  if ($Value -is [psobject] -and $Value.PSObject.Properties.Name.Count -gt 0) {
    $properties = [ordered]@{}
    foreach ($property in $Value.PSObject.Properties) { $properties[$property.Name] = ConvertTo-ExoSimWire $property.Value }
    return @{ '$object' = $properties }
  }
  return [string]$Value
}

function ConvertFrom-ExoSimWire {
  param([System.Text.Json.JsonElement]$Element)
  switch ($Element.ValueKind.ToString()) {
    'String' { return $Element.GetString() }
    'True' { return $true }
    'False' { return $false }
    'Null' { return $null }
    'Number' {
      $whole = 0L
      if ($Element.TryGetInt64([ref]$whole)) {
        if ($whole -ge [int]::MinValue -and $whole -le [int]::MaxValue) { return [int]$whole }
        return $whole
      }
      return $Element.GetDouble()
    }
    'Array' {
      $items = [System.Collections.Generic.List[object]]::new()
      foreach ($item in $Element.EnumerateArray()) { $items.Add((ConvertFrom-ExoSimWire $item)) }
      return ,$items.ToArray()
    }
    'Object' {
      $inner = [System.Text.Json.JsonElement]::new()
      if ($Element.TryGetProperty('$guid', [ref]$inner)) { return [guid]$inner.GetString() }
      if ($Element.TryGetProperty('$datetime', [ref]$inner)) { return [datetime]::Parse($inner.GetString(), [cultureinfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind) }
      if ($Element.TryGetProperty('$object', [ref]$inner)) {
        $properties = [ordered]@{}
        foreach ($property in $inner.EnumerateObject()) { $properties[$property.Name] = ConvertFrom-ExoSimWire $property.Value }
        return [pscustomobject]$properties
      }
      if ($Element.TryGetProperty('$hashtable', [ref]$inner)) {
        $table = @{}
        foreach ($property in $inner.EnumerateObject()) { $table[$property.Name] = ConvertFrom-ExoSimWire $property.Value }
        return $table
      }
      return $null
    }
  }
}

function Send-ExoSimRequest {
  param([System.Collections.IDictionary]$Request)
  if ($null -eq $script:Engine -or $script:Engine.HasExited) { throw [System.InvalidOperationException]::new('The Exchange Online simulator engine is not running: call Connect-ExchangeOnline first.') }
  $line = ConvertTo-Json -InputObject $Request -Depth 64 -Compress -EscapeHandling EscapeNonAscii
  $script:Engine.StandardInput.WriteLine($line)
  $script:Engine.StandardInput.Flush()
  $answer = $script:Engine.StandardOutput.ReadLine()
  if ($null -eq $answer) { throw [System.InvalidOperationException]::new('The Exchange Online simulator engine ended without answering.') }
  return [System.Text.Json.JsonDocument]::Parse($answer).RootElement
}

function New-ExoSimErrorRecord {
  param([System.Text.Json.JsonElement]$Wire)
  $message = $Wire.GetProperty('message').GetString()
  $type = $Wire.GetProperty('exceptionType').GetString() -as [type]
  $exception = $null
  if ($null -ne $type -and [System.Exception].IsAssignableFrom($type)) {
    try { $exception = $type::new($message) } catch { $exception = $null }
  }
  if ($null -eq $exception) { $exception = [System.Exception]::new($message) }
  $category = [System.Management.Automation.ErrorCategory]::NotSpecified
  [void][enum]::TryParse([System.Management.Automation.ErrorCategory], $Wire.GetProperty('category').GetString(), [ref]$category)
  $target = ConvertFrom-ExoSimWire $Wire.GetProperty('targetObject')
  return [System.Management.Automation.ErrorRecord]::new($exception, $Wire.GetProperty('errorId').GetString(), $category, $target)
}

function Write-ExoSimResponse {
  param([System.Text.Json.JsonElement]$Response, $Caller)
  foreach ($warning in $Response.GetProperty('warnings').EnumerateArray()) { $Caller.WriteWarning($warning.GetString()) }
  foreach ($item in $Response.GetProperty('output').EnumerateArray()) { $Caller.WriteObject((ConvertFrom-ExoSimWire $item)) }
  $wire = [System.Text.Json.JsonElement]::new()
  if ($Response.TryGetProperty('terminating', [ref]$wire)) { $Caller.ThrowTerminatingError((New-ExoSimErrorRecord $wire)) }
  if ($Response.TryGetProperty('error', [ref]$wire)) { $Caller.WriteError((New-ExoSimErrorRecord $wire)) }
}

function Get-ExoSimParameters {
  param([System.Collections.IDictionary]$Bound)
  $parameters = [ordered]@{}
  foreach ($key in $Bound.Keys) {
    if ($script:CommonParameters -notcontains $key) { $parameters[$key] = ConvertTo-ExoSimWire $Bound[$key] }
  }
  return $parameters
}

function Invoke-ExoSimCall {
  param([string]$Cmdlet, $Caller, [System.Collections.IDictionary]$Bound)
  $response = Send-ExoSimRequest ([ordered]@{ op = 'call'; cmdlet = $Cmdlet; set = $Caller.ParameterSetName; parameters = (Get-ExoSimParameters $Bound) })
  Write-ExoSimResponse $response $Caller
}

function Start-ExoSimEngine {
  if ($null -ne $script:Engine -and -not $script:Engine.HasExited) { return }
  $start = [System.Diagnostics.ProcessStartInfo]::new($script:NodePath)
  $start.ArgumentList.Add($script:SimulatorPath)
  $start.ArgumentList.Add('engine')
  $start.UseShellExecute = $false
  $start.RedirectStandardInput = $true
  $start.RedirectStandardOutput = $true
  $start.StandardOutputEncoding = $script:Utf8
  $start.StandardInputEncoding = $script:Utf8
  $script:Engine = [System.Diagnostics.Process]::Start($start)
}

function Stop-ExoSimEngine {
  if ($null -eq $script:Engine) { return }
  try { $script:Engine.StandardInput.Close() } catch { }
  [void]$script:Engine.WaitForExit(30000)
  $script:Engine = $null
}
`;

const CONNECT_BODY = `  process {
    Start-ExoSimEngine
    # Only what selects the tenant crosses to the engine: never a token, a certificate or a password.
    $selection = @{}
    foreach ($name in 'Organization', 'DelegatedOrganization', 'ExchangeEnvironmentName', 'AppId') { if ($PSBoundParameters.ContainsKey($name)) { $selection[$name] = $PSBoundParameters[$name] } }
    $response = Send-ExoSimRequest ([ordered]@{ op = 'connect'; cmdlet = 'Connect-ExchangeOnline'; set = $PSCmdlet.ParameterSetName; parameters = (Get-ExoSimParameters $selection) })
    $failure = [System.Text.Json.JsonElement]::new()
    if ($response.TryGetProperty('terminating', [ref]$failure)) {
      Stop-ExoSimEngine
      $PSCmdlet.ThrowTerminatingError((New-ExoSimErrorRecord $failure))
    }
    # The service's cmdlets exist from here on, as a temporary module of the session (as EXO V3 does).
    if ($null -eq $script:CmdletModule) {
      $script:CmdletModule = New-Module -Name 'tmpEXO_exogitops_sim' -ScriptBlock $script:ServiceCmdlets
      Import-Module -ModuleInfo $script:CmdletModule -Global -DisableNameChecking -Force
    }
  }`;

const DISCONNECT_BODY = `  process {
    if ($null -ne $script:Engine -and -not $script:Engine.HasExited) { [void](Send-ExoSimRequest ([ordered]@{ op = 'disconnect' })) }
    Stop-ExoSimEngine
    if ($null -ne $script:CmdletModule) {
      Remove-Module -ModuleInfo $script:CmdletModule -Force
      $script:CmdletModule = $null
    }
  }`;

export interface ModuleFiles {
  manifest: string;
  script: string;
}

/** The module's two files; `simulatorPath` is this package's dist/simulator/main.js, `nodePath` the node that runs it. */
function renderModule(options: { nodePath: string; simulatorPath: string }): ModuleFiles {
  const table = signatureTable();
  const service = implementedCmdlets().filter((name) => table.cmdlets[name]).sort();
  const serviceFunctions = service.map((name) => functionText(name, table.cmdlets[name]!, CALL_BODY(name)));
  const connect = functionText('Connect-ExchangeOnline', table.cmdlets['Connect-ExchangeOnline']!, CONNECT_BODY);
  const disconnect = functionText('Disconnect-ExchangeOnline', table.cmdlets['Disconnect-ExchangeOnline']!, DISCONNECT_BODY);
  const script = `# ExchangeOnlineManagement, the exo-gitops simulator's stand-in (generated by exo-gitops-sim module; do not edit).
# Connect-ExchangeOnline starts the engine and brings in the service's cmdlets; Disconnect-ExchangeOnline ends both.
Set-StrictMode -Off
$script:NodePath = ${q(options.nodePath)}
$script:SimulatorPath = ${q(options.simulatorPath)}
$script:CmdletModule = $null
$script:ExceptionSource = @'
${exceptionSource()}
'@
${RUNTIME}
# ---- the service's cmdlets (imported by Connect-ExchangeOnline) -------------------------------
$script:ServiceCmdlets = {
${serviceFunctions.join('\n\n')}

Export-ModuleMember -Function ${service.map(q).join(', ')}
}

# ---- sign-in --------------------------------------------------------------------------------
${connect}

${disconnect}

Export-ModuleMember -Function 'Connect-ExchangeOnline', 'Disconnect-ExchangeOnline', 'Invoke-ExoSimCall'
`;
  const manifest = `@{
  RootModule = 'ExchangeOnlineManagement.psm1'
  ModuleVersion = '${MODULE_VERSION}'
  GUID = 'b5eced50-afa4-455b-847a-d8fb64140a22'
  Author = 'exo-gitops'
  Description = 'Stand-in for ExchangeOnlineManagement: the exo-gitops Exchange Online simulator, for real pwsh.'
  PowerShellVersion = '7.2'
  FunctionsToExport = @('Connect-ExchangeOnline', 'Disconnect-ExchangeOnline', 'Invoke-ExoSimCall')
  CmdletsToExport = @()
  VariablesToExport = @()
  AliasesToExport = @()
}
`;
  return { manifest, script };
}

/** Writes DIR/ExchangeOnlineManagement/ (atomically per file); returns the module folder. */
export function writeModule(outDirectory: string, options: { nodePath?: string; simulatorPath?: string } = {}): string {
  const simulatorPath = options.simulatorPath ?? fileURLToPath(new URL('../main.js', import.meta.url));
  const files = renderModule({ nodePath: options.nodePath ?? process.execPath, simulatorPath });
  const folder = join(resolve(outDirectory), MODULE_NAME);
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of [[`${MODULE_NAME}.psd1`, files.manifest], [`${MODULE_NAME}.psm1`, files.script]] as const) {
    const partial = join(folder, `.${name}.${process.pid}.tmp`);
    writeFileSync(partial, text);
    renameSync(partial, join(folder, name));
  }
  return folder;
}

export function moduleCommand(argv: string[]): number {
  const index = argv.findIndex((argument) => argument === '--out' || argument === '-o');
  const out = index >= 0 ? argv[index + 1] : undefined;
  if (!out || argv.includes('--help')) {
    process.stderr.write('Usage: exo-gitops-sim module --out DIR\n  Writes DIR/ExchangeOnlineManagement, the stand-in module for real pwsh. Put DIR on PSModulePath and set EXO_SIM_STATE.\n');
    return out ? 0 : 64;
  }
  const folder = writeModule(out);
  process.stdout.write(`${folder}\n`);
  return 0;
}
