// Parameter binding against the official Exchange Online signatures (signatures.json, derived by
// scripts/derive-signatures.mjs): names by unique case-insensitive prefix or alias, parameter set
// resolution, mandatory parameters, and argument transformation, with PowerShell's own wording.
import type { Position } from './host-embedded/ast.js';
import { ErrorRecord, TerminatingError } from './errors.js';
import { type EvaluatedArgument, parameterError, statementError } from './host-embedded/interpreter.js';
import signaturesJson from './signatures.json' with { type: 'json' };
import {
  DateTimeValue,
  Hashtable,
  isNull,
  parseDateTime,
  parseGuid,
  PSCredential,
  PSGuid,
  PSObject,
  SecureString,
  SwitchValue,
  toNumber,
  toStr,
  typeNameOf,
} from './values.js';

export interface ParameterSignature {
  type: string;
  aliases: string[];
  exchangeOnline: boolean;
  sets: Record<string, { required: boolean; position: number | null }>;
  validValues?: string[];
  pipelineInput?: boolean;
}

export interface CmdletSignature {
  defaultSet: string | null;
  sets: string[];
  parameters: Record<string, ParameterSignature>;
  onPremisesOnly: string[];
}

export interface SignatureFile {
  commonParameters: string[];
  commonParameterAliases: Record<string, string[]>;
  cmdlets: Record<string, CmdletSignature>;
}

const signatures = signaturesJson as unknown as SignatureFile;

export { isMultiValuedChange, type BoundCommand, type MultiValuedChange } from './engine/bound.js';
import type { BoundCommand, MultiValuedChange } from './engine/bound.js';

interface ResolvedName {
  name: string;
  common: boolean;
  isSwitch: boolean;
}

const FLAGS_ENUMS = new Set(['MailboxMoveCapability', 'RequestFlags', 'MigrationWorkflowControlFlags']);
const MULTI_VALUED = /^(MultiValuedProperty|ProxyAddressCollection|.*\[\])$/;
const ENUM_FULL_NAMES: Record<string, string> = {
  MailboxMoveCapability: 'Microsoft.Exchange.Data.MailboxMoveCapability',
  GroupType: 'Microsoft.Exchange.Management.RecipientTasks.GroupType',
};

/** Compiled lookups per cmdlet, built on first use. */
class CmdletBinder {
  private readonly nameCache = new Map<string, ResolvedName | TerminatingError>();
  private readonly allNames: { name: string; key: string; common: boolean }[] = [];
  readonly positionalBySet = new Map<string, string[]>();
  private readonly requiredBySet = new Map<string, string[]>();
  /** The set of calls with only named parameters, by their names in order (bind). */
  private readonly setByNamedParameters = new Map<string, string>();

  constructor(
    readonly cmdlet: string,
    readonly signature: CmdletSignature,
  ) {
    for (const [name, parameter] of Object.entries(signature.parameters)) {
      this.allNames.push({ name, key: name.toLowerCase(), common: false });
      for (const alias of parameter.aliases) this.allNames.push({ name, key: alias.toLowerCase(), common: false });
    }
    for (const common of signatures.commonParameters) {
      this.allNames.push({ name: common, key: common.toLowerCase(), common: true });
      for (const alias of signatures.commonParameterAliases[common] ?? []) this.allNames.push({ name: common, key: alias.toLowerCase(), common: true });
    }
    for (const set of signature.sets) {
      const positional = Object.entries(signature.parameters)
        .map(([name, parameter]) => ({ name, position: parameter.sets[set]?.position ?? null }))
        .filter((entry): entry is { name: string; position: number } => entry.position !== null)
        .sort((a, b) => a.position - b.position)
        .map((entry) => entry.name);
      this.positionalBySet.set(set, positional);
      this.requiredBySet.set(set, Object.entries(signature.parameters).filter(([, parameter]) => parameter.sets[set]?.required).map(([name]) => name));
    }
  }

