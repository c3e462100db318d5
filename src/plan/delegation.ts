// Delegation across the move. Microsoft's documents (seeds 001, 002's FAQ, 004) say:
//   - FullAccess is stored in the mailbox and moves with it when principal and delegate move
//     together; it works within one tenant only;
//   - Send on Behalf (publicDelegates, Set-Mailbox -GrantSendOnBehalfTo) and Send As
//     (Add-RecipientPermission) do not move: they are set again in the target once the mail user has
//     become a mailbox;
//   - mailboxes that grant each other permissions should move in the same batch.
// So, from the source's permissions of the batches' users (export-script.ts reads them), this stage
// builds the permission graph (connected groups, split pairs, delegates that never move), and for
// every principal whose move completed, plans the grants its target mailbox lacks: Send on Behalf
// and Send As always, FullAccess where it did not travel. A MailUser's spec.permissions adds grants
// the source did not have, once its mailbox exists. Every grant is compared with the target's live
// grants: an existing one is no change, so a re-plan after apply is empty.
//
// After a move the source keeps a legacy mail user for the mailbox (seed 002: "the source user
// mailbox is converted to a MailUser"): its directory attributes stay on it (GrantSendOnBehalfTo,
// its Send As entries, its mailbox permissions: Exchange Online keeps mailbox permissions on mail
// users, Add-MailboxPermission's reference says), which is how a later plan still knows what to
// re-stamp when a delegate arrives after its principal.

import { about, type DelegatePermissions, type Resource } from '../model/desired.js';
import { finding, type Finding, type SourceLocation } from '../model/finding.js';
import {
  DELEGATE_RIGHTS,
  delegateRightsText,
  planAction,
  type Action,
  type ActionStep,
  type DelegateNotMoved,
  type DelegateRight,
  type DelegationMember,
  type DelegationPair,
  type DelegationReport,
  type FieldChange,
  type PendingRestamp,
} from '../model/plan.js';
import type { MailboxEntry, MailboxPermissionEntry, MailUserEntry, RecipientPermissionEntry } from '../model/snapshot.js';
import type { BatchPlanInput, BatchUser } from './batches.js';
import { isUnsetGuid, lower } from './compare.js';
import type { DiffOutput, PlanContext } from './context.js';
import { mailboxKey } from './context.js';
import type { LiveTenant } from './live.js';
import { cloudManagementAfterPlan } from './diff-cloud.js';

const SELF = 'nt authority\\self';
/** Each right's field in a plan's change and its action step (apply-script.ts renders them). */
const RIGHT_FIELD: Record<DelegateRight, string> = { FullAccess: 'FullAccess', SendAs: 'SendAs', SendOnBehalf: 'GrantSendOnBehalfTo' };
const RIGHT_STEP: Record<DelegateRight, ActionStep> = { FullAccess: 'full-access', SendAs: 'send-as', SendOnBehalf: 'send-on-behalf' };

/** An explicit FullAccess grant (inherited and Deny entries grant nothing to re-stamp). */
const grantsFullAccess = (e: MailboxPermissionEntry): boolean => !e.Deny && !e.IsInherited && e.AccessRights.some((r) => lower(r) === 'fullaccess');
/** An explicit Send As grant. */
const grantsSendAs = (e: RecipientPermissionEntry): boolean => !e.IsInherited && lower(e.AccessControlType) !== 'deny' && e.AccessRights.some((r) => lower(r) === 'sendas');

type Recipient = MailboxEntry | MailUserEntry;

/** Someone named in a permission entry, resolved in one tenant. */
type Party =
  | { type: 'user'; entry: Recipient; moved: boolean; address: string }
  | { type: 'other'; text: string; reason: string };

/** Looks up what permission entries name: identities Exchange resolves, plus sign-in names (how it prints trustees). */
class Resolver {
  private readonly signInNames = new Map<string, Recipient>();
  private fullAccess?: Map<string, MailboxPermissionEntry[]>;
  private sendAs?: Map<Recipient, RecipientPermissionEntry[]>;

