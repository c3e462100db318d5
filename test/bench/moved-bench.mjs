// Re-stamping at scale: N batch users (default 20,000) all moved, every tenth delegating to the next
// (batch-bench.mjs's delegates), the target's mailboxes read (their NT AUTHORITY\SELF entries) with
// no grant yet, so the plan re-stamps FullAccess, Send As and Send on Behalf for each pair.
//
//   npm run build && node test/bench/moved-bench.mjs DIR [N]
//   CONTOSO_EXO_TOKEN=x NORTHWIND_EXO_TOKEN=x NORTHWIND_MIGRATION_APP_SECRET=x \
//     /usr/bin/time -f '%e s %M KB' node dist/cli/main.js plan --dir DIR/cfg --state DIR/state --max-actions 0 --format json --out DIR/plan.json

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
const root = process.argv[2]; const n = Number(process.argv[3] ?? 20000);
const { generateBatchConfig, generateBatchSnapshots } = await import('./batch-bench.mjs');
generateBatchConfig(join(root, 'cfg'), n);
generateBatchSnapshots(join(root, 'state'), n, { steady: true });
const read = (t) => JSON.parse(readFileSync(join(root, 'state', `${t}.json`), 'utf8'));
const contoso = read('contoso'); const northwind = read('northwind');
contoso.MailUser.push(...contoso.Mailbox.map((m) => ({ Name: m.Name, Alias: m.Alias, PrimarySmtpAddress: m.PrimarySmtpAddress, ExternalEmailAddress: `SMTP:${m.Alias}@northwindtraders.onmicrosoft.com`, MicrosoftOnlineServicesID: m.UserPrincipalName, ExchangeGuid: m.ExchangeGuid, ArchiveGuid: m.ArchiveGuid, LegacyExchangeDN: m.LegacyExchangeDN, EmailAddresses: m.EmailAddresses, IsDirSynced: false, RecipientTypeDetails: 'MailUser', PreviousRecipientTypeDetails: 'UserMailbox', GrantSendOnBehalfTo: m.GrantSendOnBehalfTo })));
contoso.Mailbox = [];
northwind.Mailbox = northwind.MailUser.map((u) => ({ Name: u.Name, Alias: u.Alias, PrimarySmtpAddress: u.PrimarySmtpAddress, UserPrincipalName: u.MicrosoftOnlineServicesID, ExchangeGuid: u.ExchangeGuid, ArchiveGuid: u.ArchiveGuid, LegacyExchangeDN: u.LegacyExchangeDN, EmailAddresses: u.EmailAddresses, RecipientTypeDetails: 'UserMailbox', IsDirSynced: false, IsExchangeCloudManaged: false, LitigationHoldEnabled: false, DelayHoldApplied: false, DelayReleaseHoldApplied: false, ComplianceTagHoldApplied: false, InPlaceHolds: [], GrantSendOnBehalfTo: [] }));
northwind.MailUser = [];
northwind.MailboxPermission = northwind.Mailbox.map((m) => ({ MailboxGuid: m.ExchangeGuid, Identity: m.Name, User: 'NT AUTHORITY\\SELF', AccessRights: ['FullAccess', 'ReadPermission'], IsInherited: false, Deny: false }));
northwind.MigrationUser = northwind.MigrationUser.map((u) => ({ ...u, Status: 'Completed' }));
writeFileSync(join(root, 'state', 'contoso.json'), JSON.stringify(contoso));
writeFileSync(join(root, 'state', 'northwind.json'), JSON.stringify(northwind));
