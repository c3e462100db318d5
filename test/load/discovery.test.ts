// Configuration discovery: which YAML files under the config directory are read, and which of those
// are ours (src/load/ownership.ts, src/load/settings-file.ts). A repository holds other YAML, which
// never breaks validate; a misspelt apiVersion of ours still does, at its place.

import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { claimsDocument, claimsText, resemblesOurApiVersion } from '../../src/load/ownership.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { validateDirectory } from '../../src/validate/validate.js';
import { FixtureRepo, codes, makeTempDir, removeTempDirs, summary, where } from '../fixtures/repo.js';
import { FOREIGN } from '../fixtures/foreign-yaml.js';
import { SCOPE, TENANT } from './documents.js';

afterAll(removeTempDirs);

const EXAMPLE = fileURLToPath(new URL('../../examples/contoso-northwind/', import.meta.url));

function exampleWith(files: Record<string, string | Buffer>): string {
  const dir = makeTempDir();
  cpSync(EXAMPLE, dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const repo = FixtureRepo.empty().set(name, content);
    cpSync(repo.write(), dir, { recursive: true });
  }
  return dir;
}

describe('files of other tools', () => {
  it('the example beside mkdocs, pre-commit, compose, dependabot, GitLab CI and Kubernetes files validates clean, and reads only its own', () => {
    const dir = exampleWith(FOREIGN);
    const r = validateDirectory(dir, { cwd: dir });
    expect(summary(r.findings)).toEqual([]);
    expect(r.rulesRan).toBe(true);
    expect(r.skipped).toEqual(['.gitlab-ci.yml', '.pre-commit-config.yaml', 'docker-compose.yml', 'docs/dependabot.yml', 'k8s/capsule-tenant.yaml', 'k8s/gitops-set.yaml', 'mkdocs.yml']);
    expect(r.desired.files).toEqual(['contoso/migration.yaml', 'northwind/batches.yaml', 'northwind/mailusers.yaml', 'northwind/migration.yaml', 'tenants.yaml']);
    expect(r.desired.tenants.map((t) => t.name).sort()).toEqual(['contoso', 'northwind']);
    // Skipped files are no part of the desired state: a plan made before they were added is not stale.
    const plain = validateDirectory(EXAMPLE, { cwd: EXAMPLE });
    expect(desiredDigest(r.desired.contentHashes)).toBe(desiredDigest(plain.desired.contentHashes));
  });

  it('each foreign file on its own would have been an error; skipped, none is', () => {
    for (const [name, content] of Object.entries(FOREIGN)) {
      const r = FixtureRepo.baseline().set(name, content).validate();
      expect(summary(r.findings), name).toEqual([]);
      expect(r.skipped, name).toEqual([name]);
    }
  });

  it('a foreign file that is not even YAML (an unclosed flow, 100 levels deep) is skipped too', () => {
    const r = FixtureRepo.baseline().set('notes.yaml', `title: [${'['.repeat(100)}\n`).set('deep.yml', `${'- '.repeat(100)}x\n`).validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.skipped).toEqual(['deep.yml', 'notes.yaml']);
  });

  it('binary, unreadable and oversized files are still errors: exclude them in the settings file', () => {
    const r = FixtureRepo.baseline().set('secrets.yaml', Buffer.from([0x47, 0x49, 0x54, 0x43, 0x52, 0x59, 0x50, 0x54, 0, 1])).validate();
    expect(codes(r.findings)).toEqual(['BinaryFile']);
  });
});

