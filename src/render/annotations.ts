// Findings as GitHub Actions annotations: under GitHub Actions (GITHUB_ACTIONS=true) each finding
// with a file position is also printed once as a workflow command,
//   ::error file=contoso/migration.yaml,line=12,col=5,title=UnknownPartner::partner names no Tenant…
// so it shows on the line of the pull request's diff and in the run's summary. The file is relative
// to the repository root (GITHUB_WORKSPACE), or GitHub does not attach it. The escaping is GitHub's
// own (actions/toolkit, packages/core/src/command.ts): in the message % \r \n, in a property also
// : and , — nothing else, so a message can never end the command or add a property.

import { isAbsolute, relative, resolve } from 'node:path';
import type { Finding } from '../model/finding.js';
import { showInvisible } from '../util/invisible.js';

/** A workflow command's message: `%`, CR and LF escaped (in that order: `%` first). */
export function escapeAnnotationData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A workflow command's property value: as a message, and `:` and `,` too. */
export function escapeAnnotationProperty(text: string): string {
  return escapeAnnotationData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** True when the process runs in a GitHub Actions job, where workflow commands on stdout or stderr are read. */
export function underGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === 'true';
}

export interface AnnotationPlace {
  /** The directory finding locations are relative to (the command's working directory). */
  cwd: string;
  /** The repository root (GITHUB_WORKSPACE); the cwd when not set. */
  workspace?: string;
}

/** The file as GitHub wants it: relative to the repository root, `/`-separated; undefined when outside it. */
function repositoryPath(file: string, place: AnnotationPlace): string | undefined {
  const root = resolve(place.workspace ?? place.cwd);
  const path = relative(root, resolve(place.cwd, file));
  if (path === '' || path.startsWith('..') || isAbsolute(path)) return undefined;
  return path.split('\\').join('/');
}

/**
 * One finding as a workflow command, or undefined when it has no file position. The message is the
 * finding's, then its hint on a second line; invisible characters are shown escaped, as in text.
 * A file outside the repository is left out (the annotation still shows, without a line).
 */
export function findingAnnotation(f: Finding, place: AnnotationPlace): string | undefined {
  if (!f.location) return undefined;
  const file = repositoryPath(f.location.file, place);
  const properties = [
    ...(file !== undefined ? [`file=${escapeAnnotationProperty(file)}`, `line=${f.location.line}`, `col=${f.location.column}`] : []),
    `title=${escapeAnnotationProperty(showInvisible(f.code))}`,
  ];
  const message = f.hint !== undefined ? `${showInvisible(f.message)}\nhint: ${showInvisible(f.hint)}` : showInvisible(f.message);
  return `::${f.severity === 'error' ? 'error' : 'warning'} ${properties.join(',')}::${escapeAnnotationData(message)}`;
}

/** Every finding with a file position as a workflow command, each distinct one once, in order. */
export function findingAnnotations(findings: readonly Finding[], place: AnnotationPlace): string[] {
  const seen = new Set<string>();
  for (const f of findings) {
    const line = findingAnnotation(f, place);
    if (line !== undefined) seen.add(line);
  }
  return [...seen];
}

export interface AnnotationContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/**
 * Under GitHub Actions, print the findings' annotations; elsewhere nothing. They go to stdout,
 * unless stdout carries data (`--format json`, or markdown a workflow appends to the job summary):
 * then to stderr, which the runner reads for workflow commands as well.
 */
export function annotateFindings(findings: readonly Finding[], context: AnnotationContext, options: { stdoutIsData?: boolean } = {}): void {
  if (!underGitHubActions(context.env)) return;
  const workspace = context.env.GITHUB_WORKSPACE?.trim();
  const print = options.stdoutIsData === true ? context.stderr : context.stdout;
  for (const line of findingAnnotations(findings, { cwd: context.cwd, ...(workspace ? { workspace } : {}) })) print(line);
}
