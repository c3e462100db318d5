import type { Command } from 'commander';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePlanJson } from '../../plan/plan-file.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import { formatOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';

export function registerShow(program: Command, context: CliContext): void {
  program
    .command('show')
    .description('Print a saved plan (plan --out) as plan shows it: for reading an artifact. Showing it trusts nothing in it; apply still re-plans.')
    .argument('<plan>', 'a saved plan file')
    .addOption(formatOption(['text', 'markdown']))
    .addHelpText('after', '\nExit codes: 0 shown, 1 the file is not a plan this exo-gitops reads.')
    .action(async (file: string, options: { format: 'text' | 'markdown' }) => {
      // parsePlanJson checks the shape and recomputes what the file claims about itself (summary, destructive classes).
      let text: string;
      try {
        text = await readFile(resolve(context.cwd, file), 'utf8');
      } catch (error) {
        context.stderr(`show: cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
        context.setExitCode(1);
        return;
      }
      const plan = parsePlanJson(text, file);
      context.stdout(options.format === 'markdown' ? renderPlanMarkdown(plan) : renderPlanText(plan, { color: context.color }));
    });
}
