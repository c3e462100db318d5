// Findings as text for a terminal (file:line:col first, so editors and CI annotate the line) and as
// versioned JSON for tools. In text, invisible and control characters are shown escaped.

import pc from 'picocolors';
import { findingPlace } from '../model/address.js';

const { createColors } = pc;
import { plural } from './markdown.js';
import type { Finding } from '../model/finding.js';
import { showInvisible } from '../util/invisible.js';

export const FINDINGS_FORMAT_VERSION = 1;

export interface TextOptions {
  color: boolean;
}

export function renderFindingText(f: Finding, options: TextOptions): string {
  const c = createColors(options.color);
  const severity = f.severity === 'error' ? c.bold(c.red('error')) : c.bold(c.yellow('warning'));
  const head = `${showInvisible(findingPlace(f))}: ${severity} ${showInvisible(f.code)}: ${showInvisible(f.message)}`;
  return f.hint ? `${head}\n  ${c.dim(showInvisible(`hint: ${f.hint}`))}` : head;
}

export function countFindings(findings: readonly Finding[]): { errors: number; warnings: number } {
  let errors = 0;
  for (const f of findings) if (f.severity === 'error') errors++;
  return { errors, warnings: findings.length - errors };
}


export function summarizeFindings(findings: readonly Finding[]): string {
  const { errors, warnings } = countFindings(findings);
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

export function findingToJson(f: Finding): Record<string, unknown> {
  return {
    code: f.code,
    severity: f.severity,
    message: f.message,
    ...(f.hint !== undefined ? { hint: f.hint } : {}),
    ...(f.location ? { file: f.location.file, line: f.location.line, column: f.location.column } : {}),
    ...(f.tenant !== undefined ? { tenant: f.tenant } : {}),
    ...(f.kind !== undefined ? { kind: f.kind } : {}),
    ...(f.object !== undefined ? { object: f.object } : {}),
  };
}
