// A tree-walking interpreter for the subset of PowerShell that exo-gitops generates (see README.md).
// It is synchronous on purpose: a cmdlet call is a function call, sleeps block (Atomics.wait), and
// 50,000 calls cost no more than 50,000 function calls.
import type { CommandAst, Expr, Position, ScriptBlockAst, Statement } from './ast.js';
import {
  BreakSignal,
  CmdletError,
  ContinueSignal,
  ErrorRecord,
  ExitSignal,
  NotSupportedError,
  ReturnSignal,
  TerminatingError,
} from '../errors.js';
import {
  CharValue,
  collect,
  compareValues,
  DateTimeValue,
  enumerate,
  formatDateTime,
  Hashtable,
  isNull,
  likeMatch,
  looseEquals,
  parseDateTime,
  parseGuid,
  PSCredential,
  PSGuid,
  PSObject,
  ScriptBlock,
  SecureString,
  SwitchValue,
  toBool,
  toNumber,
  toStr,
  TypeRef,
  typeNameOf,
} from '../values.js';

export interface Host {
  /** One line of output (stdout). */
  writeOut(line: string): void;
  /** One line of error output (stderr). */
  writeErr(line: string): void;
  env: Record<string, string | undefined>;
  /** Blocks for the given (already scaled) number of milliseconds. */
  sleep(milliseconds: number): void;
  scriptFile: string;
}

/** Where a statement's output goes: the next pipeline stage, a variable, or the host. */
export interface Sink {
  push(value: unknown): void;
}

export class Collector implements Sink {
  readonly items: unknown[] = [];
  push(value: unknown): void {
    this.items.push(value);
  }
}

export type EvaluatedArgument =
  | { kind: 'parameter'; name: string; value: unknown; hasValue: boolean; position: Position }
  | { kind: 'argument'; value: unknown };

export interface CommandInvocation {
  interpreter: Interpreter;
  /** The command name as written. */
  name: string;
  args: EvaluatedArgument[];
  input: unknown[];
  /** True when the command is not the first element of its pipeline. */
  hasInput: boolean;
  out: Sink;
  position: Position;
}

export type CommandHandler = (invocation: CommandInvocation) => void;

export interface CommandResolver {
  resolve(nameLower: string): CommandHandler | undefined;
}

class Scope {
  readonly variables = new Map<string, unknown>();
  constructor(readonly parent: Scope | null) {}

  lookup(name: string): { found: boolean; value: unknown } {
    for (let scope: Scope | null = this; scope; scope = scope.parent) {
      if (scope.variables.has(name)) return { found: true, value: scope.variables.get(name) };
    }
    return { found: false, value: null };
  }
}

interface FunctionDefinition {
  name: string;
  block: ScriptBlockAst;
}

/** [System.Globalization.CultureInfo]::InvariantCulture: a format provider, nothing more here. */
const CULTURE_TYPE = 'System.Globalization.CultureInfo';
const INVARIANT_CULTURE = new PSObject([['Name', '']], CULTURE_TYPE);
/** [System.Text.Encoding]::UTF8: GetBytes (a byte[] is an array of numbers here) and GetString. */
const UTF8_ENCODING = new PSObject([['EncodingName', 'Unicode (UTF-8)'], ['WebName', 'utf-8'], ['CodePage', 65001]], 'System.Text.UTF8Encoding');

const ACTION_PREFERENCES = ['Stop', 'Continue', 'SilentlyContinue', 'Ignore', 'Inquire', 'Suspend', 'Break'];

export class Interpreter {
  readonly globalScope = new Scope(null);
  private scope: Scope = this.globalScope;
  private scriptScope: Scope = this.globalScope;
  private readonly functions = new Map<string, FunctionDefinition>();
  private readonly resolvers: CommandResolver[] = [];
  /** How many try blocks enclose the running code, dynamically (calls included). */
  private tryDepth = 0;
  readonly errors: ErrorRecord[] = [];

  constructor(readonly host: Host) {
    this.globalScope.variables.set('erroractionpreference', 'Continue');
    this.globalScope.variables.set('warningpreference', 'Continue');
    this.globalScope.variables.set('verbosepreference', 'SilentlyContinue');
    this.globalScope.variables.set('error', this.errors);
    this.globalScope.variables.set('home', host.env['HOME'] ?? '');
    this.globalScope.variables.set('pwd', process.cwd());
    this.globalScope.variables.set('lastexitcode', 0);
    this.globalScope.variables.set('pid', process.pid);
    this.globalScope.variables.set(
      'psversiontable',
      new Hashtable(false),
    );
    (this.globalScope.variables.get('psversiontable') as Hashtable).set('PSVersion', '7.4.0');
    // $PSStyle.OutputRendering = 'PlainText' keeps ANSI colours out of redirected output (PowerShell 7.2+).
    this.globalScope.variables.set('psstyle', new PSObject([['OutputRendering', 'Host']], 'System.Management.Automation.PSStyle'));
  }

  addResolver(resolver: CommandResolver): void {
    this.resolvers.push(resolver);
  }

  // ---- entry point ------------------------------------------------------------------------

  /** Runs a script; returns the process exit code. Output goes to the host as it is produced. */
  run(body: Statement[], options: { scriptScope?: boolean } = {}): number {
    const out: Sink = { push: (value) => this.writeToHost(value) };
    // pwsh -File runs the script in a script scope below the global one; -Command runs it in the global scope.
    if (options.scriptScope) this.scope = this.scriptScope = new Scope(this.globalScope);
    try {
      this.executeBlock(body, out);
      return 0;
    } catch (signal) {
      if (signal instanceof ExitSignal) return signal.code;
      if (signal instanceof TerminatingError) {
        this.reportError(signal.record);
        return 1;
      }
      if (signal instanceof BreakSignal || signal instanceof ContinueSignal || signal instanceof ReturnSignal) return 0;
      throw signal;
    }
  }

  // ---- output -----------------------------------------------------------------------------

  /** Out-Default: how a value the script did not capture is written to stdout. */
  writeToHost(value: unknown): void {
    if (value === undefined) return;
    if (value === null) return;
    if (value instanceof PSObject) {
      const entries = value.entries();
      if (entries.length === 0) return;
      const width = Math.max(...entries.map(([name]) => name.length));
      this.host.writeOut('');
      for (const [name, item] of entries) this.host.writeOut(`${name.padEnd(width)} : ${formatInline(item)}`);
      this.host.writeOut('');
      return;
    }
    if (value instanceof Hashtable) {
      const entries = value.entries();
      const width = Math.max(4, ...entries.map(([key]) => toStr(key).length));
      this.host.writeOut('');
      this.host.writeOut(`${'Name'.padEnd(width)} Value`);
      this.host.writeOut(`${'----'.padEnd(width)} -----`);
      for (const [key, item] of entries) this.host.writeOut(`${toStr(key).padEnd(width)} ${formatInline(item)}`);
      this.host.writeOut('');
      return;
    }
    if (value instanceof ErrorRecord) {
      this.reportError(value);
      return;
    }
    this.host.writeOut(toStr(value));
  }

  /** PowerShell 7's ConciseView of an error record, on stderr. */
  reportError(record: ErrorRecord): void {
    const label = record.commandName ?? (record.reason === 'RuntimeException' ? 'Exception' : record.reason);
    const position = record.position;
    if (position) {
      const gutter = String(position.line).padStart(4);
      this.host.writeErr(`${label}: ${this.host.scriptFile}:${position.line}`);
      this.host.writeErr('Line |');
      // ConciseView at pwsh's width for output that is not a console (80 columns, checked in 7.6.9):
      // a longer source line is cut with " …", and the message is word-wrapped under "     | ".
      const room = CONCISE_WIDTH - `${gutter} |  `.length;
      const cut = position.lineText.length > room;
      const lineText = cut ? `${position.lineText.slice(0, room - 3)} …` : position.lineText;
      const underline = cut ? Math.min(position.length, room - 3 - (position.column - 1)) : position.length;
      this.host.writeErr(`${gutter} |  ${lineText}`);
      this.host.writeErr(`     |  ${' '.repeat(Math.max(0, position.column - 1))}${'~'.repeat(Math.max(1, underline))}`);
      for (const line of conciseMessageLines(record.message)) this.host.writeErr(line === '' ? '     |' : `     | ${line}`);
    } else {
      this.host.writeErr(`${label}: ${record.message}`);
    }
  }

  // ---- variables --------------------------------------------------------------------------

  getVariable(name: string, scope: 'local' | 'env' | 'script' | 'global' = 'local'): unknown {
    if (scope === 'env') return this.host.env[name] ?? this.host.env[Object.keys(this.host.env).find((key) => key.toLowerCase() === name.toLowerCase()) ?? ''] ?? null;
    switch (name) {
      case 'true':
        return true;
      case 'false':
        return false;
      case 'null':
        return null;
    }
    const start = scope === 'local' ? this.scope : scope === 'script' ? this.scriptScope : this.globalScope;
    const found = start.lookup(name);
    // A variable assigned from a pipeline without output holds "nothing" (undefined), not $null.
    return found.found ? found.value : null;
  }

