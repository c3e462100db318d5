// Parsing: the tree-sitter PowerShell grammar (WebAssembly) turns the script into a concrete tree,
// which is converted once into the simulator's own AST (ast.ts). Syntax errors are reported the
// way PowerShell reports them, and nothing runs.
import v8 from 'node:v8';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser } from 'web-tree-sitter';
import type {
  CommandArgument,
  Expr,
  ParameterAst,
  PipelineElement,
  Position,
  ScriptBlockAst,
  Statement,
} from './ast.js';
import { NotSupportedError } from '../errors.js';

/** A syntax error, with PowerShell's wording where we know it. */
export class ParseError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly position: Position,
  ) {
    super(message);
  }

  /** PowerShell 7's rendering of a ParserError (ConciseView), with the column added. */
  render(): string {
    const { line, column, lineText, length } = this.position;
    const gutter = String(line).padStart(4);
    return [
      `ParserError: ${this.file}:${line}:${column}`,
      'Line |',
      `${gutter} |  ${lineText}`,
      `     |  ${' '.repeat(Math.max(0, column - 1))}${'~'.repeat(Math.max(1, length))}`,
      `     | ${this.message}`,
    ].join('\n');
  }
}

/**
 * The WebAssembly binding's own functions (the Emscripten module web-tree-sitter runs), when this
 * process initialised it: a TreeCursor getter writes the cursor into the binding's transfer buffer
 * before each call and reads it back after each move, and a 50,000-line script has millions of nodes.
 * The raw functions keep the cursor in the transfer buffer for the whole walk.
 */
interface RawBinding {
  transferBuffer: number;
  HEAP32: Int32Array;
  _ts_tree_cursor_current_node_type_id_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_named_wasm(tree: number): number;
  _ts_tree_cursor_current_node_is_missing_wasm(tree: number): number;
  _ts_tree_cursor_current_field_id_wasm(tree: number): number;
  _ts_tree_cursor_start_index_wasm(tree: number): number;
  _ts_tree_cursor_end_index_wasm(tree: number): number;
  _ts_tree_cursor_goto_first_child_wasm(tree: number): number;
  _ts_tree_cursor_goto_next_sibling_wasm(tree: number): number;
  _ts_tree_cursor_goto_parent_wasm(tree: number): number;
  _ts_tree_cursor_delete_wasm(tree: number): void;
}

const RAW_FUNCTIONS = [
  '_ts_init',
  '_ts_tree_cursor_current_node_type_id_wasm',
  '_ts_tree_cursor_current_node_is_named_wasm',
  '_ts_tree_cursor_current_node_is_missing_wasm',
  '_ts_tree_cursor_current_field_id_wasm',
  '_ts_tree_cursor_start_index_wasm',
  '_ts_tree_cursor_end_index_wasm',
  '_ts_tree_cursor_goto_first_child_wasm',
  '_ts_tree_cursor_goto_next_sibling_wasm',
  '_ts_tree_cursor_goto_parent_wasm',
  '_ts_tree_cursor_delete_wasm',
];

interface LoadedParser {
  parser: Parser;
  /** Null when the binding's functions are not reachable (another caller initialised web-tree-sitter first, or a version without them). */
  raw: RawBinding | null;
}

let parserPromise: Promise<LoadedParser> | undefined;

/** The grammar is loaded once per process; its location comes from the installed package. */
function loadParser(): Promise<LoadedParser> {
  parserPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const packageJson = require.resolve('tree-sitter-powershell/package.json');
    // V8's optimizing tier spends ~8 s of background CPU on the grammar's one huge parse function and
    // holds the process open until it is done; the baseline compiler parses our scripts just as fast.
    v8.setFlagsFromString('--liftoff-only');
    // Emscripten makes the options object the module itself: its exports are added to it.
    const binding: Record<string, unknown> = {};
    await Parser.init(binding as object);
    const language = await Language.load(join(dirname(packageJson), 'tree-sitter-powershell.wasm'));
    const parser = new Parser();
    parser.setLanguage(language);
    let raw: RawBinding | null = null;
    if (RAW_FUNCTIONS.every((name) => typeof binding[name] === 'function') && binding['HEAP32'] instanceof Int32Array) {
      // ts_init only returns the transfer buffer's address (and writes the ABI versions into it).
      raw = Object.assign(binding, { transferBuffer: (binding['_ts_init'] as () => number)() }) as unknown as RawBinding;
    }
    return { parser, raw };
  })();
  return parserPromise;
}

/** Whether this process walks trees through the binding's raw functions (for tests). */
export async function parserWalksRaw(): Promise<boolean> {
  return (await loadParser()).raw !== null;
}

/** A plain copy of a tree-sitter node: reading the WebAssembly tree node by node is slow. */
interface Node {
  type: string;
  named: boolean;
  start: number;
  end: number;
  field: string | null;
  children: Node[];
  missing: boolean;
  /** Set when a conversion recognised a grammar quirk and consumed this error node. */
  repaired?: boolean;
}

type Tree = NonNullable<ReturnType<Parser['parse']>>;
type TreeCursor = ReturnType<Tree['walk']>;

/** What the copy reads from a cursor: each call is one crossing into WebAssembly. */
interface Walker {
  typeId(): number;
  isNamed(): boolean;
  isMissing(): boolean;
  fieldId(): number;
  start(): number;
  end(): number;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  delete(): void;
}

function publicWalker(cursor: TreeCursor): Walker {
  return {
    typeId: () => cursor.nodeTypeId,
    isNamed: () => cursor.nodeIsNamed,
    isMissing: () => cursor.nodeIsMissing,
    fieldId: () => cursor.currentFieldId,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
    delete: () => cursor.delete(),
  };
}

/** The cursor moved into the transfer buffer and walked there; the TreeCursor object is stale from here on. */
function rawWalker(raw: RawBinding, tree: Tree, cursor: TreeCursor): Walker {
  const address = (tree as unknown as Record<number, number>)[0]!;
  const state = cursor as unknown as Record<number, number>;
  const heap = raw.HEAP32;
  for (let index = 0; index < 4; index++) heap[(raw.transferBuffer >> 2) + index] = state[index]!;
  return {
    typeId: () => raw._ts_tree_cursor_current_node_type_id_wasm(address),
    isNamed: () => raw._ts_tree_cursor_current_node_is_named_wasm(address) === 1,
    isMissing: () => raw._ts_tree_cursor_current_node_is_missing_wasm(address) === 1,
    fieldId: () => raw._ts_tree_cursor_current_field_id_wasm(address),
    start: () => raw._ts_tree_cursor_start_index_wasm(address),
    end: () => raw._ts_tree_cursor_end_index_wasm(address),
    firstChild: () => raw._ts_tree_cursor_goto_first_child_wasm(address) === 1,
    nextSibling: () => raw._ts_tree_cursor_goto_next_sibling_wasm(address) === 1,
    parent: () => raw._ts_tree_cursor_goto_parent_wasm(address) === 1,
    delete: () => raw._ts_tree_cursor_delete_wasm(address),
  };
}

