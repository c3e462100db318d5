// The PowerShell utility cmdlets the generated scripts use (ForEach-Object, Select-Object,
// ConvertTo-Json, Write-Host, ...), with PowerShell's parameter names and prefixes.
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import { ErrorRecord } from '../errors.js';
import { convertToJson, fromJsonValue } from './json.js';
import {
  type CommandHandler,
  type CommandInvocation,
  type CommandResolver,
  type EvaluatedArgument,
  parameterError,
  statementError,
} from './interpreter.js';
import { NotSupportedError } from '../errors.js';
import {
  compareValues,
  enumerate,
  Hashtable,
  isNull,
  likeMatch,
  looseEquals,
  PSObject,
  ScriptBlock,
  SecureString,
  toBool,
  toNumber,
  toStr,
} from '../values.js';

interface ParameterSpec {
  name: string;
  isSwitch?: boolean;
  aliases?: string[];
  /** Takes all remaining positional arguments (Write-Host's -Object). */
  remaining?: boolean;
}

interface BuiltinSpec {
  parameters: ParameterSpec[];
  /** Parameter names in positional order. */
  positional: string[];
}

const COMMON: ParameterSpec[] = [
  { name: 'ErrorAction', aliases: ['ea'] },
  { name: 'WarningAction', aliases: ['wa'] },
  { name: 'InformationAction', aliases: ['infa'] },
  { name: 'ErrorVariable', aliases: ['ev'] },
  { name: 'WarningVariable', aliases: ['wv'] },
  { name: 'OutVariable', aliases: ['ov'] },
  { name: 'OutBuffer', aliases: ['ob'] },
  { name: 'PipelineVariable', aliases: ['pv'] },
  { name: 'ProgressAction', aliases: ['proga'] },
  { name: 'Verbose', isSwitch: true, aliases: ['vb'] },
  { name: 'Debug', isSwitch: true, aliases: ['db'] },
];

/** Binds a utility cmdlet's arguments: PowerShell's prefix rules, switches, positional order. */
function bind(invocation: CommandInvocation, commandName: string, spec: BuiltinSpec): Map<string, unknown> {
  const all = [...spec.parameters, ...COMMON];
  const bound = new Map<string, unknown>();
  const positional: unknown[] = [];
  const args: EvaluatedArgument[] = invocation.args;
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument.kind === 'argument') {
      positional.push(argument.value);
      continue;
    }
    const lower = argument.name.toLowerCase();
    const exact = all.find((parameter) => parameter.name.toLowerCase() === lower || parameter.aliases?.includes(lower));
    const matches = exact ? [exact] : all.filter((parameter) => parameter.name.toLowerCase().startsWith(lower));
    if (matches.length === 0) {
      throw statementError(parameterError(`A parameter cannot be found that matches parameter name '${argument.name}'.`, 'NamedParameterNotFound', commandName, argument.position));
    }
    if (matches.length > 1) {
      throw statementError(parameterError(`Parameter cannot be processed because the parameter name '${argument.name}' is ambiguous. Possible matches include: ${matches.map((match) => `-${match.name}`).join(' ')}.`, 'AmbiguousParameter', commandName, argument.position));
    }
    const parameter = matches[0]!;
    if (bound.has(parameter.name)) {
      throw statementError(parameterError(`Cannot bind parameter because parameter '${parameter.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`, 'ParameterAlreadyBound', commandName, argument.position));
    }
    if (parameter.isSwitch) {
      bound.set(parameter.name, argument.hasValue ? toBool(argument.value) : true);
      continue;
    }
    if (argument.hasValue) {
      bound.set(parameter.name, argument.value);
      continue;
    }
    const next = args[index + 1];
    if (!next || next.kind !== 'argument') {
      throw statementError(parameterError(`Missing an argument for parameter '${parameter.name}'. Specify a parameter of type 'System.Object' and try again.`, 'MissingArgument', commandName, argument.position));
    }
    bound.set(parameter.name, next.value);
    index++;
  }
  for (const name of spec.positional) {
    if (positional.length === 0) break;
    if (bound.has(name)) continue;
    const parameter = spec.parameters.find((candidate) => candidate.name === name);
    if (parameter?.remaining) {
      bound.set(name, positional.length === 1 ? positional[0] : [...positional]);
      positional.length = 0;
    } else bound.set(name, positional.shift());
  }
  if (positional.length > 0) {
    throw statementError(parameterError(`A positional parameter cannot be found that accepts argument '${toStr(positional[0])}'.`, 'PositionalParameterNotFound', commandName, invocation.position));
  }
  return bound;
}

