// IsExchangeCloudManaged per mailbox (Set-Mailbox -IsExchangeCloudManaged).

import { about, type Resource } from '../model/desired.js';
import { finding } from '../model/finding.js';
import { formatActionId } from '../model/address.js';
import { planAction } from '../model/plan.js';
import type { DiffOutput, PlanContext } from './context.js';

export function cloudManagedActionId(tenant: string, primarySmtpAddress: string): string {
  return formatActionId(tenant, 'Mailbox', primarySmtpAddress, 'cloud-managed');
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
