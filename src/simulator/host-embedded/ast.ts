// The simulator's own syntax tree: plain objects built once from the tree-sitter tree, so the
// interpreter never goes back to the WebAssembly parser while it runs.

export interface Position {
  line: number; // 1-based
  column: number; // 1-based
  /** The source line's text, for error records. */
  lineText: string;
  /** Length of the underlined extent on that line. */
  length: number;
}

export type Expr =
  | { kind: 'string'; value: string }
  | { kind: 'expandable'; parts: (string | Expr)[] }
  | { kind: 'number'; value: number }
  | { kind: 'variable'; name: string; scope: 'local' | 'env' | 'script' | 'global'; position: Position }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'arrayExpression'; body: Statement[] }
  | { kind: 'subExpression'; body: Statement[] }
  | { kind: 'paren'; pipeline: Statement }
  | { kind: 'hashtable'; entries: { key: Expr; value: Statement }[]; ordered: boolean }
  | { kind: 'scriptBlock'; block: ScriptBlockAst }
  | { kind: 'member'; target: Expr; name: Expr; isStatic: boolean }
  | { kind: 'invoke'; target: Expr; name: Expr; isStatic: boolean; args: Expr[]; position: Position }
  | { kind: 'index'; target: Expr; index: Expr }
  | { kind: 'cast'; typeName: string; operand: Expr; position: Position }
  | { kind: 'type'; typeName: string; position: Position }
  | { kind: 'unary'; operator: string; operand: Expr }
  | { kind: 'binary'; operator: string; left: Expr; right: Expr; position: Position }
  | { kind: 'increment'; target: Expr; delta: 1 | -1; prefix: boolean }
  | { kind: 'range'; from: Expr; to: Expr }
  | { kind: 'bareword'; value: string };

export interface CommandParameterArgument {
  kind: 'parameter';
  /** As written, without the dash. */
  name: string;
  /** Present for -Name:value. */
  value?: Expr;
  position: Position;
}

export type CommandArgument = CommandParameterArgument | { kind: 'argument'; value: Expr; splat?: boolean };

export interface CommandAst {
  kind: 'command';
  /** Literal command name, or an expression for `& $scriptBlock`. */
  name: string | Expr;
  invocationOperator: '&' | '.' | null;
  args: CommandArgument[];
  position: Position;
}

export type PipelineElement = CommandAst | { kind: 'expression'; expr: Expr };

export interface ScriptBlockAst {
  params: ParameterAst[];
  body: Statement[];
  text: string;
}

export interface ParameterAst {
  name: string;
  typeName: string | null;
  defaultValue: Expr | null;
}

export interface CatchClause {
  typeNames: string[];
  body: Statement[];
}

export type Statement =
  | { kind: 'pipeline'; elements: PipelineElement[]; position: Position }
  | { kind: 'assignment'; target: Expr; operator: string; value: Statement; position: Position }
  | { kind: 'if'; clauses: { condition: Statement; body: Statement[] }[]; elseBody: Statement[] | null }
  | { kind: 'foreach'; variable: string; collection: Statement; body: Statement[] }
  | { kind: 'while'; condition: Statement; body: Statement[] }
  | { kind: 'doWhile'; condition: Statement; body: Statement[]; until: boolean }
  | { kind: 'for'; init: Statement | null; condition: Statement | null; iterator: Statement | null; body: Statement[] }
  | { kind: 'break' }
  | { kind: 'continue' }
  | { kind: 'return'; value: Statement | null }
  | { kind: 'exit'; value: Statement | null }
  | { kind: 'throw'; value: Statement | null; position: Position }
  | { kind: 'try'; body: Statement[]; catches: CatchClause[]; finallyBody: Statement[] | null }
  | { kind: 'function'; name: string; block: ScriptBlockAst };