function scriptBlockArgument(value: unknown, commandName: string, parameter: string): ScriptBlock {
  if (value instanceof ScriptBlock) return value;
  throw new NotSupportedError(`${commandName} -${parameter} with a ${isNull(value) ? 'null' : 'non-scriptblock'} value is not supported by the simulator (use a script block).`);
}

/** Input items: the pipeline, or -InputObject. */
function inputItems(invocation: CommandInvocation, bound: Map<string, unknown>, enumerateInputObject = true): unknown[] {
  if (bound.has('InputObject')) return enumerateInputObject ? enumerate(bound.get('InputObject')) : [bound.get('InputObject')];
  return invocation.input;
}

function propertyOf(invocation: CommandInvocation, item: unknown, property: unknown): unknown {
  if (property instanceof ScriptBlock) return invocation.interpreter.evaluateWithItem(property, item);
  return invocation.interpreter.getMember(item, toStr(property));
}

const forEachObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'ForEach-Object', {
    parameters: [{ name: 'Process' }, { name: 'Begin' }, { name: 'End' }, { name: 'InputObject' }, { name: 'MemberName' }],
    positional: ['Process'],
  });
  const process = bound.get('Process');
  const interpreter = invocation.interpreter;
  if (bound.has('Begin')) interpreter.invokeWithItem(scriptBlockArgument(bound.get('Begin'), 'ForEach-Object', 'Begin'), null, invocation.out);
  for (const item of inputItems(invocation, bound)) {
    if (bound.has('MemberName') || typeof process === 'string') {
      const name = toStr(bound.get('MemberName') ?? process);
      for (const value of enumerate(interpreter.getMember(item, name))) invocation.out.push(value);
      continue;
    }
    interpreter.invokeWithItem(scriptBlockArgument(process, 'ForEach-Object', 'Process'), item, invocation.out);
  }
  if (bound.has('End')) interpreter.invokeWithItem(scriptBlockArgument(bound.get('End'), 'ForEach-Object', 'End'), null, invocation.out);
};

const whereObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Where-Object', {
    parameters: [
      { name: 'FilterScript' }, { name: 'Property' }, { name: 'Value' }, { name: 'InputObject' },
      { name: 'EQ', isSwitch: true }, { name: 'NE', isSwitch: true }, { name: 'Like', isSwitch: true }, { name: 'NotLike', isSwitch: true },
      { name: 'Match', isSwitch: true }, { name: 'Contains', isSwitch: true }, { name: 'In', isSwitch: true },
    ],
    positional: ['FilterScript', 'Value'],
  });
  const interpreter = invocation.interpreter;
  const filter = bound.get('FilterScript');
  const items = inputItems(invocation, bound);
  if (filter instanceof ScriptBlock) {
    for (const item of items) if (toBool(interpreter.evaluateWithItem(filter, item))) invocation.out.push(item);
    return;
  }
  // Simplified syntax: Where-Object Name -EQ 'x'
  const property = toStr(bound.get('Property') ?? filter);
  const value = bound.get('Value');
  for (const item of items) {
    const actual = interpreter.getMember(item, property);
    let keep: boolean;
    if (bound.get('NE')) keep = !looseEquals(actual, value);
    else if (bound.get('Like')) keep = likeMatch(actual, value);
    else if (bound.get('NotLike')) keep = !likeMatch(actual, value);
    else if (bound.get('Match')) keep = new RegExp(toStr(value), 'i').test(toStr(actual));
    else if (bound.get('Contains')) keep = enumerate(actual).some((entry) => looseEquals(entry, value));
    else if (bound.get('In')) keep = enumerate(value).some((entry) => looseEquals(entry, actual));
    else if (bound.get('EQ')) keep = looseEquals(actual, value);
    else keep = toBool(actual);
    if (keep) invocation.out.push(item);
  }
};