  setVariable(name: string, value: unknown, scope: 'local' | 'env' | 'script' | 'global' = 'local'): void {
    if (scope === 'env') {
      this.host.env[name] = isNull(value) ? undefined : toStr(value);
      return;
    }
    if (name === 'true' || name === 'false' || name === 'null') {
      if (name === 'null') return; // $null = ... discards the value
      throw this.runtimeError(`Cannot overwrite variable ${name} because it is read-only or constant.`, 'SessionStateUnauthorizedAccessException');
    }
    const target = scope === 'local' ? this.scope : scope === 'script' ? this.scriptScope : this.globalScope;
    target.variables.set(name, value);
  }

  /**
   * A warning, on standard output as pwsh writes it ("WARNING: …"); -WarningAction or
   * $WarningPreference may silence it.
   */
  warn(message: string, invocation: CommandInvocation): void {
    const given = commonParameterOf(invocation.args, 'warningaction', 'wa');
    const action = (given ?? toStr(this.getVariable('warningpreference'))).toLowerCase();
    if (action === 'silentlycontinue' || action === 'ignore') return;
    this.host.writeOut(`WARNING: ${message}`);
  }

  /** The effective $ErrorActionPreference. */
  errorActionPreference(): string {
    return toStr(this.getVariable('erroractionpreference')) || 'Continue';
  }

  // ---- statements -------------------------------------------------------------------------

  executeBlock(statements: Statement[], out: Sink): void {
    for (const statement of statements) {
      try {
        this.executeStatement(statement, out);
      } catch (error) {
        if (error instanceof TerminatingError && (error as StatementTerminatingError).statementOnly) {
          // A statement-terminating error ends only its statement, unless a try block or
          // $ErrorActionPreference = 'Stop' makes it end more.
          if (this.tryDepth > 0 || this.errorActionPreference().toLowerCase() === 'stop') throw error;
          this.errors.unshift(error.record);
          this.reportError(error.record);
          continue;
        }
        throw error;
      }
    }
  }

  /** One pass of a loop's body: `break` ends the loop, `continue` only this pass. */
  private loopBody(body: Statement[], out: Sink): 'break' | 'next' {
    try {
      this.executeBlock(body, out);
    } catch (signal) {
      if (signal instanceof BreakSignal) return 'break';
      if (signal instanceof ContinueSignal) return 'next';
      throw signal;
    }
    return 'next';
  }

  executeStatement(statement: Statement, out: Sink): void {
    switch (statement.kind) {
      case 'pipeline':
        this.runPipeline(statement, out);
        return;
      case 'assignment':
        this.assign(statement.target, statement.operator, () => this.statementValue(statement.value), statement.position);
        return;
      case 'if':
        for (const clause of statement.clauses) {
          if (toBool(this.statementValue(clause.condition))) {
            this.executeBlock(clause.body, out);
            return;
          }
        }
        if (statement.elseBody) this.executeBlock(statement.elseBody, out);
        return;
      case 'foreach': {
        const items = enumerate(this.statementValue(statement.collection));
        for (const item of items) {
          this.setVariable(statement.variable, item);
          if (this.loopBody(statement.body, out) === 'break') break;
        }
        return;
      }
      case 'while':
        while (toBool(this.statementValue(statement.condition))) {
          if (this.loopBody(statement.body, out) === 'break') break;
        }
        return;
      case 'doWhile':
        do {
          if (this.loopBody(statement.body, out) === 'break') break;
        } while (toBool(this.statementValue(statement.condition)) !== statement.until);
        return;
      case 'for':
        if (statement.init) this.executeStatement(statement.init, new Collector());
        while (!statement.condition || toBool(this.statementValue(statement.condition))) {
          if (this.loopBody(statement.body, out) === 'break') break;
          if (statement.iterator) this.executeStatement(statement.iterator, new Collector());
        }
        return;
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
      case 'return': {
        if (statement.value) this.executeStatement(statement.value, out);
        throw new ReturnSignal([]);
      }
      case 'exit': {
        const code = statement.value ? toNumber(this.statementValue(statement.value)) : 0;
        throw new ExitSignal(Number.isFinite(code) ? Math.trunc(code) : 0);
      }
      case 'throw': {
        // A bare `throw` in a catch block rethrows the error being handled.
        const current = this.scope.lookup('_').value;
        if (!statement.value && current instanceof ErrorRecord) throw new TerminatingError(current);
        const value = statement.value ? this.statementValue(statement.value) : null;
        if (value instanceof ErrorRecord) throw new TerminatingError(value);
        const message = isNull(value) ? 'ScriptHalted' : toStr(value);
        throw new TerminatingError(
          new ErrorRecord(message, { reason: 'RuntimeException', exceptionType: 'System.Management.Automation.RuntimeException', category: 'OperationStopped', fullyQualifiedErrorId: message, targetObject: value, position: statement.position }),
        );
      }
      case 'try':
        this.executeTry(statement, out);
        return;
      case 'function':
        this.functions.set(statement.name.toLowerCase(), { name: statement.name, block: statement.block });
        return;
    }
  }

  private executeTry(statement: Extract<Statement, { kind: 'try' }>, out: Sink): void {
    try {
      this.tryDepth++;
      try {
        this.executeBlock(statement.body, out);
      } finally {
        this.tryDepth--;
      }
    } catch (error) {
      if (!(error instanceof TerminatingError)) {
        if (statement.finallyBody) this.executeBlock(statement.finallyBody, out);
        throw error;
      }
      const clause = statement.catches.find((candidate) => catchMatches(candidate.typeNames, error.record));
      if (!clause) {
        if (statement.finallyBody) this.executeBlock(statement.finallyBody, out);
        throw error;
      }
      this.errors.unshift(error.record);
      const scope = this.scope;
      const hadUnderscore = scope.variables.has('_');
      const previousUnderscore = scope.variables.get('_');
      const previousItem = scope.variables.get('psitem');
      scope.variables.set('_', error.record);
      scope.variables.set('psitem', error.record);
      try {
        this.executeBlock(clause.body, out);
      } finally {
        if (hadUnderscore) {
          scope.variables.set('_', previousUnderscore);
          scope.variables.set('psitem', previousItem);
        } else {
          scope.variables.delete('_');
          scope.variables.delete('psitem');
        }
        if (statement.finallyBody) this.executeBlock(statement.finallyBody, out);
      }
      return;
    }
    if (statement.finallyBody) this.executeBlock(statement.finallyBody, out);
  }

  /**
   * The value of a statement used as an expression: an expression keeps its value, a pipeline
   * collects. A pipeline that outputs nothing has no value: `undefined`, PowerShell's
   * AutomationNull, which is $null to every operator but enumerates as nothing, so `return (& {})`
   * outputs nothing and `@($x)` of `$x = & {}` is empty (PowerShell #9997). A variable keeps it.
   */
  statementValue(statement: Statement): unknown {
    if (statement.kind === 'pipeline' && statement.elements.length === 1 && statement.elements[0]!.kind === 'expression') {
      const expr = statement.elements[0]!.expr;
      const value = this.evaluate(expr);
      // `$x = [void]…` is $null in PowerShell (and `$x = $i++` is the value, not nothing).
      if (value === undefined && (expr.kind === 'cast' || expr.kind === 'increment')) return null;
      return value;
    }
    if (statement.kind === 'assignment') {
      this.executeStatement(statement, new Collector());
      return undefined;
    }
    const collector = new Collector();
    this.executeStatement(statement, collector);
    return outputValue(collector.items);
  }

  runPipeline(statement: Extract<Statement, { kind: 'pipeline' }>, out: Sink): void {
    const elements = statement.elements;
    let input: unknown[] = [];
    for (let index = 0; index < elements.length; index++) {
      const element = elements[index]!;
      const sink = index === elements.length - 1 ? out : new Collector();
      if (element.kind === 'expression') {
        if (index > 0) throw this.runtimeError('Expressions are only allowed as the first element of a pipeline.', 'ParseException');
        const value = this.evaluate(element.expr);
        // $null is one item (`$null | ForEach-Object {…}` runs once); nothing (undefined) is none.
        if (value === null) sink.push(null);
        else if (value !== undefined) for (const item of enumerate(value)) sink.push(item);
      } else {
        this.invokeCommand(element, input, index > 0, sink);
      }
      if (sink instanceof Collector) input = sink.items;
    }
  }

  // ---- commands ---------------------------------------------------------------------------

