// Migration batches, part one: what a batch implies before the batch itself. Each user of a batch is
// a source mailbox; from it follow the target mail user (derived field by field, a MailUser document
// overriding what it writes) and the user's membership of the source scope group. The result is the
// desired state the other diffs then plan as if it were written out: derived mail users appear in
// plans exactly like declared ones, with where each value came from.

import { about, scopeGroupName, type DesiredState, type MailUserSpec, type Resource, type ScopeMember } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';
import type { MailboxEntry } from '../model/snapshot.js';
import { isUnsetGuid, lower, sameGuid, sameText, smtpDomainOf } from './compare.js';
import type { PlanContext } from './context.js';
import { publishedGroupName } from './diff-mailusers.js';
import type { LiveTenant } from './live.js';

/** One user of a batch, as the plan sees it. */
export interface BatchUser {
  member: ScopeMember;
  /** The target mail user the user moves into (derived, declared, or both merged); absent when it cannot be known. */
  mailUser?: Resource<'MailUser'>;
  /** The source's ExchangeGuid: the key that stays the same across the move. */
  exchangeGuid?: string;
  /** The move has completed: the source mailbox is a mail user now. */
  moved: boolean;
}

export interface BatchPlanInput {
  batch: Resource<'MigrationBatch'>;
  users: BatchUser[];
  /** The source scope group the users join, when one is known. */
  scope?: Resource<'MigrationScope'>;
}

export interface BatchExpansion {
  /** The desired state with derived mail users and the batches' scope members. */
  desired: DesiredState;
  additiveScopes: ReadonlySet<Resource<'MigrationScope'>>;
  batches: BatchPlanInput[];
  findings: Finding[];
}

const SMTP = /^smtp:/i;

/** Present batches whose tenants both have live state: the others plan nothing. */
function plannable(context: PlanContext, batch: Resource<'MigrationBatch'>): boolean {
  return batch.spec.ensure !== 'Absent' && context.live.has(batch.tenant!) && context.live.has(batch.spec.source);
}

/**
 * The source MigrationScope a batch's users join: spec.scope (a MigrationScope of the source by name
 * or group, or a group only Exchange knows), else the one group the source publishes to the target.
 * A group no document declares is planned as a scope whose members are only added.
 */
function batchScope(context: PlanContext, batch: Resource<'MigrationBatch'>, findings: Finding[]): { scope: Resource<'MigrationScope'>; synthesized: boolean } | undefined {
  const source = batch.spec.source;
  const group = batch.spec.scope ?? publishedGroupName(context, source, batch.tenant!);
  if (group === undefined) {
    findings.push(finding('BatchScopeNotFound', `no spec.scope, and ${source} publishes no scope group to ${batch.tenant}`, about(batch, batch.locate(['spec', 'source']))));
    return undefined;
  }
  const liveName = context.live.get(source)?.groups.get(lower(group))?.Name;
  const declared = context.desired.scopes.find((s) => s.tenant === source && (sameText(s.name, group) || sameText(scopeGroupName(s), group) || (liveName !== undefined && sameText(scopeGroupName(s), liveName))));
  if (declared) return { scope: declared, synthesized: false };
  const at = batch.locate(batch.spec.scope !== undefined ? ['spec', 'scope'] : ['spec', 'source']);
  const scope: Resource<'MigrationScope'> = {
    kind: 'MigrationScope',
    name: liveName ?? group,
    tenant: source,
    spec: { group: liveName ?? group },
    file: batch.file,
    documentIndex: batch.documentIndex,
    locate: () => at,
  };
  return { scope, synthesized: true };
}

/** An address through a batch's addressMap (source domain → target domain, matched case-insensitively); undefined when no entry maps its domain. */
export function throughAddressMap(batch: Resource<'MigrationBatch'>, address: string): string | undefined {
  const at = address.lastIndexOf('@');
  const domain = lower(address.slice(at + 1));
  const mapped = Object.entries(batch.spec.addressMap ?? {}).find(([from]) => lower(from) === domain)?.[1];
  return mapped === undefined ? undefined : `${address.slice(0, at)}@${mapped}`;
}

/** A source address as the target carries it: through addressMap, else as it is where the target accepts its domain. */
function addressMapper(batch: Resource<'MigrationBatch'>, target: LiveTenant): (address: string) => string | undefined {
  return (address) => throughAddressMap(batch, address) ?? (target.accepts(smtpDomainOf(address)) ? address : undefined);
}