  resolveName(written: string, position: Position): ResolvedName {
    const key = written.toLowerCase();
    let resolved = this.nameCache.get(key);
    if (!resolved) {
      resolved = this.computeName(written, key, position);
      this.nameCache.set(key, resolved);
    }
    if (resolved instanceof TerminatingError) {
      resolved.record.position = position;
      throw resolved;
    }
    return resolved;
  }

  private computeName(written: string, key: string, position: Position): ResolvedName | TerminatingError {
    const exact = this.allNames.find((entry) => entry.key === key);
    const candidates = exact ? [exact] : this.allNames.filter((entry) => entry.key.startsWith(key));
    const distinct = [...new Set(candidates.map((entry) => entry.name))];
    if (distinct.length === 1) {
      const name = distinct[0]!;
      const common = candidates[0]!.common;
      const type = common ? '' : this.signature.parameters[name]!.type;
      return { name, common, isSwitch: common ? name === 'Verbose' || name === 'Debug' : type === 'SwitchParameter' };
    }
    if (distinct.length > 1) {
      return statementError(
        parameterError(
          `Parameter cannot be processed because the parameter name '${written}' is ambiguous. Possible matches include: ${distinct.map((name) => `-${name}`).join(' ')}.`,
          'AmbiguousParameter',
          this.cmdlet,
          position,
        ),
      );
    }
    const onPremises = this.signature.onPremisesOnly.filter((name) => name.toLowerCase() === key || name.toLowerCase().startsWith(key));
    if (onPremises.length > 0) {
      const name = onPremises.find((candidate) => candidate.toLowerCase() === key) ?? onPremises[0]!;
      return statementError(
        parameterError(
          `A parameter cannot be found that matches parameter name '${written}'. The parameter -${name} of ${this.cmdlet} is available only in on-premises Exchange, not in Exchange Online.`,
          'NamedParameterNotFound',
          this.cmdlet,
          position,
        ),
      );
    }
    return statementError(parameterError(`A parameter cannot be found that matches parameter name '${written}'.`, 'NamedParameterNotFound', this.cmdlet, position));
  }

  bind(args: EvaluatedArgument[], position: Position, pipelineItem: { present: boolean; value: unknown }): BoundCommand {
    const raw = new Map<string, unknown>();
    const order: string[] = [];
    const positional: unknown[] = [];
    let errorAction: string | null = null;
    const fail = (message: string, id: string, at: Position = position): never => {
      throw statementError(parameterError(message, id, this.cmdlet, at));
    };
    for (let index = 0; index < args.length; index++) {
      const argument = args[index]!;
      if (argument.kind === 'argument') {
        positional.push(argument.value);
        continue;
      }
      const resolved = this.resolveName(argument.name, argument.position);
      let value: unknown;
      if (resolved.isSwitch) value = argument.hasValue ? argument.value : true;
      else if (argument.hasValue) value = argument.value;
      else {
        const next = args[index + 1];
        if (!next || next.kind !== 'argument') {
          const type = resolved.common ? 'System.Object' : this.signature.parameters[resolved.name]!.type;
          fail(`Missing an argument for parameter '${resolved.name}'. Specify a parameter of type '${type}' and try again.`, 'MissingArgument', argument.position);
        }
        value = (next as { value: unknown }).value;
        index++;
      }
      if (resolved.common) {
        if (resolved.name === 'ErrorAction') errorAction = toStr(value);
        continue;
      }
      if (raw.has(resolved.name)) {
        fail(
          `Cannot bind parameter because parameter '${resolved.name}' is specified more than once. To provide multiple values to parameters that can accept multiple values, use the array syntax. For example, "-parameter value1,value2,value3".`,
          'ParameterAlreadyBound',
          argument.position,
        );
      }
      raw.set(resolved.name, value);
      order.push(resolved.name);
    }

    // Which set: the same for every call that names the same parameters and nothing else (a
    // generated script makes thousands of such calls), so that case is remembered per binder.
    const cacheKey = positional.length === 0 && !pipelineItem.present ? order.join('\n') : null;
    let parameterSet = cacheKey === null ? undefined : this.setByNamedParameters.get(cacheKey);
    if (parameterSet === undefined) {
      parameterSet = this.resolveSet(raw, order, positional, pipelineItem, position);
      if (cacheKey !== null) this.setByNamedParameters.set(cacheKey, parameterSet);
    }

    const values = new Map<string, unknown>();
    for (const name of order) values.set(name, coerce(this.cmdlet, name, this.signature.parameters[name]!, raw.get(name), position));
    return { cmdlet: this.cmdlet, parameterSet, values, order, errorAction };
  }