interface CopyContext {
  walker: Walker;
  types: string[];
  fields: (string | null)[];
  /** Per node type id: 0 not seen yet, 1 anonymous, 2 named (a property of the type). */
  named: Uint8Array;
  problems: Node[] | null;
  /** Where the parsed text starts in the grammar's text (a piece of a long script). */
  offset: number;
  /** Read every node's field name, not only FIELD_PARENTS' children's. */
  allFields: boolean;
  /** Children being copied (copySubtree). */
  stack: Node[];
  toSource: ((index: number) => number) | null;
}

/**
 * The node types whose children's field names the conversion reads (Converter: `.field`); other
 * children's are not read from the tree (one crossing less per node). The walk through
 * web-tree-sitter's TreeCursor reads every field, so the tests comparing the two notice a type
 * missing here.
 */
const FIELD_PARENTS = new Set(['while_statement', 'do_statement', 'if_statement', 'elseif_clause', 'assignment_expression', 'for_statement', 'command', 'array_expression', 'sub_expression']);

const NO_CHILDREN: Node[] = Object.freeze([]) as unknown as Node[];

function typeName(context: CopyContext, typeId: number): string {
  return context.types[typeId] || 'ERROR';
}

/**
 * Copies the node under the cursor (whose type id the caller read) and its subtree into plain
 * objects, noting ERROR and MISSING nodes. Positions are mapped back to the source (see
 * insertEmptyBlockStatements). Comments are left out.
 */
function copySubtree(context: CopyContext, typeId: number, readField = true): Node {
  const { walker, toSource, offset } = context;
  let named = context.named[typeId]!;
  if (named === 0) named = context.named[typeId] = walker.isNamed() ? 2 : 1;
  const start = walker.start() + offset;
  const end = walker.end() + offset;
  const node: Node = {
    type: typeName(context, typeId),
    named: named === 2,
    start: toSource ? toSource(start) : start,
    end: toSource ? toSource(end) : end,
    field: readField ? (context.fields[walker.fieldId()] ?? null) : null,
    children: NO_CHILDREN,
    missing: context.problems !== null && walker.isMissing(),
  };
  if (context.problems && (node.type === 'ERROR' || node.missing)) context.problems.push(node);
  if (walker.firstChild()) {
    // The children gather on a shared stack and are copied off it at their exact count: an array
    // grown by push leaves its smaller backing stores behind, and there are millions of nodes.
    const stack = context.stack;
    const base = stack.length;
    const childFields = context.allFields || FIELD_PARENTS.has(node.type);
    do {
      const childType = walker.typeId();
      if (typeName(context, childType) !== 'comment') stack.push(copySubtree(context, childType, childFields));
    } while (walker.nextSibling());
    walker.parent();
    if (stack.length > base) node.children = stack.slice(base);
    stack.length = base;
  }
  return node;
}

/** Nodes that only encode precedence: with one child they stand for that child. */
const WRAPPERS = new Set([
  'logical_expression', 'bitwise_expression', 'comparison_expression', 'additive_expression',
  'multiplicative_expression', 'format_expression', 'range_expression', 'array_literal_expression',
  'unary_expression', 'string_literal', 'integer_literal', 'left_assignment_expression',
  'argument_expression', 'logical_argument_expression', 'bitwise_argument_expression',
  'comparison_argument_expression', 'additive_argument_expression', 'multiplicative_argument_expression',
  'format_argument_expression', 'range_argument_expression', 'key_expression', 'member_name',
  'command_name_expr', 'while_condition', 'for_initializer', 'for_condition', 'for_iterator',
  'pipeline_chain', 'type_spec', 'script_parameter_default', 'switch_condition',
  'expression_with_unary_operator', 'pipeline', 'path_command_name',
]);

function unwrap(node: Node): Node {
  let current = node;
  while (current.children.length === 1 && WRAPPERS.has(current.type)) current = current.children[0]!;
  return current;
}

const SINGLE_QUOTES = new Set(["'", '\u2018', '\u2019', '\u201a', '\u201b']);
const DOUBLE_QUOTES = new Set(['"', '\u201c', '\u201d', '\u201e']);

class Converter {
  private readonly lineStarts: number[] = [0];

  constructor(
    private readonly source: string,
    private readonly file: string,
    /** The copy the grammar parsed (see maskForGrammar): same length, same positions. */
    private readonly masked: string = source,
  ) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  text(node: Node): string {
    return this.source.slice(node.start, node.end);
  }

  positionAt(offset: number, length = 1): Position {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    const lineStart = this.lineStarts[low]!;
    const lineText = this.lineText(low);
    return { line: low + 1, column: offset - lineStart + 1, lineText, length: Math.min(length, lineText.length - (offset - lineStart)) };
  }

  /** One string per source line, shared by every position on it (a 50,000-line script has many). */
  private readonly lineTexts = new Map<number, string>();
  private lineText(index: number): string {
    let text = this.lineTexts.get(index);
    if (text === undefined) {
      const lineStart = this.lineStarts[index]!;
      const lineEnd = this.lineStarts[index + 1] ?? this.source.length + 1;
      text = this.source.slice(lineStart, lineEnd - 1);
      if (text.endsWith('\r')) text = text.slice(0, -1);
      this.lineTexts.set(index, text);
    }
    return text;
  }

  position(node: Node): Position {
    return this.positionAt(node.start, Math.max(1, node.end - node.start));
  }

  unsupported(node: Node, what = `The syntax '${node.type}'`): never {
    const position = this.position(node);
    throw new NotSupportedError(`${what} (${this.file}:${position.line}:${position.column}) is not supported by the simulator.`);
  }

  syntaxError(node: Node, message: string): never {
    throw new ParseError(message, this.file, this.position(node));
  }

  // ---- statements -------------------------------------------------------------------------

