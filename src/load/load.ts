// Read the YAML files under the config directory into desired state. All problems are collected
// and returned together: one run shows the admin every mistake, with its file, line and column.
// Which files are read is the settings file's say (settings-file.ts), and which of those are ours
// is their documents' (ownership.ts): the others are skipped, without a finding.

import { existsSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import {
  type DesiredState,
  type Resource,
  type ResourceKind,
  type ScopeMember,
} from '../model/desired.js';
import { finding, type Finding, type SourceLocation } from '../model/finding.js';
import { MAX_MEMBERS_FILE_BYTES, MAX_YAML_FILE_BYTES, formatLimit, formatMiB } from './limits.js';
import { parseMembersFile } from './members-file.js';
import { claimsDocument, claimsText } from './ownership.js';
import { SchemaChecker } from './schema-check.js';
import { parseYamlFiles, type ParallelMode } from './parallel-parse.js';
import { EVERY_FILE, SETTINGS_FILE_NAMES, isFolderExcluded, isSelected, readSettings, type FileSelection } from './settings-file.js';
import { decodeText, hashOf } from './text-file.js';
import { checkValues } from './value-check.js';
import type { SourceDocument } from './yaml-source.js';

export interface LoadResult {
  desired: DesiredState;
  findings: Finding[];
  /** YAML files read and found to hold no exo-gitops document (ownership.ts), as shown in messages. */
  skipped: string[];
  /** How many files hold exo-gitops documents (misspelt ones included): none means the directory holds no desired state. */
  documentFiles: number;
  /** The settings file, as shown in messages, when there is one. */
  settingsFile?: string;
}

export interface LoadOptions {
  /** Base for the paths shown in messages; defaults to the current directory. */
  cwd?: string;
  /** Parse on a second core: 'auto' (default) for large repositories only; tests force either way. */
  parallel?: ParallelMode;
}

/** Folders that hold no desired state: VCS data, tool caches, and dot-folders such as .github. */
function isSkippedDirectory(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * The YAML files below `directory` that `selection` selects, in a stable order; never the settings
 * file. Excluded files are not read, and a folder an exclude glob covers is not entered.
 */
export function listYamlFiles(directory: string, selection: FileSelection = EVERY_FILE): string[] {
  const files: string[] = [];
  const visit = (dir: string, prefix: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const full = join(dir, entry.name);
      const path = prefix + entry.name;
      if (entry.isDirectory()) {
        if (!isSkippedDirectory(entry.name) && !isFolderExcluded(selection, path)) visit(full, `${path}/`);
      } else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) {
        if (prefix === '' && (SETTINGS_FILE_NAMES as readonly string[]).includes(entry.name)) continue;
        if (isSelected(selection, path)) files.push(full);
      }
    }
  };
  visit(directory, '');
  return files;
}

function emptyDesiredState(): DesiredState {
  return {
    tenants: [],
    relationships: [],
    endpoints: [],
    scopes: [],
    mailUsers: [],
    cloudManagement: [],
    batches: [],
    batchUsers: new Map(),
    scopeMembers: new Map(),
    files: [],
    contentHashes: new Map(),
  };
}

/**
 * Add `items` to the end of `target` one by one. `target.push(...items)` passes every item as an
 * argument on the stack, and from about 125,000 items on (a file of that many bad lines or unknown
 * keys) throws RangeError: Maximum call stack size exceeded.
 */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