  constructor(readonly live: LiveTenant) {
    for (const entry of live.snapshot.Mailbox) if (entry.UserPrincipalName) this.signInNames.set(lower(entry.UserPrincipalName), entry);
    for (const entry of live.snapshot.MailUser) if (entry.MicrosoftOnlineServicesID && !this.signInNames.has(lower(entry.MicrosoftOnlineServicesID))) this.signInNames.set(lower(entry.MicrosoftOnlineServicesID), entry);
  }

  recipient(text: string): Recipient | undefined {
    return this.live.recipient(text)?.entry ?? this.signInNames.get(lower(text));
  }

  party(text: string): Party {
    const entry = this.recipient(text);
    if (entry) {
      const isMailbox = this.live.mailbox(entry.PrimarySmtpAddress) === entry;
      // A mail user with an ExchangeGuid is a mailbox that moved (the legacy mail user); any other is not a mailbox.
      if (isMailbox || !isUnsetGuid(entry.ExchangeGuid)) return { type: 'user', entry, moved: !isMailbox, address: entry.PrimarySmtpAddress };
      return { type: 'other', text: entry.PrimarySmtpAddress, reason: 'a mail user without a mailbox' };
    }
    if (this.live.groups.has(lower(text))) return { type: 'other', text: this.live.groups.get(lower(text))!.PrimarySmtpAddress || text, reason: 'a group' };
    return { type: 'other', text, reason: 'not a mailbox of the tenant (a group, a service account, or an entry Exchange could not resolve)' };
  }

  /** A mailbox's MailboxPermission entries by its ExchangeGuid (indexed once: a plan asks for many). */
  mailboxPermissions(exchangeGuid: string): MailboxPermissionEntry[] {
    if (!this.fullAccess) {
      this.fullAccess = new Map();
      for (const entry of this.live.snapshot.MailboxPermission ?? []) {
        const key = lower(entry.MailboxGuid);
        const list = this.fullAccess.get(key);
        if (list) list.push(entry);
        else this.fullAccess.set(key, [entry]);
      }
    }
    return this.fullAccess.get(lower(exchangeGuid)) ?? [];
  }

  /** The explicit Send As grants on a recipient (indexed once). */
  sendAsGrants(recipient: Recipient): RecipientPermissionEntry[] {
    if (!this.sendAs) {
      this.sendAs = new Map();
      for (const entry of this.live.snapshot.RecipientPermission ?? []) {
        const on = grantsSendAs(entry) ? this.recipient(entry.Identity) : undefined;
        if (!on) continue;
        const list = this.sendAs.get(on);
        if (list) list.push(entry);
        else this.sendAs.set(on, [entry]);
      }
    }
    return this.sendAs.get(recipient) ?? [];
  }
}

interface BatchMembership {
  batch: Resource<'MigrationBatch'>;
  user: BatchUser;
}

interface Edge {
  principal: Recipient;
  principalMoved: boolean;
  delegate: Party;
  rights: Set<DelegateRight>;
}

function sortedRights(rights: ReadonlySet<DelegateRight>): DelegateRight[] {
  return DELEGATE_RIGHTS.filter((right) => rights.has(right));
}

/** Every grant among a source's mailboxes that touches a user of its batches, merged per principal and delegate. */
function sourceEdges(resolver: Resolver, membership: ReadonlyMap<string, BatchMembership>): Edge[] {
  const live = resolver.live;
  const edges = new Map<string, Edge>();
  const isBatchUser = (entry: Recipient | undefined): boolean => entry !== undefined && membership.has(lower(entry.ExchangeGuid));
  const add = (principal: Recipient | undefined, delegateText: string, right: DelegateRight): void => {
    if (!principal || lower(delegateText) === SELF || delegateText.trim() === '') return;
    const delegate = resolver.party(delegateText);
    if (delegate.type === 'user' && delegate.entry === principal) return;
    if (!isBatchUser(principal) && !(delegate.type === 'user' && isBatchUser(delegate.entry))) return;
    const key = `${lower(principal.ExchangeGuid)}\0${delegate.type === 'user' ? lower(delegate.entry.ExchangeGuid) : lower(delegate.text)}`;
    let edge = edges.get(key);
    if (!edge) {
      const principalMoved = live.mailbox(principal.PrimarySmtpAddress) !== principal;
      edges.set(key, (edge = { principal, principalMoved, delegate, rights: new Set() }));
    }
    edge.rights.add(right);
  };
  for (const entry of live.snapshot.MailboxPermission ?? []) {
    if (grantsFullAccess(entry)) add(live.recipient(entry.MailboxGuid)?.entry, entry.User, 'FullAccess');
  }
  for (const entry of live.snapshot.RecipientPermission ?? []) {
    if (!grantsSendAs(entry)) continue;
    const principal = resolver.party(entry.Identity);
    // Permissions on objects that are not mailboxes are not migrated (seed 004): only a user's count.
    if (principal.type === 'user') add(principal.entry, entry.Trustee, 'SendAs');
  }
  for (const entry of [...live.snapshot.Mailbox, ...live.snapshot.MailUser]) {
    for (const delegate of entry.GrantSendOnBehalfTo ?? []) add(entry, delegate, 'SendOnBehalf');
  }
  return [...edges.values()];
}