  /** The parameter set of a call (binding its positional arguments and pipeline input into raw and order); throws PowerShell's binding errors. */
  private resolveSet(raw: Map<string, unknown>, order: string[], positional: unknown[], pipelineItem: { present: boolean; value: unknown }, position: Position): string {
    const fail = (message: string, id: string, at: Position = position): never => {
      throw statementError(parameterError(message, id, this.cmdlet, at));
    };
    // Sets that hold every named parameter.
    const sets = this.signature.sets;
    let candidates = sets.filter((set) => order.every((name) => this.signature.parameters[name]!.sets[set] !== undefined));
    if (candidates.length === 0) this.unresolvedSet(position);

    // Positional arguments bind in the first candidate set that has a free positional slot
    // (the default set first, as PowerShell prefers it).
    if (positional.length > 0) {
      const ordered = this.signature.defaultSet && candidates.includes(this.signature.defaultSet) ? [this.signature.defaultSet, ...candidates.filter((set) => set !== this.signature.defaultSet)] : candidates;
      let boundInSet: string | null = null;
      for (const set of ordered) {
        const free = (this.positionalBySet.get(set) ?? []).filter((name) => !raw.has(name));
        if (free.length >= positional.length) {
          boundInSet = set;
          positional.forEach((value, index) => {
            raw.set(free[index]!, value);
            order.push(free[index]!);
          });
          break;
        }
      }
      if (!boundInSet) {
        const free = (this.positionalBySet.get(ordered[0]!) ?? []).filter((name) => !raw.has(name));
        fail(`A positional parameter cannot be found that accepts argument '${toStr(positional[free.length] ?? positional[0])}'.`, 'PositionalParameterNotFound');
      }
      candidates = candidates.filter((set) => order.every((name) => this.signature.parameters[name]!.sets[set] !== undefined));
    }

    // Pipeline input binds to a parameter that accepts it (Identity, by value or property name).
    if (pipelineItem.present) {
      const target = ['Identity', 'Member', 'Members'].find((name) => {
        const parameter = this.signature.parameters[name];
        return parameter?.pipelineInput && !raw.has(name) && candidates.some((set) => parameter.sets[set] !== undefined);
      });
      if (target) {
        raw.set(target, identityOf(pipelineItem.value));
        order.push(target);
      } else {
        fail('The input object cannot be bound to any parameters for the command either because the command does not take pipeline input or the input and its properties do not match any of the parameters that take pipeline input.', 'InputObjectNotBound');
      }
    }

    const missingIn = (set: string) => (this.requiredBySet.get(set) ?? []).filter((name) => !raw.has(name));
    const satisfied = candidates.filter((set) => missingIn(set).length === 0);
    let parameterSet: string;
    if (satisfied.length === 1) parameterSet = satisfied[0]!;
    else if (satisfied.length > 1) {
      if (this.signature.defaultSet && satisfied.includes(this.signature.defaultSet)) parameterSet = this.signature.defaultSet;
      // Mandatory parameters leave several sets and the default set is still possible: PowerShell takes
      // the default set and then misses its mandatory parameters (pwsh 7.6.9, Get-MailboxStatistics
      // without -Identity: "missing mandatory parameters: Identity", not "cannot be resolved").
      else if (this.signature.defaultSet && candidates.includes(this.signature.defaultSet)) {
        fail(`Cannot process command because of one or more missing mandatory parameters: ${missingIn(this.signature.defaultSet).join(' ')}.`, 'MissingMandatoryParameter');
        parameterSet = '';
      } else parameterSet = this.unresolvedSet(position);
    } else if (this.signature.defaultSet && candidates.includes(this.signature.defaultSet)) {
      fail(`Cannot process command because of one or more missing mandatory parameters: ${missingIn(this.signature.defaultSet).join(' ')}.`, 'MissingMandatoryParameter');
      parameterSet = '';
    } else if (candidates.length === 1) {
      fail(`Cannot process command because of one or more missing mandatory parameters: ${missingIn(candidates[0]!).join(' ')}.`, 'MissingMandatoryParameter');
      parameterSet = '';
    } else parameterSet = this.unresolvedSet(position);

    return parameterSet;
  }