describe('our files, misspelt', () => {
  it.each([
    ['exo.gitops/v1alpha2'],
    ['exo.gitop/v1alpha1'],
    ['exo-gitops/v1alpha1'],
    ['Exo.Gitops/v1alpha1'],
    ['exo.gtiops/v1alpha1'],
    ['exogitops.io/v1alpha1'],
    ['exo.gitops'],
  ])('apiVersion %s is UnknownApiVersion at its value, and the file is not skipped', (apiVersion) => {
    const repo = FixtureRepo.baseline().set('extra.yaml', TENANT.replace('exo.gitops/v1alpha1', apiVersion).replace('fabrikam', 'contoso'));
    const r = repo.validate();
    expect(r.findings.map((f) => [f.code, where(f), f.message])).toEqual([['UnknownApiVersion', repo.valueAt('extra.yaml', `apiVersion: ${apiVersion}`), `unknown apiVersion ${JSON.stringify(apiVersion)}`]]);
    expect(r.skipped).toEqual([]);
    expect(r.rulesRan).toBe(false);
  });

  it('a kind of ours with no apiVersion, or one without its group, is an error too', () => {
    const repo = FixtureRepo.baseline()
      .set('a.yaml', TENANT.replace('apiVersion: exo.gitops/v1alpha1\n', ''))
      .set('b.yaml', TENANT.replace('exo.gitops/v1alpha1', 'v1alpha1'));
    const r = repo.validate();
    expect(r.findings.map((f) => [f.code, where(f), f.message])).toEqual([
      ['UnknownApiVersion', 'a.yaml:1:1', 'missing apiVersion: this is not an exo-gitops document'],
      ['UnknownApiVersion', repo.valueAt('b.yaml', 'apiVersion: v1alpha1'), 'unknown apiVersion "v1alpha1"'],
    ]);
  });

  it('a file that mixes our documents with others is an error at each other document', () => {
    const text = `${TENANT}---\nsite_name: runbook\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n`;
    const repo = FixtureRepo.empty().set('mixed.yaml', text);
    const r = repo.load();
    expect(r.findings.map((f) => [f.code, where(f), f.message])).toEqual([
      ['UnknownApiVersion', repo.at('mixed.yaml', 'site_name'), 'missing apiVersion: this is not an exo-gitops document'],
      ['UnknownApiVersion', repo.valueAt('mixed.yaml', 'apiVersion: v1\n'), 'unknown apiVersion "v1"'],
    ]);
    expect(r.findings[0]!.hint).toMatch(/other YAML goes in files of its own/);
    expect(r.desired.tenants.map((t) => t.name)).toEqual(['fabrikam']);
  });

  it('a file of ours that does not parse is still reported: its apiVersion line claims it', () => {
    const repo = FixtureRepo.baseline().set('broken.yaml', SCOPE('  members: [ada@fabrikam.com\n'));
    const r = repo.validate();
    expect(codes(r.findings)).toEqual(['YamlSyntax']);
    expect(r.findings[0]!.location!.file).toBe('broken.yaml');
    // … and a list of our documents (a mistake of its own) too.
    const list = FixtureRepo.empty().set('list.yaml', `- apiVersion: exo.gitops/v1alpha1\n  kind: Tenant\n`).load();
    expect(codes(list.findings)).toEqual(['NotAMapping']);
  });

  it('an apiVersion quoted in an indented block (a script, a README example) claims nothing', () => {
    const text = `script: |\n  cat > tenant.yaml <<EOF\n  apiVersion: exo.gitops/v1alpha1\n  EOF\nbad: !Ref Thing\n`;
    expect(claimsText(text)).toBe(false);
    const r = FixtureRepo.baseline().set('ci.yml', text).validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.skipped).toEqual(['ci.yml']);
  });
});

