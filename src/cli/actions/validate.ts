// The validate command's implementation, loaded only when validate runs (its options: commands/validate.ts).
import { hasErrors } from '../../model/finding.js';
import { annotateFindings } from '../../render/annotations.js';
import { countFindings, findingToJson, FINDINGS_FORMAT_VERSION, renderFindingText, summarizeFindings } from '../../render/findings.js';
import { validateDirectory } from '../../validate/validate.js';
import type { CliContext } from '../context.js';

export interface ValidateCliOptions {
  dir: string;
  format: 'text' | 'json';
}

export function validate(options: ValidateCliOptions, context: CliContext): void {
  const result = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
  const resources =
    result.desired.tenants.length + result.desired.relationships.length + result.desired.endpoints.length +
    result.desired.scopes.length + result.desired.mailUsers.length + result.desired.cloudManagement.length;
  if (options.format === 'json') {
    const counts = countFindings(result.findings);
    context.stdout(
      JSON.stringify(
        {
          formatVersion: FINDINGS_FORMAT_VERSION,
          valid: !hasErrors(result.findings),
          files: result.desired.files.length,
          resources,
          rulesRan: result.rulesRan,
          errors: counts.errors,
          warnings: counts.warnings,
          findings: result.findings.map(findingToJson),
          skipped: result.skipped,
        },
        null,
        2,
      ),
    );
  } else {
    for (const f of result.findings) context.stdout(renderFindingText(f, { color: context.color }));
    if (result.skipped.length > 0) context.stdout(skippedLine(result.skipped));
    const loadErrors = result.findings.some((f) => f.severity === 'error' && f.code !== 'NoDocuments');
    const note = result.rulesRan || !loadErrors ? '' : ' (cross-resource rules run once every document loads)';
    const verdict = hasErrors(result.findings) ? 'invalid' : 'valid';
    context.stdout(`${verdict}: ${result.desired.files.length} files, ${resources} resources, ${summarizeFindings(result.findings)}${note}`);
  }
  annotateFindings(result.findings, context, { stdoutIsData: options.format === 'json' });
  context.setExitCode(hasErrors(result.findings) ? 1 : 0);
}

/** Files skipped as not ours, the first ten by name: so a file meant to be ours but misread shows. */
export function skippedLine(skipped: readonly string[]): string {
  const shown = skipped.slice(0, 10).join(', ');
  const more = skipped.length > 10 ? `, and ${skipped.length - 10} more` : '';
  return `skipped ${skipped.length} ${skipped.length === 1 ? 'file that holds' : 'files that hold'} no exo-gitops documents: ${shown}${more}`;
}