  statementList(node: Node | undefined): Statement[] {
    if (!node) return [];
    const statements: Statement[] = [];
    const items = node.type === 'statement_list' ? node.children : [node];
    for (const child of items) {
      if (child.type === 'empty_statement' || child.type === ';') continue;
      if (child.type === 'statement_list') statements.push(...this.statementList(child));
      else statements.push(this.statement(child));
    }
    return statements;
  }

  block(node: Node | undefined): Statement[] {
    if (!node) return [];
    // statement_block: '{' statement_list? '}'
    const list = node.children.find((child) => child.type === 'statement_list');
    if (list) return this.statementList(list);
    const inner = node.children.filter((child) => child.named);
    return inner.flatMap((child) => this.statementList(child));
  }

  statement(original: Node): Statement {
    const node = original.type === 'pipeline' && original.children.length === 1 ? original.children[0]! : original;
    switch (node.type) {
      case 'pipeline':
        return this.pipeline(node);
      case 'assignment_expression':
        return this.assignment(node);
      case 'if_statement':
        return this.ifStatement(node);
      case 'foreach_statement':
        return this.foreachStatement(node);
      case 'while_statement': {
        const condition = node.children.find((child) => child.field === 'condition');
        const body = node.children.find((child) => child.type === 'statement_block');
        return { kind: 'while', condition: this.statement(condition!), body: this.block(body) };
      }
      case 'do_statement': {
        const condition = node.children.find((child) => child.field === 'condition');
        const body = node.children.find((child) => child.type === 'statement_block');
        const until = node.children.some((child) => child.type === 'until');
        return { kind: 'doWhile', condition: this.statement(condition!), body: this.block(body), until };
      }
      case 'for_statement':
        return this.forStatement(node);
      case 'flow_control_statement':
        return this.flowControl(node);
      case 'try_statement':
        return this.tryStatement(node);
      case 'function_statement':
        return this.functionStatement(node);
      case 'switch_statement':
      case 'trap_statement':
      case 'class_statement':
      case 'enum_statement':
      case 'data_statement':
      case 'parallel_statement':
      case 'sequence_statement':
      case 'inlinescript_statement':
        return this.unsupported(node, `The '${node.type.replace('_statement', '')}' statement`);
      default:
        return this.pipeline(node);
    }
  }

  pipeline(node: Node): Statement {
    const position = this.position(node);
    let chain = unwrap(node);
    if (chain.type === 'pipeline' && chain.children.length === 1) chain = unwrap(chain.children[0]!);
    if (chain.type === 'assignment_expression') return this.assignment(chain);
    const elements: PipelineElement[] = [];
    const parts = chain.type === 'pipeline_chain' ? chain.children : [chain];
    for (const part of parts) {
      if (part.type === '|') continue;
      if (part.type === 'redirections' || part.type === 'redirection') this.unsupported(part, 'Redirection');
      if (part.type === '&&' || part.type === '||') this.unsupported(part, "Pipeline chain operators ('&&', '||')");
      if (part.type === 'command') elements.push(this.command(part));
      else elements.push({ kind: 'expression', expr: this.expr(part) });
    }
    return { kind: 'pipeline', elements, position };
  }

  assignment(node: Node): Statement {
    const [left, operatorNode] = node.children;
    const value = node.children.find((child) => child.field === 'value');
    if (!left || !operatorNode || !value) return this.unsupported(node, 'This assignment');
    const operator = this.text(operatorNode);
    return { kind: 'assignment', target: this.expr(left), operator, value: this.statement(value), position: this.position(node) };
  }

  ifStatement(node: Node): Statement {
    const clauses: { condition: Statement; body: Statement[] }[] = [];
    const condition = node.children.find((child) => child.field === 'condition');
    const body = node.children.find((child) => child.type === 'statement_block');
    clauses.push({ condition: this.statement(condition!), body: this.block(body) });
    let elseBody: Statement[] | null = null;
    for (const child of node.children) {
      if (child.type === 'elseif_clauses' || child.type === 'elseif_clause') {
        const elseifs = child.type === 'elseif_clauses' ? child.children : [child];
        for (const elseif of elseifs) {
          const elseifCondition = elseif.children.find((grandchild) => grandchild.field === 'condition');
          const elseifBody = elseif.children.find((grandchild) => grandchild.type === 'statement_block');
          clauses.push({ condition: this.statement(elseifCondition!), body: this.block(elseifBody) });
        }
      } else if (child.type === 'else_clause') {
        elseBody = this.block(child.children.find((grandchild) => grandchild.type === 'statement_block'));
      }
    }
    return { kind: 'if', clauses, elseBody };
  }

  foreachStatement(node: Node): Statement {
    if (node.children.some((child) => child.type === 'foreach_parameter')) this.unsupported(node, 'foreach -parallel');
    const variable = node.children.find((child) => child.type === 'variable');
    const inIndex = node.children.findIndex((child) => child.type === 'in');
    const collection = node.children.slice(inIndex + 1).find((child) => child.named && child.type !== 'statement_block');
    const body = node.children.find((child) => child.type === 'statement_block');
    if (!variable || !collection) return this.unsupported(node, 'This foreach statement');
    return { kind: 'foreach', variable: variableName(this.text(variable)).name, collection: this.statement(collection), body: this.block(body) };
  }

  forStatement(node: Node): Statement {
    const part = (field: string) => {
      const child = node.children.find((candidate) => candidate.field === field);
      return child ? this.statement(child) : null;
    };
    const body = node.children.find((child) => child.type === 'statement_block');
    return { kind: 'for', init: part('for_initializer'), condition: part('for_condition'), iterator: part('for_iterator'), body: this.block(body) };
  }

  flowControl(node: Node): Statement {
    const keyword = (node.children[0] ? this.text(node.children[0]) : '').toLowerCase();
    const operand = node.children[1];
    if (operand?.type === 'label_expression' || operand?.type === 'label') this.unsupported(node, 'Loop labels');
    const value = operand ? this.statement(operand) : null;
    switch (keyword) {
      case 'break':
        return { kind: 'break' };
      case 'continue':
        return { kind: 'continue' };
      case 'return':
        return { kind: 'return', value };
      case 'exit':
        return { kind: 'exit', value };
      case 'throw':
        return { kind: 'throw', value, position: this.position(node) };
      default:
        return this.unsupported(node, `The '${keyword}' statement`);
    }
  }

