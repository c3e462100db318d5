import type { Command } from 'commander';
import { resolve } from 'node:path';
import { exportTenants } from '../../export/export.js';
import { unplannableReason } from '../../export/prepare.js';
import { renderFindingText } from '../../render/findings.js';
import { validateDirectory } from '../../validate/validate.js';
import { sharedOption } from '../../settings/options.js';
import type { CliContext } from '../context.js';

export function registerExport(program: Command, context: CliContext): void {
  program
    .command('export')
    .description("Read each tenant's live state through Exchange Online PowerShell (one bulk Get-* per kind) into <state>/<tenant>.json.")
    .addOption(sharedOption('dir', 'config directory (its Tenant documents say how to sign in)'))
    .addOption(sharedOption('tenant', 'export only this tenant'))
    .requiredOption('-s, --state <dir>', 'directory to write <tenant>.json snapshots into')
    .addHelpText('after', '\nRuns $EXO_GITOPS_PWSH (default pwsh). Exit codes: 0 exported, 1 error (nothing is written for a tenant that failed).')
    .action(async (options: { dir: string; tenant?: string; state: string }) => {
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
      const exported = await exportTenants(validation.desired, tenants, resolve(context.cwd, options.state), { env: context.env, cwd: resolve(context.cwd, options.dir), ...(context.retry ? { retry: context.retry } : {}), ...(context.progress ? { progress: context.progress } : {}) });
      for (const e of exported) {
        const s = e.snapshot;
        context.stdout(`exported ${e.tenant} → ${e.file} in ${e.durationMs} ms: ${s.OrganizationRelationship.length} relationships, ${s.MigrationEndpoint.length} endpoints, ${s.DistributionGroup.length} groups, ${s.MailUser.length} mail users, ${s.Mailbox.length} mailboxes`);
      }
    });
}