  private evaluateArguments(command: CommandAst): EvaluatedArgument[] {
    const args: EvaluatedArgument[] = [];
    for (const argument of command.args) {
      if (argument.kind === 'parameter') {
        args.push({ kind: 'parameter', name: argument.name, value: argument.value ? this.evaluateArgument(argument.value) : undefined, hasValue: argument.value !== undefined, position: argument.position });
      } else if (argument.splat) {
        const splatted = this.evaluate(argument.value);
        if (splatted instanceof Hashtable) {
          for (const [key, value] of splatted.entries()) {
            const isSwitchOn = value === true;
            args.push({ kind: 'parameter', name: toStr(key), value: isSwitchOn ? true : value, hasValue: true, position: command.position });
          }
        } else {
          for (const item of enumerate(splatted)) args.push({ kind: 'argument', value: item });
        }
      } else {
        args.push({ kind: 'argument', value: this.evaluateArgument(argument.value) });
      }
    }
    return args;
  }

  private evaluateArgument(expr: Expr): unknown {
    if (expr.kind === 'bareword') return expr.value;
    const value = this.evaluate(expr);
    return value === undefined ? null : value;
  }

  invokeCommand(command: CommandAst, input: unknown[], hasInput: boolean, out: Sink): void {
    if (typeof command.name !== 'string') {
      const target = this.evaluate(command.name);
      if (target instanceof ScriptBlock) {
        this.invokeScriptBlock(target, this.evaluateArguments(command), input, out, command.invocationOperator === '.');
        return;
      }
      if (typeof target === 'string') return this.invokeCommand({ ...command, name: target }, input, hasInput, out);
      throw this.runtimeError(`The expression after '&' in a pipeline element produced an object that was not valid. It must result in a command name, a script block, or a CommandInfo object.`, 'RuntimeException', command.position);
    }
    const name = command.name;
    const lower = name.toLowerCase();
    const fn = this.functions.get(lower);
    if (fn) {
      this.invokeScriptBlock(new ScriptBlock(fn.block), this.evaluateArguments(command), input, out, false, fn.name);
      return;
    }
    for (const resolver of this.resolvers) {
      const handler = resolver.resolve(lower);
      if (handler) {
        const invocation: CommandInvocation = { interpreter: this, name, args: this.evaluateArguments(command), input, hasInput, out, position: command.position };
        try {
          handler(invocation);
        } catch (error) {
          if (error instanceof CmdletError) {
            this.handleCmdletError(error.record, invocation);
            return;
          }
          if (error instanceof TerminatingError) {
            error.record.position ??= command.position;
            error.record.commandName ??= name;
          }
          throw error;
        }
        return;
      }
    }
    throw this.commandNotFound(name, command.position);
  }

