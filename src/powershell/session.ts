// Opening and closing an Exchange Online session, shared by the export and apply scripts. Sign-in is
// app-only, as the Tenant's connection says; secrets are read from the environment inside
// PowerShell and never appear in the script text.

import type { TenantConnection } from '../model/plan.js';
import { psComment, psEnv, psString } from './literal.js';

/**
 * A comment line of a generated script (its title, the plan it comes from): values in it (tenant,
 * organization, digests) go through psComment, so none can end the comment and run as code.
 */
export function titleComment(text: string): string {
  return `# ${psComment(text)}`;
}

export function connectCommand(tenant: TenantConnection): string {
  const { connection, organization, environment } = tenant;
  const args: string[] = [];
  if (connection.accessTokenEnv !== undefined) {
    args.push(`-AccessToken ${psEnv(connection.accessTokenEnv)}`);
  } else {
    args.push(`-AppId ${psString(connection.appId ?? '')}`);
    if (connection.certificateThumbprint !== undefined) args.push(`-CertificateThumbprint ${psString(connection.certificateThumbprint)}`);
    if (connection.certificatePath !== undefined) args.push(`-CertificateFilePath ${psString(connection.certificatePath)}`);
    if (connection.certificatePasswordEnv !== undefined) {
      args.push(`-CertificatePassword (ConvertTo-SecureString -String ${psEnv(connection.certificatePasswordEnv)} -AsPlainText -Force)`);
    }
  }
  args.push(`-Organization ${psString(organization)}`);
  if (environment !== undefined) args.push(`-ExchangeEnvironmentName ${psString(environment)}`);
  args.push('-ShowBanner:$false', '-ErrorAction Stop');
  return `Connect-ExchangeOnline ${args.join(' ')}`;
}

/**
 * The preferences every generated script starts with: errors stop the script unless caught; no
 * progress bars; plain text, never ANSI colours, in output a program reads (PowerShell 7.2+ colours
 * warnings and errors even when redirected).
 */
export const SCRIPT_PREFERENCES = `$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
$PSStyle.OutputRendering = 'PlainText'`;

export const DISCONNECT_COMMAND = 'Disconnect-ExchangeOnline -Confirm:$false';

/** Environment variables a tenant's sign-in reads: redacted from any output we show. */
export function connectionSecretNames(tenant: TenantConnection): string[] {
  const c = tenant.connection;
  return [c.accessTokenEnv, c.certificatePasswordEnv].filter((n): n is string => n !== undefined);
}
