// The built CLI, run as users run it: `node dist/cli/main.js …`. `npm test` builds first; run
// `npx tsc -p tsconfig.json` before running this file on its own.

import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RESOURCE_KINDS } from '../../src/model/desired.js';
import { makeTempDir, offsetOf, positionOf, removeTempDirs } from '../fixtures/repo.js';
import { replaceOnce } from '../support/edit.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = join(ROOT, 'dist/cli/main.js');
const EXAMPLE = join(ROOT, 'examples/contoso-northwind');

afterAll(removeTempDirs);

beforeAll(() => {
  if (!existsSync(MAIN)) {
    throw new Error(`${MAIN} is missing: build first (npm test does; or run npx tsc -p tsconfig.json)`);
  }
});

/** Run the CLI; every run is bounded by a timeout so a hang fails the test instead of the suite. */
async function cli(args: string[], cwd: string = ROOT) {
  const result = await execa('node', [MAIN, ...args], {
    cwd,
    reject: false,
    timeout: 30_000,
    env: { NO_COLOR: '1' },
  });
  expect(result.timedOut, `exo-gitops ${args.join(' ')} timed out`).toBe(false);
  return result;
}

/** A copy of the example in a temp directory, with one file edited. */
function exampleCopy(file: string, from: string, to: string): { dir: string; text: string } {
  const dir = makeTempDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  const path = join(dir, file);
  const original = readFileSync(path, 'utf8');
  const text = replaceOnce(original, from, to, { in: file });
  writeFileSync(path, text);
  return { dir, text };
}

describe('validate', () => {
  it('the example validates with exit 0', async () => {
    const r = await cli(['validate', '--dir', 'examples/contoso-northwind']);
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^valid: 5 files, 12 resources, 0 errors, 0 warnings$/m);
    expect(r.stderr).toBe('');
  });

  it("a relationship whose domainNames holds contoso.com exits 1 and prints that value's file:line:col", async () => {
    const file = 'northwind/migration.yaml';
    const { dir, text } = exampleCopy(file, "  partner: contoso                  # DomainNames: Contoso's tenant ID", '  domainNames: [contoso.com]');
    const { line, column } = positionOf(text, offsetOf(text, 'contoso.com]'));
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`${file}:${line}:${column}: error DomainNameNotGuid: DomainNames takes the partner's tenant ID, not a domain name: "contoso.com"`);
    expect(r.stdout).toContain('hint: contoso.com belongs to tenant contoso: write partner: contoso (tenant ID 6c7b4d2e-3f1a-4e8b-9c5d-2a1b3c4d5e6f).');
    expect(r.stdout).toMatch(/^invalid: 5 files, 12 resources, \d+ errors?, \d+ warnings?$/m);
  });

  it('--format json parses and carries formatVersion and positions', async () => {
    const file = 'northwind/migration.yaml';
    const { dir, text } = exampleCopy(file, "  partner: contoso                  # DomainNames: Contoso's tenant ID", '  domainNames: [contoso.com]');
    const { line, column } = positionOf(text, offsetOf(text, 'contoso.com]'));
    const r = await cli(['validate', '--dir', '.', '--format', 'json'], dir);
    expect(r.exitCode).toBe(1);
    const out = JSON.parse(r.stdout) as {
      formatVersion: number;
      valid: boolean;
      rulesRan: boolean;
      errors: number;
      findings: { code: string; severity: string; file?: string; line?: number; column?: number }[];
    };
    expect(out.formatVersion).toBe(1);
    expect(out.valid).toBe(false);
    expect(out.rulesRan).toBe(true);
    expect(out.errors).toBe(out.findings.filter((f) => f.severity === 'error').length);
    expect(out.findings).toContainEqual(expect.objectContaining({ code: 'DomainNameNotGuid', severity: 'error', file, line, column }));
    for (const f of out.findings) {
      expect(typeof f.file).toBe('string');
      expect(Number.isInteger(f.line) && Number.isInteger(f.column)).toBe(true);
    }
  });

  it('--format json of the valid example', async () => {
    const r = await cli(['validate', '--dir', 'examples/contoso-northwind', '-f', 'json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ formatVersion: 1, valid: true, files: 5, resources: 12, errors: 0, warnings: 0, findings: [] });
  });

  it('a YAML alias bomb is rejected with exit 1', async () => {
    const dir = makeTempDir();
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const prev = String.fromCharCode(96 + i);
      levels.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    // The last line makes the file ours: a file without an apiVersion of ours is skipped unread.
    writeFileSync(join(dir, 'bomb.yaml'), `${levels.join('\n')}\napiVersion: exo.gitops/v1alpha1\n`);
    const r = await cli(['validate', '--dir', dir]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`${join(dir, 'bomb.yaml')}:2:8: error YamlAliasLimit:`);
  });

  it('20 MB of [ exits 1 at once with FileTooLarge (it used to run for minutes and die out of memory)', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'big.yaml'), '['.repeat(20 * 1024 * 1024));
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('big.yaml:1:1: error FileTooLarge: the file is 20.0 MiB; a YAML file may hold at most 16 MiB');
  });

  it('nesting past 64 levels exits 1 with YamlNestingLimit where level 65 opens (the mapping is level 1)', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'deep.yaml'), `apiVersion: exo.gitops/v1alpha1\nkind: ${'['.repeat(1024 * 1024)}\n`);
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('deep.yaml:2:70: error YamlNestingLimit: collections nest more than 64 levels deep here');
  });

  it('a cyclic alias exits 1 with YamlAliasCycle at the alias', async () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'cycle.yaml'), 'apiVersion: exo.gitops/v1alpha1\nkind: Tenant\nmetadata: &m {name: x, self: *m}\n');
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain('cycle.yaml:3:30: error YamlAliasCycle: alias *m stands for a node that contains the alias itself');
  });

  it('a missing --dir directory exits 1 with a clear message', async () => {
    const r = await cli(['validate', '--dir', 'no/such/config']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout + r.stderr).toContain('config directory no/such/config does not exist or is not a directory');
  });

  it('an empty YAML file is a warning and still exits 0', async () => {
    const { dir } = exampleCopy('tenants.yaml', 'name: northwind', 'name: northwind');
    writeFileSync(join(dir, 'later.yaml'), '# resources to come\n');
    const r = await cli(['validate'], dir);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('later.yaml:1:1: warning EmptyFile: the file holds no YAML documents');
  });
});