describe('the closeness test', () => {
  it.each([
    ['exo.gitops/v1alpha1', true],
    ['exo.gitops/v1alpha2', true],
    ['exo.gitop/v1alpha1', true],
    ['exo-gitops/v1alpha1', true],
    ['Exo.Gitops/v1alpha1', true],
    ['EXO.GITOPS/V1', true],
    ['exo_gitops/v1alpha1', true],
    ['ex.gitops/v1alpha1', true],
    ['exo.gitops.io/v1alpha1', true],
    ['v1', false],
    ['apps/v1', false],
    ['gitops.weave.works/v1alpha1', false],
    ['gitops/v1alpha1', false],
    ['kustomize.config.k8s.io/v1beta1', false],
    ['source.toolkit.fluxcd.io/v1', false],
    ['argoproj.io/v1alpha1', false],
    ['', false],
  ])('%s resembles ours: %s', (apiVersion, expected) => {
    expect(resemblesOurApiVersion(apiVersion)).toBe(expected);
  });

  it.each([
    [{ apiVersion: 'exo.gitops/v1alpha1', kind: 'Anything' }, true],
    [{ kind: 'MailUser' }, true],
    [{ kind: 'tenant', apiVersion: null }, true],
    [{ kind: 'Tenant', apiVersion: 'v1' }, true],
    [{ kind: 'Tenant', apiVersion: 'capsule.clastix.io/v1beta2' }, false],
    [{ kind: 'Deployment' }, false],
    [{ site_name: 'x' }, false],
    [['apiVersion', 'exo.gitops/v1alpha1'], false],
    ['exo.gitops/v1alpha1', false],
  ])('document %j claims its file: %s', (value, expected) => {
    expect(claimsDocument(value)).toBe(expected);
  });
});

