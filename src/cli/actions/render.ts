// The render command's implementation, loaded only when render runs (its options: commands/render.ts).
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parsePlanJson } from '../../plan/plan-file.js';
import { applySessions } from '../../apply/sessions.js';
import { renderApplyScript } from '../../powershell/apply-script.js';
import type { CliContext } from '../context.js';

export interface RenderCliOptions {
  plan: string;
  tenant?: string;
}

export async function render(options: RenderCliOptions, context: CliContext): Promise<void> {
  const plan = parsePlanJson(await readFile(resolve(context.cwd, options.plan), 'utf8'), options.plan);
  const tenants = plan.tenants.filter((t) => options.tenant === undefined || t.tenant === options.tenant);
  if (tenants.length === 0) {
    context.stderr(`render: no tenant ${JSON.stringify(options.tenant)} in the plan (tenants: ${plan.tenants.map((t) => t.tenant).join(', ')})`);
    context.setExitCode(1);
    return;
  }
  const header = `plan ${plan.desiredDigest}${plan.commit ? ` commit ${plan.commit.sha}` : ''}`;
  // The sessions apply opens, in its order: a tenant with migration batches has a second one, last.
  context.stdout(applySessions(tenants).map((s) => renderApplyScript(s.tenant, { header })).join('\n'));
}