  tryStatement(node: Node): Statement {
    const body = this.block(node.children.find((child) => child.type === 'statement_block'));
    const catches = [];
    let finallyBody: Statement[] | null = null;
    for (const child of node.children) {
      const catchNodes = child.type === 'catch_clauses' ? child.children : child.type === 'catch_clause' ? [child] : [];
      for (const catchNode of catchNodes) {
        const typeList = catchNode.children.find((grandchild) => grandchild.type === 'catch_type_list');
        const typeNames = typeList
          ? typeList.children.filter((type) => type.type === 'type_literal').map((type) => this.typeName(type))
          : [];
        catches.push({ typeNames, body: this.block(catchNode.children.find((grandchild) => grandchild.type === 'statement_block')) });
      }
      if (child.type === 'finally_clause') {
        finallyBody = this.block(child.children.find((grandchild) => grandchild.type === 'statement_block'));
      }
    }
    return { kind: 'try', body, catches, finallyBody };
  }

  functionStatement(node: Node): Statement {
    const nameNode = node.children.find((child) => child.type === 'function_name');
    const declaration = node.children.find((child) => child.type === 'function_parameter_declaration');
    const scriptBlock = node.children.find((child) => child.type === 'script_block');
    const block = scriptBlock ? this.scriptBlock(scriptBlock, node) : { params: [], body: [], text: this.text(node) };
    if (declaration) {
      const list = declaration.children.find((child) => child.type === 'parameter_list');
      block.params = this.parameterList(list ?? declaration);
    }
    return { kind: 'function', name: nameNode ? this.text(nameNode) : '', block };
  }

  scriptBlock(node: Node, textNode: Node): ScriptBlockAst {
    let params: ParameterAst[] = [];
    let body: Statement[] = [];
    for (const child of node.children) {
      if (child.type === 'param_block') {
        params = this.parameterList(child.children.find((grandchild) => grandchild.type === 'parameter_list'));
      } else if (child.type === 'script_block_body') {
        for (const part of child.children) {
          if (part.type === 'statement_list') body = this.statementList(part);
          else if (part.type === 'named_block_list') this.unsupported(part, 'begin/process/end blocks');
        }
      } else if (child.type === 'statement_list') {
        body = this.statementList(child);
      }
    }
    return { params, body, text: this.text(textNode) };
  }

  parameterList(node: Node | undefined): ParameterAst[] {
    if (!node) return [];
    return node.children
      .filter((child) => child.type === 'script_parameter')
      .map((parameter) => {
        let typeName: string | null = null;
        let name = '';
        let defaultValue: Expr | null = null;
        for (const part of parameter.children) {
          if (part.type === 'type_literal') typeName = this.typeName(part);
          else if (part.type === 'attribute_list') {
            for (const attribute of part.children) {
              const typeLiteral = attribute.children.find((child) => child.type === 'type_literal');
              if (typeLiteral && attribute.children.length <= 1) typeName = this.typeName(typeLiteral);
              // [Parameter(Mandatory)] and friends are accepted and ignored: calls are checked by the tool.
            }
          } else if (part.type === 'variable') name = variableName(this.text(part)).name;
          else if (part.type === 'script_parameter_default') {
            const value = part.children.find((child) => child.named);
            if (value) defaultValue = this.expr(value);
          }
        }
        return { name, typeName, defaultValue };
      });
  }

  // ---- commands ---------------------------------------------------------------------------

  command(node: Node): PipelineElement {
    const position = this.position(node);
    let invocationOperator: '&' | '.' | null = null;
    let name: string | Expr = '';
    let elements: Node | undefined;
    for (const child of node.children) {
      if (child.type === 'command_invokation_operator') invocationOperator = this.text(child) === '.' ? '.' : '&';
      else if (child.field === 'command_name') {
        const inner = unwrap(child);
        if (child.type === 'command_name' && child.children.length === 0) name = this.text(child);
        else if (inner.type === 'command_name' && inner.children.length === 0) name = this.text(inner);
        else name = this.expr(inner.type === 'command_name' ? inner.children[0]! : inner);
      } else if (child.field === 'command_elements' || child.type === 'command_elements') elements = child;
    }
    if (typeof name === 'string' && /^\d+\.\.\d+$/.test(name)) {
      // The grammar reads `1..3` after `=` as a command name.
      const [from, to] = name.split('..');
      return { kind: 'expression', expr: { kind: 'range', from: { kind: 'number', value: Number(from) }, to: { kind: 'number', value: Number(to) } } };
    }
    return { kind: 'command', name, invocationOperator, args: elements ? this.commandElements(elements) : [], position };
  }

