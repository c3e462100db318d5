// Target mail users (MEUs) and the cross-tenant preflight that makes a move request succeed the first
// time: the source mailbox's ExchangeGuid, ArchiveGuid and X500 addresses are stamped on the MEU,
// its addresses are in accepted domains, its external address points at the source mailbox, and the
// source mailbox is in the published scope and holds no hold.
//
// With a `source` link, the values that must equal the source's are derived from the source mailbox
// when the YAML omits them; a value the YAML writes must agree with the source, or it is an error.

import { formatAddress } from '../model/address.js';
import { holdsOf, organizationHoldsOf } from '../model/holds.js';
import { about, scopeGroupName, type Resource } from '../model/desired.js';
import { finding, type Finding, type SourceLocation } from '../model/finding.js';
import { planAction, type Action, type FieldChange } from '../model/plan.js';
import { DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES, type MailboxEntry, type MailUserEntry } from '../model/snapshot.js';
import { bareAddress, isUnsetGuid, lower, missingFrom, parseCapability, proxyKey, sameGuid, sameText, smtpDomainOf } from './compare.js';
import { cloudManagementAfterPlan } from './diff-cloud.js';
import { ON_PREMISES_REASON } from './diff-scopes.js';
import { type DiffOutput, type PlanContext } from './context.js';
import type { LiveTenant } from './live.js';

const X500 = /^x500:/i;
const SMTP = /^smtp:/i;
/** Paths shared by every mail user's address checks, located only for a finding. */
const NAME_PATH: readonly string[] = ['metadata', 'name'];
const PRIMARY_PATH: readonly string[] = ['spec', 'primarySmtpAddress'];

/** MailboxLocations entries of auxiliary archives ("1;<guid>;AuxArchive;…"). */
function auxArchives(mailbox: MailboxEntry): number {
  return (mailbox.MailboxLocations ?? []).filter((location) => location.split(';')[2]?.trim().toLowerCase() === 'auxarchive').length;
}

/** The most auxiliary archives a cross-tenant move takes. */
const AUX_ARCHIVE_LIMIT = 12;
const T2T_CAPABILITY = 'exchanget2tmbxmove';

const hasCapability = (capabilities: readonly string[] | undefined): boolean | undefined =>
  capabilities === undefined ? undefined : capabilities.some((c) => c.toLowerCase() === T2T_CAPABILITY);

const gigabytes = (bytes: number): string => `${(bytes / 1024 ** 3).toFixed(2)} GB`;

/** The X500 addresses a target MEU needs: the source LegacyExchangeDN and every X500 of the source. */
function requiredX500s(source: MailboxEntry): string[] {
  const fromDn = source.LegacyExchangeDN ? [`X500:${source.LegacyExchangeDN}`] : [];
  const proxies = source.EmailAddresses.filter((a) => X500.test(a)).map((a) => `X500:${a.slice(5)}`);
  return missingFrom([...fromDn, ...proxies], []);
}

/**
 * The scope group a source tenant publishes to a target, and its members after this plan: the
 * desired members when the repository declares the group, else the live ones. Memoized per pair, so
 * 50,000 mail users cost one lookup each.
 */
type ScopeView = { group: string; members: Set<string> } | null;
const scopeCache = new WeakMap<PlanContext, Map<string, ScopeView>>();

function publishedScope(context: PlanContext, sourceTenant: string, targetTenant: string): ScopeView {
  let cache = scopeCache.get(context);
  if (!cache) scopeCache.set(context, (cache = new Map()));
  const key = `${sourceTenant}\0${targetTenant}`;
  if (cache.has(key)) return cache.get(key)!;

  const sourceLive = context.live.get(sourceTenant);
  let group = publishedGroupName(context, sourceTenant, targetTenant);
  let view: ScopeView = null;
  // Written as an alias or address, the group is still the one Exchange names.
  if (group !== undefined) group = sourceLive?.groups.get(lower(group))?.Name ?? group;
  if (group !== undefined) {
    const additive = context.additiveScopes;
    const scope = context.desired.scopes.find(
      (s) => s.tenant === sourceTenant && sameText(scopeGroupName(s), group) && (s.spec.members !== undefined || s.spec.membersFile !== undefined || additive?.has(s) === true),
    );
    const members = new Set<string>();
    const add = (address: string): void => {
      // A member that is itself a group (a nested scope: the only way past one published scope's
      // size) brings its own members, expanded as the export read them.
      const key = lower(address);
      if (sourceLive?.groups.has(key)) for (const m of nestedMembers(sourceLive, address)) members.add(m);
      else members.add(key);
    };
    if (scope) {
      for (const m of context.desired.scopeMembers.get(scope) ?? []) add(sourceLive?.mailbox(m.address)?.PrimarySmtpAddress ?? m.address);
      // Members only added (a batch's users in a group whose other members nobody declares): the live ones stay.
      if (additive?.has(scope)) for (const m of sourceLive?.groups.get(lower(group))?.Members ?? []) add(m);
    } else {
      for (const m of sourceLive?.groups.get(lower(group))?.Members ?? []) add(m);
    }
    view = { group, members };
  }
  cache.set(key, view);
  return view;
}

