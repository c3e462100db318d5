// Configuration discovery through the CLI, run in-process: what validate, plan, export and apply say
// about a repository that holds other YAML, and about one with no exo-gitops documents at all; and
// the editor schemas, which must leave other YAML alone.

import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { run } from '../../src/cli/program.js';
import { makeTempDir, removeTempDirs } from '../fixtures/repo.js';
import { FOREIGN } from '../fixtures/foreign-yaml.js';

afterAll(removeTempDirs);

const EXAMPLE = fileURLToPath(new URL('../../examples/contoso-northwind/', import.meta.url));

async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(args, { cwd, env: { NO_COLOR: '1', CI: '1' }, color: false, interactive: false, stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** A temp directory holding a copy of `from` (if given) and these files. */
function dirWith(files: Record<string, string>, from?: string): string {
  const dir = makeTempDir();
  if (from !== undefined) cpSync(from, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

const SKIPPED = ['.gitlab-ci.yml', '.pre-commit-config.yaml', 'docker-compose.yml', 'docs/dependabot.yml', 'k8s/capsule-tenant.yaml', 'k8s/gitops-set.yaml', 'mkdocs.yml'];

describe('validate', () => {
  it('the example with other tools\' YAML beside it is valid, and says which files it skipped', async () => {
    const dir = dirWith(FOREIGN, EXAMPLE);
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout.split('\n')).toEqual([
      `skipped 7 files that hold no exo-gitops documents: ${SKIPPED.join(', ')}`,
      'valid: 5 files, 12 resources, 0 errors, 0 warnings',
    ]);
    expect(r.stderr).toBe('');
  });

  it('--format json lists the skipped files and keeps every field of formatVersion 1', async () => {
    const dir = dirWith(FOREIGN, EXAMPLE);
    const r = await cli(['validate', '--dir', '.', '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(out).toEqual({ formatVersion: 1, valid: true, files: 5, resources: 12, rulesRan: true, errors: 0, warnings: 0, findings: [], skipped: SKIPPED });
  });

  it('the example alone skips nothing and prints no skipped line', async () => {
    const r = await cli(['validate', '--dir', EXAMPLE], EXAMPLE);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('valid: 5 files, 12 resources, 0 errors, 0 warnings');
  });

  it('a misspelt apiVersion is an error at its file:line:column', async () => {
    const tenants = readFileSync(join(EXAMPLE, 'tenants.yaml'), 'utf8');
    const bad = tenants.replace('apiVersion: exo.gitops/v1alpha1', 'apiVersion: exo.gitop/v1alpha1');
    const line = bad.slice(0, bad.indexOf('exo.gitop/')).split('\n').length;
    const dir = dirWith({ 'tenants.yaml': bad, 'mkdocs.yml': FOREIGN['mkdocs.yml']! }, EXAMPLE);
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`tenants.yaml:${line}:13: error UnknownApiVersion: unknown apiVersion "exo.gitop/v1alpha1"`);
    expect(r.stdout).toContain('skipped 1 file that holds no exo-gitops documents: mkdocs.yml');
    expect(r.stdout).toMatch(/^invalid: 5 files, \d+ resources, 1 error, 0 warnings \(cross-resource rules run once every document loads\)$/m);
  });

  it('a bad settings file is an error at its place, exit 1', async () => {
    const dir = dirWith({ 'exo-gitops.yaml': 'include: [tenants.yaml]\nexclude: tenants.yaml\n' }, EXAMPLE);
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('exo-gitops.yaml:2:10: error InvalidSettings: exclude must be a list of globs, got text');
  });

  it('include and exclude decide what is read', async () => {
    const dir = dirWith({ 'exo-gitops.yaml': 'exclude: [northwind/batches.yaml, "docs/**"]\n', 'docs/broken.yaml': 'apiVersion: exo.gitops/v1alpha1\nkind: [\n' }, EXAMPLE);
    const r = await cli(['validate', '--dir', '.'], dir);
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toBe('valid: 4 files, 12 resources, 0 errors, 0 warnings');
  });
});

describe('a directory with no exo-gitops documents', () => {
  const NONE = { 'mkdocs.yml': FOREIGN['mkdocs.yml']!, 'docker-compose.yml': FOREIGN['docker-compose.yml']! };

  it('validate says so, exit 1', async () => {
    const dir = dirWith(NONE);
    const r = await cli(['validate'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n')).toEqual([
      'exo-gitops: error NoDocuments: no exo-gitops documents found under . (2 YAML files skipped)',
      '  hint: Every exo-gitops document starts with apiVersion: exo.gitops/v1alpha1 and a kind; YAML files without one are skipped. Check --dir, and include and exclude in exo-gitops.yaml.',
      'skipped 2 files that hold no exo-gitops documents: docker-compose.yml, mkdocs.yml',
      'invalid: 0 files, 0 resources, 1 error, 0 warnings',
    ]);
  });

  it('an empty folder too, in text and JSON', async () => {
    const dir = makeTempDir();
    const text = await cli(['validate', '--dir', '.'], dir);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('error NoDocuments: no exo-gitops documents found under . (0 YAML files skipped)');
    const json = await cli(['validate', '--dir', '.', '-f', 'json'], dir);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      formatVersion: 1,
      valid: false,
      files: 0,
      resources: 0,
      rulesRan: false,
      errors: 1,
      warnings: 0,
      findings: [{ code: 'NoDocuments', severity: 'error', message: 'no exo-gitops documents found under . (0 YAML files skipped)' }],
      skipped: [],
    });
  });

  it('plan, export and apply say the same and do nothing, exit 1', async () => {
    const dir = dirWith(NONE);
    const line = 'exo-gitops: error NoDocuments: no exo-gitops documents found under . (2 YAML files skipped)';
    const plan = await cli(['plan', '--state', 'state'], dir);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toContain(line);
    expect(plan.stderr.split('\n').at(-1)).toBe('plan: no exo-gitops documents found; nothing to plan');
    const exported = await cli(['export', '--state', 'state'], dir);
    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain(line);
    expect(exported.stderr.split('\n').at(-1)).toBe('export: no exo-gitops documents found; nothing was exported');
    const apply = await cli(['apply', '--state', 'state', '--yes'], dir);
    expect(apply.code).toBe(1);
    expect(apply.stderr).toContain(line);
    expect(apply.stderr.split('\n').at(-1)).toBe('apply: no exo-gitops documents found; nothing was changed');
    expect(readdirSync(dir).sort()).toEqual(['docker-compose.yml', 'mkdocs.yml']);
  });
});

describe('schema --out: the editor schemas', () => {
  async function schemas(): Promise<Ajv> {
    const out = join(makeTempDir(), 'schemas');
    const r = await cli(['schema', '--out', out], out);
    expect(r.code, r.stderr).toBe(0);
    const ajv = new Ajv({ allErrors: true, strict: false });
    for (const name of readdirSync(out)) ajv.addSchema(JSON.parse(readFileSync(join(out, name), 'utf8')) as object);
    return ajv;
  }

  it('exo-gitops.schema.json accepts every document of other tools as it is, so it may be mapped onto every YAML file', async () => {
    const combined = (await schemas()).getSchema('exo-gitops.schema.json')!;
    for (const [name, text] of Object.entries(FOREIGN)) {
      // mkdocs' !!python/name tags read as text, as an editor reads them.
      for (const doc of parseAllDocuments(text)) {
        const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
        expect(combined(value), `${name}: ${JSON.stringify(combined.errors)}`).toBe(true);
      }
    }
    for (const value of [['a', 'list'], 'text', 42, null, { apiVersion: 'v1', kind: 'ConfigMap' }]) expect(combined(value), JSON.stringify(value)).toBe(true);
  });

  it('and flags documents that claim to be ours but are wrong', async () => {
    const combined = (await schemas()).getSchema('exo-gitops.schema.json')!;
    const tenant = { kind: 'Tenant', metadata: { name: 'fabrikam' }, spec: { tenantId: '11111111-1111-4111-8111-111111111111', organization: 'fabrikam.onmicrosoft.com', connection: { accessTokenEnv: 'T' } } };
    expect(combined({ apiVersion: 'exo.gitops/v1alpha1', ...tenant }), JSON.stringify(combined.errors)).toBe(true);
    for (const apiVersion of ['exo.gitop/v1alpha1', 'Exo.Gitops/v1alpha1', 'exo-gitops/v1alpha1', 'exo.gitops/v1alpha2']) {
      expect(combined({ apiVersion, ...tenant }), apiVersion).toBe(false);
    }
    expect(combined(tenant), 'a kind of ours without apiVersion').toBe(false);
    expect(combined({ apiVersion: 'exo.gitops/v1alpha1', ...tenant, kind: 'Tennant' })).toBe(false);
  });

  it('exo-gitops-settings.schema.json describes the settings file', async () => {
    const settings = (await schemas()).getSchema('exo-gitops-settings.schema.json')!;
    expect(settings({ include: ['tenants/**'], exclude: ['docs/**', '**/compose*.yml'] })).toBe(true);
    expect(settings({})).toBe(true);
    expect(settings({ excludes: ['docs/**'] })).toBe(false);
    expect(settings({ include: 'docs/**' })).toBe(false);
    expect(settings({ exclude: [''] })).toBe(false);
  });
});