  commandElements(node: Node): CommandArgument[] {
    const args: CommandArgument[] = [];
    const children = node.children;
    let pendingColonParameter: CommandArgument | null = null;
    for (let index = 0; index < children.length; index++) {
      const child = children[index]!;
      const previous = children[index - 1];
      if (child.type === 'command_argument_sep') {
        const separator = this.text(child);
        if (child.start === child.end) {
          // Grammar quirk: `Name, @{...}` gets a zero-width (MISSING) separator before a unary
          // comma; the unary comma then continues the previous argument's array (below).
          const next = children[index + 1];
          const nextInner = next ? unwrap(next) : undefined;
          if (nextInner?.type === 'expression_with_unary_operator' && nextInner.children[0]?.type === ',') markRepaired(child);
          continue;
        }
        if (separator.trim() === ':') {
          const last = args[args.length - 1];
          if (last?.kind === 'parameter') pendingColonParameter = last;
        }
        continue;
      }
      if (child.type === 'command_parameter') {
        const raw = this.text(child);
        args.push({ kind: 'parameter', name: raw.replace(/^[-\u2013\u2014\u2015]/, '').replace(/:$/, ''), position: this.position(child) });
        if (raw.endsWith(':')) pendingColonParameter = args[args.length - 1]!;
        continue;
      }
      // Grammar quirk: `-CustomAttribute1` is read as `-CustomAttribute` followed by a redirection
      // of stream 1 (`1>` with the `>` missing), or by the literal 1 before a colon. The digits
      // touch the parameter name, so join them back.
      const last = args[args.length - 1];
      if (last?.kind === 'parameter' && previous?.type === 'command_parameter' && previous.end === child.start) {
        const digits = this.text(child);
        if (/^\d+$/.test(digits)) {
          last.name += digits;
          markRepaired(child);
          continue;
        }
      }
      // Argument mode: the grammar splits `$a.B.ToString()` into a member access and an argument list.
      if (child.type === 'argument_list' && last?.kind === 'argument' && last.value.kind === 'member' && previous && previous.end === child.start) {
        last.value = { kind: 'invoke', target: last.value.target, name: last.value.name, isStatic: last.value.isStatic, args: this.argumentListItems(child), position: this.position(child) };
        continue;
      }
      if (child.type === 'redirection') this.unsupported(child, 'Redirection');
      if (child.type === 'stop_parsing') this.unsupported(child, 'The stop-parsing token (--%)');
      const inner = unwrap(child);
      if (inner.type === 'expression_with_unary_operator' && inner.children[0]?.type === ',' && previous?.type === 'command_argument_sep' && previous.start === previous.end) {
        const previousArgument = args[args.length - 1];
        if (previousArgument?.kind === 'argument') {
          const continuation = this.expr(inner.children[1]!);
          const head = previousArgument.value.kind === 'array' ? previousArgument.value.items : [previousArgument.value];
          const tail = continuation.kind === 'array' ? continuation.items : [continuation];
          previousArgument.value = { kind: 'array', items: [...head, ...tail] };
          continue;
        }
      }
      // `Name, Alias` reached the grammar as `Name ,Alias`: a list continued by a bareword.
      if (inner.type === 'generic_token' && this.masked[inner.start] === ',' && this.source[inner.start] !== ',') {
        const previousArgument = args[args.length - 1];
        if (previousArgument?.kind === 'argument') {
          const item: Expr = { kind: 'bareword', value: this.source.slice(inner.start, inner.end).trim() };
          previousArgument.value = previousArgument.value.kind === 'array' ? { kind: 'array', items: [...previousArgument.value.items, item] } : { kind: 'array', items: [previousArgument.value, item] };
          continue;
        }
      }
      const value = this.commandArgumentValue(child);
      if (pendingColonParameter) {
        (pendingColonParameter as { value?: Expr }).value = value;
        pendingColonParameter = null;
        continue;
      }
      if (inner.type === 'variable' && this.text(inner).startsWith('@')) {
        args.push({ kind: 'argument', value: { kind: 'variable', name: this.text(inner).slice(1).toLowerCase(), scope: 'local', position: this.position(inner) }, splat: true });
        continue;
      }
      args.push({ kind: 'argument', value });
    }
    return args;
  }

  commandArgumentValue(node: Node): Expr {
    const inner = unwrap(node);
    if (inner.type === 'generic_token') return { kind: 'bareword', value: this.text(inner) };
    if (inner.type === 'command_name' && inner.children.length === 0) return { kind: 'bareword', value: this.text(inner) };
    return this.expr(inner);
  }

  // ---- expressions ------------------------------------------------------------------------

  expr(original: Node): Expr {
    const node = unwrap(original);
    switch (node.type) {
      case 'variable':
      case 'braced_variable': {
        const { name, scope } = variableName(this.text(node));
        return { kind: 'variable', name, scope, position: this.position(node) };
      }
      case 'decimal_integer_literal':
      case 'hexadecimal_integer_literal':
      case 'real_literal':
        return { kind: 'number', value: parseNumber(this.text(node), () => this.unsupported(node, `The number '${this.text(node)}'`)) };
      case 'verbatim_string_characters':
        return { kind: 'string', value: this.verbatimString(node) };
      case 'verbatim_here_string_characters':
        return { kind: 'string', value: hereStringBody(this.text(node)) };
      case 'expandable_string_literal':
      case 'expandable_here_string_literal':
        return this.expandableString(node);
      case 'generic_token':
        return { kind: 'bareword', value: this.text(node) };
      case 'array_literal_expression':
      case 'argument_expression_list':
        return { kind: 'array', items: node.children.filter((child) => child.type !== ',').map((child) => this.expr(child)) };
      case 'array_expression': {
        const statements = node.children.find((child) => child.field === 'statements' || child.type === 'statement_list');
        return { kind: 'arrayExpression', body: statements ? this.statementList(statements) : [] };
      }
      case 'sub_expression': {
        const statements = node.children.find((child) => child.field === 'statements' || child.type === 'statement_list');
        return { kind: 'subExpression', body: statements ? this.statementList(statements) : [] };
      }
      case 'parenthesized_expression': {
        const inner = node.children.find((child) => child.named);
        if (!inner) return this.syntaxError(node, 'An expression was expected after \'(\'.');
        return { kind: 'paren', pipeline: this.statement(inner) };
      }
      case 'hash_literal_expression':
        return this.hashtable(node, false);
      case 'script_block_expression': {
        const block = node.children.find((child) => child.type === 'script_block');
        const ast = block ? this.scriptBlock(block, node) : { params: [], body: [], text: this.text(node) };
        // The grammar puts `{ param(...) ... }`'s param block beside the script block, not in it.
        const paramBlock = node.children.find((child) => child.type === 'param_block');
        if (paramBlock) ast.params = this.parameterList(paramBlock.children.find((child) => child.type === 'parameter_list'));
        return { kind: 'scriptBlock', block: ast };
      }
      case 'member_access':
        return this.memberAccess(node);
      case 'invokation_expression':
        return this.invocation(node);
      case 'element_access': {
        const [target, , index] = node.children;
        return { kind: 'index', target: this.expr(target!), index: this.expr(index!) };
      }
      case 'cast_expression': {
        const [typeLiteral, operand] = node.children;
        const typeName = this.typeName(typeLiteral!);
        if (typeName.toLowerCase() === 'ordered' && unwrap(operand!).type === 'hash_literal_expression') {
          return this.hashtable(unwrap(operand!), true);
        }
        return { kind: 'cast', typeName, operand: this.expr(operand!), position: this.position(node) };
      }
      case 'type_literal':
        return { kind: 'type', typeName: this.typeName(node), position: this.position(node) };
      case 'expression_with_unary_operator': {
        const [operator, operand] = node.children;
        const operatorText = this.text(operator!).toLowerCase();
        if (operatorText === ',') {
          return { kind: 'array', items: [this.expr(operand!)] };
        }
        return { kind: 'unary', operator: operatorText, operand: this.expr(operand!) };
      }
      case 'pre_increment_expression':
      case 'pre_decrement_expression':
        return { kind: 'increment', target: this.expr(node.children[1]!), delta: node.type === 'pre_increment_expression' ? 1 : -1, prefix: true };
      case 'post_increment_expression':
      case 'post_decrement_expression':
        return { kind: 'increment', target: this.expr(node.children[0]!), delta: node.type === 'post_increment_expression' ? 1 : -1, prefix: false };
      case 'range_expression':
      case 'range_argument_expression':
        return { kind: 'range', from: this.expr(node.children[0]!), to: this.expr(node.children[2]!) };
      case 'logical_expression':
      case 'bitwise_expression':
      case 'comparison_expression':
      case 'additive_expression':
      case 'multiplicative_expression':
      case 'format_expression':
      case 'logical_argument_expression':
      case 'bitwise_argument_expression':
      case 'comparison_argument_expression':
      case 'additive_argument_expression':
      case 'multiplicative_argument_expression':
      case 'format_argument_expression': {
        const [left, operator, right] = node.children;
        if (!left || !operator || !right) return this.unsupported(node, 'This expression');
        return { kind: 'binary', operator: this.text(operator).toLowerCase(), left: this.expr(left), right: this.expr(right), position: this.position(operator) };
      }
      case 'pipeline':
      case 'pipeline_chain':
      case 'command':
      case 'assignment_expression':
        return { kind: 'paren', pipeline: this.statement(node) };
      case 'simple_name':
        return { kind: 'string', value: this.text(node) };
      case 'command_name':
        if (node.children.length === 0) return { kind: 'bareword', value: this.text(node) };
        return this.unsupported(node);
      case 'ERROR':
        return this.syntaxError(node, `Unexpected token '${this.text(node).split('\n')[0]}' in expression or statement.`);
      default:
        return this.unsupported(node, `The expression '${this.text(node).slice(0, 40)}'`);
    }
  }

