// Holds on a mailbox, as Get-Mailbox and Get-OrganizationConfig show them: what the plan reports as
// move blockers, and what the simulator raises a mailbox's Recoverable Items quota for.
import type { MailboxEntry } from './snapshot.js';

/**
 * The InPlaceHolds entries that are holds, by the prefix rules of Microsoft's
 * CrossTenantMailboxMigrationValidation script (CSS-Exchange, Admin/): mbx (a Purview retention
 * policy), cld (a legacy In-Place Hold), UniH (an eDiscovery case hold), skp (Skype content), and a
 * bare 32-character GUID (a legacy In-Place Hold). "-mbx…" is an exclusion from an organization-wide
 * policy, not a hold; grp applies to groups.
 */
const HOLD_ENTRY = /^(?:mbx|cld|unih|skp)|^[0-9a-f]{32}$/i;

/** Holds that stop a cross-tenant move, as Get-Mailbox shows them. */
export function holdsOf(mailbox: MailboxEntry): string[] {
  const holds: string[] = [];
  if (mailbox.LitigationHoldEnabled) holds.push('LitigationHoldEnabled');
  if (mailbox.DelayHoldApplied) holds.push('DelayHoldApplied');
  if (mailbox.DelayReleaseHoldApplied) holds.push('DelayReleaseHoldApplied');
  if (mailbox.ComplianceTagHoldApplied) holds.push('ComplianceTagHoldApplied');
  const inPlace = mailbox.InPlaceHolds.filter((entry) => HOLD_ENTRY.test(entry));
  if (inPlace.length > 0) holds.push(`InPlaceHolds (${inPlace.join(', ')})`);
  return holds;
}

/**
 * Organization-wide retention policies (Get-OrganizationConfig InPlaceHolds) that hold this mailbox:
 * the mbx<policy GUID>[:action] entries, less a delete-only policy (action 1, which holds nothing)
 * and less the policies the mailbox is excluded from (a -mbx<policy GUID> entry in its InPlaceHolds).
 */
export function organizationHoldsOf(organizationHolds: readonly string[], mailbox: MailboxEntry): string[] {
  if (organizationHolds.length === 0) return [];
  const excluded = new Set(mailbox.InPlaceHolds.filter((entry) => entry.startsWith('-')).map((entry) => policyOf(entry.slice(1))));
  return organizationHolds.filter((entry) => /^mbx/i.test(entry) && actionOf(entry) !== '1' && !excluded.has(policyOf(entry)));
}

const policyOf = (entry: string): string => entry.split(':')[0]!.toLowerCase();
const actionOf = (entry: string): string | undefined => entry.split(':')[1];