export function loadDesiredState(directory: string, options: LoadOptions = {}): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, directory);
  const display = (absolute: string): string => {
    const rel = relative(cwd, absolute);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : absolute;
  };
  const desired = emptyDesiredState();
  const findings: Finding[] = [];
  const skipped: string[] = [];

  if (!existsSync(root) || !statSync(root).isDirectory()) {
    findings.push(finding('FileUnreadable', `config directory ${display(root)} does not exist or is not a directory`));
    return { desired, findings, skipped, documentFiles: 0 };
  }

  const { settings, findings: settingsFindings } = readSettings(root, display);
  const settingsFile = settings.file ? { settingsFile: settings.file.display } : {};
  if (settingsFindings.length > 0) return { desired, findings: settingsFindings, skipped, documentFiles: 0, ...settingsFile };
  // The settings decide which files are read: a change to them is a change to the desired state.
  if (settings.file) desired.contentHashes.set(settings.file.name, settings.file.hash);

  // Read every file first, then parse them all (on two cores when the repository is large:
  // parallel-parse.ts), then check the documents file by file, in order.
  type Entry = { absolute: string; file: string; findings: Finding[]; text?: string; hash?: string };
  const entries: Entry[] = [];
  for (const absolute of listYamlFiles(root, settings.selection)) {
    const file = display(absolute);
    const entry: Entry = { absolute, file, findings: [] };
    entries.push(entry);
    let bytes: Buffer;
    try {
      // Measured before reading: a file of gigabytes is refused without being read.
      const size = statSync(absolute).size;
      if (size > MAX_YAML_FILE_BYTES) {
        entry.findings.push(tooLarge(`the file is ${formatMiB(size)}; a YAML file may hold at most ${formatLimit(MAX_YAML_FILE_BYTES)}`, { file, line: 1, column: 1 }));
        continue;
      }
      bytes = readFileSync(absolute);
    } catch (error) {
      entry.findings.push(finding('FileUnreadable', `cannot read file: ${(error as Error).message}`, { location: { file, line: 1, column: 1 } }));
      continue;
    }
    if (bytes.length > MAX_YAML_FILE_BYTES) {
      // It grew between the two looks.
      entry.findings.push(tooLarge(`the file is ${formatMiB(bytes.length)}; a YAML file may hold at most ${formatLimit(MAX_YAML_FILE_BYTES)}`, { file, line: 1, column: 1 }));
      continue;
    }
    entry.hash = hashOf(bytes);
    const decoded = decodeText(bytes);
    if ('problem' in decoded) {
      entry.findings.push(finding('BinaryFile', `not a YAML text file: ${decoded.problem} at byte ${decoded.offset}`, { location: { file, line: 1, column: 1 } }));
      continue;
    }
    entry.text = decoded.text;
  }
  const texts = entries.filter((e): e is Entry & { text: string } => e.text !== undefined);
  const parsedFiles = new Map(parseYamlFiles(texts, options.parallel).map((parsed, i) => [texts[i]!, parsed]));

  const checker = new SchemaChecker();
  let documentFiles = 0;
  for (const entry of entries) {
    const { absolute, file } = entry;
    const parsed = parsedFiles.get(entry as Entry & { text: string });
    const empty = parsed !== undefined && parsed.documents.length === 0 && parsed.findings.length === 0;
    // A file that could not be read as text says nothing about its owner: its findings stand.
    const ours = parsed === undefined || empty || parsed.documents.some((doc) => claimsDocument(doc.value)) || claimsText(entry.text!);
    if (!ours) {
      skipped.push(file);
      continue;
    }
    desired.files.push(file);
    if (entry.hash !== undefined) desired.contentHashes.set(relative(root, absolute), entry.hash);
    append(findings, entry.findings);
    if (!parsed) continue;
    append(findings, parsed.findings);
    if (empty) {
      findings.push(finding('EmptyFile', 'the file holds no YAML documents', { location: { file, line: 1, column: 1 } }));
      continue;
    }
    documentFiles++;
    for (const doc of parsed.documents) {
      const problems = documentProblems(checker, doc);
      if (problems.length > 0) {
        append(findings, problems);
        continue;
      }
      const value = doc.value as { kind: ResourceKind; metadata: { name: string; tenant?: string }; spec: unknown };
      const resource = {
        kind: value.kind,
        name: value.metadata.name,
        tenant: value.metadata.tenant ?? null,
        spec: value.spec,
        file,
        documentIndex: doc.index,
        locate: doc.locate,
      } as Resource;
      addResource(desired, resource);
      if (resource.kind === 'MigrationScope') {
        const scope = resource as Resource<'MigrationScope'>;
        const { members, findings: memberFindings } = resolveAddressList(scope, ADDRESS_LISTS.MigrationScope, root, absolute, display, desired.contentHashes);
        desired.scopeMembers.set(scope, members);
        append(findings, memberFindings);
      }
      if (resource.kind === 'MigrationBatch') {
        const batch = resource as Resource<'MigrationBatch'>;
        const { members, findings: userFindings } = resolveAddressList(batch, ADDRESS_LISTS.MigrationBatch, root, absolute, display, desired.contentHashes);
        desired.batchUsers.set(batch, members);
        append(findings, userFindings);
      }
    }
  }
  return { desired, findings, skipped, documentFiles, ...settingsFile };
}

/** Which collection of the desired state holds each kind. */
const COLLECTION = {
  Tenant: 'tenants',
  OrganizationRelationship: 'relationships',
  MigrationEndpoint: 'endpoints',
  MigrationScope: 'scopes',
  MailUser: 'mailUsers',
  CloudManagement: 'cloudManagement',
  MigrationBatch: 'batches',
} as const satisfies Record<ResourceKind, keyof DesiredState>;