/**
 * The group a source tenant publishes to a target (mailboxMovePublishedScopes of its RemoteOutbound
 * relationship to it): the declared relationship's, else the live one's; undefined when none.
 */
export function publishedGroupName(context: PlanContext, sourceTenant: string, targetTenant: string): string | undefined {
  const declared = context.desired.relationships.find(
    (r) => r.tenant === sourceTenant && r.spec.ensure !== 'Absent' && (r.spec.mailboxMoveCapability ?? []).includes('RemoteOutbound') && context.index.relationshipPartner(r)?.name === targetTenant,
  );
  if (declared) return declared.spec.mailboxMovePublishedScopes?.[0];
  const target = context.index.tenantsByName.get(targetTenant);
  const sourceLive = context.live.get(sourceTenant);
  if (!target || !sourceLive) return undefined;
  const live = sourceLive.snapshot.OrganizationRelationship.find(
    (r) => r.DomainNames.some((d) => sameText(d, target.spec.tenantId)) && parseCapability(r.MailboxMoveCapability).includes('RemoteOutbound'),
  );
  return live?.MailboxMovePublishedScopes[0];
}

/** How deep nested scope groups are followed: deeper nesting (or a cycle) adds no further members. */
const NESTING_LIMIT = 10;

/** The addresses a scope member stands for: itself, and when it is a group, its members, nested groups expanded. */
function nestedMembers(live: LiveTenant, address: string, depth = 0, seen = new Set<string>()): string[] {
  const key = lower(address);
  const group = live.groups.get(key);
  if (!group) return [key];
  if (depth >= NESTING_LIMIT || seen.has(lower(group.Name))) return [];
  seen.add(lower(group.Name));
  return group.Members.flatMap((member) => nestedMembers(live, member, depth + 1, seen));
}

interface Source {
  tenant: LiveTenant;
  mailbox: MailboxEntry;
}