  private unresolvedSet(position: Position): never {
    throw statementError(
      parameterError(
        'Parameter set cannot be resolved using the specified named parameters. One or more parameters issued cannot be used together or an insufficient number of parameters were provided.',
        'AmbiguousParameterSet',
        this.cmdlet,
        position,
      ),
    );
  }
}

const binders = new Map<string, CmdletBinder>();

/** The canonical cmdlet name for a name as written, if the simulator has a signature for it. */
const canonicalNames = new Map(Object.keys(signatures.cmdlets).map((name) => [name.toLowerCase(), name]));
export function canonicalCmdletName(nameLower: string): string | undefined {
  return canonicalNames.get(nameLower);
}

export function bindCmdlet(cmdlet: string, args: EvaluatedArgument[], position: Position, pipelineItem: { present: boolean; value: unknown } = { present: false, value: null }): BoundCommand {
  let binder = binders.get(cmdlet);
  if (!binder) {
    const signature = signatures.cmdlets[cmdlet];
    if (!signature) throw new Error(`no signature for ${cmdlet}`);
    binder = new CmdletBinder(cmdlet, signature);
    binders.set(cmdlet, binder);
  }
  return binder.bind(args, position, pipelineItem);
}

/** What an object passed as an identity stands for (a recipient, group, relationship...). */
export function identityOf(value: unknown): unknown {
  if (value instanceof PSObject) {
    for (const property of ['PrimarySmtpAddress', 'Identity', 'Name', 'DomainName']) {
      const candidate = value.get(property);
      if (!isNull(candidate) && toStr(candidate) !== '') return toStr(candidate);
    }
  }
  return value;
}

function transformationError(cmdlet: string, parameter: string, message: string, position: Position): TerminatingError {
  return statementError(
    new ErrorRecord(`Cannot process argument transformation on parameter '${parameter}'. ${message}`, {
      reason: 'ParameterBindingArgumentTransformationException',
      exceptionType: 'System.Management.Automation.ParameterBindingArgumentTransformationException',
      category: 'InvalidData',
      fullyQualifiedErrorId: `ParameterArgumentTransformationError,${cmdlet}`,
      commandName: cmdlet,
      position,
    }),
  );
}

function scalarOf(value: unknown): unknown {
  return Array.isArray(value) && value.length === 1 ? value[0] : value;
}