interface SelectedProperty {
  name: string;
  value: (item: unknown) => unknown;
}

function selectedProperties(invocation: CommandInvocation, spec: unknown, sample: unknown[]): SelectedProperty[] {
  const result: SelectedProperty[] = [];
  for (const entry of enumerate(spec)) {
    if (entry instanceof Hashtable) {
      const nameKey = ['name', 'n', 'label', 'l'].find((key) => entry.has(key));
      const expressionKey = ['expression', 'e'].find((key) => entry.has(key));
      if (!nameKey || !expressionKey) throw new NotSupportedError('A calculated property without Name and Expression is not supported by the simulator.');
      const expression = entry.get(expressionKey);
      result.push({ name: toStr(entry.get(nameKey)), value: (item) => propertyOf(invocation, item, expression) });
      continue;
    }
    const name = toStr(entry);
    if (/[*?]/.test(name)) {
      const names = new Set<string>();
      for (const item of sample) {
        const candidates = item instanceof PSObject ? item.names() : item instanceof Hashtable ? item.entries().map(([key]) => toStr(key)) : [];
        for (const candidate of candidates) if (likeMatch(candidate, name)) names.add(candidate);
      }
      for (const matched of names) result.push({ name: matched, value: (item) => invocation.interpreter.getMember(item, matched) });
      continue;
    }
    const canonical = sample.find((item): item is PSObject => item instanceof PSObject && item.has(name))?.names().find((candidate) => candidate.toLowerCase() === name.toLowerCase()) ?? name;
    result.push({ name: canonical, value: (item) => invocation.interpreter.getMember(item, name) });
  }
  return result;
}

const selectObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Select-Object', {
    parameters: [{ name: 'Property' }, { name: 'ExpandProperty' }, { name: 'First' }, { name: 'Last' }, { name: 'Skip' }, { name: 'Unique', isSwitch: true }, { name: 'InputObject' }],
    positional: ['Property'],
  });
  let items = inputItems(invocation, bound);
  if (bound.has('Skip')) items = items.slice(toNumber(bound.get('Skip')));
  if (bound.has('First')) items = items.slice(0, toNumber(bound.get('First')));
  if (bound.has('Last')) items = items.slice(Math.max(0, items.length - toNumber(bound.get('Last'))));
  let output: unknown[];
  if (bound.has('ExpandProperty')) {
    const name = toStr(bound.get('ExpandProperty'));
    output = [];
    for (const item of items) {
      const holder = item instanceof PSObject || item instanceof Hashtable;
      if (holder && !(item instanceof PSObject ? item.has(name) : item.has(name))) {
        throw new CmdletErrorLike(`Property "${name}" cannot be found.`, 'ExpandPropertyNotFound');
      }
      output.push(...enumerate(invocation.interpreter.getMember(item, name)));
    }
  } else if (bound.has('Property')) {
    const properties = selectedProperties(invocation, bound.get('Property'), items);
    output = items.map((item) => new PSObject(properties.map((property) => [property.name, property.value(item) ?? null])));
  } else output = items;
  if (bound.get('Unique')) {
    const unique: unknown[] = [];
    for (const item of output) if (!unique.some((existing) => looseEquals(existing, item) && typeof existing === typeof item)) unique.push(item);
    output = unique;
  }
  for (const item of output) invocation.out.push(item);
};

/** Select-Object's error for a missing -ExpandProperty, raised as a non-terminating error. */
class CmdletErrorLike extends Error {
  constructor(message: string, readonly id: string) {
    super(message);
  }
}

const sortObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Sort-Object', {
    parameters: [{ name: 'Property' }, { name: 'Descending', isSwitch: true }, { name: 'Unique', isSwitch: true }, { name: 'InputObject' }, { name: 'CaseSensitive', isSwitch: true }],
    positional: ['Property'],
  });
  const items = [...inputItems(invocation, bound)];
  const keys = bound.has('Property') ? enumerate(bound.get('Property')) : [];
  const keyOf = (item: unknown): unknown[] => (keys.length === 0 ? [item] : keys.map((key) => propertyOf(invocation, item, key instanceof Hashtable ? key.get('Expression') : key)));
  const decorated = items.map((item, index) => ({ item, key: keyOf(item), index }));
  const direction = bound.get('Descending') ? -1 : 1;
  decorated.sort((a, b) => {
    for (let i = 0; i < a.key.length; i++) {
      const order = compareValues(a.key[i], b.key[i]);
      if (order !== 0) return order * direction;
    }
    return a.index - b.index;
  });
  let output = decorated;
  if (bound.get('Unique')) output = decorated.filter((entry, index) => index === 0 || compareValues(entry.key[0], decorated[index - 1]!.key[0]) !== 0);
  for (const entry of output) invocation.out.push(entry.item);
};

const measureObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Measure-Object', {
    parameters: [{ name: 'Property' }, { name: 'Sum', isSwitch: true }, { name: 'Average', isSwitch: true }, { name: 'Maximum', isSwitch: true }, { name: 'Minimum', isSwitch: true }, { name: 'InputObject' }],
    positional: ['Property'],
  });
  const items = inputItems(invocation, bound).filter((item) => !isNull(item));
  const property = bound.get('Property');
  const values = property === undefined ? items : items.map((item) => invocation.interpreter.getMember(item, toStr(property)));
  const numbers = values.map(toNumber);
  const sum = numbers.reduce((total, value) => total + value, 0);
  invocation.out.push(
    new PSObject(
      [
        ['Count', values.length],
        ['Average', bound.get('Average') ? (values.length ? sum / values.length : null) : null],
        ['Sum', bound.get('Sum') ? sum : null],
        ['Maximum', bound.get('Maximum') ? (numbers.length ? Math.max(...numbers) : null) : null],
        ['Minimum', bound.get('Minimum') ? (numbers.length ? Math.min(...numbers) : null) : null],
        ['Property', property === undefined ? null : toStr(property)],
      ],
      'Microsoft.PowerShell.Commands.GenericMeasureInfo',
    ),
  );
};

const convertToJsonCommand: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'ConvertTo-Json', {
    parameters: [{ name: 'InputObject' }, { name: 'Depth' }, { name: 'Compress', isSwitch: true }, { name: 'AsArray', isSwitch: true }, { name: 'EnumsAsStrings', isSwitch: true }, { name: 'EscapeHandling' }],
    positional: ['InputObject'],
  });
  const depth = bound.has('Depth') ? toNumber(bound.get('Depth')) : 2;
  let value: unknown;
  if (bound.has('InputObject')) value = bound.get('InputObject');
  else {
    if (invocation.input.length === 0) return;
    value = invocation.input.length === 1 ? invocation.input[0] : invocation.input;
  }
  if (bound.get('AsArray') && !Array.isArray(value)) value = [value];
  const { text, truncated } = convertToJson(value, depth, bound.get('Compress') === true);
  if (truncated) invocation.interpreter.warn(`Resulting JSON is truncated as serialization has exceeded the set depth of ${depth}.`, invocation);
  invocation.out.push(text);
};

const convertFromJsonCommand: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'ConvertFrom-Json', {
    parameters: [{ name: 'InputObject' }, { name: 'AsHashtable', isSwitch: true }, { name: 'Depth' }, { name: 'NoEnumerate', isSwitch: true }],
    positional: ['InputObject'],
  });
  const text = bound.has('InputObject') ? enumerate(bound.get('InputObject')).map(toStr).join('\n') : invocation.input.map(toStr).join('\n');
  if (bound.get('AsHashtable')) throw new NotSupportedError('ConvertFrom-Json -AsHashtable is not supported by the simulator.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw statementError(
      new ErrorRecord(`Conversion from JSON failed with error: ${(error as Error).message}`, {
        reason: 'ArgumentException',
        exceptionType: 'System.ArgumentException',
        category: 'NotSpecified',
        fullyQualifiedErrorId: 'System.ArgumentException,Microsoft.PowerShell.Commands.ConvertFromJsonCommand',
        commandName: 'ConvertFrom-Json',
      }),
    );
  }
  const value = fromJsonValue(parsed);
  if (Array.isArray(value) && !bound.get('NoEnumerate')) for (const item of value) invocation.out.push(item);
  else invocation.out.push(value);
};