/** Cross-tenant checks for one MEU; returns the source mailbox when it was found. */
function preflight(context: PlanContext, user: Resource<'MailUser'>, current: MailUserEntry | undefined, findings: Finding[]): Source | undefined {
  const link = user.spec.source;
  if (!link) return undefined;
  const sourceLive = context.live.get(link.tenant);
  if (!sourceLive) return undefined;
  const at = (path: (string | number)[]) => about(user, user.locate(path));
  const mailbox = sourceLive.mailbox(link.mailbox);
  if (!mailbox) {
    // After a completed move the source mailbox is a mail user pointing at the target: nothing to check.
    if (sourceLive.mailUser(link.mailbox)) return undefined;
    findings.push(finding('SourceMailboxNotFound', `no mailbox ${link.mailbox} in ${link.tenant}`, at(['spec', 'source', 'mailbox'])));
    return undefined;
  }
  const spec = user.spec;
  if (spec.exchangeGuid !== undefined && !sameGuid(spec.exchangeGuid, mailbox.ExchangeGuid)) {
    findings.push(finding('ExchangeGuidMismatch', `exchangeGuid ${spec.exchangeGuid} is not the ExchangeGuid ${mailbox.ExchangeGuid} of ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress}`, at(['spec', 'exchangeGuid'])));
  }
  const sourceHasArchive = !isUnsetGuid(mailbox.ArchiveGuid);
  if (sourceHasArchive && spec.archiveGuid !== undefined && !sameGuid(spec.archiveGuid, mailbox.ArchiveGuid)) {
    findings.push(finding('ArchiveGuidMismatch', `archiveGuid ${spec.archiveGuid} is not the ArchiveGuid ${mailbox.ArchiveGuid} of ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress}`, at(['spec', 'archiveGuid'])));
  }
  if (!sourceHasArchive && spec.archiveGuid !== undefined) {
    findings.push(finding('ArchiveWithoutSource', `archiveGuid is set, but ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} has no archive`, at(['spec', 'archiveGuid'])));
  } else if (!sourceHasArchive && current && !isUnsetGuid(current.ArchiveGuid)) {
    findings.push(finding('ArchiveWithoutSource', `the mail user carries ArchiveGuid ${current.ArchiveGuid}, but ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} has no archive`, at(['metadata', 'name'])));
  }

  const external = spec.externalEmailAddress ?? current?.ExternalEmailAddress ?? undefined;
  if (external) {
    const address = lower(bareAddress(external));
    const isSourceAddress = lower(mailbox.PrimarySmtpAddress) === address || mailbox.EmailAddresses.some((a) => SMTP.test(a) && lower(a.slice(5)) === address);
    if (!isSourceAddress) {
      findings.push(
        finding('ExternalAddressNotSource', `externalEmailAddress ${bareAddress(external)} is not an address of ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress}`, at(spec.externalEmailAddress !== undefined ? ['spec', 'externalEmailAddress'] : ['metadata', 'name'])),
      );
    }
  }
  const primary = spec.primarySmtpAddress ?? current?.PrimarySmtpAddress;
  if (!primary || (external !== undefined && sameText(primary, bareAddress(external)))) {
    findings.push(finding('PrimarySmtpMissing', 'no primarySmtpAddress in the target: Exchange would make the external address primary', at(['spec'])));
  }
  const holds = holdsOf(mailbox);
  if (holds.length > 0) {
    findings.push(finding('SourceMailboxOnHold', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} is on hold: ${holds.join(', ')}`, at(['spec', 'source', 'mailbox'])));
  }
  const organizationHolds = organizationHoldsOf(sourceLive.snapshot.OrganizationConfig.InPlaceHolds ?? [], mailbox);
  if (organizationHolds.length > 0) {
    findings.push(finding('OrganizationHold', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} is held by organization-wide retention: ${organizationHolds.join(', ')}`, at(['spec', 'source', 'mailbox'])));
  }
  const archives = auxArchives(mailbox);
  if (archives > AUX_ARCHIVE_LIMIT) {
    findings.push(finding('AuxArchiveLimit', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} has ${archives} auxiliary archives, more than the ${AUX_ARCHIVE_LIMIT} a move takes`, at(['spec', 'source', 'mailbox'])));
  }
  if (mailbox.DisabledArchiveGuid !== undefined && !isUnsetGuid(mailbox.DisabledArchiveGuid)) {
    findings.push(finding('DemotedArchive', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} keeps a disabled archive (DisabledArchiveGuid ${mailbox.DisabledArchiveGuid})`, at(['spec', 'source', 'mailbox'])));
  }
  const sourceLicensed = hasCapability(mailbox.PersistedCapabilities);
  const targetLicensed = current ? hasCapability(current.PersistedCapabilities) : false;
  if (sourceLicensed === false && targetLicensed === false) {
    findings.push(
      finding('CrossTenantLicenseMissing', `neither ${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} nor ${current ? `mail user ${current.PrimarySmtpAddress}` : 'the mail user this plan creates'} has the cross-tenant migration license (ExchangeT2TMbxMove)`, at(['spec', 'source', 'mailbox'])),
    );
  }
  const deleted = sourceLive.statistics(mailbox.ExchangeGuid)?.TotalDeletedItemSizeBytes;
  const quota = current ? current.RecoverableItemsQuotaBytes : DEFAULT_RECOVERABLE_ITEMS_QUOTA_BYTES;
  const targetQuota = (bytes: number) => `the ${current ? '' : 'default '}RecoverableItemsQuota ${gigabytes(bytes)} of its target mail user`;
  // The export reads no statistics of a mailbox whose own quota is within the default (its deleted
  // items cannot outgrow it); only a target quota below that leaves the size unknown and at risk.
  const bound = mailbox.RecoverableItemsQuotaBytes;
  if (deleted !== undefined && typeof quota === 'number' && deleted > quota) {
    findings.push(finding('DumpsterOverTargetQuota', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} holds ${gigabytes(deleted)} of deleted items, more than ${targetQuota(quota)}`, at(['spec', 'source', 'mailbox'])));
  } else if (deleted === undefined && typeof quota === 'number' && typeof bound === 'number' && bound > quota) {
    findings.push(finding('DumpsterOverTargetQuota', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} may hold up to ${gigabytes(bound)} of deleted items (its RecoverableItemsQuota; statistics not read), more than ${targetQuota(quota)}`, at(['spec', 'source', 'mailbox'])));
  }
  const scope = publishedScope(context, link.tenant, user.tenant!);
  if (scope && !scope.members.has(lower(mailbox.PrimarySmtpAddress))) {
    findings.push(finding('NotInMigrationScope', `${link.tenant} mailbox ${mailbox.PrimarySmtpAddress} is not a member of the published scope group ${scope.group}`, at(['spec', 'source', 'mailbox'])));
  }
  return { tenant: sourceLive, mailbox };
}

