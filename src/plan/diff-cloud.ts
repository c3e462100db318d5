// IsExchangeCloudManaged per mailbox (Set-Mailbox -IsExchangeCloudManaged).

import { about, type Resource } from '../model/desired.js';
import { finding } from '../model/finding.js';
import { formatActionId } from '../model/address.js';
import { planAction } from '../model/plan.js';
import type { MailboxEntry } from '../model/snapshot.js';
import { mailboxKey, type DiffOutput, type PlanContext } from './context.js';

export function cloudManagedActionId(tenant: string, primarySmtpAddress: string): string {
  return formatActionId(tenant, 'Mailbox', primarySmtpAddress, 'cloud-managed');
}

/**
 * Whether a mailbox's Exchange attributes are cloud-managed once this plan is applied (the declared
 * intent, else the live flag), and the #cloud-managed action a change of them must wait for: only a
 * synced mailbox whose flag the plan changes gets one (diffCloudManagement's condition).
 */
export function cloudManagementAfterPlan(context: PlanContext, tenant: string, mailbox: MailboxEntry): { cloudManaged: boolean; dependsOn: string[] } {
  const intent = context.cloudManagedIntent.get(mailboxKey(tenant, mailbox.PrimarySmtpAddress));
  const changes = intent !== undefined && mailbox.IsDirSynced && intent !== mailbox.IsExchangeCloudManaged;
  return { cloudManaged: intent ?? mailbox.IsExchangeCloudManaged, dependsOn: changes ? [cloudManagedActionId(tenant, mailbox.PrimarySmtpAddress)] : [] };
}

export function diffCloudManagement(context: PlanContext, doc: Resource<'CloudManagement'>): DiffOutput {
  const tenant = doc.tenant!;
  const live = context.live.get(tenant);
  const out: DiffOutput = { actions: [], findings: [] };
  if (!live) return out;
  const wanted = doc.spec.isExchangeCloudManaged;
  doc.spec.mailboxes.forEach((address, i) => {
    const location = doc.locate(['spec', 'mailboxes', i]);
    const mailbox = live.mailbox(address);
    if (!mailbox) {
      // Moved to another tenant: its mailbox is a mail user here now, and there is nothing left to manage.
      const moved = live.mailUser(address);
      if (moved && moved.PreviousRecipientTypeDetails.toLowerCase() === 'usermailbox') {
        out.findings.push(finding('CloudManagedMailboxMoved', `${address} has moved: it is a mail user of ${tenant} now`, about(doc, location)));
        return;
      }
      out.findings.push(finding('CloudManagedMailboxNotFound', `${address} is not a mailbox of ${tenant}`, about(doc, location)));
      return;
    }
    if (!mailbox.IsDirSynced) {
      out.findings.push(finding('CloudManagementNoEffect', `${address} is not directory-synced: its Exchange attributes are managed in the cloud already`, about(doc, location)));
      return;
    }
    if (mailbox.IsExchangeCloudManaged === wanted) return;
    out.actions.push(
      planAction({
        tenant,
        kind: 'Mailbox',
        identity: mailbox.PrimarySmtpAddress,
        step: 'cloud-managed',
        action: 'update',
        changes: [{ field: 'IsExchangeCloudManaged', before: mailbox.IsExchangeCloudManaged, after: wanted }],
        dependsOn: [],
        source: location,
        resourceKind: doc.kind,
      }),
    );
  });
  return out;
}