describe('the settings file', () => {
  const BROKEN_OURS = SCOPE('  members: [ada@fabrikam.com\n');

  it('exclude: files and folders it matches are not read at all', () => {
    const r = FixtureRepo.baseline()
      .set('exo-gitops.yaml', 'exclude:\n  - drafts\n  - "**/*.draft.yaml"\n  - big/**\n')
      .set('drafts/scope.yaml', BROKEN_OURS)
      .set('fabrikam/next.draft.yaml', BROKEN_OURS)
      // Never read: were they read, they would be FileTooLarge and BinaryFile.
      .set('big/huge.yaml', Buffer.alloc(17 * 1024 * 1024, 0x5b))
      .set('big/deep/blob.yaml', Buffer.from([0, 1, 2]))
      .validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.settingsFile).toBe('exo-gitops.yaml');
    expect(r.desired.files).not.toContain('drafts/scope.yaml');
  });

  it('include: only the files it matches (or a folder above them) are read; exclude wins over it', () => {
    const r = FixtureRepo.empty()
      .set('exo-gitops.yaml', 'include: [tenants, "shared/*.yaml"]\nexclude: [tenants/old.yaml]\n')
      .set('tenants/fabrikam.yaml', TENANT)
      .set('tenants/old.yaml', BROKEN_OURS)
      .set('shared/scope.yaml', SCOPE('  members: [ada@fabrikam.com]\n'))
      .set('shared/deeper/scope.yaml', BROKEN_OURS)
      .set('elsewhere.yaml', BROKEN_OURS)
      .validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.desired.files).toEqual(['shared/scope.yaml', 'tenants/fabrikam.yaml']);
    expect(r.desired.scopes.map((s) => s.name)).toEqual(['Movers']);
  });

  it('a membersFile outside the included folders is still read: it is named, not discovered', () => {
    const r = FixtureRepo.empty()
      .set('.exo-gitops.yaml', 'include: [yaml/**]\nexclude: ["lists/**"]\n')
      .set('yaml/tenant.yaml', TENANT)
      .set('yaml/scope.yaml', SCOPE('  membersFile: ../lists/movers.csv\n'))
      .set('lists/movers.csv', 'ada@fabrikam.com\nbob@fabrikam.com\n')
      .validate();
    expect(summary(r.findings)).toEqual([]);
    expect(r.settingsFile).toBe('.exo-gitops.yaml');
    expect([...r.desired.scopeMembers.values()][0]!.map((m) => m.address)).toEqual(['ada@fabrikam.com', 'bob@fabrikam.com']);
  });

  it('is not desired state, is never read as such, and is part of the digest', () => {
    const withSettings = FixtureRepo.baseline().set('exo-gitops.yaml', 'exclude: [nothing/**]\n').validate();
    const without = FixtureRepo.baseline().validate();
    expect(summary(withSettings.findings)).toEqual([]);
    expect(withSettings.desired.files).toEqual(without.desired.files);
    expect(withSettings.skipped).toEqual([]);
    expect(withSettings.desired.contentHashes.has('exo-gitops.yaml')).toBe(true);
    expect(desiredDigest(withSettings.desired.contentHashes)).not.toBe(desiredDigest(without.desired.contentHashes));
    // An empty settings file keeps the defaults; one in a subfolder is an ordinary file.
    const empty = FixtureRepo.baseline().set('exo-gitops.yaml', '# nothing yet\n').set('sub/exo-gitops.yaml', 'include: [x]\n').validate();
    expect(summary(empty.findings)).toEqual([]);
    expect(empty.skipped).toEqual(['sub/exo-gitops.yaml']);
  });

  const S = 'exo-gitops.yaml';
  it.each([
    ['an unknown field', 'excludes: [docs/**]\n', (r: FixtureRepo) => r.at(S, 'excludes'), 'unknown field "excludes" in the settings file exo-gitops.yaml', 'Did you mean exclude?'],
    ['a glob where a list belongs', 'include: docs/**\n', (r: FixtureRepo) => r.valueAt(S, 'include: docs/**'), 'include must be a list of globs, got text', 'Write include: ["docs/**"], or one "- docs/**" per line below include:.'],
    ['a number in the list', 'exclude: [docs, 42]\n', (r: FixtureRepo) => r.at(S, '42'), 'exclude[1] must be a glob (text), got a number', 'Quote the glob so YAML reads it as text.'],
    ['an empty glob', 'exclude: [""]\n', (r: FixtureRepo) => r.at(S, '""'), 'exclude[0] must not be empty', undefined],
    ['a leading /', 'exclude:\n  - docs\n  - /site/**\n', (r: FixtureRepo) => r.at(S, '/site'), 'exclude[1]: "/site/**" is relative to the config directory: write "site/**" without the leading /', undefined],
    ['a backslash', 'exclude: ["docs\\\\**"]\n', (r: FixtureRepo) => r.at(S, '"docs'), 'exclude[0]: "docs\\\\**" separates folders with \\: write / (docs/**), on Windows too', undefined],
    ['a .. folder', 'include: [../other/**]\n', (r: FixtureRepo) => r.at(S, '../'), 'include[0]: "../other/**" names files below the config directory: no . or .. folders', undefined],
    ['an unclosed [', 'exclude: ["docs/[ab.yaml"]\n', (r: FixtureRepo) => r.at(S, '"docs'), 'exclude[0]: "docs/[ab.yaml" is not a glob: [ opens a set of characters that no ] closes (at character 6)', undefined],
    ['a mapping that is not one', '- docs/**\n', () => `${S}:1:1`, 'the settings file exo-gitops.yaml must be a mapping with include and exclude, got a list', undefined],
    ['desired state', TENANT, (r: FixtureRepo) => r.at(S, 'apiVersion'), 'exo-gitops.yaml at the root of the config directory is the settings file (include, exclude), not desired state', 'Move these documents to a file of another name (resources.yaml, say); exo-gitops.yaml may then hold include and exclude, or be removed.'],
    ['two documents', 'include: [a]\n---\nexclude: [b]\n', (r: FixtureRepo) => r.at(S, 'exclude'), 'the settings file exo-gitops.yaml holds one document, not 2', undefined],
  ])('%s is InvalidSettings at its place, and nothing else is read', (_name, text, at, message, hint) => {
    const repo = FixtureRepo.baseline().set(S, text).set('broken.yaml', BROKEN_OURS);
    const r = repo.validate();
    expect(r.findings.map((f) => [f.code, where(f), f.message])).toEqual([['InvalidSettings', at(repo), message]]);
    if (hint !== undefined) expect(r.findings[0]!.hint).toBe(hint);
    else expect(r.findings[0]!.hint).toMatch(/^The settings file \(exo-gitops.yaml at the root of the config directory\) takes include and exclude/);
    expect(r.rulesRan).toBe(false);
    expect(r.desired.files).toEqual([]);
  });

  it('a settings file that is not YAML is YamlSyntax at its place', () => {
    const repo = FixtureRepo.baseline().set(S, 'include: [docs\n');
    const r = repo.validate();
    expect(codes(r.findings)).toEqual(['YamlSyntax']);
    expect(r.findings[0]!.location!.file).toBe(S);
  });

  it('two settings files are an error at the second', () => {
    const r = FixtureRepo.baseline().set('exo-gitops.yaml', 'exclude: [a]\n').set('.exo-gitops.yml', 'exclude: [b]\n').validate();
    expect(r.findings.map((f) => [f.code, where(f), f.message])).toEqual([['InvalidSettings', '.exo-gitops.yml:1:1', 'two settings files: exo-gitops.yaml and .exo-gitops.yml']]);
  });
});