function customAttributeChanges(spec: Resource<'MailUser'>['spec'], current: MailUserEntry | MailboxEntry | undefined): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const [number, value] of Object.entries(spec.customAttributes ?? {})) {
    const field = `CustomAttribute${number}`;
    const before = ((current as Record<string, unknown> | undefined)?.[field] as string | null | undefined) ?? '';
    if (before !== value) changes.push({ field, before: current ? before : undefined, after: value });
  }
  return changes;
}

/**
 * EmailAddresses changes: the YAML's additions and removals, then the X500s derived from the source.
 * Runs for every mail user: each address's proxyKey is made once (not once per comparison).
 */
function addressChanges(user: Resource<'MailUser'>, have: readonly string[], derived: readonly string[], derivedFrom: string | undefined): FieldChange[] {
  const spec = user.spec;
  const primary = spec.primarySmtpAddress;
  /** The keys of what the recipient has, then also of what is added. */
  const present = new Set<string>();
  for (const address of have) present.add(proxyKey(address));
  const removing = spec.removeEmailAddresses ?? [];
  let remove: string[] = [];
  if (removing.length > 0) {
    // An address also kept is an error finding (AddressKeptAndRemoved); it is never removed, so plans settle.
    const keptKeys = new Set([...(spec.emailAddresses ?? []), ...(primary !== undefined ? [`smtp:${primary}`] : [])].map(proxyKey));
    remove = removing.filter((a) => present.has(proxyKey(a)) && !keptKeys.has(proxyKey(a)));
  }
  const add: string[] = [];
  for (const address of spec.emailAddresses ?? []) {
    // The primary is set on its own (PrimarySmtpAddress), not added as a proxy.
    if (primary !== undefined && SMTP.test(address) && sameText(bareAddressOfProxy(address), primary)) continue;
    const key = proxyKey(address);
    if (present.has(key)) continue;
    present.add(key);
    add.push(address);
  }
  const changes: FieldChange[] = [];
  if (add.length > 0 || remove.length > 0) changes.push({ field: 'EmailAddresses', ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) });
  const derivedAdd: string[] = [];
  for (const address of derived) {
    const key = proxyKey(address);
    if (present.has(key)) continue;
    present.add(key);
    derivedAdd.push(address);
  }
  if (derivedAdd.length > 0) changes.push({ field: 'EmailAddresses', add: derivedAdd, ...(derivedFrom ? { derivedFrom } : {}) });
  return changes;
}

function bareAddressOfProxy(proxy: string): string {
  return proxy.replace(/^[a-z0-9]+:/i, '');
}

function checkAcceptedDomains(user: Resource<'MailUser'>, live: LiveTenant, addresses: readonly { address: string; path: readonly (string | number)[] }[], findings: Finding[]): void {
  for (const { address, path } of addresses) {
    const domain = smtpDomainOf(address);
    if (!live.accepts(domain)) {
      findings.push(finding('AddressNotAcceptedDomain', `${address} is in ${domain}, which is not an accepted domain of ${user.tenant}`, about(user, user.locate(path))));
    }
  }
}

