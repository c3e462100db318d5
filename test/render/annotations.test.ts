// Findings as GitHub Actions annotations (src/render/annotations.ts): GitHub's escaping, paths
// relative to the repository root, once each, and only under GITHUB_ACTIONS=true — in-process
// through the CLI (validate, plan) as a workflow step runs it.

import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/program.js';
import type { Finding } from '../../src/model/finding.js';
import { escapeAnnotationData, escapeAnnotationProperty, findingAnnotation, findingAnnotations } from '../../src/render/annotations.js';
import { makeTempDir, removeTempDirs } from '../fixtures/repo.js';
import { replaceOnce } from '../support/edit.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples/contoso-northwind');

afterAll(removeTempDirs);

/** GitHub's runner reverses the escaping like this (ActionCommand.Unescape in actions/runner). */
const unescape = (text: string): string => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

const finding = (overrides: Partial<Finding> = {}): Finding => ({
  code: 'UnknownPartner',
  severity: 'error',
  message: 'partner "contosso" names no Tenant',
  location: { file: 'northwind/migration.yaml', line: 12, column: 5 },
  ...overrides,
});

describe('escaping', () => {
  it("escapes as GitHub's toolkit does: % CR LF in a message; also : and , in a property", () => {
    expect(escapeAnnotationData('100% sure\r\nnext: a, b')).toBe('100%25 sure%0D%0Anext: a, b');
    expect(escapeAnnotationProperty('100% sure\r\nnext: a, b')).toBe('100%25 sure%0D%0Anext%3A a%2C b');
    expect(escapeAnnotationData('%0A')).toBe('%250A');
  });

  it('any text survives the round trip, and an escaped property never holds a raw separator', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(unescape(escapeAnnotationData(text))).toBe(text);
        const property = escapeAnnotationProperty(text);
        expect(unescape(property)).toBe(text);
        expect(property).not.toMatch(/[\r\n:,]/);
        expect(escapeAnnotationData(text)).not.toMatch(/[\r\n]/);
      }),
    );
  });
});

describe('findingAnnotation', () => {
  it('an error with its file position, the code as title, the hint on a second line', () => {
    const line = findingAnnotation(finding({ hint: 'partner names a Tenant document by its metadata.name.' }), { cwd: '/repo' });
    expect(line).toBe('::error file=northwind/migration.yaml,line=12,col=5,title=UnknownPartner::partner "contosso" names no Tenant%0Ahint: partner names a Tenant document by its metadata.name.');
  });

  it('a warning is ::warning; a finding without a file position is none', () => {
    expect(findingAnnotation(finding({ severity: 'warning' }), { cwd: '/repo' })).toMatch(/^::warning file=/);
    const { location: _, ...noLocation } = finding();
    expect(findingAnnotation(noLocation, { cwd: '/repo' })).toBeUndefined();
  });

  it('the file is relative to the repository root (GITHUB_WORKSPACE), not to the working directory', () => {
    const line = findingAnnotation(finding({ location: { file: 'migration.yaml', line: 1, column: 2 } }), { cwd: '/repo/config/northwind', workspace: '/repo' });
    expect(line).toMatch(/^::error file=config\/northwind\/migration\.yaml,line=1,col=2,/);
    const absolute = findingAnnotation(finding({ location: { file: '/repo/a, b: c.yaml', line: 1, column: 1 } }), { cwd: '/elsewhere', workspace: '/repo' });
    expect(absolute).toMatch(/^::error file=a%2C b%3A c\.yaml,line=1,col=1,title=/);
  });

  it('a file outside the repository: the annotation without a position', () => {
    expect(findingAnnotation(finding({ location: { file: '/tmp/x.yaml', line: 3, column: 1 } }), { cwd: '/repo', workspace: '/repo' })).toBe(
      '::error title=UnknownPartner::partner "contosso" names no Tenant',
    );
  });

  it('a message cannot end the command or start another: line breaks and invisible characters are escaped', () => {
    const line = findingAnnotation(finding({ message: 'bad\n::error::injected\r\u202Eevil, 50%' }), { cwd: '/repo' })!;
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toBe('::error file=northwind/migration.yaml,line=12,col=5,title=UnknownPartner::bad\\u000A::error::injected\\u000D\\u202Eevil, 50%25');
  });

  it('each distinct finding once, in order', () => {
    const a = finding();
    const b = finding({ severity: 'warning', code: 'EmptyFile', message: 'the file holds no YAML documents' });
    expect(findingAnnotations([a, b, a, { ...a }], { cwd: '/repo' })).toHaveLength(2);
    expect(findingAnnotations([a, b, a], { cwd: '/repo' })[1]).toMatch(/^::warning /);
  });
});

