// The export command's implementation, loaded only when export runs (its options: commands/export.ts).
import { resolve } from 'node:path';
import { exportTenants } from '../../export/export.js';
import { unplannableReason } from '../../export/prepare.js';
import { renderFindingText } from '../../render/findings.js';
import { validateDirectory } from '../../validate/validate.js';
import type { CliContext } from '../context.js';

export interface ExportCliOptions {
  dir: string;
  tenant?: string;
  state: string;
  concurrency: number;
}

export async function exportCommand(options: ExportCliOptions, context: CliContext): Promise<void> {
  const validation = validateDirectory(options.dir, { cwd: context.cwd, ...(context.platform ? { platform: context.platform } : {}) });
  if (!validation.rulesRan) {
    for (const f of validation.findings) context.stderr(renderFindingText(f, { color: context.color }));
    context.stderr(`export: ${unplannableReason(validation.findings)}; nothing was exported`);
    context.setExitCode(1);
    return;
  }
  const tenants = validation.desired.tenants.filter((t) => options.tenant === undefined || t.name === options.tenant);
  if (tenants.length === 0) {
    context.stderr(options.tenant === undefined ? 'export: no Tenant documents found' : `export: no Tenant named ${JSON.stringify(options.tenant)} (declared: ${validation.desired.tenants.map((t) => t.name).join(', ') || 'none'})`);
    context.setExitCode(1);
    return;
  }
  const exported = await exportTenants(validation.desired, tenants, resolve(context.cwd, options.state), { env: context.env, cwd: resolve(context.cwd, options.dir), ...(context.retry ? { retry: context.retry } : {}), ...(context.progress ? { progress: context.progress } : {}), concurrency: options.concurrency });
  for (const e of exported) {
    const s = e.snapshot;
    context.stdout(`exported ${e.tenant} → ${e.file} in ${e.durationMs} ms: ${s.OrganizationRelationship.length} relationships, ${s.MigrationEndpoint.length} endpoints, ${s.DistributionGroup.length} groups, ${s.MailUser.length} mail users, ${s.Mailbox.length} mailboxes`);
  }
}