export function diffMailUser(context: PlanContext, user: Resource<'MailUser'>): DiffOutput {
  const tenant = user.tenant!;
  const live = context.live.get(tenant);
  const findings: Finding[] = [];
  const actions: Action[] = [];
  if (!live) return { actions, findings };
  const spec = user.spec;
  // Located only when an action or a finding needs it: locating re-parses the document (yaml-source.ts).
  let located: SourceLocation | undefined;
  const source = (): SourceLocation => (located ??= user.locate(['metadata', 'name']));
  const recipient = live.recipient(user.name) ?? (spec.primarySmtpAddress ? live.recipient(spec.primarySmtpAddress) : undefined);

  if (recipient?.type === 'Mailbox') return diffMovedMailbox(context, user, recipient.entry, live);
  const current = recipient?.entry;
  const src = preflight(context, user, current, findings);

  const derivedFrom = src ? `${src.tenant.name} mailbox ${src.mailbox.PrimarySmtpAddress}` : undefined;
  const exchangeGuid = spec.exchangeGuid ?? src?.mailbox.ExchangeGuid;
  const archiveGuid = spec.archiveGuid ?? (src && !isUnsetGuid(src.mailbox.ArchiveGuid) ? src.mailbox.ArchiveGuid : undefined);
  const x500s = src ? requiredX500s(src.mailbox) : [];

  // Addresses as they will be after this plan, for the accepted-domain check.
  const finalSmtp: { address: string; path: readonly (string | number)[] }[] = [];
  const removed = spec.removeEmailAddresses?.length ? new Set(spec.removeEmailAddresses.map(proxyKey)) : undefined;
  // A mail user's own external address may stay among its proxies in a foreign domain: Exchange
  // Online makes it the primary of a new MEU, and keeps it as a secondary once another primary is set.
  const external = current?.ExternalEmailAddress ? bareAddressOfProxy(current.ExternalEmailAddress) : undefined;
  for (const proxy of current?.EmailAddresses ?? []) {
    if (!SMTP.test(proxy) || removed?.has(proxyKey(proxy))) continue;
    const address = proxy.slice(5);
    if (!(external !== undefined && sameText(address, external))) finalSmtp.push({ address, path: NAME_PATH });
  }
  (spec.emailAddresses ?? []).forEach((proxy, i) => {
    if (SMTP.test(proxy)) finalSmtp.push({ address: proxy.slice(5), path: ['spec', 'emailAddresses', i] });
  });
  if (spec.primarySmtpAddress !== undefined) finalSmtp.push({ address: spec.primarySmtpAddress, path: PRIMARY_PATH });
  checkAcceptedDomains(user, live, dedupeByAddress(finalSmtp), findings);

  if (!current) {
    const nameProblem = creatableName(user.name);
    if (nameProblem) {
      findings.push(finding('MailUserNotCreatable', `${formatAddress(tenant, 'MailUser', user.name)} does not exist and cannot be created: ${nameProblem}`, { ...about(user, user.locate(['metadata', 'name'])), hint: "metadata.name becomes the new mail user's Name and Alias: use its alias (e.g. LaraN) or its primary SMTP address." }));
      return { actions, findings };
    }
    if (spec.externalEmailAddress === undefined || spec.microsoftOnlineServicesId === undefined) {
      findings.push(finding('MailUserNotCreatable', `${formatAddress(tenant, 'MailUser', user.name)} does not exist and cannot be created without externalEmailAddress and microsoftOnlineServicesId`, about(user, source())));
      return { actions, findings };
    }
    const changes: FieldChange[] = [
      // A mail user derived from a source mailbox takes its Name; metadata.name is then its alias.
      { field: 'Name', after: user.derived?.exchangeName ?? user.name },
      ...(user.name.includes('@') ? [] : [{ field: 'Alias', after: user.name }]),
      { field: 'DisplayName', after: spec.displayName ?? user.name },
      { field: 'ExternalEmailAddress', after: `SMTP:${bareAddress(spec.externalEmailAddress)}` },
      { field: 'MicrosoftOnlineServicesID', after: spec.microsoftOnlineServicesId },
      ...(spec.primarySmtpAddress !== undefined ? [{ field: 'PrimarySmtpAddress', after: spec.primarySmtpAddress }] : []),
      ...(exchangeGuid !== undefined ? [{ field: 'ExchangeGuid', after: exchangeGuid, ...(spec.exchangeGuid === undefined && derivedFrom ? { derivedFrom } : {}) }] : []),
      ...(archiveGuid !== undefined ? [{ field: 'ArchiveGuid', after: archiveGuid, ...(spec.archiveGuid === undefined && derivedFrom ? { derivedFrom } : {}) }] : []),
      ...addressChanges(user, stampedOnCreate(context, user), x500s, derivedFrom),
      ...customAttributeChanges(spec, undefined),
    ];
    actions.push(planAction({ tenant, kind: 'MailUser', identity: user.name, action: 'create', changes, dependsOn: [], source: source(), resourceKind: user.kind }));
    return { actions, findings };
  }

  const identity = current.Alias || current.PrimarySmtpAddress;
  const changes: FieldChange[] = [];
  if (spec.externalEmailAddress !== undefined && !sameText(bareAddress(current.ExternalEmailAddress), bareAddress(spec.externalEmailAddress))) {
    changes.push({ field: 'ExternalEmailAddress', before: current.ExternalEmailAddress, after: `SMTP:${bareAddress(spec.externalEmailAddress)}` });
  }
  if (spec.primarySmtpAddress !== undefined && !sameText(current.PrimarySmtpAddress, spec.primarySmtpAddress)) {
    changes.push({ field: 'PrimarySmtpAddress', before: current.PrimarySmtpAddress, after: spec.primarySmtpAddress });
  }
  if (spec.microsoftOnlineServicesId !== undefined && !sameText(current.MicrosoftOnlineServicesID, spec.microsoftOnlineServicesId)) {
    // Set-MailUser has -MicrosoftOnlineServicesID only in the parameter sets a hold switch selects
    // (ExcludeFromAllOrgHolds, ExcludeFromOrgHolds, RemoveDisabledArchive, RemoveOrphanedHolds: the
    // reference signatures), so `-Identity x -MicrosoftOnlineServicesID y` cannot be bound, in the
    // simulator or in real pwsh. It is the user's UPN in Entra ID: changed there, the MEU follows.
    actions.push(planAction({
      tenant,
      kind: 'MailUser',
      identity,
      step: 'microsoft-online-services-id',
      action: 'blocked',
      changes: [{ field: 'MicrosoftOnlineServicesID', before: current.MicrosoftOnlineServicesID, after: spec.microsoftOnlineServicesId }],
      dependsOn: [],
      reason: "Set-MailUser can't change MicrosoftOnlineServicesID on its own (its parameter sets take it only with a hold switch): change the user principal name in Entra ID, and the mail user follows",
      source: source(),
      resourceKind: user.kind,
    }));
  }
  for (const [field, wanted, written] of [
    ['ExchangeGuid', exchangeGuid, spec.exchangeGuid],
    ['ArchiveGuid', archiveGuid, spec.archiveGuid],
  ] as const) {
    const before = current[field];
    if (wanted === undefined || sameGuid(before, wanted)) continue;
    // Stamping an unset GUID is routine; replacing one already stamped detaches the user from a mailbox
    // (destructive class change-guid, from destructiveClassesOf).
    changes.push({ field, before, after: wanted, ...(written === undefined && derivedFrom ? { derivedFrom } : {}) });
  }
  changes.push(...addressChanges(user, current.EmailAddresses, x500s, derivedFrom), ...customAttributeChanges(spec, current));

  const dependsOn: string[] = [];
  if (current.PreviousRecipientTypeDetails.toLowerCase() === 'usermailbox') {
    // The guide: clear the previous mailbox's data before stamping, or MRS attaches the wrong mailbox.
    const allowed = spec.permanentlyClearPreviousMailboxInfo === true;
    const clear = planAction({
      tenant,
      kind: 'User',
      identity,
      step: 'clear-previous-mailbox',
      // Also for a directory-synced user: Set-User -PermanentlyClearPreviousMailboxInfo exists for them
      // ("Permanently Clear Previous Mailbox Info", Exchange Team blog, 2018).
      action: allowed ? 'update' : 'blocked',
      changes: [{ field: 'PreviousRecipientTypeDetails', before: current.PreviousRecipientTypeDetails, after: 'None' }],
      dependsOn: [],
      source: source(),
      resourceKind: user.kind,
      ...(allowed
        ? {}
        : { reason: 'the mail user once had a mailbox: Set-User -PermanentlyClearPreviousMailboxInfo is needed and irreversible; set spec.permanentlyClearPreviousMailboxInfo: true to plan it' }),
    });
    actions.push(clear);
    dependsOn.push(clear.id);
  }
  if (changes.length === 0) return { actions, findings };
  actions.push(
    planAction({
      tenant,
      kind: 'MailUser',
      identity,
      ...(current.IsDirSynced ? { action: 'blocked', reason: ON_PREMISES_REASON } : { action: 'update' }),
      changes,
      dependsOn,
      source: source(),
      resourceKind: user.kind,
    }),
  );
  return { actions, findings };
}

