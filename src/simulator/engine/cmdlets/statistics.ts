// Mailbox statistics: Get-MailboxStatistics and the REST reader Get-EXOMailboxStatistics. A state file
// holds them in the snapshot's own format, MailboxStatistics: [{MailboxGuid, TotalDeletedItemSizeBytes}]
// (optionally TotalItemSizeBytes, ItemCount, DeletedItemCount); a mailbox without an entry has empty
// statistics (0 items, "0 B (0 bytes)"). Sizes print as Exchange prints a ByteQuantifiedSize.
import type { MailboxEntry, MailboxStatisticsEntry } from '../../../model/snapshot.js';
import { exchangeError, NotSupportedError } from '../../errors.js';
import { PSObject, type PSGuid, toStr } from '../../values.js';
import { byteQuantifiedSize, type ExchangeCall, type ExchangeCmdlet, has, outputValue, resolveRecipient, stringValue, supportOnly, value } from './common.js';
import { EXO_MAILBOX_STATISTICS_MINIMUM, requestedProperties } from './property-sets.js';

type StatisticsRecord = MailboxStatisticsEntry & { TotalItemSizeBytes?: number; ItemCount?: number; DeletedItemCount?: number } & Record<string, unknown>;

function statisticsEntry(call: ExchangeCall, mailbox: MailboxEntry): StatisticsRecord | undefined {
  const guid = mailbox.ExchangeGuid.toLowerCase();
  return (call.state.snapshot.MailboxStatistics ?? []).find((entry) => entry.MailboxGuid.toLowerCase() === guid) as StatisticsRecord | undefined;
}

/** Every statistic of a mailbox, in the order Exchange prints the common ones. */
function statisticsProperties(call: ExchangeCall, mailbox: MailboxEntry): [string, unknown][] {
  const entry = statisticsEntry(call, mailbox);
  const known: [string, unknown][] = [
    ['DisplayName', (mailbox as unknown as Record<string, unknown>)['DisplayName'] ?? mailbox.Name],
    ['MailboxGuid', outputValue('MailboxGuid', mailbox.ExchangeGuid)],
    ['ItemCount', entry?.ItemCount ?? 0],
    ['DeletedItemCount', entry?.DeletedItemCount ?? 0],
    ['TotalItemSize', byteQuantifiedSize(entry?.TotalItemSizeBytes ?? 0)],
    ['TotalDeletedItemSize', byteQuantifiedSize(entry?.TotalDeletedItemSizeBytes ?? 0)],
  ];
  const shown = new Set(['mailboxguid', 'itemcount', 'deleteditemcount', 'totalitemsizebytes', 'totaldeleteditemsizebytes']);
  const extra = Object.entries(entry ?? {}).filter(([name]) => !shown.has(name.toLowerCase()) && !known.some(([k]) => k.toLowerCase() === name.toLowerCase()));
  return [...known, ...extra.map(([name, item]): [string, unknown] => [name, outputValue(name, item)])];
}

const getMailboxStatistics: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'Archive']);
  if (value(call, 'Archive') === true) throw new NotSupportedError('Get-MailboxStatistics -Archive is not supported by the simulator.');
  const identity = stringValue(call, 'Identity') ?? '';
  const mailbox = resolveRecipient(call, identity, ['Mailbox']).entry as MailboxEntry;
  call.emit(new PSObject(statisticsProperties(call, mailbox), 'Microsoft.Exchange.Management.MapiTasks.Presentation.MailboxStatistics'));
};

/** Get-EXOMailboxStatistics: one mailbox by -Identity, -ExchangeGuid, -PrimarySmtpAddress or -UserPrincipalName; the Minimum property set unless asked for more. */
const getExoMailboxStatistics: ExchangeCmdlet = (call) => {
  supportOnly(call, ['Identity', 'ExchangeGuid', 'PrimarySmtpAddress', 'UserPrincipalName', 'PropertySets', 'Properties', 'Archive']);
  if (value(call, 'Archive') === true) throw new NotSupportedError('Get-EXOMailboxStatistics -Archive is not supported by the simulator.');
  const guid = has(call, 'ExchangeGuid') ? (value(call, 'ExchangeGuid') as PSGuid).value : null;
  const identity = guid ?? stringValue(call, 'Identity') ?? stringValue(call, 'PrimarySmtpAddress') ?? stringValue(call, 'UserPrincipalName');
  if (identity === null) {
    throw exchangeError('Specify the mailbox with -Identity, -ExchangeGuid, -PrimarySmtpAddress or -UserPrincipalName.', 'ArgumentException', 'InvalidArgument');
  }
  const mailbox = resolveRecipient(call, identity, ['Mailbox']).entry as MailboxEntry;
  const wanted = requestedProperties(
    { Minimum: EXO_MAILBOX_STATISTICS_MINIMUM },
    has(call, 'PropertySets') ? (value(call, 'PropertySets') as unknown[]).map(toStr) : [],
    has(call, 'Properties') ? (value(call, 'Properties') as unknown[]).map(toStr) : [],
  );
  const all = statisticsProperties(call, mailbox);
  const shown = wanted === null ? all : wanted.flatMap((name) => all.filter(([candidate]) => candidate.toLowerCase() === name.toLowerCase()));
  call.emit(new PSObject(shown, 'Microsoft.Exchange.Management.RestApiClient.ExoMailboxStatistics'));
};

export const statisticsCmdlets: Record<string, ExchangeCmdlet> = {
  'Get-MailboxStatistics': getMailboxStatistics,
  'Get-EXOMailboxStatistics': getExoMailboxStatistics,
};