function addResource(desired: DesiredState, resource: Resource): void {
  (desired[COLLECTION[resource.kind]] as Resource[]).push(resource);
}

/** A list of addresses written in YAML and, for thousands, in a CSV file beside it. */
interface AddressList {
  list: 'members' | 'users';
  file: 'membersFile' | 'usersFile';
}

const ADDRESS_LISTS = {
  MigrationScope: { list: 'members', file: 'membersFile' },
  MigrationBatch: { list: 'users', file: 'usersFile' },
} as const satisfies Record<string, AddressList>;

/** The addresses of `members`/`users` plus those of `membersFile`/`usersFile`, each with the place it was written. */
function resolveAddressList(
  resource: Resource<'MigrationScope'> | Resource<'MigrationBatch'>,
  fields: AddressList,
  root: string,
  yamlFile: string,
  display: (absolute: string) => string,
  contentHashes: Map<string, string>,
): { members: ScopeMember[]; findings: Finding[] } {
  const spec = resource.spec as Partial<Record<AddressList['list'], string[]>> & Partial<Record<AddressList['file'], string>>;
  const members: ScopeMember[] = (spec[fields.list] ?? []).map((address, i) => ({
    address,
    location: resource.locate(['spec', fields.list, i]),
  }));
  const findings: Finding[] = [];
  const listed = spec[fields.file];
  if (listed === undefined) return { members, findings };

  const at = resource.locate(['spec', fields.file]);
  const where = { location: at, kind: resource.kind, object: resource.name };
  const unreadable = (message: string): { members: ScopeMember[]; findings: Finding[] } => {
    findings.push(finding('MembersFileUnreadable', `${fields.file} ${JSON.stringify(listed)} ${message}`, where));
    return { members, findings };
  };
  const target = resolve(dirname(yamlFile), listed);
  // The file's addresses end up in plans and pull-request comments: never read outside the repository.
  if (isAbsolute(listed) || (target !== root && !target.startsWith(root + sep))) return unreadable('is outside the config directory');
  let text: string;
  try {
    // A link inside the repository may point anywhere (/etc/passwd, /proc/self/environ): the check
    // above holds for the file's real path too, and only a regular file is read.
    const real = realpathSync(target);
    const realRoot = realpathSync(root);
    if (real !== realRoot && !real.startsWith(realRoot + sep)) return unreadable('links outside the config directory');
    const stat = statSync(real);
    if (!stat.isFile()) return unreadable('is not a regular file');
    const limit = `a ${fields.file} may hold at most ${formatLimit(MAX_MEMBERS_FILE_BYTES)}`;
    if (stat.size > MAX_MEMBERS_FILE_BYTES) {
      findings.push(tooLarge(`${fields.file} ${JSON.stringify(listed)} is ${formatMiB(stat.size)}; ${limit}`, at, resource));
      return { members, findings };
    }
    const bytes = readFileSync(real);
    if (bytes.length > MAX_MEMBERS_FILE_BYTES) {
      findings.push(tooLarge(`${fields.file} ${JSON.stringify(listed)} is ${formatMiB(bytes.length)}; ${limit}`, at, resource));
      return { members, findings };
    }
    contentHashes.set(relative(root, target), hashOf(bytes));
    const decoded = decodeText(bytes);
    if ('problem' in decoded) return unreadable(`is not a text file: ${decoded.problem}`);
    text = decoded.text;
  } catch (error) {
    return unreadable((error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : (error as Error).message);
  }
  const parsed = parseMembersFile(display(target), text);
  append(members, parsed.members);
  append(findings, parsed.findings);
  return { members, findings };
}

function tooLarge(message: string, location: SourceLocation, resource?: Resource): Finding {
  return finding('FileTooLarge', message, { location, ...(resource !== undefined ? { kind: resource.kind, object: resource.name } : {}) });
}

/**
 * The schema's findings and the value checks' (value-check.ts) for one document. A value both
 * report on (" ada@fabrikam.com" is no SMTP address to the schema either) keeps only the value
 * check's finding, which says what is wrong with it.
 */
function documentProblems(checker: SchemaChecker, doc: SourceDocument): Finding[] {
  const schema = checker.check(doc);
  const values = checkValues(doc);
  if (values.length === 0) return schema;
  const place = (f: Finding): string => (f.location ? `${f.location.line}:${f.location.column}` : '');
  const explained = new Set(values.map(place));
  const problems = schema.filter((f) => f.code !== 'SchemaViolation' || !explained.has(place(f)));
  append(problems, values);
  return problems;
}
