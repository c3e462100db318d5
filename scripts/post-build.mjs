// tsc emits JavaScript only; make the package's executables executable so `npx exo-gitops` and
// a bare `dist/cli/main.js` both work after `npm run build`.
import { chmod, stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
for (const target of Object.values(pkg.bin ?? {})) {
  const file = new URL(`../${target}`, import.meta.url);
  try {
    await stat(file);
    await chmod(file, 0o755);
  } catch {
    // A bin whose stage is not built yet is not an error for the build itself.
  }
}