  commandNotFound(name: string, position: Position): TerminatingError {
    if (NOT_SUPPORTED_COMMANDS.has(name.toLowerCase())) {
      throw new NotSupportedError(`The command '${name}' (${this.host.scriptFile}:${position.line}:${position.column}) is not supported by the simulator.`);
    }
    return statementError(
      new ErrorRecord(
        `The term '${name}' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
        { reason: 'CommandNotFoundException', exceptionType: 'System.Management.Automation.CommandNotFoundException', category: 'ObjectNotFound', fullyQualifiedErrorId: 'CommandNotFoundException', targetObject: name, position, commandName: name },
      ),
    );
  }

  /**
   * A non-terminating error: -ErrorAction (or the caller's $ErrorActionPreference) decides what
   * happens. So it is in real pwsh for an advanced function's $PSCmdlet.WriteError too (checked with
   * the stand-in module in PowerShell 7.6.9).
   */
  handleCmdletError(record: ErrorRecord, invocation: CommandInvocation): void {
    record.position ??= invocation.position;
    record.commandName ??= invocation.name;
    const action = errorActionOf(invocation.args) ?? this.errorActionPreference();
    switch (action.toLowerCase()) {
      case 'stop':
        throw new TerminatingError(record);
      case 'ignore':
        return;
      case 'silentlycontinue':
        this.errors.unshift(record);
        return;
      default:
        this.errors.unshift(record);
        this.reportError(record);
    }
  }

  /** Runs a script block or function with PowerShell's parameter binding for script parameters. */
  invokeScriptBlock(block: ScriptBlock, args: EvaluatedArgument[], input: unknown[], out: Sink, dotSource = false, functionName?: string): void {
    const previous = this.scope;
    const scope = dotSource ? this.scope : new Scope(this.scope);
    this.scope = scope;
    try {
      const params = block.ast.params;
      const bound = new Map<string, unknown>();
      const positional: unknown[] = [];
      for (let index = 0; index < args.length; index++) {
        const argument = args[index]!;
        if (argument.kind === 'argument') {
          positional.push(argument.value);
          continue;
        }
        const lower = argument.name.toLowerCase();
        const matches = params.filter((param) => param.name === lower || param.name.startsWith(lower));
        const exact = params.find((param) => param.name === lower);
        const param = exact ?? (matches.length === 1 ? matches[0] : undefined);
        if (!param) {
          if (COMMON_PARAMETER_NAMES.some((common) => common.toLowerCase().startsWith(lower))) {
            if (!argument.hasValue && !isSwitchName(lower)) index++;
            continue;
          }
          if (matches.length > 1) {
            throw statementError(parameterError(`Parameter cannot be processed because the parameter name '${argument.name}' is ambiguous. Possible matches include: ${matches.map((match) => `-${match.name}`).join(' ')}.`, 'AmbiguousParameter', functionName ?? 'ScriptBlock', argument.position));
          }
          throw statementError(parameterError(`A parameter cannot be found that matches parameter name '${argument.name}'.`, 'NamedParameterNotFound', functionName ?? 'ScriptBlock', argument.position));
        }
        const isSwitch = param.typeName?.toLowerCase() === 'switch';
        let value: unknown;
        if (isSwitch) value = argument.hasValue ? new SwitchValue(toBool(argument.value)) : new SwitchValue(true);
        else if (argument.hasValue) value = argument.value;
        else {
          const next = args[index + 1];
          if (!next || next.kind !== 'argument') {
            throw statementError(parameterError(`Missing an argument for parameter '${param.name}'. Specify a parameter of type '${param.typeName ?? 'System.Object'}' and try again.`, 'MissingArgument', functionName ?? 'ScriptBlock', argument.position));
          }
          value = next.value;
          index++;
        }
        bound.set(param.name, value);
      }
      const remaining: unknown[] = [];
      for (const param of params) {
        if (bound.has(param.name)) continue;
        if (param.typeName?.toLowerCase() === 'switch') continue;
        if (positional.length > 0) bound.set(param.name, positional.shift());
      }
      remaining.push(...positional);
      for (const param of params) {
        let value: unknown;
        if (bound.has(param.name)) value = bound.get(param.name);
        else if (param.typeName?.toLowerCase() === 'switch') value = new SwitchValue(false);
        else value = param.defaultValue ? this.evaluate(param.defaultValue) : null;
        if (param.typeName && !isNull(value) && param.typeName.toLowerCase() !== 'switch') value = this.cast(param.typeName, value);
        scope.variables.set(param.name, value ?? null);
      }
      scope.variables.set('args', remaining);
      scope.variables.set('input', input);
      try {
        this.executeBlock(block.ast.body, out);
      } catch (signal) {
        if (!(signal instanceof ReturnSignal)) throw signal;
      }
    } finally {
      this.scope = previous;
    }
  }

  /** Runs a script block once per pipeline item with $_ set (ForEach-Object, Where-Object, calculated properties). */
  invokeWithItem(block: ScriptBlock, item: unknown, out: Sink, newScope = false): void {
    const previous = this.scope;
    const scope = newScope ? new Scope(this.scope) : this.scope;
    this.scope = scope;
    const savedUnderscore = scope.variables.get('_');
    const savedItem = scope.variables.get('psitem');
    const hadUnderscore = scope.variables.has('_');
    scope.variables.set('_', item);
    scope.variables.set('psitem', item);
    try {
      this.executeBlock(block.ast.body, out);
    } catch (signal) {
      if (!(signal instanceof ReturnSignal)) throw signal;
    } finally {
      if (hadUnderscore) {
        scope.variables.set('_', savedUnderscore);
        scope.variables.set('psitem', savedItem);
      } else {
        scope.variables.delete('_');
        scope.variables.delete('psitem');
      }
      this.scope = previous;
    }
  }

  evaluateWithItem(block: ScriptBlock, item: unknown): unknown {
    const collector = new Collector();
    this.invokeWithItem(block, item, collector, true);
    return collect(collector.items);
  }

  // ---- assignment -------------------------------------------------------------------------

  private assign(target: Expr, operator: string, valueOf: () => unknown, position: Position): void {
    let castType: string | null = null;
    let actualTarget = target;
    if (target.kind === 'cast') {
      castType = target.typeName;
      actualTarget = target.operand;
    }
    const combine = (current: unknown, value: unknown): unknown => {
      switch (operator) {
        case '=':
          return value;
        case '+=':
          return this.binary('+', current, value, position);
        case '-=':
          return this.binary('-', current, value, position);
        case '*=':
          return this.binary('*', current, value, position);
        case '/=':
          return this.binary('/', current, value, position);
        case '%=':
          return this.binary('%', current, value, position);
        default:
          throw new NotSupportedError(`The assignment operator '${operator}' is not supported by the simulator.`);
      }
    };
    if (actualTarget.kind === 'variable') {
      const current = operator === '=' ? null : this.getVariable(actualTarget.name, actualTarget.scope);
      let value = combine(current, valueOf());
      // `$x = <no output>` keeps "nothing" (AutomationNull); an operator's result is never nothing.
      if (value === undefined && operator !== '=') value = null;
      if (castType) value = this.cast(castType, value);
      this.setVariable(actualTarget.name, value, actualTarget.scope);
      return;
    }
    if (actualTarget.kind === 'member') {
      const object = this.evaluate(actualTarget.target);
      const name = toStr(this.evaluate(actualTarget.name));
      const value = combine(operator === '=' ? null : this.getMember(object, name), valueOf()) ?? null;
      if (object instanceof PSObject) object.set(name, value);
      else if (object instanceof Hashtable) object.set(name, value);
      else throw this.runtimeError(`The property '${name}' cannot be found on this object. Verify that the property exists and can be set.`, 'PropertyAssignmentException', position);
      return;
    }
    if (actualTarget.kind === 'index') {
      const object = this.evaluate(actualTarget.target);
      const index = this.evaluate(actualTarget.index);
      const value = combine(operator === '=' ? null : this.indexInto(object, index), valueOf()) ?? null;
      if (object instanceof Hashtable) object.set(index, value);
      else if (object instanceof PSObject) object.set(toStr(index), value);
      else if (Array.isArray(object)) {
        let position = toNumber(index);
        if (position < 0) position += object.length;
        if (position < 0 || position >= object.length) throw this.runtimeError('Index was outside the bounds of the array.', 'IndexOutOfRangeException');
        object[position] = value;
      } else throw this.runtimeError('Cannot index into a null array.', 'NullArray');
      return;
    }
    throw new NotSupportedError(`Assigning to this kind of expression is not supported by the simulator.`);
  }

  // ---- expressions ------------------------------------------------------------------------

  evaluate(expr: Expr): unknown {
    switch (expr.kind) {
      case 'string':
        return expr.value;
      case 'bareword':
        return expr.value;
      case 'number':
        return expr.value;
      case 'expandable': {
        let text = '';
        for (const part of expr.parts) text += typeof part === 'string' ? part : toStr(this.evaluate(part));
        return text;
      }
      case 'variable':
        return this.getVariable(expr.name, expr.scope);
      case 'array':
        return expr.items.map((item) => {
          const value = this.evaluate(item);
          return value === undefined ? null : value;
        });
      case 'arrayExpression': {
        const collector = new Collector();
        this.executeBlock(expr.body, collector);
        return collector.items;
      }
      case 'subExpression': {
        const collector = new Collector();
        this.executeBlock(expr.body, collector);
        return outputValue(collector.items);
      }
      case 'paren':
        return this.statementValue(expr.pipeline);
      case 'hashtable': {
        const table = new Hashtable(expr.ordered);
        for (const entry of expr.entries) {
          const key = this.evaluate(entry.key);
          if (table.has(key)) throw this.runtimeError(`Duplicate keys '${toStr(key)}' are not allowed in hash literals.`, 'DuplicateKeyInHashLiteral');
          const value = this.statementValue(entry.value);
          table.set(key, value === undefined ? null : value);
        }
        return table;
      }
      case 'scriptBlock':
        return new ScriptBlock(expr.block);
      case 'member': {
        if (expr.isStatic) return this.staticMember(staticTypeName(expr.target), toStr(this.evaluate(expr.name)));
        return this.getMember(this.evaluate(expr.target), toStr(this.evaluate(expr.name)));
      }
      case 'invoke': {
        const name = toStr(this.evaluate(expr.name));
        const args = expr.args.map((arg) => {
          const value = this.evaluate(arg);
          return value === undefined ? null : value;
        });
        if (expr.isStatic) return this.callStatic(staticTypeName(expr.target), name, args, expr.position);
        return this.callMethod(this.evaluate(expr.target), name, args, expr.position);
      }
      case 'index':
        return this.indexInto(this.evaluate(expr.target), this.evaluate(expr.index));
      case 'cast':
        return this.cast(expr.typeName, this.evaluate(expr.operand), expr.position);
      case 'type':
        return new TypeRef(expr.typeName);
      case 'unary':
        return this.unary(expr.operator, expr.operand);
      case 'binary':
        if (expr.operator === '-and') return toBool(this.evaluate(expr.left)) && toBool(this.evaluate(expr.right));
        if (expr.operator === '-or') return toBool(this.evaluate(expr.left)) || toBool(this.evaluate(expr.right));
        return this.binary(expr.operator, this.evaluate(expr.left), this.evaluate(expr.right), expr.position);
      case 'increment': {
        const current = this.evaluate(expr.target);
        const next = toNumber(current) + expr.delta;
        this.assign(expr.target, '=', () => next, { line: 0, column: 0, lineText: '', length: 0 });
        return expr.prefix ? next : undefined;
      }
      case 'range': {
        const from = Math.trunc(toNumber(this.evaluate(expr.from)));
        const to = Math.trunc(toNumber(this.evaluate(expr.to)));
        const items: number[] = [];
        if (from <= to) for (let value = from; value <= to; value++) items.push(value);
        else for (let value = from; value >= to; value--) items.push(value);
        return items;
      }
    }
  }

  private unary(operator: string, operandExpr: Expr): unknown {
    const operand = this.evaluate(operandExpr);
    switch (operator) {
      case '-not':
      case '!':
        return !toBool(operand);
      case '-':
        return -toNumber(operand);
      case '+':
        return toNumber(operand);
      case '-join':
        return enumerate(operand).map(toStr).join('');
      case '-split':
        return toStr(operand).trim().split(/\s+/);
      default:
        throw new NotSupportedError(`The unary operator '${operator}' is not supported by the simulator.`);
    }
  }

  binary(operatorText: string, left: unknown, right: unknown, position?: Position): unknown {
    let operator = operatorText;
    let caseSensitive = false;
    if (/^-c[a-z]/.test(operator) && !['-contains', '-ceq'].includes(operator) || operator === '-ceq') {
      caseSensitive = true;
      operator = `-${operator.slice(2)}`;
    } else if (/^-i[a-z]/.test(operator) && !['-in', '-is', '-isnot'].includes(operator)) {
      operator = `-${operator.slice(2)}`;
    }
    if (operator === '-ccontains') operator = '-contains';
    if (caseSensitive && ['-eq', '-ne', '-like', '-notlike', '-match', '-notmatch', '-contains', '-notcontains', '-in', '-notin', '-replace', '-lt', '-gt', '-le', '-ge'].includes(operator)) {
      throw new NotSupportedError(`The case-sensitive operator '${operatorText}' is not supported by the simulator.`);
    }
    // Comparison operators with a collection on the left filter it.
    const filterable = ['-eq', '-ne', '-lt', '-gt', '-le', '-ge', '-like', '-notlike', '-match', '-notmatch'];
    if (Array.isArray(left) && filterable.includes(operator)) {
      return left.filter((item) => toBool(this.binary(operator, item, right, position)));
    }
    switch (operator) {
      case '+':
        if (Array.isArray(left)) return [...left, ...enumerate(right)];
        if (left instanceof Hashtable && right instanceof Hashtable) {
          const merged = new Hashtable(left.ordered);
          for (const [key, value] of left.entries()) merged.set(key, value);
          for (const [key, value] of right.entries()) {
            if (merged.has(key)) throw this.runtimeError(`Item has already been added. Key in dictionary: '${toStr(key)}'  Key being added: '${toStr(key)}'`, 'ArgumentException', position);
            merged.set(key, value);
          }
          return merged;
        }
        if (typeof left === 'string') return left + toStr(right);
        if (left instanceof CharValue && typeof right === 'string') return left.char + right;
        if (isNull(left)) return Array.isArray(right) ? [...right] : right;
        return this.arithmetic(left, right, (a, b) => a + b, operator, position);
      case '-':
        return this.arithmetic(left, right, (a, b) => a - b, operator, position);
      case '*':
        if (typeof left === 'string') return left.repeat(Math.max(0, toNumber(right)));
        if (Array.isArray(left)) return Array.from({ length: Math.max(0, toNumber(right)) }, () => left).flat();
        return this.arithmetic(left, right, (a, b) => a * b, operator, position);
      case '/': {
        if (toNumber(right) === 0) throw this.runtimeError('Attempted to divide by zero.', 'RuntimeException', position);
        return this.arithmetic(left, right, (a, b) => a / b, operator, position);
      }
      case '%':
        return this.arithmetic(left, right, (a, b) => a % b, operator, position);
      case '-eq':
        return looseEquals(left, right);
      case '-ne':
        return !looseEquals(left, right);
      case '-lt':
        return compareValues(left, right) < 0;
      case '-gt':
        return compareValues(left, right) > 0;
      case '-le':
        return compareValues(left, right) <= 0;
      case '-ge':
        return compareValues(left, right) >= 0;
      case '-like':
        return likeMatch(left, right);
      case '-notlike':
        return !likeMatch(left, right);
      case '-match':
      case '-notmatch': {
        const match = new RegExp(toStr(right), 'i').exec(toStr(left));
        // Both operators fill $Matches when the pattern matches (-notmatch is then False), as in PowerShell.
        if (match) {
          const matches = new Hashtable();
          match.forEach((group, index) => {
            if (group !== undefined) matches.set(index, group);
          });
          this.setVariable('matches', matches);
        }
        return operator === '-match' ? match !== null : match === null;
      }
      case '-contains':
        return enumerate(left).some((item) => looseEquals(item, right));
      case '-notcontains':
        return !enumerate(left).some((item) => looseEquals(item, right));
      case '-in':
        return enumerate(right).some((item) => looseEquals(item, left));
      case '-notin':
        return !enumerate(right).some((item) => looseEquals(item, left));
      case '-xor':
        return toBool(left) !== toBool(right);
      case '-replace': {
        const [pattern, replacement] = Array.isArray(right) ? right : [right, ''];
        const regExp = new RegExp(toStr(pattern), 'gi');
        const apply = (text: unknown) => toStr(text).replace(regExp, toStr(replacement).replace(/\$(\d)/g, '$$$1'));
        return Array.isArray(left) ? left.map(apply) : apply(left);
      }
      case '-split':
        return toStr(left).split(new RegExp(toStr(right), 'i'));
      case '-join':
        return enumerate(left).map(toStr).join(toStr(right));
      case '-f':
        return formatString(toStr(left), enumerate(right));
      case '-is':
        return isOfType(left, right instanceof TypeRef ? right.name : toStr(right));
      case '-isnot':
        return !isOfType(left, right instanceof TypeRef ? right.name : toStr(right));
      case '-as':
        try {
          return this.cast(right instanceof TypeRef ? right.name : toStr(right), left);
        } catch (error) {
          if (error instanceof TerminatingError) return null;
          throw error;
        }
      case '-band':
        return toNumber(left) & toNumber(right);
      case '-bor':
        return toNumber(left) | toNumber(right);
      default:
        throw new NotSupportedError(`The operator '${operatorText}' is not supported by the simulator.`);
    }
  }

  private arithmetic(left: unknown, right: unknown, operation: (a: number, b: number) => number, operator: string, position?: Position): number {
    const a = toNumber(left);
    const b = toNumber(right);
    if (Number.isNaN(a) || Number.isNaN(b)) {
      const bad = Number.isNaN(a) ? left : right;
      throw this.runtimeError(`Cannot convert value "${toStr(bad)}" to type "System.Int32". Error: "Input string was not in a correct format."`, 'RuntimeException', position);
    }
    void operator;
    return operation(a, b);
  }

  indexInto(object: unknown, index: unknown): unknown {
    if (isNull(object)) throw this.runtimeError('Cannot index into a null array.', 'NullArray');
    if (object instanceof Hashtable) return object.get(index) ?? null;
    if (object instanceof PSObject) return object.get(toStr(index)) ?? null;
    if (Array.isArray(index)) return index.map((item) => this.indexInto(object, item));
    if (Array.isArray(object) || typeof object === 'string') {
      let position = Math.trunc(toNumber(index));
      if (position < 0) position += object.length;
      const value = object[position];
      return value === undefined ? null : value;
    }
    const position = toNumber(index);
    return position === 0 || position === -1 ? object : null;
  }

  // ---- members ----------------------------------------------------------------------------

  getMember(object: unknown, name: string): unknown {
    const lower = name.toLowerCase();
    if (isNull(object)) return null;
    if (object instanceof PSObject) {
      if (object.has(name)) return object.get(name) ?? null;
      if (lower === 'count' || lower === 'length') return 1;
      if (lower === 'psobject') return object;
      if (lower === 'properties') return object.entries().map(([propertyName, value]) => new PSObject([['Name', propertyName], ['Value', value]]));
      return null;
    }
    if (object instanceof Hashtable) {
      if (object.has(name)) return object.get(name) ?? null;
      if (lower === 'count') return object.map.size;
      if (lower === 'keys') return object.entries().map(([key]) => key);
      if (lower === 'values') return object.entries().map(([, value]) => value);
      return null;
    }
    if (Array.isArray(object)) {
      if (lower === 'count' || lower === 'length') return object.length;
      // Member enumeration: the property of every item.
      const values: unknown[] = [];
      for (const item of object) {
        const value = this.getMember(item, name);
        if (Array.isArray(value)) values.push(...value);
        else if (!isNull(value)) values.push(value);
      }
      return values.length === 1 ? values[0] : values;
    }
    if (typeof object === 'string') {
      if (lower === 'length') return object.length;
      if (lower === 'count') return 1;
      return null;
    }
    if (object instanceof ErrorRecord) return errorRecordMember(object, lower);
    if (object instanceof PSGuid) return lower === 'guid' ? object.value : null;
    if (object instanceof PSCredential) return lower === 'username' ? object.userName : lower === 'password' ? object.password : null;
    if (object instanceof SwitchValue) return lower === 'ispresent' ? object.isPresent : null;
    if (object instanceof SecureString) return lower === 'length' ? object.reveal().length : null;
    if (object instanceof TypeRef) {
      if (lower === 'name') return object.name.split('.').pop() ?? object.name;
      if (lower === 'fullname') return object.name;
      return null;
    }
    if (object instanceof DateTimeValue) {
      if (lower === 'kind') return object.kind;
      if (lower === 'date') return new DateTimeValue(new Date(Date.UTC(object.clock.getUTCFullYear(), object.clock.getUTCMonth(), object.clock.getUTCDate())), object.kind === 'Local' ? 'Unspecified' : object.kind);
      const date = object.clock;
      const parts: Record<string, number | string> = { year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds(), millisecond: date.getUTCMilliseconds(), ticks: date.getTime() * 10000 + 621355968000000000, dayofweek: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'][date.getUTCDay()]! };
      return parts[lower] ?? null;
    }
    if (lower === 'count' || lower === 'length') return 1;
    return null;
  }

  private staticMember(typeName: string, name: string): unknown {
    const type = normalizeTypeName(typeName);
    const lower = name.toLowerCase();
    if (type === 'guid' && lower === 'empty') return new PSGuid('00000000-0000-0000-0000-000000000000');
    if (type === 'datetime' && lower === 'utcnow') return new DateTimeValue(new Date(), 'Utc');
    if (type === 'datetime' && lower === 'now') return new DateTimeValue(new Date(), 'Local');
    // The invariant culture, for ToString(format, provider); the text encodings, for -CSVData bytes.
    if ((type === 'globalization.cultureinfo' || type === 'cultureinfo') && lower === 'invariantculture') return INVARIANT_CULTURE;
    if (type === 'text.encoding' && lower === 'utf8') return UTF8_ENCODING;
    if (type === 'string' && lower === 'empty') return '';
    if (type === 'environment' && lower === 'newline') return '\n';
    if (type === 'int' || type === 'int32') {
      if (lower === 'maxvalue') return 2147483647;
      if (lower === 'minvalue') return -2147483648;
    }
    if (type === 'math' && lower === 'pi') return Math.PI;
    throw new NotSupportedError(`The static member [${typeName}]::${name} is not supported by the simulator.`);
  }

  private callStatic(typeName: string, name: string, args: unknown[], position: Position): unknown {
    const type = normalizeTypeName(typeName);
    const lower = name.toLowerCase();
    const numbers = () => args.map(toNumber);
    switch (`${type}::${lower}`) {
      case 'guid::newguid':
        return new PSGuid(crypto.randomUUID());
      case 'guid::parse': {
        const guid = parseGuid(args[0]);
        if (!guid) throw this.runtimeError(`Exception calling "Parse" with "1" argument(s): "Unrecognized Guid format."`, 'MethodInvocationException', position);
        return new PSGuid(guid);
      }
      case 'math::min':
        return Math.min(...numbers());
      case 'math::max':
        return Math.max(...numbers());
      case 'math::pow':
        return Math.pow(numbers()[0] ?? 0, numbers()[1] ?? 0);
      case 'math::floor':
        return Math.floor(numbers()[0] ?? 0);
      case 'math::ceiling':
        return Math.ceil(numbers()[0] ?? 0);
      case 'math::abs':
        return Math.abs(numbers()[0] ?? 0);
      case 'math::sqrt':
        return Math.sqrt(numbers()[0] ?? 0);
      case 'math::round': {
        const [value = 0, digits = 0] = numbers();
        const factor = 10 ** digits;
        return roundHalfEven(value * factor) / factor;
      }
      case 'string::isnullorempty':
        return isNull(args[0]) || toStr(args[0]) === '';
      case 'string::isnullorwhitespace':
        return isNull(args[0]) || toStr(args[0]).trim() === '';
      case 'string::join':
        return (args.length === 2 ? enumerate(args[1]) : args.slice(1)).map(toStr).join(toStr(args[0]));
      case 'string::format':
        return formatString(toStr(args[0]), args.slice(1));
      case 'datetime::parse': {
        const parsed = parseDateTime(toStr(args[0]));
        if (!parsed) throw this.runtimeError(`Exception calling "Parse" with "1" argument(s): "String '${toStr(args[0])}' was not recognized as a valid DateTime."`, 'MethodInvocationException', position);
        return parsed;
      }
      case 'management.automation.pscredential::new':
      case 'pscredential::new':
        return this.newCredential(args, position);
      case 'collections.arraylist::new':
      case 'hashtable::new':
        return type === 'hashtable' ? new Hashtable() : [];
      case 'collections.specialized.ordereddictionary::new':
        return new Hashtable(true);
    }
    if (/^collections\.generic\.(list|hashset)\[.*\]$/.test(type) && lower === 'new') return args.length > 0 && Array.isArray(args[0]) ? [...args[0]] : [];
    if (/^collections\.generic\.dictionary\[.*\]$/.test(type) && lower === 'new') return new Hashtable();
    throw new NotSupportedError(`The method [${typeName}]::${name}() is not supported by the simulator.`);
  }

  newCredential(args: unknown[], position?: Position): PSCredential {
    const [user, password] = args;
    if (!(password instanceof SecureString)) {
      throw this.runtimeError(`Cannot convert argument "password", with value: "${isNull(password) ? '' : typeNameOf(password)}", for "PSCredential" to type "System.Security.SecureString".`, 'MethodException', position);
    }
    return new PSCredential(toStr(user), password);
  }

  callMethod(object: unknown, name: string, args: unknown[], position: Position): unknown {
    const lower = name.toLowerCase();
    if (isNull(object)) throw this.runtimeError('You cannot call a method on a null-valued expression.', 'InvokeMethodOnNull', position);
    if (lower === 'gettype') return new TypeRef(typeNameOf(object));
    if (typeof object === 'string') return stringMethod(object, lower, args, () => this.unsupportedMethod('System.String', name));
    if (Array.isArray(object)) {
      switch (lower) {
        case 'add':
          object.push(args[0]);
          return undefined;
        case 'addrange':
          object.push(...enumerate(args[0]));
          return undefined;
        case 'remove': {
          const index = object.findIndex((item) => looseEquals(item, args[0]));
          if (index >= 0) object.splice(index, 1);
          return undefined;
        }
        case 'removeat':
          object.splice(toNumber(args[0]), 1);
          return undefined;
        case 'insert':
          object.splice(toNumber(args[0]), 0, args[1]);
          return undefined;
        case 'clear':
          object.length = 0;
          return undefined;
        case 'contains':
          return object.some((item) => item === args[0] || (typeof item === 'string' && item === args[0]) || looseEquals(item, args[0]));
        case 'indexof':
          return object.findIndex((item) => looseEquals(item, args[0]));
        case 'toarray':
          return [...object];
        case 'tostring':
          return 'System.Object[]';
        case 'foreach':
        case 'where': {
          const block = args[0];
          if (!(block instanceof ScriptBlock)) return this.unsupportedMethod('System.Object[]', name);
          const result: unknown[] = [];
          for (const item of object) {
            const value = this.evaluateWithItem(block, item);
            if (lower === 'where') {
              if (toBool(value)) result.push(item);
            } else result.push(...enumerate(value));
          }
          return result;
        }
      }
      return this.unsupportedMethod('System.Object[]', name);
    }
    if (object instanceof Hashtable) {
      switch (lower) {
        case 'add':
          if (object.has(args[0])) throw this.runtimeError(`Exception calling "Add" with "2" argument(s): "Item has already been added. Key in dictionary: '${toStr(args[0])}'  Key being added: '${toStr(args[0])}'"`, 'MethodInvocationException', position);
          object.set(args[0], args[1]);
          return undefined;
        case 'remove':
          object.map.delete(Hashtable.keyOf(args[0]));
          return undefined;
        case 'containskey':
        case 'contains':
          return object.has(args[0]);
        case 'clone': {
          const copy = new Hashtable(object.ordered);
          for (const [key, value] of object.entries()) copy.set(key, value);
          return copy;
        }
        case 'getenumerator':
          return object.entries().map(([key, value]) => new PSObject([['Key', key], ['Value', value], ['Name', key]]));
        case 'tostring':
          return toStr(object);
      }
      return this.unsupportedMethod('System.Collections.Hashtable', name);
    }
    if (object instanceof DateTimeValue) {
      switch (lower) {
        case 'tostring': {
          // ToString(format[, provider]): the invariant culture only (the one the simulator's pwsh has).
          const provider = args[1];
          if (args.length > 1 && !isNull(provider) && !(provider instanceof PSObject && provider.typeName === CULTURE_TYPE)) {
            throw new NotSupportedError('DateTime.ToString with a culture other than [System.Globalization.CultureInfo]::InvariantCulture is not supported by the simulator.');
          }
          try {
            return formatDateTime(object, args.length > 0 && !isNull(args[0]) ? toStr(args[0]) : null);
          } catch (error) {
            throw this.runtimeError(`Exception calling "ToString" with "${args.length}" argument(s): "${(error as Error).message}"`, 'MethodInvocationException', position);
          }
        }
        case 'addmilliseconds':
          return object.plus(toNumber(args[0]));
        case 'addseconds':
          return object.plus(toNumber(args[0]) * 1000);
        case 'addminutes':
          return object.plus(toNumber(args[0]) * 60000);
        case 'addhours':
          return object.plus(toNumber(args[0]) * 3600000);
        case 'adddays':
          return object.plus(toNumber(args[0]) * 86400000);
        case 'touniversaltime':
          return object.toUniversalTime();
        case 'tolocaltime':
          return object.toLocalTime();
        case 'equals':
          return looseEquals(object, args[0]);
        case 'compareto':
          return compareValues(object, args[0]);
      }
      return this.unsupportedMethod('System.DateTime', name);
    }
    if (object instanceof PSObject && object.typeName === UTF8_ENCODING.typeName) {
      switch (lower) {
        case 'getbytes':
          if (isNull(args[0])) throw this.runtimeError(`Exception calling "GetBytes" with "1" argument(s): "Value cannot be null. (Parameter 's')"`, 'MethodInvocationException', position);
          return [...Buffer.from(Array.isArray(args[0]) ? args[0].map(toStr).join('') : toStr(args[0]), 'utf8')];
        case 'getstring':
          if (isNull(args[0])) throw this.runtimeError(`Exception calling "GetString" with "1" argument(s): "Value cannot be null. (Parameter 'bytes')"`, 'MethodInvocationException', position);
          return Buffer.from(enumerate(args[0]).map((item) => toNumber(item) & 0xff)).toString('utf8');
        case 'tostring':
          return UTF8_ENCODING.typeName;
      }
      return this.unsupportedMethod(UTF8_ENCODING.typeName, name);
    }
    if (object instanceof PSObject && object.typeName === CULTURE_TYPE) {
      if (lower === 'tostring') return '';
      return this.unsupportedMethod(CULTURE_TYPE, name);
    }
    if (object instanceof ErrorRecord) {
      if (lower === 'tostring') return object.message;
      return this.unsupportedMethod('System.Management.Automation.ErrorRecord', name);
    }
    if (object instanceof TypeRef) {
      if (lower === 'tostring') return object.name;
      return this.unsupportedMethod('System.Type', name);
    }
    if (object instanceof SecureString) {
      if (lower === 'tostring') return object.toString();
      return this.unsupportedMethod('System.Security.SecureString', name);
    }
    if (object instanceof PSCredential) {
      if (lower === 'getnetworkcredential') return new PSObject([['UserName', object.userName], ['Password', object.password.reveal()]]);
      if (lower === 'tostring') return object.toString();
      return this.unsupportedMethod('System.Management.Automation.PSCredential', name);
    }
    if (object instanceof ScriptBlock) {
      if (lower === 'invoke') {
        const collector = new Collector();
        this.invokeScriptBlock(object, args.map((value) => ({ kind: 'argument', value })), [], collector);
        return collector.items;
      }
      if (lower === 'tostring') return object.toString();
      return this.unsupportedMethod('System.Management.Automation.ScriptBlock', name);
    }
    if (object instanceof PSObject) {
      const method = object.get(name);
      if (method instanceof ScriptBlock) {
        const collector = new Collector();
        this.invokeScriptBlock(method, args.map((value) => ({ kind: 'argument', value })), [], collector);
        return collect(collector.items);
      }
      if (lower === 'tostring') return object.typeName === 'System.Management.Automation.PSCustomObject' ? '' : toStr(object);
      return this.unsupportedMethod(object.typeName, name);
    }
    switch (lower) {
      case 'tostring':
        if (typeof object === 'number' && args.length > 0) return formatNumber(object, toStr(args[0]));
        return toStr(object);
      case 'equals':
        return looseEquals(object, args[0]);
      case 'compareto':
        return compareValues(object, args[0]);
    }
    return this.unsupportedMethod(typeNameOf(object), name);
  }

  private unsupportedMethod(typeName: string, name: string): never {
    throw new NotSupportedError(`The method ${typeName}.${name}() is not supported by the simulator.`);
  }

  // ---- casts ------------------------------------------------------------------------------

  cast(typeName: string, value: unknown, position?: Position): unknown {
    const type = normalizeTypeName(typeName);
    const fail = (target: string, detail: string): never => {
      throw this.runtimeError(`Cannot convert value "${toStr(value)}" to type "${target}". Error: "${detail}"`, 'PSInvalidCastException', position);
    };
    switch (type) {
      case 'string':
        return isNull(value) ? '' : toStr(value);
      case 'int':
      case 'int32':
      case 'long':
      case 'int64': {
        const number = toNumber(value);
        if (Number.isNaN(number)) return fail(type.startsWith('int') ? 'System.Int32' : 'System.Int64', 'Input string was not in a correct format.');
        return roundHalfEven(number);
      }
      case 'double':
      case 'decimal':
      case 'single': {
        const number = toNumber(value);
        if (Number.isNaN(number)) return fail('System.Double', 'Input string was not in a correct format.');
        return number;
      }
      case 'char':
        if (value instanceof CharValue) return value;
        if (isNull(value)) return new CharValue('\0');
        if (typeof value === 'number') {
          if (!Number.isInteger(value) || value < 0 || value > 0xffff) return fail('System.Char', 'Value was either too large or too small for a character.');
          return new CharValue(String.fromCharCode(value));
        }
        if (toStr(value).length !== 1) return fail('System.Char', 'String must be exactly one character long.');
        return new CharValue(toStr(value));
      case 'bool':
      case 'boolean':
        return toBool(value);
      case 'switch':
        return new SwitchValue(toBool(value));
      case 'guid': {
        const guid = parseGuid(value);
        if (!guid) return fail('System.Guid', 'Unrecognized Guid format.');
        return new PSGuid(guid);
      }
      case 'pscustomobject':
      case 'psobject':
        if (value instanceof Hashtable) return new PSObject(value.entries().map(([key, item]) => [toStr(key), item]));
        return value;
      case 'hashtable':
        if (value instanceof Hashtable) return value;
        if (value instanceof PSObject) {
          const table = new Hashtable();
          for (const [key, item] of value.entries()) table.set(key, item);
          return table;
        }
        return fail('System.Collections.Hashtable', 'Only hashtables and objects convert to a hashtable.');
      case 'array':
      case 'object[]':
        return isNull(value) ? [] : Array.isArray(value) ? value : [value];
      case 'string[]':
        return enumerate(value).map(toStr);
      case 'int[]':
        return enumerate(value).map((item) => this.cast('int', item, position));
      case 'guid[]':
        return enumerate(value).map((item) => this.cast('guid', item, position));
      case 'void':
        return undefined;
      case 'object':
        return value;
      case 'scriptblock':
        if (value instanceof ScriptBlock) return value;
        return fail('System.Management.Automation.ScriptBlock', 'Only script blocks convert to a script block.');
      case 'datetime': {
        if (value instanceof DateTimeValue) return value;
        const parsed = parseDateTime(toStr(value));
        if (!parsed) return fail('System.DateTime', `String '${toStr(value)}' was not recognized as a valid DateTime.`);
        return parsed;
      }
      case 'byte[]':
        return enumerate(value).map((item) => {
          const number = toNumber(item);
          if (!Number.isInteger(number) || number < 0 || number > 255) return fail('System.Byte[]', `Cannot convert value "${toStr(item)}" to type "System.Byte". Error: "Value was either too large or too small for an unsigned byte."`);
          return number;
        });
      case 'securestring':
      case 'security.securestring':
        if (value instanceof SecureString) return value;
        return fail('System.Security.SecureString', 'Only a SecureString converts to a SecureString.');
      case 'management.automation.pscredential':
      case 'pscredential':
        if (value instanceof PSCredential) return value;
        return fail('System.Management.Automation.PSCredential', 'Only a PSCredential converts to a PSCredential.');
    }
    if (/^collections\.generic\.list\[.*\]$/.test(type) || type === 'collections.arraylist') return enumerate(value).slice();
    throw new NotSupportedError(`The type [${typeName}] is not supported by the simulator.`);
  }

  // ---- errors -----------------------------------------------------------------------------

  runtimeError(message: string, reason: string, position?: Position): TerminatingError {
    return statementError(new ErrorRecord(message, { reason, exceptionType: `System.Management.Automation.${reason}`, category: 'InvalidOperation', fullyQualifiedErrorId: reason, position }));
  }
}

/** A pipeline's collected output as a value: nothing (undefined, AutomationNull), one item, or an array. */
function outputValue(items: unknown[]): unknown {
  return items.length === 0 ? undefined : collect(items);
}

interface StatementTerminatingError extends TerminatingError {
  statementOnly?: boolean;
}

/** A statement-terminating error (binding errors, runtime exceptions): see executeBlock. */
const CONCISE_WIDTH = 80;

/**
 * The message lines of pwsh's ConciseView: line breaks and tabs become spaces; a message longer than
 * the room is wrapped at the last space that fits (pieces trimmed at the end); a first word longer
 * than the room leaves an empty line and the rest unwrapped, as pwsh 7.6.9 prints it.
 */
function conciseMessageLines(message: string): string[] {
  const room = CONCISE_WIDTH - '     | '.length - 1;
  let rest = message.replace(/\r\n|\n|\r|\t/g, ' ');
  if (rest.length <= room) return [rest];
  const lines: string[] = [];
  while (rest.length > room) {
    const cut = rest.lastIndexOf(' ', room);
    if (cut <= 0) {
      lines.push('');
      break;
    }
    lines.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut + 1);
  }
  lines.push(rest.trimEnd());
  return lines;
}

export function statementError(record: ErrorRecord): TerminatingError {
  const error: StatementTerminatingError = new TerminatingError(record);
  error.statementOnly = true;
  return error;
}

export function parameterError(message: string, id: string, commandName: string, position?: Position): ErrorRecord {
  return new ErrorRecord(message, {
    reason: 'ParameterBindingException',
    exceptionType: 'System.Management.Automation.ParameterBindingException',
    category: 'InvalidArgument',
    fullyQualifiedErrorId: `${id},${commandName}`,
    commandName,
    position,
  });
}

/** -ErrorAction / -ea as given on the command line, if any. */
function errorActionOf(args: EvaluatedArgument[]): string | null {
  return commonParameterOf(args, 'erroraction', 'ea');
}

/** A common parameter's value (-ErrorAction, -WarningAction) as given, if any; a splatted one included. */
function commonParameterOf(args: EvaluatedArgument[], name: string, alias: string): string | null {
  for (let index = 0; index < args.length; index++) {
    const argument = args[index]!;
    if (argument.kind !== 'parameter') continue;
    const lower = argument.name.toLowerCase();
    if (lower === alias || (lower.length >= 6 && name.startsWith(lower))) {
      const value = argument.hasValue ? argument.value : args[index + 1]?.kind === 'argument' ? (args[index + 1] as { value: unknown }).value : null;
      const text = toStr(value);
      const match = ACTION_PREFERENCES.find((preference) => preference.toLowerCase() === text.toLowerCase());
      return match ?? text;
    }
  }
  return null;
}

const COMMON_PARAMETER_NAMES = ['Debug', 'ErrorAction', 'ErrorVariable', 'InformationAction', 'InformationVariable', 'OutVariable', 'OutBuffer', 'PipelineVariable', 'ProgressAction', 'Verbose', 'WarningAction', 'WarningVariable'];

function isSwitchName(lower: string): boolean {
  return 'verbose'.startsWith(lower) || 'debug'.startsWith(lower);
}

/** PowerShell cmdlets the simulator knows exist but does not implement. */
const NOT_SUPPORTED_COMMANDS = new Set(
  [
    'Get-Date', 'Out-File', 'Set-Content', 'Add-Content', 'Get-Content', 'Export-Csv', 'Import-Csv', 'Export-Clixml', 'Import-Clixml',
    'Format-Table', 'Format-List', 'Out-String', 'Get-Member', 'Write-Information', 'Write-Progress', 'Invoke-Command', 'Start-Job',
    'Invoke-Expression', 'iex', 'Import-Module', 'Get-Module', 'Install-Module', 'Add-Member', 'Group-Object', 'Tee-Object',
    'Set-StrictMode', 'Get-Variable', 'Set-Variable', 'New-Variable', 'Join-Path', 'Split-Path', 'Get-ChildItem',
    'Get-Item', 'Remove-Item', 'New-Item', 'Invoke-RestMethod', 'Invoke-WebRequest', 'ConvertTo-Csv', 'ConvertFrom-Csv', 'Compare-Object',
    'Get-Recipient', 'Get-RemoteMailbox', 'Set-RemoteMailbox', 'Enable-RemoteMailbox', 'Get-MailboxPermission', 'Add-MailboxPermission',
    'Remove-MailboxPermission', 'Get-RecipientPermission', 'Add-RecipientPermission', 'Remove-RecipientPermission', 'New-MigrationBatch',
    'Get-MigrationBatch', 'Get-MigrationUser', 'Remove-MigrationUser', 'Get-MoveRequest', 'Get-EXOMailbox', 'Get-EXORecipient',
    'Remove-MailUser', 'Remove-DistributionGroup', 'Set-DistributionGroup', 'Enable-Mailbox',
  ].map((name) => name.toLowerCase()),
);

function catchMatches(typeNames: string[], record: ErrorRecord): boolean {
  if (typeNames.length === 0) return true;
  return typeNames.some((typeName) => {
    const lower = typeName.toLowerCase().replace(/^system\./, '');
    if (lower === 'exception' || lower === 'management.automation.runtimeexception' || lower === 'runtimeexception') return true;
    const full = record.exceptionType.toLowerCase();
    const short = record.reason.toLowerCase();
    return full === typeName.toLowerCase() || full.endsWith(`.${lower}`) || short === lower || lower.endsWith(`.${short}`);
  });
}

function errorRecordMember(record: ErrorRecord, lower: string): unknown {
  switch (lower) {
    case 'exception':
      return new PSObject(
        [
          ['Message', record.message],
          ['ErrorRecord', record],
        ],
        record.exceptionType,
      );
    case 'fullyqualifiederrorid':
      return record.fullyQualifiedErrorId;
    case 'categoryinfo':
      return new PSObject(
        [
          ['Category', record.category],
          ['Activity', record.commandName ?? ''],
          ['Reason', record.reason],
          ['TargetName', isNull(record.targetObject) ? '' : toStr(record.targetObject)],
          ['TargetType', isNull(record.targetObject) ? '' : typeNameOf(record.targetObject).split('.').pop() ?? ''],
        ],
        'System.Management.Automation.ErrorCategoryInfo',
      );
    case 'targetobject':
      return record.targetObject ?? null;
    case 'invocationinfo':
      return new PSObject(
        [
          ['MyCommand', record.commandName ? new PSObject([['Name', record.commandName]]) : null],
          ['ScriptLineNumber', record.position?.line ?? 0],
          ['OffsetInLine', record.position?.column ?? 0],
          ['Line', record.position?.lineText ?? ''],
        ],
        'System.Management.Automation.InvocationInfo',
      );
    case 'errordetails':
      return null;
    case 'scriptstacktrace':
      return record.position ? `at <ScriptBlock>, <No file>: line ${record.position.line}` : '';
    default:
      return null;
  }
}

function staticTypeName(expr: Expr): string {
  if (expr.kind === 'type') return expr.typeName;
  throw new NotSupportedError('A static member access on something other than a type literal is not supported by the simulator.');
}

function normalizeTypeName(typeName: string): string {
  return typeName.toLowerCase().replace(/\s+/g, '').replace(/^system\./, '');
}

function isOfType(value: unknown, typeName: string): boolean {
  const type = normalizeTypeName(typeName);
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'int':
    case 'int32':
    case 'long':
      return typeof value === 'number' && Number.isInteger(value);
    case 'double':
      return typeof value === 'number';
    case 'bool':
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
    case 'object[]':
      return Array.isArray(value);
    case 'hashtable':
    case 'collections.hashtable':
      return value instanceof Hashtable;
    case 'guid':
      return value instanceof PSGuid;
    case 'pscustomobject':
    case 'psobject':
      return value instanceof PSObject;
    case 'scriptblock':
      return value instanceof ScriptBlock;
    case 'datetime':
      return value instanceof DateTimeValue;
    case 'char':
      return value instanceof CharValue;
    case 'object':
      return !isNull(value);
    case 'management.automation.errorrecord':
      return value instanceof ErrorRecord;
  }
  return typeNameOf(value).toLowerCase() === typeName.toLowerCase();
}

function stringMethod(text: string, lower: string, args: unknown[], unsupported: () => never): unknown {
  const arg = (index: number) => toStr(args[index]);
  switch (lower) {
    case 'tostring':
      return text;
    case 'tolower':
    case 'tolowerinvariant':
      return text.toLowerCase();
    case 'toupper':
    case 'toupperinvariant':
      return text.toUpperCase();
    case 'trim':
      return args.length ? trimChars(text, arg(0), true, true) : text.trim();
    case 'trimstart':
      return args.length ? trimChars(text, arg(0), true, false) : text.trimStart();
    case 'trimend':
      return args.length ? trimChars(text, arg(0), false, true) : text.trimEnd();
    case 'split':
      return args.length ? splitOnAny(text, args) : text.split(/\s/);
    case 'replace':
      return text.split(arg(0)).join(arg(1));
    case 'startswith':
      return args[1] !== undefined ? text.toLowerCase().startsWith(arg(0).toLowerCase()) : text.startsWith(arg(0));
    case 'endswith':
      return args[1] !== undefined ? text.toLowerCase().endsWith(arg(0).toLowerCase()) : text.endsWith(arg(0));
    case 'contains':
      return text.includes(arg(0));
    case 'indexof':
      return text.indexOf(arg(0));
    case 'lastindexof':
      return text.lastIndexOf(arg(0));
    case 'substring':
      return args.length > 1 ? text.substr(toNumber(args[0]), toNumber(args[1])) : text.slice(toNumber(args[0]));
    case 'padleft':
      return text.padStart(toNumber(args[0]), args[1] === undefined ? ' ' : arg(1));
    case 'padright':
      return text.padEnd(toNumber(args[0]), args[1] === undefined ? ' ' : arg(1));
    case 'equals':
      return text === arg(0);
    case 'tochararray':
      return [...text];
    case 'compareto':
      return text < arg(0) ? -1 : text > arg(0) ? 1 : 0;
  }
  return unsupported();
}

function trimChars(text: string, chars: string, start: boolean, end: boolean): string {
  let from = 0;
  let to = text.length;
  if (start) while (from < to && chars.includes(text[from]!)) from++;
  if (end) while (to > from && chars.includes(text[to - 1]!)) to--;
  return text.slice(from, to);
}

function splitOnAny(text: string, args: unknown[]): string[] {
  const separators = args.flatMap((arg) => (Array.isArray(arg) ? arg.map(toStr) : [toStr(arg)]));
  if (separators.length === 1 && separators[0]!.length > 1 && typeof args[0] === 'string') {
    // .Split('ab') splits on each character, as String.Split(params char[]) does.
    return text.split(new RegExp(`[${separators[0]!.replace(/[\\\]^-]/g, '\\$&')}]`));
  }
  return text.split(new RegExp(separators.map((separator) => separator.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')).join('|')));
}

function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const difference = value - floor;
  if (difference > 0.5) return floor + 1;
  if (difference < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

function formatString(format: string, args: unknown[]): string {
  return format.replace(/\{(\d+)(?::([^}]*))?\}|\{\{|\}\}/g, (match, index: string | undefined, spec: string | undefined) => {
    if (match === '{{') return '{';
    if (match === '}}') return '}';
    const value = args[Number(index)];
    if (spec && typeof value === 'number') return formatNumber(value, spec);
    return toStr(value);
  });
}

function formatNumber(value: number, spec: string): string {
  const match = /^([NnFfDd])(\d*)$/.exec(spec);
  if (!match) return toStr(value);
  const digits = match[2] ? Number(match[2]) : match[1]!.toLowerCase() === 'd' ? 0 : 2;
  switch (match[1]!.toLowerCase()) {
    case 'n':
      return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    case 'f':
      return value.toFixed(digits);
    default:
      return String(Math.trunc(value)).padStart(digits, '0');
  }
}

/** How a property value looks inside a formatted list. */
function formatInline(value: unknown): string {
  if (Array.isArray(value)) return `{${value.map(toStr).join(', ')}}`;
  return toStr(value);
}
