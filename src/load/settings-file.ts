// The optional settings file at the root of the config directory: which YAML files hold the desired
// state. It is not desired state itself (no apiVersion, no kind) and is never read as such:
//
//   # exo-gitops.yaml
//   include: [tenants/**]                     # default: every *.yaml and *.yml
//   exclude: [docs/**, "**/compose*.yml"]     # never read, even when include matches
//
// Globs are relative to the config directory (src/util/glob.ts); one that matches a folder takes in
// (include) or leaves out (exclude) everything below it, as in .gitignore. A bad settings file stops
// loading with its findings: reading files the admin meant to leave out would only add noise.

import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ErrorObject } from 'ajv';
import { validators } from '../schema/generated/settings.js';
import { finding, type Finding } from '../model/finding.js';
import { compileGlob, GlobError } from '../util/glob.js';
import { closestMatch } from '../util/suggest.js';
import { MAX_YAML_FILE_BYTES, formatLimit, formatMiB } from './limits.js';
import { decodeText, hashOf } from './text-file.js';
import { parseYamlFile, type SourceDocument } from './yaml-source.js';

/** The names the settings file may have, the first preferred; at most one of them may exist. */
export const SETTINGS_FILE_NAMES = ['exo-gitops.yaml', '.exo-gitops.yaml', 'exo-gitops.yml', '.exo-gitops.yml'] as const;

export interface Glob {
  pattern: string;
  matches: (path: string) => boolean;
  /** For a pattern `a/**`: whether a folder is a, so everything below it matches and the folder need not be walked. */
  coversFolder?: (folder: string) => boolean;
}

/** Which YAML files are read: paths relative to the config directory, with / between folders. */
export interface FileSelection {
  /** Absent: every YAML file. */
  include?: Glob[];
  exclude: Glob[];
}

export interface Settings {
  /** The settings file, when there is one. */
  file?: { name: string; display: string; hash: string };
  selection: FileSelection;
}

export const EVERY_FILE: FileSelection = { exclude: [] };

/** The path and each folder above it: a/b/c.yaml → a, a/b, a/b/c.yaml. */
function pathAndFolders(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Whether the file at `path` is read: an include glob matches it or a folder above it, and no exclude glob does. */
export function isSelected(selection: FileSelection, path: string): boolean {
  const candidates = pathAndFolders(path);
  const included = selection.include === undefined || selection.include.some((g) => candidates.some((c) => g.matches(c)));
  return included && !selection.exclude.some((g) => candidates.some((c) => g.matches(c)));
}

/** Whether nothing below a folder can be read, so the walk need not enter it. */
export function isFolderExcluded(selection: FileSelection, folder: string): boolean {
  return selection.exclude.some((g) => g.matches(folder) || g.coversFolder?.(folder) === true);
}

function validate(value: unknown): ErrorObject[] {
  // Compiled ahead of time (src/schema/precompiled.ts): no run loads ajv for it.
  const validator = validators.settings;
  return validator(value) ? [] : (validator.errors ?? []);
}

const FIELDS = ['include', 'exclude'] as const;

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return typeof value === 'string' ? 'text' : `a ${typeof value}`;
}

/** What is wrong with a glob, or undefined; the glob as written, before a trailing / is dropped. */
function patternProblem(pattern: string): string | undefined {
  if (pattern.includes('\\')) return 'separates folders with \\: write / (docs/**), on Windows too';
  if (pattern.startsWith('/')) return `is relative to the config directory: write ${JSON.stringify(pattern.replace(/^\/+/, ''))} without the leading /`;
  const segments = pattern.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '.' || s === '..')) return 'names files below the config directory: no . or .. folders';
  if (segments.some((s) => s === '')) return 'has an empty folder name (//)';
  try {
    compileGlob(pattern.replace(/\/$/, ''));
  } catch (error) {
    if (error instanceof GlobError) return `is not a glob: ${error.message} (at character ${error.offset + 1})`;
    throw error;
  }
  return undefined;
}

function compile(pattern: string): Glob {
  const normalized = pattern.replace(/\/$/, '');
  const glob: Glob = { pattern, matches: compileGlob(normalized) };
  if (normalized.endsWith('/**')) glob.coversFolder = compileGlob(normalized.slice(0, -3));
  return glob;
}

