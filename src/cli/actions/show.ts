// The show command's implementation, loaded only when show runs (its options: commands/show.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePlanJson } from '../../plan/plan-file.js';
import { renderPlanMarkdown } from '../../render/plan-markdown.js';
import { renderPlanText } from '../../render/plan-text.js';
import type { CliContext } from '../context.js';

export async function show(file: string, options: { format: 'text' | 'markdown' }, context: CliContext): Promise<void> {
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
}
