// Validation as one step: load the YAML (syntax, schema, membersFile), then the domain rules. The rules
// run only on a repository whose every document loaded, so one misspelt Tenant does not cascade into
// a screen of "unknown tenant" findings; the admin fixes the first layer, then sees the next.

import { readTreeAt } from '../load/git-ref.js';
import { loadDesiredState, type LoadOptions } from '../load/load.js';
import type { DesiredState } from '../model/desired.js';
import { hasErrors, sortFindings, type Finding } from '../model/finding.js';
import { checkDesiredState, type RuleOptions } from './rules.js';

export interface ValidationResult {
  desired: DesiredState;
  findings: Finding[];
  /** False when load errors kept the domain rules from running. */
  rulesRan: boolean;
}

export type ValidateOptions = LoadOptions & RuleOptions;

export function validateDirectory(directory: string, options: ValidateOptions = {}): ValidationResult {
  const { desired, findings } = loadDesiredState(directory, options);
  if (hasErrors(findings)) return { desired, findings: sortFindings(findings), rulesRan: false };
  return { desired, findings: sortFindings([...findings, ...checkDesiredState(desired, options)]), rulesRan: true };
}

/** The same validation of the config directory as it was at another commit (a pull request's base, the commit last applied). */
export async function validateDirectoryAt(directory: string, ref: string): Promise<ValidationResult & { sha: string }> {
  const { sha, result } = await readTreeAt(directory, ref, (checkout) => validateDirectory(checkout, { cwd: checkout }));
  return { ...result, sha };
}
