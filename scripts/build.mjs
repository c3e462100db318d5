#!/usr/bin/env node
// `npm run build`: tsc → dist/, then post-build.mjs (the executables' mode). With --if-changed
// (`prepare` and `npm test`), nothing is done when dist/ was built from exactly these sources, so
// `npm ci && npm test` compiles once, not twice, and `npm install github:OWNER/exo-gitops#TAG` (which
// runs `prepare` in its clone) builds the tool. What the build reads is hashed before compiling: every
// file under src/, tsconfig.json, package.json, this script and post-build.mjs, and the TypeScript
// version. The hash goes to dist/.build-inputs only after a build that succeeded, so a failed or
// interrupted build builds (and shows its errors) again next time.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-inputs');
const require = createRequire(import.meta.url);

function filesUnder(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...filesUnder(full));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}

function inputsHash() {
  const hash = createHash('sha256');
  const files = [...filesUnder(join(root, 'src')), ...['tsconfig.json', 'package.json', 'scripts/build.mjs', 'scripts/post-build.mjs'].map((f) => join(root, f))];
  for (const file of files.map((f) => relative(root, f).split('\\').join('/')).sort()) {
    const bytes = readFileSync(join(root, file));
    hash.update(`${file}\0${bytes.length}\0`).update(bytes);
  }
  hash.update(`typescript\0${require('typescript/package.json').version}`);
  return hash.digest('hex');
}

const inputs = inputsHash();
if (process.argv.includes('--if-changed') && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === inputs) {
  console.log('build: dist/ is up to date with src/ (npm run build compiles anyway)');
  process.exit(0);
}
rmSync(stamp, { force: true });
try {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts/post-build.mjs')], { cwd: root, stdio: 'inherit' });
} catch (error) {
  process.exit(typeof error.status === 'number' && error.status > 0 ? error.status : 1);
}
writeFileSync(stamp, `${inputs}\n`);