/** Run the CLI in-process, as a workflow step would under Actions (or not). */
async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exitCode = await run(args, { cwd, env: { NO_COLOR: '1', ...env }, stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l), color: false, interactive: false });
  return { exitCode, stdout: stdout.join('\n').split('\n'), stderr: stderr.join('\n').split('\n') };
}

const annotations = (lines: string[]): string[] => lines.filter((l) => /^::(error|warning) /.test(l));

/** The example in a repository-like temp folder (config under config/), one file edited. */
function brokenExample(): { workspace: string; config: string } {
  const workspace = makeTempDir();
  const config = join(workspace, 'config');
  cpSync(EXAMPLE, config, { recursive: true });
  const file = join(config, 'northwind/migration.yaml');
  writeFileSync(file, replaceOnce(readFileSync(file, 'utf8'), '  partner: contoso                  # RemoteTenant', '  partner: contosso                 # RemoteTenant', { in: 'northwind/migration.yaml' }));
  return { workspace, config };
}

describe('the CLI under GitHub Actions', () => {
  it('validate: each finding once as ::error on stdout, the file relative to GITHUB_WORKSPACE', async () => {
    const { workspace, config } = brokenExample();
    const r = await cli(['validate', '--dir', '.'], config, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace });
    expect(r.exitCode).toBe(1);
    const found = annotations(r.stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found).size).toBe(found.length);
    for (const line of found) expect(line).toMatch(/^::error file=config\/northwind\/migration\.yaml,line=\d+,col=\d+,title=[A-Za-z]+::/);
    expect(annotations(r.stderr)).toEqual([]);
  });

  it('validate --format json: the annotations go to stderr, stdout stays JSON', async () => {
    const { workspace, config } = brokenExample();
    const r = await cli(['validate', '--dir', '.', '--format', 'json'], config, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace });
    expect(() => JSON.parse(r.stdout.join('\n'))).not.toThrow();
    expect(annotations(r.stderr).length).toBeGreaterThan(0);
  });

  it('outside GitHub Actions (or GITHUB_ACTIONS other than true): no workflow command at all', async () => {
    const { workspace, config } = brokenExample();
    for (const env of [{}, { GITHUB_ACTIONS: 'false', GITHUB_WORKSPACE: workspace }]) {
      const r = await cli(['validate', '--dir', '.'], config, env);
      expect(r.exitCode).toBe(1);
      expect([...r.stdout, ...r.stderr].filter((l) => l.startsWith('::'))).toEqual([]);
    }
  });

  it("plan: the plan's findings with a file position as annotations; with --format markdown on stderr", async () => {
    const workspace = makeTempDir();
    cpSync(EXAMPLE, workspace, { recursive: true });
    const env = { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace };
    const text = await cli(['plan', '--dir', '.', '--state', 'state'], workspace, env);
    expect(text.exitCode).toBe(2);
    const found = annotations(text.stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found).size).toBe(found.length);
    for (const line of found) expect(line).toMatch(/^::(error|warning) file=[^,]+\.yaml,line=\d+,col=\d+,title=[A-Za-z]+::/);
    const markdown = await cli(['plan', '--dir', '.', '--state', 'state', '--format', 'markdown'], workspace, env);
    expect(annotations(markdown.stdout)).toEqual([]);
    expect(annotations(markdown.stderr)).toEqual(found);
  });

  it('plan with an invalid desired state: the validation findings as annotations', async () => {
    const { workspace, config } = brokenExample();
    const r = await cli(['plan', '--dir', 'config', '--state', 'config/state'], workspace, { GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: workspace });
    expect(r.exitCode).toBe(1);
    expect(annotations(r.stdout).length).toBeGreaterThan(0);
    expect(annotations(r.stdout).filter((l) => l.startsWith('::error file=config/northwind/migration.yaml,'))).not.toEqual([]);
  });
});
