// The tree-sitter PowerShell grammar for tests, loaded once per worker (V8's baseline compiler only:
// its optimizing tier would spend seconds on the grammar's parse function).
import v8 from 'node:v8';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Language, Parser, type Node } from 'web-tree-sitter';

let parser: Promise<Parser> | undefined;

export function powershellParser(): Promise<Parser> {
  parser ??= (async () => {
    v8.setFlagsFromString('--liftoff-only');
    await Parser.init();
    const pkg = createRequire(import.meta.url).resolve('tree-sitter-powershell/package.json');
    const p = new Parser();
    p.setLanguage(await Language.load(join(dirname(pkg), 'tree-sitter-powershell.wasm')));
    return p;
  })();
  return parser;
}

/** Every ERROR or MISSING node of a parse, as "line:col type" strings (empty when the script parses). */
export function syntaxErrors(root: Node): string[] {
  const problems: string[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'ERROR' || node.isMissing) problems.push(`${node.startPosition.row + 1}:${node.startPosition.column + 1} ${node.type}`);
    for (const child of node.children) if (child) visit(child);
  };
  visit(root);
  return problems;
}