/**
 * The addresses a new mail user has once created: the primary the follow-up Set-MailUser gives it,
 * and the alias@<initial domain> address Exchange Online stamps on every new recipient (when the
 * alias is known: the name is the alias). A removeEmailAddresses entry naming it is removed then.
 */
function stampedOnCreate(context: PlanContext, user: Resource<'MailUser'>): string[] {
  const organization = context.index.tenantsByName.get(user.tenant!)?.spec.organization;
  return [
    ...(user.spec.primarySmtpAddress ? [`SMTP:${user.spec.primarySmtpAddress}`] : []),
    ...(organization !== undefined && !user.name.includes('@') ? [`smtp:${user.name}@${organization}`] : []),
  ];
}

/** Exchange's alias: letters, digits and !#$%&'*+-/=?^_`{|}~, dots between them; Name and Alias up to 64. */
const ALIAS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+(?:\.[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~]+)*$/;

/** Why a mail user could not be created under this name, if it could not. */
function creatableName(name: string): string | undefined {
  if (name.length > 64) return `the name is longer than 64 characters, the most Exchange allows`;
  if (name.includes('@')) return undefined; // an address: the Name, and Exchange derives the alias
  if (!ALIAS.test(name)) return `${JSON.stringify(name)} is not a valid alias (spaces and characters such as , ; " ( ) are not allowed)`;
  return undefined;
}