const writeOutput: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Write-Output', { parameters: [{ name: 'InputObject', remaining: true }, { name: 'NoEnumerate', isSwitch: true }], positional: ['InputObject'] });
  const items = bound.has('InputObject') ? (bound.get('NoEnumerate') ? [bound.get('InputObject')] : enumerate(bound.get('InputObject'))) : invocation.input;
  for (const item of items) invocation.out.push(item);
};

const writeHost: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Write-Host', {
    parameters: [{ name: 'Object', remaining: true }, { name: 'NoNewline', isSwitch: true }, { name: 'Separator' }, { name: 'ForegroundColor' }, { name: 'BackgroundColor' }],
    positional: ['Object'],
  });
  const separator = bound.has('Separator') ? toStr(bound.get('Separator')) : ' ';
  const object = bound.has('Object') ? bound.get('Object') : invocation.input.length ? invocation.input : '';
  const text = Array.isArray(object) ? object.map(toStr).join(separator) : toStr(object);
  // PowerShell 7 writes the information stream of a non-interactive host to stdout.
  invocation.interpreter.host.writeOut(text);
};

const writeError: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Write-Error', {
    parameters: [{ name: 'Message', remaining: true }, { name: 'ErrorRecord' }, { name: 'Exception' }, { name: 'Category' }, { name: 'ErrorId' }, { name: 'TargetObject' }, { name: 'CategoryReason' }],
    positional: ['Message'],
  });
  const existing = bound.get('ErrorRecord');
  const record =
    existing instanceof ErrorRecord
      ? existing
      : new ErrorRecord(toStr(bound.get('Message') ?? bound.get('Exception') ?? invocation.input.map(toStr).join(' ')), {
          reason: bound.has('CategoryReason') ? toStr(bound.get('CategoryReason')) : 'WriteErrorException',
          exceptionType: 'Microsoft.PowerShell.Commands.WriteErrorException',
          category: bound.has('Category') ? toStr(bound.get('Category')) : 'NotSpecified',
          fullyQualifiedErrorId: bound.has('ErrorId') ? toStr(bound.get('ErrorId')) : 'Microsoft.PowerShell.Commands.WriteErrorException',
          targetObject: bound.get('TargetObject'),
          commandName: 'Write-Error',
        });
  invocation.interpreter.handleCmdletError(record, invocation);
};

const writeWarning: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Write-Warning', { parameters: [{ name: 'Message', remaining: true }], positional: ['Message'] });
  invocation.interpreter.warn(toStr(bound.get('Message')), invocation);
};

const writeNothing: CommandHandler = (invocation) => {
  bind(invocation, 'Write-Verbose', { parameters: [{ name: 'Message', remaining: true }], positional: ['Message'] });
};

const outNull: CommandHandler = (invocation) => {
  bind(invocation, 'Out-Null', { parameters: [{ name: 'InputObject' }], positional: [] });
};

const startSleep: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Start-Sleep', {
    parameters: [{ name: 'Seconds', aliases: ['s'] }, { name: 'Milliseconds', aliases: ['ms'] }, { name: 'Duration' }],
    positional: ['Seconds'],
  });
  const milliseconds = bound.has('Milliseconds') ? toNumber(bound.get('Milliseconds')) : toNumber(bound.get('Seconds') ?? 0) * 1000;
  const scale = Number(invocation.interpreter.host.env['EXO_SIM_SLEEP_SCALE'] ?? '0');
  invocation.interpreter.host.sleep(Math.max(0, milliseconds * (Number.isFinite(scale) ? scale : 0)));
};

/**
 * Get-Process -Id N, for the one thing generated scripts ask of it: whether this process's parent is
 * still the one that started it (.Parent.Id). The embedded host is itself the "pwsh" process.
 */