/** Argument transformation by the parameter's declared type. */
function coerce(cmdlet: string, name: string, parameter: ParameterSignature, value: unknown, position: Position): unknown {
  const type = parameter.type;
  const fail = (message: string): never => {
    throw transformationError(cmdlet, name, message, position);
  };
  const single = scalarOf(value);
  if (type === 'SwitchParameter') {
    if (single === true || single === false) return single;
    if (single instanceof SwitchValue) return single.isPresent;
    if (typeof single === 'number') return single !== 0;
    return fail(`Cannot convert value "${toStr(single)}" to type "System.Management.Automation.SwitchParameter". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
  }
  if (type === 'Boolean') {
    if (typeof single === 'boolean') return single;
    if (single instanceof SwitchValue) return single.isPresent;
    if (typeof single === 'number') return single !== 0;
    return fail(`Cannot convert value "${typeNameOf(single)}" to type "System.Boolean". Boolean parameters accept only Boolean values and numbers, such as $True, $False, 1 or 0.`);
  }
  if (type === 'Guid') {
    const guid = parseGuid(single);
    if (guid === null || Array.isArray(single)) return fail(`Cannot convert value "${toStr(single)}" to type "System.Guid". Error: "Unrecognized Guid format."`);
    return new PSGuid(guid);
  }
  if (type === 'Int32' || type === 'UInt32') {
    const number = toNumber(single);
    if (!Number.isFinite(number) || (type === 'UInt32' && number < 0)) return fail(`Cannot convert value "${toStr(single)}" to type "System.${type}". Error: "Input string was not in a correct format."`);
    return Math.trunc(number);
  }
  if (type === 'Unlimited') {
    if (toStr(single).toLowerCase() === 'unlimited') return 'Unlimited';
    const number = toNumber(single);
    if (!Number.isFinite(number) || number < 0) return fail(`Cannot convert value "${toStr(single)}" to type "Microsoft.Exchange.Data.Unlimited\`1[System.UInt32]". Error: "The value "${toStr(single)}" isn't valid. Valid values are Unlimited or a positive number."`);
    return Math.trunc(number);
  }
  if (type === 'PSCredential') {
    if (single instanceof PSCredential) return single;
    return fail(`Cannot convert the "${toStr(single)}" value of type "${typeNameOf(single)}" to type "System.Management.Automation.PSCredential".`);
  }
  if (type === 'SecureString') {
    if (single instanceof SecureString) return single;
    return fail(`Cannot convert the "${toStr(single)}" value of type "${typeNameOf(single)}" to type "System.Security.SecureString".`);
  }
  if (type === 'DateTime') {
    // As PowerShell converts to [datetime] (a zone gives the instant, as Local; none, the clock time, Unspecified).
    if (single instanceof DateTimeValue) return single;
    if (isNull(single)) return fail('Cannot convert null to type "System.DateTime".');
    if (Array.isArray(single)) return fail('Cannot convert the "System.Object[]" value of type "System.Object[]" to type "System.DateTime".');
    const parsed = parseDateTime(toStr(single));
    if (!parsed) {
      const text = toStr(single);
      const unknownWord = /^\s*[^\d\s]/.test(text) ? " There is an unknown word starting at index '0'." : '';
      return fail(`Cannot convert value "${text}" to type "System.DateTime". Error: "The string '${text}' was not recognized as a valid DateTime.${unknownWord}"`);
    }
    return parsed;
  }
  if (type === 'Byte[]') {
    // A byte array (-CSVData): each item a number 0-255, as PowerShell converts it.
    if (isNull(value)) return null;
    return (Array.isArray(value) ? value.flat(Infinity) : [value]).map((item) => {
      const text = toStr(item);
      const number = typeof item === 'number' ? item : /^\s*[+-]?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isNaN(number)) return fail(`Cannot convert value "${toStr(value)}" to type "System.Byte[]". Error: "Cannot convert value "${text}" to type "System.Byte". Error: "The input string '${text}' was not in a correct format.""`);
      if (!Number.isInteger(number) || number < 0 || number > 255) return fail(`Cannot convert value "${toStr(value)}" to type "System.Byte[]". Error: "Cannot convert value "${text}" to type "System.Byte". Error: "Value was either too large or too small for an unsigned byte.""`);
      return number;
    });
  }
  if (parameter.validValues && !MULTI_VALUED.test(type)) return coerceEnum(type, parameter.validValues, value, fail);
  if (MULTI_VALUED.test(type)) {
    if (single instanceof Hashtable) {
      const keys = single.entries().map(([key]) => toStr(key).toLowerCase());
      const unknown = keys.find((key) => key !== 'add' && key !== 'remove');
      if (unknown) return fail(`Cannot convert the "System.Collections.Hashtable" value of type "System.Collections.Hashtable" to type "${type}". Only the keys Add and Remove are valid; found '${unknown}'.`);
      const change: MultiValuedChange = {
        add: flattenItems(single.get('add')),
        remove: flattenItems(single.get('remove')),
      };
      return change;
    }
    const items = flattenItems(value);
    if (parameter.validValues) {
      return items.map((item) => coerceEnum(type.replace(/\[\]$/, ''), parameter.validValues!, item, fail));
    }
    return items;
  }
  // Scalar types: String, SmtpAddress, ProxyAddress, identity parameters, Fqdn, ...
  if (Array.isArray(value) && value.length > 1) {
    return fail(`Cannot convert 'System.Object[]' to the type '${type === 'String' ? 'System.String' : type}' required by parameter '${name}'. Specified method is not supported.`);
  }
  if (isNull(single)) return null;
  if (single instanceof Hashtable) return fail(`Cannot convert the "System.Collections.Hashtable" value of type "System.Collections.Hashtable" to type "${type}".`);
  return toStr(identityOf(single));
}

function flattenItems(value: unknown): unknown[] {
  if (isNull(value)) return [];
  const items = Array.isArray(value) ? value.flat(Infinity) : [value];
  return items.filter((item) => !isNull(item)).map((item) => (item instanceof PSObject ? identityOf(item) : item instanceof PSGuid ? item.value : typeof item === 'string' ? item : toStr(item)));
}

/** Enum (and flags enum) conversion, case-insensitive, canonical spelling and order. */
function coerceEnum(type: string, validValues: string[], value: unknown, fail: (message: string) => never): string {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((item) => toStr(item).split(',')).map((part) => part.trim()).filter((part) => part !== '');
  const flags = FLAGS_ENUMS.has(type);
  const fullName = ENUM_FULL_NAMES[type] ?? `Microsoft.Exchange.Data.${type}`;
  const given = Array.isArray(value) ? value.map(toStr).join(',') : toStr(value);
  if (!flags && parts.length > 1) {
    return fail(`Cannot convert value "${given}" to type "${fullName}". Error: "Unable to match the identifier name ${given} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${validValues.join(', ')}"`);
  }
  const matched = new Set<string>();
  for (const part of parts) {
    const canonical = validValues.find((candidate) => candidate.toLowerCase() === part.toLowerCase()) ?? (flags && part.toLowerCase() === 'none' ? 'None' : undefined);
    if (!canonical) {
      return fail(`Cannot convert value "${given}" to type "${fullName}". Error: "Unable to match the identifier name ${part} to a valid enumerator name. Specify one of the following enumerator names and try again:\n${validValues.join(', ')}"`);
    }
    if (canonical !== 'None') matched.add(canonical);
  }
  if (parts.length === 0) return fail(`Cannot convert null to type "${fullName}".`);
  if (!flags) return [...matched][0] ?? 'None';
  const ordered = validValues.filter((candidate) => matched.has(candidate));
  return ordered.length === 0 ? 'None' : ordered.join(', ');
}

/** The signatures of every cmdlet the simulator knows: one table for both hosts (binding here, declarations in the pwsh module). */
export function signatureTable(): SignatureFile {
  return signatures;
}

/**
 * A call another host has already bound (real pwsh, whose binder resolved names and the parameter
 * set): the same argument transformation as here, so the engine sees the same values either way.
 */
export function boundFromHost(cmdlet: string, parameterSet: string, parameters: Map<string, unknown>): BoundCommand {
  const signature = signatures.cmdlets[cmdlet];
  if (!signature) throw new Error(`no signature for ${cmdlet}`);
  const values = new Map<string, unknown>();
  const at: Position = { line: 0, column: 0, lineText: '', length: 0 };
  for (const [name, value] of parameters) {
    const parameter = signature.parameters[name];
    if (!parameter) throw statementError(parameterError(`A parameter cannot be found that matches parameter name '${name}'.`, 'NamedParameterNotFound', cmdlet, at));
    values.set(name, coerce(cmdlet, name, parameter, value, at));
  }
  return { cmdlet, parameterSet, values, order: [...parameters.keys()], errorAction: null };
}
