// Scope groups: the group exists (created when `create: true`), is a mail-enabled security group, and
// has exactly the declared members. Additions and removals are separate actions, because removing a
// member is destructive and apply may refuse it while still making the additions.

import { about, scopeGroupName, type Resource } from '../model/desired.js';
import { finding, type Finding } from '../model/finding.js';
import { planAction, type Action, type ActionStep, type FieldChange } from '../model/plan.js';
import { lower, missingFrom } from './compare.js';
import type { DiffOutput, PlanContext } from './context.js';

const SECURITY_GROUP = 'mailuniversalsecuritygroup';

/**
 * A first fill: at least this many members added to a group that had none at export (or that this
 * plan creates). The add-members action then carries `parameters.firstFill`, and apply sends the
 * first members in one Update-DistributionGroupMember once it finds the group still empty
 * (powershell/apply-script.ts, firstFill); fewer go one Add-DistributionGroupMember each.
 */
export const FIRST_FILL_MIN = 100;
export const ON_PREMISES_REASON = 'the object is synchronized from your on-premises organization: make this change in on-premises AD';

export function diffScope(context: PlanContext, scope: Resource<'MigrationScope'>): DiffOutput {
  const tenant = scope.tenant!;
  const live = context.live.get(tenant);
  if (!live) return { actions: [], findings: [] };
  const groupName = scopeGroupName(scope);
  const current = live.groups.get(lower(groupName));
  const source = scope.locate(['metadata', 'name']);
  const findings: Finding[] = [];
  const actions: Action[] = [];
  const base = { tenant, kind: 'DistributionGroup' as const, resourceKind: scope.kind, source };

  // Members are managed only when the YAML lists them; each must be a mailbox of this tenant, and is
  // compared by its primary address, as Get-DistributionGroupMember reports members.
  const additive = context.additiveScopes?.has(scope) === true;
  const declared = scope.spec.members !== undefined || scope.spec.membersFile !== undefined || additive;
  const wanted: string[] = [];
  /** Listed members whose move has completed: neither added nor removed. */
  const moved: string[] = [];
  const members = context.desired.scopeMembers.get(scope) ?? [];
  // Mailboxes a batch moves: the batch reports them, also where the scope's own list names them too.
  const batchMoves = new Set(members.filter((member) => member.batch !== undefined).map((member) => lower(live.mailUser(member.address)?.PrimarySmtpAddress ?? member.address)));
  for (const member of members) {
    const mailbox = live.mailbox(member.address);
    const movedUser = mailbox ? undefined : live.mailUser(member.address);
    if (movedUser) {
      // After a completed move the source mailbox is a mail user: nothing left to allow, nothing to undo.
      // A batch's user is expected to move: its batch reports it, not a warning per user.
      if (!batchMoves.has(lower(movedUser.PrimarySmtpAddress))) findings.push(finding('ScopeMemberMoved', `${member.address} has moved: it is a mail user of ${tenant} now`, { ...about(scope, member.location) }));
      moved.push(movedUser.PrimarySmtpAddress, member.address);
      continue;
    }
    if (!mailbox) {
      // A nested group (mail-enabled security, as the export read it) is a member like a mailbox.
      const nested = live.groups.get(lower(member.address));
      if (nested && nested.RecipientTypeDetails.toLowerCase() === SECURITY_GROUP && lower(nested.Name) !== lower(groupName)) {
        wanted.push(nested.PrimarySmtpAddress);
        continue;
      }
      // A batch's user that is no mailbox is reported by the batch (BatchUserNotFound).
      if (member.batch === undefined) findings.push(finding('ScopeMemberNotFound', `${member.address} is not a mailbox or a security group of ${tenant}`, { ...about(scope, member.location) }));
      continue;
    }
    wanted.push(mailbox.PrimarySmtpAddress);
  }

  let createId: string | undefined;
  if (!current) {
    if (!scope.spec.create) {
      findings.push(finding('ScopeGroupMissing', `group ${JSON.stringify(groupName)} does not exist in ${tenant}`, about(scope, source)));
      return { actions, findings };
    }
    const create = planAction({ ...base, identity: groupName, action: 'create', changes: [{ field: 'Type', after: 'Security' }], dependsOn: [] });
    createId = create.id;
    actions.push(create);
  } else if (current.RecipientTypeDetails.toLowerCase() !== SECURITY_GROUP) {
    findings.push(
      finding('ScopeGroupNotSecurity', `group ${JSON.stringify(current.Name)} in ${tenant} is a ${current.RecipientTypeDetails}, not a mail-enabled security group`, about(scope, source)),
    );
    return { actions, findings };
  }
  if (!declared) return { actions, findings };

  const have = current?.Members ?? [];
  const identity = current?.Name ?? groupName;
  const add = missingFrom(wanted, have);
  const remove = additive ? [] : missingFrom(missingFrom(have, wanted), moved);
  const blocked = current?.IsDirSynced === true;
  const memberAction = (step: Extract<ActionStep, 'add-members' | 'remove-members'>, change: FieldChange, dependsOn: string[], parameters?: Action['parameters']): Action =>
    planAction({
      ...base,
      identity,
      step,
      action: blocked ? 'blocked' : 'update',
      changes: [change],
      dependsOn,
      ...(blocked ? { reason: ON_PREMISES_REASON } : {}),
      ...(parameters ? { parameters } : {}),
    });
  const firstFill = have.length === 0 && add.length >= FIRST_FILL_MIN;
  if (add.length > 0) actions.push(memberAction('add-members', { field: 'Members', add }, createId ? [createId] : [], firstFill ? { firstFill: true } : undefined));
  if (remove.length > 0) actions.push(memberAction('remove-members', { field: 'Members', remove }, []));
  return { actions, findings };
}