const getProcess: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Get-Process', { parameters: [{ name: 'Id' }], positional: [] });
  const id = toNumber(bound.get('Id'));
  let alive = id === process.pid;
  if (!alive) {
    try {
      process.kill(id, 0);
      alive = true;
    } catch {
      alive = false;
    }
  }
  if (!alive) {
    invocation.interpreter.handleCmdletError(
      new ErrorRecord(`Cannot find a process with the process identifier ${id}.`, { reason: 'ProcessCommandException', exceptionType: 'Microsoft.PowerShell.Commands.ProcessCommandException', category: 'ObjectNotFound', fullyQualifiedErrorId: 'NoProcessFoundForGivenId,Microsoft.PowerShell.Commands.GetProcessCommand', targetObject: id }),
      invocation,
    );
    return;
  }
  const parent = id === process.pid ? new PSObject([['Id', process.ppid], ['ProcessName', 'node']], 'System.Diagnostics.Process') : null;
  invocation.out.push(new PSObject([['Id', id], ['ProcessName', id === process.pid ? 'pwsh' : 'process'], ['Parent', parent]], 'System.Diagnostics.Process'));
};

/**
 * Test-Path -LiteralPath: whether a file or folder exists (apply's stop file). -LiteralPath only: the
 * generated scripts never pass wildcards, and -Path's wildcard matching is not simulated.
 */
const testPath: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Test-Path', { parameters: [{ name: 'LiteralPath' }], positional: [] });
  const path = bound.get('LiteralPath');
  invocation.out.push(typeof path === 'string' && path !== '' && existsSync(path));
};

/**
 * Set-Content / Add-Content -LiteralPath -Value: each value a line of text, as pwsh 7 writes them
 * (UTF-8 without a byte order mark, "\n" after each line on Linux and macOS). The export writes its
 * snapshot lines this way (powershell/export-script.ts). Only UTF-8 encodings are simulated.
 */
function contentCommand(commandName: 'Set-Content' | 'Add-Content'): CommandHandler {
  return (invocation) => {
    const bound = bind(invocation, commandName, {
      parameters: [{ name: 'LiteralPath', aliases: ['PSPath', 'LP'] }, { name: 'Value' }, { name: 'Encoding' }, { name: 'NoNewline', isSwitch: true }],
      positional: [],
    });
    const path = bound.get('LiteralPath');
    if (typeof path !== 'string' || path === '') throw new NotSupportedError(`${commandName} without -LiteralPath is not supported by the simulator.`);
    const encoding = bound.has('Encoding') ? toStr(bound.get('Encoding')).toLowerCase() : 'utf8nobom';
    if (encoding !== 'utf8nobom' && encoding !== 'utf8') throw new NotSupportedError(`${commandName} -Encoding ${encoding} is not supported by the simulator (use utf8NoBOM).`);
    const values = bound.has('Value') ? enumerate(bound.get('Value')) : invocation.input;
    const separator = bound.get('NoNewline') === true ? '' : '\n';
    const text = values.map((value) => `${toStr(value)}${separator}`).join('');
    if (commandName === 'Set-Content') writeFileSync(path, text);
    else appendFileSync(path, text);
  };
}

const getRandom: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'Get-Random', {
    parameters: [{ name: 'Minimum' }, { name: 'Maximum' }, { name: 'InputObject' }, { name: 'Count' }, { name: 'SetSeed' }],
    positional: ['Maximum'],
  });
  const items = bound.has('InputObject') ? enumerate(bound.get('InputObject')) : invocation.input;
  if (items.length > 0) {
    const count = bound.has('Count') ? toNumber(bound.get('Count')) : 1;
    const pool = [...items];
    for (let index = 0; index < count && pool.length > 0; index++) invocation.out.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]);
    return;
  }
  const minimum = toNumber(bound.get('Minimum') ?? 0);
  const maximum = bound.has('Maximum') ? toNumber(bound.get('Maximum')) : 2147483647;
  invocation.out.push(Math.floor(minimum + Math.random() * (maximum - minimum)));
};