  memberAccess(node: Node): Expr {
    const [target, operator, member] = node.children;
    if (!target || !operator || !member) return this.unsupported(node, 'This member access');
    return { kind: 'member', target: this.expr(target), name: this.memberName(member), isStatic: operator.type === '::' };
  }

  memberName(node: Node): Expr {
    const inner = unwrap(node);
    if (inner.type === 'simple_name') return { kind: 'string', value: this.text(inner) };
    return this.expr(inner);
  }

  invocation(node: Node): Expr {
    const [target, operator, member, argumentList] = node.children;
    if (!target || !operator || !member || !argumentList) return this.unsupported(node, 'This method call');
    const args = this.argumentListItems(argumentList);
    return { kind: 'invoke', target: this.expr(target), name: this.memberName(member), isStatic: operator.type === '::', args, position: this.position(node) };
  }

  argumentListItems(argumentList: Node): Expr[] {
    const listNode = argumentList.children.find((child) => child.named);
    if (!listNode) return [];
    const list = unwrap(listNode);
    return list.type === 'argument_expression_list'
      ? list.children.filter((child) => child.type !== ',').map((child) => this.expr(child))
      : [this.expr(list)];
  }

  hashtable(node: Node, ordered: boolean): Expr {
    const entries: { key: Expr; value: Statement }[] = [];
    const body = node.children.find((child) => child.type === 'hash_literal_body');
    const entryNodes = body ? body.children : node.children.filter((child) => child.type === 'hash_entry');
    for (const entry of entryNodes) {
      if (entry.type !== 'hash_entry') continue;
      const named = entry.children.filter((child) => child.type !== '=' && child.type !== ';' && child.type !== 'empty_statement');
      const [keyNode, valueNode] = named;
      if (!keyNode || !valueNode) return this.unsupported(entry, 'This hashtable entry');
      const keyInner = unwrap(keyNode);
      const key: Expr = keyInner.type === 'simple_name' ? { kind: 'string', value: this.text(keyInner) } : this.expr(keyInner);
      entries.push({ key, value: this.statement(valueNode) });
    }
    return { kind: 'hashtable', entries, ordered };
  }

  typeName(node: Node): string {
    return this.text(node).replace(/^\[|\]$/g, '').trim();
  }

