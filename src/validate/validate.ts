// Validation as one step: load the YAML (syntax, schema, membersFile), then the domain rules. The rules
// run only on a repository whose every document loaded, so one misspelt Tenant does not cascade into
// a screen of "unknown tenant" findings; the admin fixes the first layer, then sees the next.

import { loadDesiredState, type LoadOptions } from '../load/load.js';
import type { DesiredState } from '../model/desired.js';
import { finding, hasErrors, sortFindings, type Finding } from '../model/finding.js';
import { checkDesiredState, type RuleOptions } from './rules.js';

export interface ValidationResult {
  desired: DesiredState;
  findings: Finding[];
  /** False when load errors kept the domain rules from running. */
  rulesRan: boolean;
  /** YAML files that hold no exo-gitops document, as shown in messages: not ours, so not read as desired state. */
  skipped: string[];
  /** The settings file (exo-gitops.yaml), as shown in messages, when there is one. */
  settingsFile?: string;
}

export type ValidateOptions = LoadOptions &
  RuleOptions & {
    /** A directory with no exo-gitops document is valid (and empty), not a NoDocuments error: for a commit before the first one. */
    allowNoDocuments?: boolean;
  };

export function validateDirectory(directory: string, options: ValidateOptions = {}): ValidationResult {
  const { desired, findings, skipped, documentFiles, settingsFile } = loadDesiredState(directory, options);
  const discovery = { skipped, ...(settingsFile !== undefined ? { settingsFile } : {}) };
  if (!hasErrors(findings) && documentFiles === 0 && options.allowNoDocuments !== true) {
    findings.push(noDocuments(directory, skipped.length, desired.files.length));
  }
  if (hasErrors(findings)) return { desired, findings: sortFindings(findings), rulesRan: false, ...discovery };
  return { desired, findings: sortFindings([...findings, ...checkDesiredState(desired, options)]), rulesRan: true, ...discovery };
}

/** The directory as the admin named it, and what was found there: skipped files, and empty ones (EmptyFile warnings). */
function noDocuments(directory: string, skipped: number, empty: number): Finding {
  const files = (n: number): string => `${n} YAML ${n === 1 ? 'file' : 'files'}`;
  const parts = [...(skipped > 0 || empty === 0 ? [`${files(skipped)} skipped`] : []), ...(empty > 0 ? [`${files(empty)} empty`] : [])];
  return finding('NoDocuments', `no exo-gitops documents found under ${directory} (${parts.join(', ')})`);
}

/** Whether validation found nothing to validate: no file under the directory holds an exo-gitops document. */
export function foundNoDocuments(result: { findings: readonly Finding[] }): boolean {
  return result.findings.some((f) => f.code === 'NoDocuments');
}

/** The same validation of the config directory as it was at another commit (a pull request's base, the commit last applied). */
export async function validateDirectoryAt(directory: string, ref: string): Promise<ValidationResult & { sha: string }> {
  // The base of the pull request that adds the first documents has none: an empty desired state.
  // Loaded only with a baseline ref: simple-git costs every other validate ~20 ms to load.
  const { readTreeAt } = await import('../load/git-ref.js');
  const { sha, result } = await readTreeAt(directory, ref, (checkout) => validateDirectory(checkout, { cwd: checkout, allowNoDocuments: true }));
  return { ...result, sha };
}