/** The source mailbox's own address in the source's initial domain: where the target routes mail until the move. */
function routingAddress(mailbox: MailboxEntry, sourceOrganization: string): string | undefined {
  const smtp = mailbox.EmailAddresses.filter((p) => SMTP.test(p)).map((p) => p.slice(5));
  return smtp.find((a) => smtpDomainOf(a) === lower(sourceOrganization)) ?? smtp.find((a) => /\.onmicrosoft\.(com|us|de)$/i.test(a) && !/\.mail\.onmicrosoft\./i.test(a));
}

/** Routing domains never carried to the target and never worth reporting: the source's own initial and mail.onmicrosoft domains. */
function isRoutingDomain(domain: string, sourceOrganization: string): boolean {
  const organization = lower(sourceOrganization);
  return domain === organization || domain === organization.replace(/\.onmicrosoft\./, '.mail.onmicrosoft.');
}

interface Derived {
  name: string;
  spec: MailUserSpec;
  exchangeName: string;
  leftOut: string[];
}

/** The target mail user of one source mailbox, as the issue of batches defines it; findings for what cannot be derived. */
function deriveMailUser(
  batch: Resource<'MigrationBatch'>,
  member: ScopeMember,
  mailbox: MailboxEntry,
  sourceOrganization: string,
  target: LiveTenant,
  targetOrganization: string,
  findings: Finding[],
): Derived | undefined {
  const at = about(batch, member.location);
  const map = addressMapper(batch, target);
  const external = routingAddress(mailbox, sourceOrganization);
  if (external === undefined) {
    findings.push(finding('BatchRoutingAddressMissing', `${batch.spec.source} mailbox ${mailbox.PrimarySmtpAddress} has no address in ${sourceOrganization} for the target mail user to route to`, at));
    return undefined;
  }
  const primary = map(mailbox.PrimarySmtpAddress);
  if (primary === undefined || !target.accepts(smtpDomainOf(primary))) {
    findings.push(
      finding('PrimaryAddressUnmapped', `the primary address ${mailbox.PrimarySmtpAddress} of ${batch.spec.source} mailbox ${mailbox.Alias} maps to no accepted domain of ${batch.tenant}`, at),
    );
    return undefined;
  }
  // The UPN where Exchange prints it, else the primary; an unmappable one takes the target's initial domain, as Microsoft's example does (LaraN@northwindtraders.onmicrosoft.com).
  const upn = map(mailbox.UserPrincipalName ?? mailbox.PrimarySmtpAddress);
  const microsoftOnlineServicesId = upn !== undefined && target.accepts(smtpDomainOf(upn)) ? upn : `${mailbox.Alias}@${targetOrganization}`;
  const emailAddresses: string[] = [];
  const leftOut: string[] = [];
  for (const proxy of mailbox.EmailAddresses) {
    if (!SMTP.test(proxy)) continue;
    const address = proxy.slice(5);
    if (sameText(address, mailbox.PrimarySmtpAddress)) continue;
    const mapped = map(address);
    if (mapped !== undefined && target.accepts(smtpDomainOf(mapped))) {
      if (!sameText(mapped, primary) && !emailAddresses.some((a) => sameText(a, `smtp:${mapped}`))) emailAddresses.push(`smtp:${mapped}`);
    } else if (!isRoutingDomain(smtpDomainOf(address), sourceOrganization)) leftOut.push(address);
  }
  return {
    name: mailbox.Alias,
    exchangeName: mailbox.Name,
    leftOut,
    spec: {
      displayName: mailbox.DisplayName || mailbox.Name,
      externalEmailAddress: external,
      primarySmtpAddress: primary,
      microsoftOnlineServicesId,
      ...(emailAddresses.length > 0 ? { emailAddresses } : {}),
      source: { tenant: batch.spec.source, mailbox: mailbox.PrimarySmtpAddress },
    },
  };
}

/** Declared mail users of a target linked to a source tenant, by the ExchangeGuid of the source mailbox (or mail user, once moved) they name. */
function declaredBySource(context: PlanContext, target: string, source: string): Map<string, Resource<'MailUser'>> {
  const sourceLive = context.live.get(source);
  const byGuid = new Map<string, Resource<'MailUser'>>();
  if (!sourceLive) return byGuid;
  for (const user of context.desired.mailUsers) {
    if (user.tenant !== target || user.spec.source?.tenant !== source) continue;
    const entry = sourceLive.mailbox(user.spec.source.mailbox) ?? sourceLive.mailUser(user.spec.source.mailbox);
    if (entry && !isUnsetGuid(entry.ExchangeGuid) && !byGuid.has(lower(entry.ExchangeGuid))) byGuid.set(lower(entry.ExchangeGuid), user);
  }
  return byGuid;
}