/** Union-find over ExchangeGuids: mailboxes that must move together. */
class Groups {
  private readonly parent = new Map<string, string>();
  find(key: string): string {
    let root = key;
    while (this.parent.has(root) && this.parent.get(root) !== root) root = this.parent.get(root)!;
    this.parent.set(key, root);
    return root;
  }
  join(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
  keys(): string[] {
    return [...this.parent.keys()];
  }
}

/** What one target mailbox should have: delegates (their target addresses) per right, with where each came from. */
interface WantedGrants {
  tenant: string;
  mailbox: MailboxEntry;
  rights: Map<DelegateRight, Map<string, { delegate: Recipient | { PrimarySmtpAddress: string; group: true }; from: string; autoMapping: boolean; sameBatch: boolean }>>;
  source?: SourceLocation;
  resourceKind: string;
}

/** Does a live trustee text name this recipient (or group address)? */
function names(resolver: Resolver, text: string, target: Recipient | { PrimarySmtpAddress: string }): boolean {
  const found = resolver.recipient(text);
  if (found) return found === target;
  const group = resolver.live.groups.get(lower(text));
  return group !== undefined && lower(group.PrimarySmtpAddress) === lower(target.PrimarySmtpAddress);
}

/** The target's live grants of one right on a mailbox: whether a delegate has it; undefined when the target's permissions were not read. */
function hasGrant(resolver: Resolver, right: DelegateRight, mailbox: MailboxEntry, delegate: Recipient | { PrimarySmtpAddress: string }): boolean | undefined {
  const snapshot = resolver.live.snapshot;
  if (right === 'SendOnBehalf') return (mailbox.GrantSendOnBehalfTo ?? []).some((text) => names(resolver, text, delegate));
  if (right === 'SendAs') {
    if (snapshot.RecipientPermission === undefined) return undefined;
    return resolver.sendAsGrants(mailbox).some((e) => names(resolver, e.Trustee, delegate));
  }
  // FullAccess: read for this mailbox when Exchange's own NT AUTHORITY\SELF entry is there.
  const entries = resolver.mailboxPermissions(mailbox.ExchangeGuid);
  if (!entries.some((e) => lower(e.User) === SELF)) return undefined;
  return entries.some((e) => grantsFullAccess(e) && names(resolver, e.User, delegate));
}

function memberOf(address: string, membership: BatchMembership | undefined): DelegationMember {
  return { user: address, batch: membership?.batch.name ?? null };
}

interface Side {
  member: DelegationMember;
  in: BatchMembership | undefined;
  moved: boolean;
}

/**
 * DelegateInOtherBatch for a principal and delegate moving apart. An error where a batch of theirs
 * keeps delegates together and neither has moved yet; once one has moved, moving the other is the
 * remedy, so it is a warning that says what happens next.
 */
function splitFinding(source: string, rights: Iterable<DelegateRight>, principal: Side, delegate: Side): Finding {
  const placeOf = (side: Side) => (side.in ? `batch ${side.in.batch.name}` : side.moved ? 'moved already' : 'no batch');
  const strict = !principal.moved && !delegate.moved ? [principal.in, delegate.in].find((m) => m?.batch.spec.keepDelegatesTogether === true) : undefined;
  const at = strict ?? principal.in ?? delegate.in;
  const where = at ? about(at.batch, at.user.member.location) : {};
  const [moved, waiting] = principal.moved ? [principal, delegate] : delegate.moved ? [delegate, principal] : [undefined, undefined];
  const next =
    moved && waiting
      ? waiting.in
        ? `: ${moved.member.user} has moved; the grants are re-stamped in the target once ${waiting.member.user} has moved too`
        : `: ${moved.member.user} has moved, and no batch moves ${waiting.member.user}`
      : '';
  return finding(
    'DelegateInOtherBatch',
    `${source} mailbox ${delegate.member.user} (${placeOf(delegate)}) holds ${delegateRightsText(rights)} on ${principal.member.user} (${placeOf(principal)}): principal and delegate move apart${next}`,
    { ...where, ...(strict ? { severity: 'error' as const } : {}) },
  );
}

export interface DelegationOutput extends DiffOutput {
  report: DelegationReport;
}

/**
 * The permission graph of every batch's source mailboxes, the findings it gives, and the grants the
 * target lacks for moved mailboxes (re-stamped from the source, or declared in spec.permissions).
 */
export function planDelegation(context: PlanContext, batches: readonly BatchPlanInput[]): DelegationOutput {
  const findings: Finding[] = [];
  const report = { groups: [] as DelegationReport['groups'][number][], splitPairs: [] as DelegationPair[], notMoved: [] as DelegateNotMoved[], pending: [] as PendingRestamp[] };
  const wanted = new Map<string, WantedGrants>();
  const resolvers = new Map<string, Resolver>();
  const resolverOf = (tenant: string): Resolver | undefined => {
    const live = context.live.get(tenant);
    if (!live) return undefined;
    let resolver = resolvers.get(tenant);
    if (!resolver) resolvers.set(tenant, (resolver = new Resolver(live)));
    return resolver;
  };
  const want = (tenant: string, mailbox: MailboxEntry, resourceKind: string, source?: WantedGrants['source']): WantedGrants => {
    const key = mailboxKey(tenant, mailbox.ExchangeGuid);
    let grants = wanted.get(key);
    if (!grants) wanted.set(key, (grants = { tenant, mailbox, rights: new Map(), resourceKind, ...(source ? { source } : {}) }));
    return grants;
  };

  const bySource = new Map<string, BatchPlanInput[]>();
  for (const input of batches) {
    const list = bySource.get(input.batch.spec.source) ?? [];
    list.push(input);
    bySource.set(input.batch.spec.source, list);
  }

  for (const [source, inputs] of [...bySource.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const resolver = resolverOf(source);
    if (!resolver) continue;
    const snapshot = resolver.live.snapshot;
    if (snapshot.MailboxPermission === undefined && snapshot.RecipientPermission === undefined) {
      const first = inputs[0]!.batch;
      findings.push(finding('DelegationNotRead', `the snapshot of ${source} holds no mailbox or Send As permissions: delegates of batch ${inputs.map((i) => i.batch.name).join(', ')} are not checked`, about(first, first.locate(['spec', 'source']))));
    }
    const membership = new Map<string, BatchMembership>();
    for (const input of inputs) for (const user of input.users) if (user.exchangeGuid !== undefined) membership.set(lower(user.exchangeGuid), { batch: input.batch, user });

    const groups = new Groups();
    const addressOf = new Map<string, string>();
    const reported = new Set<string>();
    for (const edge of sourceEdges(resolver, membership)) {
      const principalGuid = lower(edge.principal.ExchangeGuid);
      const principalIn = membership.get(principalGuid);
      const principal = memberOf(edge.principal.PrimarySmtpAddress, principalIn);
      const where = (m: BatchMembership | undefined) => (m ? about(m.batch, m.user.member.location) : {});
      if (edge.delegate.type === 'other') {
        if (!principalIn) continue;
        report.notMoved.push({ tenant: source, principal, delegate: edge.delegate.text, rights: sortedRights(edge.rights), reason: edge.delegate.reason });
        findings.push(finding('DelegateNotMailbox', `${edge.delegate.text} (${edge.delegate.reason}) holds ${delegateRightsText(edge.rights)} on ${source} mailbox ${principal.user} of batch ${principalIn.batch.name}: it does not move`, where(principalIn)));
        continue;
      }
      const delegateGuid = lower(edge.delegate.entry.ExchangeGuid);
      const delegateIn = membership.get(delegateGuid);
      const delegate = memberOf(edge.delegate.address, delegateIn);
      groups.join(principalGuid, delegateGuid);
      addressOf.set(principalGuid, principal.user);
      addressOf.set(delegateGuid, delegate.user);
      const principalMoved = principalIn ? principalIn.user.moved : edge.principalMoved;
      const delegateMoved = delegateIn ? delegateIn.user.moved : edge.delegate.moved;
      const sameBatch = principalIn !== undefined && principalIn.batch === delegateIn?.batch;

      // Apart: in different batches, or one of them in none. History once both have moved.
      if (!sameBatch && !(principalMoved && delegateMoved)) {
        report.splitPairs.push({ tenant: source, principal, delegate, rights: sortedRights(edge.rights) });
        const key = `${principalGuid}\0${delegateGuid}`;
        if (!reported.has(key)) {
          reported.add(key);
          findings.push(splitFinding(source, edge.rights, { member: principal, in: principalIn, moved: principalMoved }, { member: delegate, in: delegateIn, moved: delegateMoved }));
        }
      }

      // Re-stamp once the principal has moved and its mailbox is in the target (the tenant of its
      // batch, or of the delegate's when the principal moved earlier without one).
      if (!principalMoved) continue;
      const target = (principalIn ?? delegateIn)?.batch.tenant;
      const targetResolver = target ? resolverOf(target) : undefined;
      const targetMailbox = targetResolver?.live.mailbox(edge.principal.ExchangeGuid);
      if (!target || !targetResolver || !targetMailbox) continue;
      const arrived = targetResolver.live.mailbox(edge.delegate.entry.ExchangeGuid);
      if (!arrived) {
        report.pending.push({ tenant: target, mailbox: targetMailbox.PrimarySmtpAddress, delegate: delegate.user, rights: sortedRights(edge.rights) });
        continue;
      }
      const origin = (principalIn ?? delegateIn)!.batch;
      const grants = want(target, targetMailbox, 'MigrationBatch', origin.locate(['metadata', 'name']));
      for (const right of edge.rights) {
        const list = grants.rights.get(right) ?? new Map();
        list.set(lower(arrived.PrimarySmtpAddress), { delegate: arrived, from: `${source} mailbox ${principal.user}`, autoMapping: true, sameBatch });
        grants.rights.set(right, list);
      }
    }

    const members = new Map<string, string[]>();
    for (const key of groups.keys()) {
      const root = groups.find(key);
      const list = members.get(root);
      if (list) list.push(key);
      else members.set(root, [key]);
    }
    const listed = [...members.values()]
      .filter((keys) => keys.length > 1)
      .map((keys) => {
        const list = keys.map((key) => memberOf(addressOf.get(key) ?? key, membership.get(key))).sort((a, b) => (lower(a.user) < lower(b.user) ? -1 : 1));
        return { tenant: source, members: list, split: new Set(list.map((m) => m.batch)).size > 1 };
      })
      .sort((a, b) => (lower(a.members[0]!.user) < lower(b.members[0]!.user) ? -1 : 1));
    for (const group of listed) report.groups.push(group);
  }

  // Declared grants: a MailUser's spec.permissions, once its mailbox exists.
  for (const user of context.desired.mailUsers) {
    const permissions: DelegatePermissions | undefined = user.spec.permissions;
    if (!permissions || user.tenant === null) continue;
    const resolver = resolverOf(user.tenant);
    if (!resolver) continue;
    const mailbox = resolver.live.mailbox(user.name) ?? (user.spec.primarySmtpAddress ? resolver.live.mailbox(user.spec.primarySmtpAddress) : undefined);
    if (!mailbox) continue;
    type Declared = { right: DelegateRight; address: string; autoMapping: boolean; path: (string | number)[] };
    const declared: Declared[] = [
      ...(permissions.sendAs ?? []).map((address, i) => ({ right: 'SendAs' as const, address, autoMapping: true, path: ['sendAs', i] })),
      ...(permissions.sendOnBehalf ?? []).map((address, i) => ({ right: 'SendOnBehalf' as const, address, autoMapping: true, path: ['sendOnBehalf', i] })),
      ...(permissions.fullAccess ?? []).map((grant, i) => ({ right: 'FullAccess' as const, address: grant.user, autoMapping: grant.autoMapping !== false, path: ['fullAccess', i, 'user'] })),
    ];
    for (const { right, address, autoMapping, path } of declared) {
      const location = user.locate(['spec', 'permissions', ...path]);
      const delegate: Recipient | { PrimarySmtpAddress: string; group: true } | undefined =
        resolver.recipient(address) ?? (resolver.live.groups.has(lower(address)) ? { PrimarySmtpAddress: resolver.live.groups.get(lower(address))!.PrimarySmtpAddress || address, group: true } : undefined);
      if (!delegate) {
        findings.push(finding('PermissionDelegateNotFound', `${user.tenant} has no recipient ${address} to grant ${delegateRightsText([right])} on ${mailbox.PrimarySmtpAddress}`, about(user, location)));
        continue;
      }
      const grants = want(user.tenant, mailbox, 'MailUser', user.locate(['spec', 'permissions']));
      const list = grants.rights.get(right) ?? new Map();
      list.set(lower(delegate.PrimarySmtpAddress), { delegate, from: '', autoMapping, sameBatch: false });
      grants.rights.set(right, list);
    }
  }

  const actions: Action[] = [];
  for (const grants of [...wanted.values()].sort((a, b) => (lower(a.mailbox.PrimarySmtpAddress) < lower(b.mailbox.PrimarySmtpAddress) ? -1 : 1))) {
    const resolver = resolverOf(grants.tenant)!;
    const mailbox = grants.mailbox;
    for (const right of DELEGATE_RIGHTS) {
      const list = grants.rights.get(right);
      if (!list) continue;
      const add: string[] = [];
      const origins = new Set<string>();
      const noAutoMapping: string[] = [];
      for (const wantedGrant of list.values()) {
        const live = hasGrant(resolver, right, mailbox, wantedGrant.delegate);
        // Not read (an older snapshot): FullAccess is taken to have travelled where both moved in one batch.
        if (live === true || (live === undefined && right === 'FullAccess' && wantedGrant.sameBatch)) continue;
        add.push(wantedGrant.delegate.PrimarySmtpAddress);
        origins.add(wantedGrant.from);
        if (!wantedGrant.autoMapping) noAutoMapping.push(wantedGrant.delegate.PrimarySmtpAddress);
      }
      if (add.length === 0) continue;
      add.sort((a, b) => (lower(a) < lower(b) ? -1 : 1));
      const fromSource = [...origins].filter((o) => o !== '');
      const change: FieldChange = {
        field: RIGHT_FIELD[right],
        add,
        // Rendered "(from the grants of contoso mailbox …)": where a re-stamped grant comes from.
        ...(fromSource.length > 0 ? { derivedFrom: `the grants of ${fromSource.join(', ')}${origins.has('') ? ', and spec.permissions' : ''}` } : {}),
      };
      // publicDelegates of a synced mailbox belongs to on-premises AD unless the mailbox is cloud-managed
      // once this plan is applied (Set-Mailbox fails otherwise); it waits for a #cloud-managed change.
      const management = right === 'SendOnBehalf' ? cloudManagementAfterPlan(context, grants.tenant, mailbox) : { cloudManaged: true, dependsOn: [] };
      const synced = mailbox.IsDirSynced && !management.cloudManaged;
      actions.push(
        planAction({
          tenant: grants.tenant,
          kind: 'Mailbox',
          identity: mailbox.PrimarySmtpAddress,
          step: RIGHT_STEP[right],
          action: synced ? 'blocked' : 'update',
          ...(synced
            ? { reason: 'the mailbox is synchronized from on-premises AD: set its publicDelegates (Send on Behalf) there, or make the mailbox cloud-managed (CloudManagement) first' }
            : {}),
          changes: [change],
          dependsOn: management.dependsOn,
          resourceKind: grants.resourceKind,
          ...(grants.source ? { source: grants.source } : {}),
          ...(noAutoMapping.length > 0 ? { parameters: { noAutoMapping } } : {}),
        }),
      );
    }
  }
  return { actions, findings, report };
}