describe('commands and options', () => {
  it('--version prints the package version and exits 0', async () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await cli(['--version']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim()).toBe(pkg.version);
  });

  it('--help, and --help for every command it lists, exit 0', async () => {
    const top = await cli(['--help']);
    expect(top.exitCode).toBe(0);
    const commands = [...top.stdout.split(/^Commands:$/m)[1]!.matchAll(/^ {2}([a-z][\w-]*)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['validate', 'schema']));
    for (const command of commands) {
      const r = await cli([command, '--help']);
      expect(r.exitCode, `${command} --help`).toBe(0);
      expect(r.stdout, `${command} --help`).toMatch(new RegExp(`^Usage: exo-gitops ${command} `, 'm'));
    }
  });

  it('an unknown command exits 1 and names it', async () => {
    const r = await cli(['vaildate']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("unknown command 'vaildate'");
  });

  it('an unknown option exits 1 and names it', async () => {
    const r = await cli(['validate', '--directory', '.']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("unknown option '--directory'");
  });

  it('an unknown --format value exits 1', async () => {
    const r = await cli(['validate', '--format', 'xml']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Allowed choices are text, json');
  });
});

describe('schema --out', () => {
  const kindFile = (kind: string): string => `${kind.toLowerCase()}.schema.json`;

  async function writeSchemas(): Promise<{ out: string; ajv: Ajv }> {
    const out = join(makeTempDir(), 'schemas');
    const r = await cli(['schema', '--out', out]);
    expect(r.exitCode, r.stderr).toBe(0);
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const name of readdirSync(out)) ajv.addSchema(JSON.parse(readFileSync(join(out, name), 'utf8')) as object);
    return { out, ajv };
  }

  const exampleDocuments = (): { file: string; value: { kind: string } }[] => {
    const docs: { file: string; value: { kind: string } }[] = [];
    const visit = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const full = join(dir, entry.name);
        // Like the loader: folders starting with "." (the example's .github/workflows) are not config.
        if (entry.isDirectory()) {
          if (!entry.name.startsWith('.')) visit(full);
        } else if (/\.ya?ml$/.test(entry.name)) {
          for (const d of parseAllDocuments(readFileSync(full, 'utf8'))) docs.push({ file: full, value: d.toJS() as { kind: string } });
        }
      }
    };
    visit(EXAMPLE);
    return docs;
  };

  it('writes one schema per kind plus exo-gitops.schema.json and the settings file\'s', async () => {
    const { out } = await writeSchemas();
    expect(readdirSync(out).sort()).toEqual([...RESOURCE_KINDS.map(kindFile), 'exo-gitops.schema.json', 'exo-gitops-settings.schema.json'].sort());
    for (const kind of RESOURCE_KINDS) {
      const schema = JSON.parse(readFileSync(join(out, kindFile(kind)), 'utf8')) as Record<string, unknown>;
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('the schemas accept every example document, by kind and through the combined schema', async () => {
    const { ajv } = await writeSchemas();
    const combined = ajv.getSchema('exo-gitops.schema.json')!;
    const docs = exampleDocuments();
    expect(docs).toHaveLength(13);
    for (const { file, value } of docs) {
      const byKind = ajv.getSchema(kindFile(value.kind))!;
      expect(byKind(value), `${file}: ${JSON.stringify(byKind.errors)}`).toBe(true);
      expect(combined(value), `${file}: ${JSON.stringify(combined.errors)}`).toBe(true);
    }
  });

  it('the schemas reject bad documents', async () => {
    const { ajv } = await writeSchemas();
    const combined = ajv.getSchema('exo-gitops.schema.json')!;
    const mailUser = exampleDocuments().find((d) => d.value.kind === 'MailUser')!.value as unknown as { spec: Record<string, unknown> };
    const bad: unknown[] = [
      { ...mailUser, spec: { ...mailUser.spec, exchangeGuid: 'not-a-guid' } },
      { ...mailUser, spec: { ...mailUser.spec, emailAdresses: [] } },
      { ...mailUser, kind: 'Mailbox' },
      { ...mailUser, apiVersion: 'exo.gitops/v1' },
    ];
    for (const value of bad) expect(combined(value), JSON.stringify(value).slice(0, 120)).toBe(false);
    expect(ajv.getSchema('mailuser.schema.json')!(bad[0])).toBe(false);
  });

  it('schema without --out exits 1', async () => {
    const r = await cli(['schema']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain("required option '-o, --out <dir>' not specified");
  });
});