function explain(error: ErrorObject, doc: SourceDocument, file: string): Finding {
  const path = error.instancePath.split('/').slice(1).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const field = path.map((s) => (typeof s === 'number' ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
  const value = path.reduce<unknown>((node, s) => (node as Record<string | number, unknown>)?.[s], doc.value);
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String((error.params as { additionalProperty: string }).additionalProperty);
      const suggestion = closestMatch(name, FIELDS);
      return finding('InvalidSettings', `unknown field ${JSON.stringify(name)} in the settings file ${file}`, {
        location: doc.locate([name], 'key'),
        hint: suggestion ? `Did you mean ${suggestion}?` : `The settings file takes ${FIELDS.join(' and ')}: lists of globs relative to the config directory.`,
      });
    }
    case 'type': {
      const expected = (error.params as { type: string }).type;
      if (expected === 'array') {
        return finding('InvalidSettings', `${field} must be a list of globs, got ${typeName(value)}`, {
          location: doc.locate(path),
          hint: `Write ${field}: ["docs/**"], or one "- docs/**" per line below ${field}:.`,
        });
      }
      if (expected === 'object') {
        return finding('InvalidSettings', `the settings file ${file} must be a mapping with include and exclude, got ${typeName(value)}`, { location: doc.locate(path) });
      }
      return finding('InvalidSettings', `${field} must be a glob (text), got ${typeName(value)}`, { location: doc.locate(path), hint: 'Quote the glob so YAML reads it as text.' });
    }
    case 'minLength':
      return finding('InvalidSettings', `${field} must not be empty`, { location: doc.locate(path) });
    default:
      return finding('InvalidSettings', `${field || 'the settings file'} ${error.message ?? 'is invalid'}`, { location: doc.locate(path) });
  }
}

/**
 * The settings of the config directory at `root`: from its settings file, or the defaults. Findings
 * with an error mean the settings could not be read, and nothing else should be.
 */
export function readSettings(root: string, display: (absolute: string) => string): { settings: Settings; findings: Finding[] } {
  const defaults: Settings = { selection: EVERY_FILE };
  let names: string[];
  try {
    const present = new Set(readdirSync(root));
    names = SETTINGS_FILE_NAMES.filter((name) => present.has(name) && statSync(join(root, name)).isFile());
  } catch {
    return { settings: defaults, findings: [] };
  }
  if (names.length === 0) return { settings: defaults, findings: [] };
  const name = names[0]!;
  const absolute = join(root, name);
  const file = display(absolute);
  const at = { file, line: 1, column: 1 };
  if (names.length > 1) {
    const others = names.slice(1).map((n) => display(join(root, n)));
    return {
      settings: defaults,
      findings: others.map((other) =>
        finding('InvalidSettings', `two settings files: ${file} and ${other}`, {
          location: { file: other, line: 1, column: 1 },
          hint: 'Keep one settings file at the root of the config directory: merge their include and exclude lists.',
        }),
      ),
    };
  }

  let bytes: Buffer;
  try {
    const size = statSync(absolute).size;
    if (size > MAX_YAML_FILE_BYTES) {
      return { settings: defaults, findings: [finding('FileTooLarge', `the file is ${formatMiB(size)}; a YAML file may hold at most ${formatLimit(MAX_YAML_FILE_BYTES)}`, { location: at })] };
    }
    bytes = readFileSync(absolute);
  } catch (error) {
    return { settings: defaults, findings: [finding('FileUnreadable', `cannot read file: ${(error as Error).message}`, { location: at })] };
  }
  const decoded = decodeText(bytes);
  if ('problem' in decoded) {
    return { settings: defaults, findings: [finding('BinaryFile', `not a YAML text file: ${decoded.problem} at byte ${decoded.offset}`, { location: at })] };
  }
  const recorded = { name, display: file, hash: hashOf(bytes) };
  const parsed = parseYamlFile(file, decoded.text);
  if (parsed.findings.length > 0) return { settings: defaults, findings: parsed.findings };
  // An empty settings file (or one of comments only) keeps the defaults.
  if (parsed.documents.length === 0) return { settings: { file: recorded, selection: EVERY_FILE }, findings: [] };
  if (parsed.documents.length > 1) {
    return {
      settings: defaults,
      findings: [finding('InvalidSettings', `the settings file ${file} holds one document, not ${parsed.documents.length}`, { location: parsed.documents[1]!.locate() })],
    };
  }

  const doc = parsed.documents[0]!;
  const value = doc.value as Record<string, unknown>;
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && ('apiVersion' in value || 'kind' in value)) {
    return {
      settings: defaults,
      findings: [
        finding('InvalidSettings', `${file} at the root of the config directory is the settings file (include, exclude), not desired state`, {
          location: doc.locate(['apiVersion' in value ? 'apiVersion' : 'kind'], 'key'),
          hint: `Move these documents to a file of another name (resources.yaml, say); ${file} may then hold include and exclude, or be removed.`,
        }),
      ],
    };
  }
  const schemaErrors = validate(value);
  if (schemaErrors.length > 0) return { settings: defaults, findings: schemaErrors.map((e) => explain(e, doc, file)) };

  const include = value.include as string[] | undefined;
  const exclude = (value.exclude as string[] | undefined) ?? [];
  const findings: Finding[] = [];
  for (const field of FIELDS) {
    (value[field] as string[] | undefined)?.forEach((pattern, i) => {
      const problem = patternProblem(pattern);
      if (problem) findings.push(finding('InvalidSettings', `${field}[${i}]: ${JSON.stringify(pattern)} ${problem}`, { location: doc.locate([field, i]) }));
    });
  }
  if (findings.length > 0) return { settings: defaults, findings };
  const selection: FileSelection = { exclude: exclude.map(compile), ...(include !== undefined ? { include: include.map(compile) } : {}) };
  return { settings: { file: recorded, selection }, findings: [] };
}