const newObject: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'New-Object', { parameters: [{ name: 'TypeName' }, { name: 'ArgumentList', aliases: ['args'] }, { name: 'Property' }], positional: ['TypeName', 'ArgumentList'] });
  const typeName = toStr(bound.get('TypeName'));
  const type = typeName.toLowerCase().replace(/^system\./, '');
  const args = enumerate(bound.get('ArgumentList'));
  if (type === 'management.automation.pscredential' || type === 'pscredential') {
    invocation.out.push(invocation.interpreter.newCredential(args, invocation.position));
    return;
  }
  if (type === 'psobject' || type === 'management.automation.psobject' || type === 'pscustomobject') {
    const properties = bound.get('Property');
    invocation.out.push(new PSObject(properties instanceof Hashtable ? properties.entries().map(([key, value]) => [toStr(key), value]) : []));
    return;
  }
  if (type === 'collections.arraylist' || /^collections\.generic\.list\[.*\]$/.test(type)) {
    invocation.out.push([]);
    return;
  }
  if (type === 'collections.hashtable' || type === 'hashtable') {
    invocation.out.push(new Hashtable());
    return;
  }
  throw new NotSupportedError(`New-Object -TypeName ${typeName} is not supported by the simulator.`);
};

const convertToSecureString: CommandHandler = (invocation) => {
  const bound = bind(invocation, 'ConvertTo-SecureString', {
    parameters: [{ name: 'String' }, { name: 'AsPlainText', isSwitch: true }, { name: 'Force', isSwitch: true }, { name: 'Key' }, { name: 'SecureKey' }],
    positional: ['String'],
  });
  if (!bound.get('AsPlainText')) throw new NotSupportedError('ConvertTo-SecureString without -AsPlainText is not supported by the simulator.');
  const inputs = bound.has('String') ? [bound.get('String')] : invocation.input;
  for (const value of inputs) {
    if (isNull(value)) {
      throw statementError(
        parameterError("Cannot bind argument to parameter 'String' because it is null.", 'ParameterArgumentValidationErrorNullNotAllowed', 'ConvertTo-SecureString', invocation.position),
      );
    }
    invocation.out.push(new SecureString(toStr(value)));
  }
};

const HANDLERS: Record<string, CommandHandler> = {
  'foreach-object': forEachObject,
  '%': forEachObject,
  foreach: forEachObject,
  'where-object': whereObject,
  '?': whereObject,
  where: whereObject,
  'select-object': selectObject,
  select: selectObject,
  'sort-object': sortObject,
  sort: sortObject,
  'measure-object': measureObject,
  measure: measureObject,
  'convertto-json': convertToJsonCommand,
  'convertfrom-json': convertFromJsonCommand,
  'write-output': writeOutput,
  echo: writeOutput,
  write: writeOutput,
  'write-host': writeHost,
  'write-error': writeError,
  'write-warning': writeWarning,
  'write-verbose': writeNothing,
  'write-debug': writeNothing,
  'out-null': outNull,
  'start-sleep': startSleep,
  sleep: startSleep,
  'get-random': getRandom,
  'get-process': getProcess,
  'test-path': testPath,
  'set-content': contentCommand('Set-Content'),
  'add-content': contentCommand('Add-Content'),
  'new-object': newObject,
  'convertto-securestring': convertToSecureString,
};

/** Wraps handlers so Select-Object's missing-property error is non-terminating, as in PowerShell. */
export const builtinCommands: CommandResolver = {
  resolve(nameLower) {
    const handler = HANDLERS[nameLower];
    if (!handler) return undefined;
    return (invocation) => {
      try {
        handler(invocation);
      } catch (error) {
        if (error instanceof CmdletErrorLike) {
          invocation.interpreter.handleCmdletError(
            new ErrorRecord(error.message, { reason: 'PSArgumentException', category: 'InvalidArgument', fullyQualifiedErrorId: `${error.id},Microsoft.PowerShell.Commands.SelectObjectCommand` }),
            invocation,
          );
          return;
        }
        throw error;
      }
    };
  },
};