function dedupeByAddress<T extends { address: string }>(items: T[]): T[] {
  const seen = new Set<string>();
  return items.filter((i) => {
    const k = lower(i.address);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/**
 * After its move the MEU is a mailbox. The guid, external address and X500 checks are history; its
 * Exchange attributes are still managed, through Set-Mailbox. A directory-synced mailbox takes them
 * only when it is cloud-managed (or this plan makes it so, first).
 */
function diffMovedMailbox(context: PlanContext, user: Resource<'MailUser'>, mailbox: MailboxEntry, live: LiveTenant): DiffOutput {
  const tenant = user.tenant!;
  const spec = user.spec;
  const findings: Finding[] = [];
  const changes: FieldChange[] = [];
  if (spec.primarySmtpAddress !== undefined && !sameText(mailbox.PrimarySmtpAddress, spec.primarySmtpAddress)) {
    changes.push({ field: 'PrimarySmtpAddress', before: mailbox.PrimarySmtpAddress, after: spec.primarySmtpAddress });
  }
  changes.push(...addressChanges(user, mailbox.EmailAddresses, [], undefined), ...customAttributeChanges(spec, mailbox));
  const smtp = [
    ...(spec.emailAddresses ?? []).map((proxy, i) => ({ proxy, path: ['spec', 'emailAddresses', i] as (string | number)[] })).filter((p) => SMTP.test(p.proxy)).map((p) => ({ address: p.proxy.slice(5), path: p.path })),
    ...(spec.primarySmtpAddress !== undefined ? [{ address: spec.primarySmtpAddress, path: ['spec', 'primarySmtpAddress'] as (string | number)[] }] : []),
  ];
  checkAcceptedDomains(user, live, smtp, findings);
  if (changes.length === 0) return { actions: [], findings };

  const { cloudManaged, dependsOn } = cloudManagementAfterPlan(context, tenant, mailbox);
  const action = planAction({
    tenant,
    kind: 'Mailbox',
    identity: mailbox.PrimarySmtpAddress,
    ...(mailbox.IsDirSynced && !cloudManaged
      ? { action: 'blocked', reason: `${ON_PREMISES_REASON}, or declare the mailbox in a CloudManagement with isExchangeCloudManaged: true` }
      : { action: 'update' }),
    changes,
    dependsOn,
    source: user.locate(['metadata', 'name']),
    resourceKind: user.kind,
  });
  return { actions: [action], findings };
}