  /**
   * PowerShell's tokenizer treats ' ‘ ’ ‚ ‛ all as single quotes: a doubled one is one literal
   * quote, a lone one ends the string. The grammar only knows the ASCII quote, so a lone
   * typographic quote inside is a string that PowerShell would have ended early: a syntax error.
   */
  verbatimString(node: Node): string {
    const raw = this.text(node);
    const inner = raw.slice(1, -1);
    // Most strings hold no quote at all: keep the slice (building char by char makes long ropes).
    if (!/['\u2018\u2019\u201a\u201b]/.test(inner)) return inner;
    let value = '';
    for (let index = 0; index < inner.length; index++) {
      const char = inner[index]!;
      if (SINGLE_QUOTES.has(char)) {
        const next = inner[index + 1];
        if (next !== undefined && SINGLE_QUOTES.has(next)) {
          value += next;
          index++;
          continue;
        }
        const offset = node.start + 1 + index;
        throw new ParseError(
          `Unexpected token '${inner.slice(index + 1).split(/\s/)[0] ?? ''}' in expression or statement. (The quote character '${char}' ends the string.)`,
          this.file,
          this.positionAt(offset, 1),
        );
      }
      value += char;
    }
    return value;
  }

  expandableString(node: Node): Expr {
    const raw = this.text(node);
    const isHere = node.type === 'expandable_here_string_literal';
    const bodyStart = isHere ? raw.indexOf('\n') + 1 : 1;
    let bodyEnd = isHere ? raw.lastIndexOf('\n') : raw.length - 1;
    // A here-string's body ends before the line break that precedes its closing `"@`: in a file
    // with CRLF line endings that break is two characters. Only this source CR is dropped; a CR
    // written as the escape `r (or any CR inside the body) is part of the value.
    if (isHere && raw[bodyEnd - 1] === '\r') bodyEnd--;
    const absoluteStart = node.start + bodyStart;
    const absoluteEnd = node.start + Math.max(bodyStart, bodyEnd);
    const parts: (string | Expr)[] = [];
    let cursor = absoluteStart;
    const pushLiteral = (from: number, to: number) => {
      if (to > from) parts.push(unescapeDoubleQuoted(this.source.slice(from, to), !isHere));
    };
    for (const child of node.children) {
      if (child.type !== 'variable' && child.type !== 'sub_expression' && child.type !== 'braced_variable') continue;
      if (child.start < absoluteStart || child.end > absoluteEnd) continue;
      pushLiteral(cursor, child.start);
      parts.push(this.expr(child));
      cursor = child.end;
    }
    pushLiteral(cursor, absoluteEnd);
    if (parts.every((part) => typeof part === 'string')) return { kind: 'string', value: parts.join('') };
    return { kind: 'expandable', parts };
  }
}

/**
 * Grammar quirk: a parameter name ending in digits (-CustomAttribute1) is read as a parameter
 * followed by a redirection of stream 1, and the error recovery that follows is slow. The parser
 * gets a copy of the source in which such digits are letters (same length, so every position
 * still maps to the original), and all text is read from the original.
 */
function maskForGrammar(source: string): string {
  return maskBarewordLists(maskParameterDigits(source));
}

/**
 * Grammar quirk: a bareword list in argument mode (`Select-Object Name, Alias`) is a syntax error
 * to the grammar, while `Name ,Alias` parses as two tokens. Swapping the comma and the blanks keeps
 * every position; the converter reads such ",Alias" tokens (from the masked copy) as list items.
 */
function maskBarewordLists(source: string): string {
  return source.replace(/(?<=[A-Za-z0-9_*?'"]),([ \t]+)(?=[A-Za-z*?])/g, (_match, blanks: string) => `${blanks},`);
}

/**
 * Grammar quirk: an empty script block (`{}`, `{ }`) is missing a statement to the grammar, whose
 * error recovery then reads the script wrongly once there are a few of them. The grammar gets `{;}`
 * (an empty statement) instead: this adds characters, so the positions where `;` was inserted are
 * returned, to map the tree's positions back to the source. `@{}` (a hashtable) is left alone;
 * inside strings and comments the insertion changes nothing, as all text is read from the source.
 */
function insertEmptyBlockStatements(masked: string): { text: string; inserted: number[] } {
  const inserted: number[] = [];
  const text = masked.replace(/(?<![@$])\{([ \t]*)\}/g, (_match: string, blanks: string, offset: number) => {
    // The position of the inserted ';' in the new text.
    inserted.push(offset + 1 + blanks.length + inserted.length);
    return `{${blanks};}`;
  });
  return { text, inserted };
}

/** Maps a position in the text with insertions back to the source: inserted characters have no width. */
function sourcePosition(inserted: number[]): ((index: number) => number) | null {
  if (inserted.length === 0) return null;
  return (index) => {
    // How many insertions lie before index (binary search: the list is sorted).
    let low = 0;
    let high = inserted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (inserted[middle]! < index) low = middle + 1;
      else high = middle;
    }
    return index - low;
  };
}

function maskParameterDigits(source: string): string {
  return source.replace(/(?<=[\s(;{|])-[A-Za-z][A-Za-z_]*\d+(?=[\s:)};|]|$)/g, (token) => token.replace(/\d/g, (digit) => String.fromCharCode(97 + Number(digit))));
}

function markRepaired(node: Node): void {
  if (node.missing || node.type === 'ERROR') node.repaired = true;
  for (const child of node.children) markRepaired(child);
}

function variableName(text: string): { name: string; scope: 'local' | 'env' | 'script' | 'global' } {
  let name = text.replace(/^[$@]/, '');
  if (name.startsWith('{') && name.endsWith('}')) name = name.slice(1, -1);
  const colon = name.indexOf(':');
  if (colon > 0) {
    const prefix = name.slice(0, colon).toLowerCase();
    const rest = name.slice(colon + 1);
    if (prefix === 'env') return { name: rest, scope: 'env' };
    if (prefix === 'script') return { name: rest.toLowerCase(), scope: 'script' };
    if (prefix === 'global') return { name: rest.toLowerCase(), scope: 'global' };
    if (prefix === 'local' || prefix === 'private') return { name: rest.toLowerCase(), scope: 'local' };
  }
  return { name: name.toLowerCase(), scope: 'local' };
}

function parseNumber(text: string, fail: () => never): number {
  const match = /^(0x[0-9a-f]+|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)([ld]?)(kb|mb|gb|tb|pb)?$/i.exec(text);
  if (!match) return fail();
  const base = match[1]!.toLowerCase().startsWith('0x') ? Number.parseInt(match[1]!, 16) : Number(match[1]);
  const multipliers: Record<string, number> = { kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3, tb: 1024 ** 4, pb: 1024 ** 5 };
  return base * (match[3] ? multipliers[match[3].toLowerCase()]! : 1);
}

function hereStringBody(raw: string): string {
  const start = raw.indexOf('\n') + 1;
  const end = raw.lastIndexOf('\n');
  return end >= start ? raw.slice(start, end).replace(/\r$/, '') : '';
}

const BACKTICK_ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', e: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function unescapeDoubleQuoted(text: string, collapseDoubledQuotes: boolean): string {
  if (!/[`"\u201c\u201d\u201e]/.test(text)) return text;
  let value = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '`' && index + 1 < text.length) {
      const next = text[++index]!;
      if (next === 'u' && text[index + 1] === '{') {
        const close = text.indexOf('}', index);
        value += String.fromCodePoint(Number.parseInt(text.slice(index + 2, close), 16));
        index = close;
        continue;
      }
      value += BACKTICK_ESCAPES[next] ?? next;
      continue;
    }
    if (collapseDoubledQuotes && DOUBLE_QUOTES.has(char) && DOUBLE_QUOTES.has(text[index + 1] ?? '')) {
      value += text[++index]!;
      continue;
    }
    value += char;
  }
  return value;
}

function describeProblem(node: Node, source: string): string {
  if (node.missing) {
    const expected = node.type;
    if (expected === '}') return "Missing closing '}' in statement block or type definition.";
    if (expected === ')') return "Missing closing ')' in expression.";
    if (expected === ']') return "Missing ']' after array index expression.";
    if (expected === "'" || expected === '"') return `The string is missing the terminator: ${expected}.`;
    return `Missing '${expected}' in statement.`;
  }
  const text = source.slice(node.start, node.end).trim();
  const firstChar = text[0] ?? '';
  if (SINGLE_QUOTES.has(firstChar) || DOUBLE_QUOTES.has(firstChar)) return `The string is missing the terminator: ${firstChar}.`;
  if (text.startsWith('{') || text.endsWith('{')) return "Missing closing '}' in statement block or type definition.";
  const token = text.split(/\s+/)[0] ?? text;
  return `Unexpected token '${token}' in expression or statement.`;
}

export interface ParseOptions {
  /** Filled in with where parsing took its time: the grammar (tree-sitter), then copying its tree into the AST. */
  stats?: { grammarMs?: number; convertMs?: number; /** 1 when the text was parsed whole. */ pieces?: number };
  /** Walk the tree through web-tree-sitter's public TreeCursor even when the raw binding is there (tests compare the two). */
  publicCursor?: boolean;
  /** The size of the pieces a long script is parsed in (tests make it small). */
  pieceChars?: number;
}

export interface ParsedScript {
  file: string;
  body: Statement[];
}

/**
 * A long script is parsed in pieces of about this many characters, each ending between two
 * top-level statements: the grammar's tree of a 50,000-line script takes some 350 MB of WebAssembly
 * memory (which is never given back), a piece's tree a few MB, and smaller trees parse faster.
 */
const PIECE_CHARS = 128 * 1024;

/** A line that may start a top-level statement: a command (Verb-Noun) or a variable, in the first column. */
const STATEMENT_START = /\$[A-Za-z_]|[A-Za-z]+-[A-Za-z]/y;
/** What the line before must end with: a word, a number, a quote or a closing bracket (no continuation: no backtick, operator, comma, pipe or open bracket). */
const STATEMENT_END = /[A-Za-z0-9_'")}\]]/;

/**
 * Where the pieces of the grammar's text start. A piece ends where a top-level statement may start
 * (see STATEMENT_START, STATEMENT_END); whether it really does is known only from the grammar: a
 * piece cut inside a construct (a block, a bracket, a string, a here-string, a comment, a continued
 * line) does not parse cleanly, and then the whole text is parsed at once instead (parseScript).
 */
function pieceStarts(text: string, size: number): number[] {
  const starts = [0];
  let from = size;
  while (from < text.length) {
    let found = -1;
    let lineStart = text.indexOf('\n', from - 1) + 1;
    while (lineStart > 0 && lineStart < text.length) {
      STATEMENT_START.lastIndex = lineStart;
      if (STATEMENT_START.test(text)) {
        let end = lineStart - 1;
        while (end > 0 && /\s/.test(text[end - 1]!)) end--;
        if (end === 0 || STATEMENT_END.test(text[end - 1]!)) {
          found = lineStart;
          break;
        }
      }
      lineStart = text.indexOf('\n', lineStart) + 1;
    }
    if (found < 0) break;
    starts.push(found);
    from = found + size;
  }
  return starts;
}

interface Conversion {
  body: Statement[];
  conversionError: unknown;
  /** ERROR and MISSING nodes (looked for only when a tree has any). */
  problems: Node[];
}

interface GrammarRun {
  parser: Parser;
  raw: RawBinding | null;
  converter: Converter;
  toSource: ((index: number) => number) | null;
  grammarMs: number;
  convertMs: number;
}

/**
 * Parses text (the grammar's text from offset on) and converts its top-level statements into the
 * conversion, one at a time, so a long script never holds its whole concrete tree in JavaScript
 * objects at once. A piece (not the whole text) whose tree has errors is not converted: false.
 */
function convertText(run: GrammarRun, text: string, offset: number, whole: boolean, conversion: Conversion): boolean {
  const grammarStarted = performance.now();
  const tree = run.parser.parse(text);
  if (!tree) throw new Error('tree-sitter returned no tree');
  const convertStarted = performance.now();
  run.grammarMs += convertStarted - grammarStarted;
  const { converter } = run;
  const convert = (node: Node) => {
    if (conversion.conversionError) return;
    try {
      if (node.type === 'param_block') converter.unsupported(node, 'A script-level param() block');
      else if (node.type !== 'empty_statement') conversion.body.push(...converter.statementList(node));
    } catch (error) {
      conversion.conversionError = error;
    }
  };
  try {
    const hasError = tree.rootNode.hasError;
    if (hasError && !whole) return false;
    // Nothing else may use the binding while the raw walker holds the cursor in its transfer buffer.
    const cursor = tree.walk();
    const walker = run.raw ? rawWalker(run.raw, tree, cursor) : publicWalker(cursor);
    const language = tree.language;
    const context: CopyContext = {
      walker,
      types: language.types,
      fields: language.fields,
      named: new Uint8Array(65536),
      problems: hasError ? conversion.problems : null,
      offset,
      allFields: run.raw === null,
      stack: [],
      toSource: run.toSource,
    };
    try {
      if (walker.firstChild()) {
        do {
          const typeId = walker.typeId();
          const type = typeName(context, typeId);
          if (type === 'comment') continue;
          if (type === 'statement_list' && walker.firstChild()) {
            do {
              const childType = walker.typeId();
              if (typeName(context, childType) !== 'comment') convert(copySubtree(context, childType));
            } while (walker.nextSibling());
            walker.parent();
          } else convert(copySubtree(context, typeId));
        } while (walker.nextSibling());
      }
    } finally {
      walker.delete();
    }
    return true;
  } finally {
    tree.delete();
    run.convertMs += performance.now() - convertStarted;
  }
}

/** Parses a whole script. Throws ParseError for syntax errors, NotSupportedError for constructs the interpreter lacks. */
export async function parseScript(source: string, file: string, options: ParseOptions = {}): Promise<ParsedScript> {
  const { parser, raw } = await loadParser();
  const masked = maskForGrammar(source);
  const { text: grammarText, inserted } = insertEmptyBlockStatements(masked);
  const converter = new Converter(source, file, masked);
  const run: GrammarRun = { parser, raw: options.publicCursor ? null : raw, converter, toSource: sourcePosition(inserted), grammarMs: 0, convertMs: 0 };
  let conversion: Conversion | null = null;
  const starts = pieceStarts(grammarText, options.pieceChars ?? PIECE_CHARS);
  if (starts.length > 1) {
    conversion = { body: [], conversionError: undefined, problems: [] };
    for (let index = 0; index < starts.length && conversion; index++) {
      const piece = grammarText.slice(starts[index], starts[index + 1] ?? grammarText.length);
      if (!convertText(run, piece, starts[index]!, false, conversion)) conversion = null;
    }
  }
  let pieces = starts.length;
  // One piece, or a cut that was not between two statements: the whole text at once.
  if (!conversion) {
    pieces = 1;
    conversion = { body: [], conversionError: undefined, problems: [] };
    convertText(run, grammarText, 0, true, conversion);
  }
  if (options.stats) Object.assign(options.stats, { grammarMs: run.grammarMs, convertMs: run.convertMs, pieces });
  const unrepaired = conversion.problems.filter((problem) => !problem.repaired);
  if (unrepaired.length > 0) {
    const first = unrepaired.reduce((earliest, problem) => (problem.start < earliest.start ? problem : earliest));
    throw new ParseError(describeProblem(first, source), file, converter.position(first));
  }
  if (conversion.conversionError) throw conversion.conversionError;
  return { file, body: conversion.body };
}