/**
 * Every Present batch's users resolved against the source, their target mail users derived (or found
 * declared), and the batches' users added to their scope groups.
 */
export function expandBatches(context: PlanContext): BatchExpansion {
  const { desired } = context;
  const findings: Finding[] = [];
  const batches: BatchPlanInput[] = [];
  if (desired.batches.length === 0) return { desired, additiveScopes: new Set(), batches, findings };

  const replaced = new Map<Resource<'MailUser'>, Resource<'MailUser'>>();
  const derivedUsers: Resource<'MailUser'>[] = [];
  const extraScopes: Resource<'MigrationScope'>[] = [];
  const additiveScopes = new Set<Resource<'MigrationScope'>>();
  const scopeMembers = new Map(desired.scopeMembers);
  const declaredIndex = new Map<string, Map<string, Resource<'MailUser'>>>();
  /** Source tenant + ExchangeGuid → the batch that first listed the mailbox (by any of its addresses). */
  const batchOfMailbox = new Map<string, Resource<'MigrationBatch'>>();

  for (const batch of desired.batches) {
    if (!plannable(context, batch)) continue;
    const target = batch.tenant!;
    const source = batch.spec.source;
    const sourceLive = context.live.get(source)!;
    const targetLive = context.live.get(target)!;
    const sourceOrganization = context.index.tenant(source)?.spec.organization ?? sourceLive.snapshot.tenant.organization;
    const targetOrganization = context.index.tenant(target)?.spec.organization ?? targetLive.snapshot.tenant.organization;
    const pairKey = `${target}\0${source}`;
    let declared = declaredIndex.get(pairKey);
    if (!declared) declaredIndex.set(pairKey, (declared = declaredBySource(context, target, source)));
    const deriving = batch.spec.mailUsers !== 'declared';
    const resolvedScope = batchScope(context, batch, findings);
    const users: BatchUser[] = [];
    const leftOut = new Map<string, number>();
    const seen = new Set<string>();

    for (const member of desired.batchUsers.get(batch) ?? []) {
      if (seen.has(lower(member.address))) continue; // DuplicateMember, reported by validation
      seen.add(lower(member.address));
      const at = about(batch, member.location);
      const mailbox = sourceLive.mailbox(member.address);
      const movedUser = mailbox ? undefined : sourceLive.mailUser(member.address);
      if (!mailbox && !movedUser) {
        findings.push(finding('BatchUserNotFound', `${member.address} is not a mailbox of ${source}`, at));
        continue;
      }
      const exchangeGuid = (mailbox ?? movedUser)!.ExchangeGuid;
      const guidKey = `${source}\0${lower(exchangeGuid)}`;
      const other = batchOfMailbox.get(guidKey);
      if (other && other !== batch) {
        findings.push(finding('UserInTwoBatches', `${member.address} is ${source} mailbox ${(mailbox ?? movedUser)!.PrimarySmtpAddress}, also listed in batch ${other.name}`, at));
        continue;
      }
      batchOfMailbox.set(guidKey, batch);
      const declaredUser = declared.get(lower(exchangeGuid));
      if (movedUser) {
        // The move is done: the mail user became a mailbox in the target. Only what a MailUser document writes is still managed.
        users.push({ member, moved: true, exchangeGuid, ...(declaredUser ? { mailUser: declaredUser } : {}) });
        continue;
      }
      if (!deriving) {
        if (!declaredUser) {
          findings.push(finding('BatchUserNotDeclared', `no MailUser in ${target} has source ${source} mailbox ${mailbox!.PrimarySmtpAddress} (mailUsers: declared)`, at));
          continue;
        }
        users.push({ member, moved: false, exchangeGuid, mailUser: declaredUser });
        continue;
      }
      const derived = deriveMailUser(batch, member, mailbox!, sourceOrganization, targetLive, targetOrganization, findings);
      if (!derived) {
        users.push({ member, moved: false, exchangeGuid });
        continue;
      }
      for (const address of derived.leftOut) leftOut.set(smtpDomainOf(address), (leftOut.get(smtpDomainOf(address)) ?? 0) + 1);
      // The target object is the one stamped with the source's ExchangeGuid, whatever its alias; else the alias, when free.
      let name = derived.name;
      const stamped = targetLive.recipient(exchangeGuid);
      if (stamped && sameGuid(stamped.entry.ExchangeGuid, exchangeGuid)) name = stamped.entry.Alias || stamped.entry.PrimarySmtpAddress;
      else if (!declaredUser) {
        const taken = targetLive.recipient(derived.name);
        if (taken && (taken.type === 'Mailbox' || !isUnsetGuid(taken.entry.ExchangeGuid))) {
          findings.push(finding('DerivedNameTaken', `${target} already has a ${taken.type === 'Mailbox' ? 'mailbox' : 'mail user'} ${taken.entry.PrimarySmtpAddress} with the alias ${derived.name}, which is not ${source} mailbox ${mailbox!.PrimarySmtpAddress}`, at));
          users.push({ member, moved: false, exchangeGuid });
          continue;
        }
      }
      const from = `${source} mailbox ${mailbox!.PrimarySmtpAddress}, batch ${batch.name}`;
      const written = declaredUser ? (Object.keys(declaredUser.spec) as (keyof MailUserSpec)[]).filter((k) => declaredUser.spec[k] !== undefined) : [];
      const fields = new Set(Object.keys(derived.spec).filter((k) => !written.includes(k as keyof MailUserSpec)));
      if (!declaredUser) fields.add('name');
      const spec: MailUserSpec = { ...derived.spec };
      for (const key of written) (spec as Record<string, unknown>)[key] = declaredUser!.spec[key];
      const mailUser: Resource<'MailUser'> = declaredUser
        ? { ...declaredUser, spec, derived: { batch: batch.name, from, fields, ...(fields.has('name') ? { exchangeName: derived.exchangeName } : {}) } }
        : {
            kind: 'MailUser',
            name,
            tenant: target,
            spec,
            file: batch.file,
            documentIndex: batch.documentIndex,
            locate: () => member.location,
            derived: { batch: batch.name, from, fields, exchangeName: derived.exchangeName },
          };
      if (declaredUser) replaced.set(declaredUser, mailUser);
      else derivedUsers.push(mailUser);
      users.push({ member, moved: false, exchangeGuid, mailUser });
    }

    if (leftOut.size > 0) {
      const count = [...leftOut.values()].reduce((a, b) => a + b, 0);
      const domains = [...leftOut.entries()].sort((a, b) => b[1] - a[1]).map(([domain, n]) => `${domain} (${n})`);
      findings.push(finding('AddressesLeftOut', `${count} source address(es) fall in no accepted domain of ${target} through addressMap and are not carried: ${domains.join(', ')}`, about(batch, batch.locate(batch.spec.addressMap ? ['spec', 'addressMap'] : ['spec']))));
    }
    if (resolvedScope) {
      const { scope, synthesized } = resolvedScope;
      if (synthesized && !extraScopes.includes(scope)) {
        // One synthesized scope per group, whichever batches name it.
        const existing = extraScopes.find((s) => s.tenant === scope.tenant && sameText(scopeGroupName(s), scopeGroupName(scope)));
        if (existing) resolvedScope.scope = existing;
        else extraScopes.push(scope);
      }
      const chosen = resolvedScope.scope;
      if (synthesized || (chosen.spec.members === undefined && chosen.spec.membersFile === undefined)) additiveScopes.add(chosen);
      const members = [...(scopeMembers.get(chosen) ?? [])];
      for (const user of users) members.push({ ...user.member, batch: batch.name });
      scopeMembers.set(chosen, members);
      batches.push({ batch, users, scope: chosen });
    } else batches.push({ batch, users });
  }

  const mailUsers = desired.mailUsers.map((user) => replaced.get(user) ?? user);
  for (const user of derivedUsers) mailUsers.push(user);
  return {
    desired: { ...desired, mailUsers, scopes: [...desired.scopes, ...extraScopes], scopeMembers },
    additiveScopes,
    batches,
    findings,
  };
}

/** Exchange field → the MailUser spec key that writes it. */
const FIELD_SOURCES: Record<string, keyof MailUserSpec | 'name'> = {
  Name: 'name',
  Alias: 'name',
  DisplayName: 'displayName',
  ExternalEmailAddress: 'externalEmailAddress',
  PrimarySmtpAddress: 'primarySmtpAddress',
  MicrosoftOnlineServicesID: 'microsoftOnlineServicesId',
  EmailAddresses: 'emailAddresses',
};

/** A derived mail user's changes say where their values came from ("from contoso mailbox …"), as derived GUIDs and X500s already do. */
export function noteDerivedValues<T extends { actions: readonly import('../model/plan.js').Action[] }>(output: T, user: Resource<'MailUser'>): T {
  const derived = user.derived;
  if (!derived) return output;
  return {
    ...output,
    actions: output.actions.map((action) => ({
      ...action,
      changes: action.changes.map((change) => {
        const key = FIELD_SOURCES[change.field];
        return key !== undefined && derived.fields.has(key) && change.derivedFrom === undefined ? { ...change, derivedFrom: derived.from } : change;
      }),
    })),
  };
}