describe('a directory with no exo-gitops documents', () => {
  it('holding only other YAML: NoDocuments, naming the directory and how many files were skipped', () => {
    const dir = makeTempDir();
    writeFileSync(join(dir, 'mkdocs.yml'), FOREIGN['mkdocs.yml']!);
    writeFileSync(join(dir, 'docker-compose.yml'), FOREIGN['docker-compose.yml']!);
    const r = validateDirectory(dir, { cwd: dir });
    expect(r.findings.map((f) => [f.code, f.severity, where(f), f.message])).toEqual([['NoDocuments', 'error', '(no location)', `no exo-gitops documents found under ${dir} (2 YAML files skipped)`]]);
    expect(r.skipped).toEqual(['docker-compose.yml', 'mkdocs.yml']);
    expect(r.rulesRan).toBe(false);
  });

  it('empty, or with empty files only, or with everything excluded', () => {
    expect(FixtureRepo.empty().validate().findings.map((f) => f.message)).toEqual([expect.stringMatching(/^no exo-gitops documents found under .* \(0 YAML files skipped\)$/)]);
    expect(FixtureRepo.empty().set('later.yaml', '# to come\n').validate().findings.map((f) => [f.code, f.message.replace(/under \S+/, 'under DIR')])).toEqual([
      ['EmptyFile', 'the file holds no YAML documents'],
      ['NoDocuments', 'no exo-gitops documents found under DIR (1 YAML file empty)'],
    ]);
    expect(codes(FixtureRepo.baseline().set('exo-gitops.yaml', 'include: []\n').validate().findings)).toEqual(['NoDocuments']);
  });

  it('is an empty desired state where one is expected (the base commit of the pull request that adds the first documents)', () => {
    const dir = makeTempDir();
    const r = validateDirectory(dir, { cwd: dir, allowNoDocuments: true });
    expect(r.findings).toEqual([]);
    expect(r.rulesRan).toBe(true);
  });
});

describe('files that do not parse', () => {
  it.each([
    ['an apiVersion of ours', 'apiVersion: exo.gitops/v1alpha1\nkind: Tenant\nmetadata: [unclosed\n', true],
    ['a misspelt one', 'apiVersion: Exo.Gitops/v1alpha1\nmetadata: [unclosed\n', true],
    ['a kind of ours and no apiVersion', 'kind: Tenant\nmetadata: [unclosed\n', true],
    ['in a list', '- apiVersion: exo.gitops/v1alpha1\n  kind: [\n', true],
    ['in a flow mapping', '{apiVersion: exo.gitops/v1alpha1, kind: [\n', true],
    ['a kind of ours in another API group', 'apiVersion: capsule.clastix.io/v1beta2\nkind: Tenant\nspec: [unclosed\n', false],
    ['commented out', '# apiVersion: exo.gitops/v1alpha1\nkind: Deployment\nspec: [unclosed\n', false],
    ['indented in a block', 'run: |\n  apiVersion: exo.gitops/v1alpha1\n  kind: Tenant\nx: !Ref y\n', false],
    ['nothing of ours', 'emoji: !!python/name:material.twemoji\n', false],
  ])('%s: ours %s', (_name, text, expected) => {
    expect(claimsText(text)).toBe(expected);
    const r = FixtureRepo.baseline().set('broken.yaml', text).validate();
    expect(r.skipped).toEqual(expected ? [] : ['broken.yaml']);
    expect(r.findings.some((f) => f.location?.file === 'broken.yaml')).toBe(expected);
  });
});
