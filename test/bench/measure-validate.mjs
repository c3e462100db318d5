// Child process for one measurement, so peak RSS belongs to that step alone. Prints one JSON line.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const [mode, dir] = process.argv.slice(2);
const started = performance.now();
let detail = {};
if (mode === 'parse') {
  // The physical floor: read and parse the same YAML, nothing else.
  const { listYamlFiles } = await import('../../dist/load/load.js');
  let documents = 0;
  for (const file of listYamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) { doc.toJS(); documents++; }
  }
  detail = { documents };
} else if (mode === 'floor') {
  // The floor of plan: read and parse the same YAML and the same snapshot JSON, nothing else (not even
  // the tool's own modules, so their load time counts against the tool).
  const { readdirSync } = await import('node:fs');
  const listYamlFiles = (d) => readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => (e.isDirectory() ? listYamlFiles(`${d}/${e.name}`) : /\.ya?ml$/i.test(e.name) ? [`${d}/${e.name}`] : []));
  const stateDir = process.argv[4];
  // The fastest parser the tool itself uses for YAML values (js-yaml, YAML 1.2 core schema), so the
  // ratio measures the tool's own overhead, not a slower parser's.
  const { default: jsyaml } = await import('js-yaml');
  let documents = 0;
  for (const file of listYamlFiles(dir)) {
    jsyaml.loadAll(readFileSync(file, 'utf8'), () => { documents++; }, { schema: jsyaml.CORE_SCHEMA });
  }
  // The snapshots as the fastest plain reading of their layout allows: a whole JSON document with one
  // JSON.parse; lines (as export writes them) read as bytes in 8 MiB chunks, each line one JSON.parse.
  let snapshots = 0;
  let objects = 0;
  const { openSync, readSync, closeSync } = await import('node:fs');
  for (const tenant of ['contoso', 'northwind']) {
    const file = `${stateDir}/${tenant}.json`;
    const headFd = openSync(file, 'r');
    const headBytes = Buffer.alloc(200);
    const head = headBytes.toString('utf8', 0, readSync(headFd, headBytes, 0, 200, 0));
    closeSync(headFd);
    if (!head.startsWith('{"format":"exo-gitops/snapshot-lines"')) {
      JSON.parse(readFileSync(file, 'utf8'));
    } else {
      const fd = openSync(file, 'r');
      const chunk = Buffer.allocUnsafe(8 << 20);
      let carry = Buffer.alloc(0);
      for (;;) {
        const read = readSync(fd, chunk, 0, chunk.length, null);
        const buffer = carry.length ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
        let start = 0;
        for (let nl = buffer.indexOf(10, start); nl !== -1; nl = buffer.indexOf(10, start)) {
          JSON.parse(buffer.toString('utf8', start, nl));
          objects++;
          start = nl + 1;
        }
        carry = Buffer.from(buffer.subarray(start));
        if (read === 0) break;
      }
      closeSync(fd);
    }
    snapshots++;
  }
  detail = { documents, snapshots, objects };
} else if (mode === 'validate') {
  const { validateDirectory } = await import('../../dist/validate/validate.js');
  const result = validateDirectory(dir, { cwd: dir });
  detail = { findings: result.findings.length, mailUsers: result.desired.mailUsers.length };
} else if (mode === 'alias-bomb') {
  const { parseYamlFile } = await import('../../dist/load/yaml-source.js');
  const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 9; i++) levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
  const result = parseYamlFile('bomb.yaml', levels.join('\n'));
  detail = { codes: result.findings.map((f) => f.code) };
}
const ms = performance.now() - started;
console.log(JSON.stringify({ mode, ms: Math.round(ms), maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), ...detail }));
