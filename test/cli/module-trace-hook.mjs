// `node --import ./module-trace-hook.mjs …` with MODULE_TRACE_FILE set: every module the process loads
// is appended to that file, one per line (startup-modules.test.ts reads it). ES modules (and
// CommonJS ones imported from them) through a load hook; CommonJS modules that require() pulls in
// are not seen by hooks on Node 20, so the require cache is added when the process exits.
import { appendFileSync, writeFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

const file = process.env.MODULE_TRACE_FILE;
if (!file) throw new Error('module-trace-hook.mjs: set MODULE_TRACE_FILE');
writeFileSync(file, '');
const hooks = `
import { appendFileSync } from 'node:fs';
export async function load(url, context, nextLoad) {
  appendFileSync(${JSON.stringify(file)}, url + '\\n');
  return nextLoad(url, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hooks)}`);
const cache = createRequire(import.meta.url).cache;
process.on('exit', () => {
  const required = Object.keys(cache).map((path) => pathToFileURL(path).href);
  if (required.length > 0) appendFileSync(file, `${required.join('\n')}\n`);
});
