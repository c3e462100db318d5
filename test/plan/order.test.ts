// The order of work: target before source, groups before the relationships that publish them,
// endpoints before relationships, cloud management before attributes, creates/updates/deletes;
// and the same plan whatever order YAML documents and live objects come in.
import { describe, expect, it } from 'vitest';
import type { Action, TenantPlan } from '../../src/model/plan.js';
import { compareActions, orderTenants } from '../../src/plan/order.js';
import { buildPlan } from '../../src/plan/plan.js';
import { desiredDigest } from '../../src/plan/digest.js';
import { renderPlanJson } from '../../src/render/plan-json.js';
import { baseFiles, loadFiles, mailbox, planFor, snapshots, SOURCE_YAML, TARGET_YAML } from './fixtures.js';
import { replaceOnce } from '../support/edit.js';

const CLOUD = `apiVersion: exo.gitops/v1alpha1
kind: CloudManagement
metadata:
  name: cloud
  tenant: northwind
spec:
  isExchangeCloudManaged: true
  mailboxes: [Nestor.Wilke@northwindtraders.com]
`;
const NESTOR = `apiVersion: exo.gitops/v1alpha1
kind: MailUser
metadata:
  name: NestorW
  tenant: northwind
spec:
  customAttributes:
    "2": moved
`;

/** Everything at once: a group to create and publish, an endpoint and relationships to create, a member removal, cloud management, MEU updates. */
function busyInput() {
  const files = baseFiles({
    'source.yaml': replaceOnce(SOURCE_YAML, 'spec:\n  members:', 'spec:\n  create: true\n  members:'),
    'cloud.yaml': CLOUD,
    'nestor.yaml': NESTOR,
    'gone.yaml': `apiVersion: exo.gitops/v1alpha1
kind: OrganizationRelationship
metadata:
  name: Old Partner
  tenant: northwind
spec:
  ensure: Absent
---
apiVersion: exo.gitops/v1alpha1
kind: MigrationEndpoint
metadata:
  name: Old-Endpoint
  tenant: northwind
spec:
  ensure: Absent
`,
  });
  const live = snapshots((l) => {
    l.contoso.DistributionGroup = [];
    l.contoso.OrganizationRelationship = [];
    l.northwind.OrganizationRelationship = [{ Name: 'Old Partner', DomainNames: ['aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'], Enabled: true, MailboxMoveEnabled: false, MailboxMoveCapability: 'None', OAuthApplicationId: null, MailboxMovePublishedScopes: [] }];
    l.northwind.MigrationEndpoint = [{ Identity: 'Old-Endpoint', EndpointType: 'ExchangeRemoteMove', RemoteServer: 'outlook.office.com', RemoteTenant: 'fabrikam.onmicrosoft.com', ApplicationId: null, MaxConcurrentMigrations: 20 }];
    l.northwind.MailUser[0]!.ExchangeGuid = '00000000-0000-0000-0000-000000000000';
    l.northwind.Mailbox.push(mailbox({ Name: 'Nestor Wilke', Alias: 'NestorW', PrimarySmtpAddress: 'Nestor.Wilke@northwindtraders.com', ExchangeGuid: 'b1c2d3e4-f5a6-4b7c-8d9e-0f1a2b3c4d5e', EmailAddresses: ['SMTP:Nestor.Wilke@northwindtraders.com'], IsDirSynced: true }));
  });
  return { files, live };
}

describe('plan order', () => {
  const { files, live } = busyInput();
  const plan = planFor(files, live);
  const ids = (tenant: string) => plan.tenants.find((t) => t.tenant === tenant)!.actions.map((a) => a.id);

  it('target tenant before source', () => {
    expect(plan.tenants.map((t) => [t.tenant, t.role])).toEqual([
      ['northwind', 'target'],
      ['contoso', 'source'],
    ]);
  });

  it('the whole order of a busy plan', () => {
    expect(ids('northwind')).toEqual([
      'northwind/MigrationEndpoint/Contoso-T2T',
      'northwind/OrganizationRelationship/Contoso',
      'northwind/Mailbox/Nestor.Wilke@northwindtraders.com#cloud-managed',
      'northwind/MailUser/LaraN',
      'northwind/Mailbox/Nestor.Wilke@northwindtraders.com',
      'northwind/MigrationEndpoint/Old-Endpoint',
      'northwind/OrganizationRelationship/Old Partner',
    ]);
    expect(ids('contoso')).toEqual([
      'contoso/DistributionGroup/T2T-Scope',
      'contoso/DistributionGroup/T2T-Scope#add-members',
      'contoso/OrganizationRelationship/Northwind',
    ]);
  });

  it('a group is created before the relationship that publishes it, which depends on it', () => {
    const rel = plan.tenants[1]!.actions.find((a) => a.id === 'contoso/OrganizationRelationship/Northwind')!;
    expect(rel.action).toBe('create');
    expect(rel.dependsOn).toContain('contoso/DistributionGroup/T2T-Scope');
  });

  it('IsExchangeCloudManaged before the attributes of the same mailbox, which depend on it', () => {
    const attrs = plan.tenants[0]!.actions.find((a) => a.id === 'northwind/Mailbox/Nestor.Wilke@northwindtraders.com')!;
    expect(attrs.dependsOn).toEqual(['northwind/Mailbox/Nestor.Wilke@northwindtraders.com#cloud-managed']);
  });

  it('every dependency comes earlier in its tenant', () => {
    for (const tenant of plan.tenants) {
      const position = new Map(tenant.actions.map((a, i) => [a.id, i]));
      for (const [i, a] of tenant.actions.entries()) for (const d of a.dependsOn) expect(position.get(d), `${a.id} → ${d}`).toBeLessThan(i);
    }
  });

  it('deletes come last', () => {
    const actions = plan.tenants[0]!.actions;
    const firstDelete = actions.findIndex((a) => a.action === 'delete');
    expect(actions.slice(firstDelete).every((a) => a.action === 'delete')).toBe(true);
  });

  it('is deterministic: shuffled documents, live objects and values give byte-identical JSON', () => {
    const reference = renderPlanJson(plan);
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const shuffle = <T>(list: T[]): T[] => {
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
      return list;
    };
    for (let round = 0; round < 5; round++) {
      const desired = loadFiles(files);
      shuffle(desired.tenants);
      shuffle(desired.relationships);
      shuffle(desired.endpoints);
      shuffle(desired.mailUsers);
      shuffle(desired.cloudManagement);
      const { live: again } = busyInput();
      const entries = shuffle([...again.entries()]);
      for (const [, s] of entries) {
        shuffle(s.Mailbox);
        shuffle(s.MailUser);
        shuffle(s.OrganizationRelationship);
        shuffle(s.MigrationEndpoint);
        shuffle(s.AcceptedDomain);
      }
      const shuffled = buildPlan({ desired, snapshots: new Map(entries), desiredDigest: desiredDigest(desired.contentHashes) });
      expect(renderPlanJson(shuffled).replace(/"desiredDigest": "[^"]+"/, '')).toBe(reference.replace(/"desiredDigest": "[^"]+"/, ''));
    }
  });
});

describe('compareActions', () => {
  const action = (over: Partial<Action>): Action => ({ id: `t/${over.kind}/${over.identity}`, tenant: 't', kind: 'MailUser', identity: 'x', action: 'update', changes: [], destructive: [], dependsOn: [], ...over });

  it('within a kind: creates, then updates and blocked, then replaces, then deletes; ties by identity, case-insensitively', () => {
    const list = [
      action({ kind: 'MigrationEndpoint', identity: 'e-del', action: 'delete' }),
      action({ kind: 'MigrationEndpoint', identity: 'e-rep', action: 'replace' }),
      action({ kind: 'MigrationEndpoint', identity: 'b', action: 'update' }),
      action({ kind: 'MigrationEndpoint', identity: 'A', action: 'blocked' }),
      action({ kind: 'MigrationEndpoint', identity: 'z', action: 'create' }),
    ];
    expect([...list].sort(compareActions).map((a) => `${a.action}:${a.identity}`)).toEqual(['create:z', 'blocked:A', 'update:b', 'replace:e-rep', 'delete:e-del']);
  });

  it('kinds: organization config, groups, endpoints, relationships, cloud-managed, users, mail users, mailboxes, member removals, deletes', () => {
    const list = [
      action({ kind: 'OrganizationRelationship', identity: 'r', action: 'delete' }),
      action({ kind: 'MigrationEndpoint', identity: 'e', action: 'delete' }),
      action({ kind: 'DistributionGroup', identity: 'g', id: 'g#remove-members', step: 'remove-members', destructive: ['remove-member'] }),
      action({ kind: 'Mailbox', identity: 'm', id: 't/Mailbox/m' }),
      action({ kind: 'MailUser', identity: 'u' }),
      action({ kind: 'User', identity: 'u', id: 't/User/u#clear-previous-mailbox', step: 'clear-previous-mailbox' }),
      action({ kind: 'Mailbox', identity: 'm', id: 't/Mailbox/m#cloud-managed', step: 'cloud-managed' }),
      action({ kind: 'OrganizationRelationship', identity: 'r' }),
      action({ kind: 'MigrationEndpoint', identity: 'e' }),
      action({ kind: 'DistributionGroup', identity: 'g', id: 'g#add-members', step: 'add-members' }),
      action({ kind: 'DistributionGroup', identity: 'g', action: 'create' }),
      action({ kind: 'OrganizationConfig', identity: 'o' }),
    ];
    const order = (l: Action[]) => [...l].sort(compareActions).map((a) => `${a.kind}:${a.action}:${a.id}`);
    const expected = order(list);
    expect(expected).toEqual([
      'OrganizationConfig:update:t/OrganizationConfig/o',
      'DistributionGroup:create:t/DistributionGroup/g',
      'DistributionGroup:update:g#add-members',
      'MigrationEndpoint:update:t/MigrationEndpoint/e',
      'OrganizationRelationship:update:t/OrganizationRelationship/r',
      'Mailbox:update:t/Mailbox/m#cloud-managed',
      'User:update:t/User/u#clear-previous-mailbox',
      'MailUser:update:t/MailUser/u',
      'Mailbox:update:t/Mailbox/m',
      'DistributionGroup:update:g#remove-members',
      'MigrationEndpoint:delete:t/MigrationEndpoint/e',
      'OrganizationRelationship:delete:t/OrganizationRelationship/r',
    ]);
    expect(order([...list].reverse())).toEqual(expected);
  });

  it('orderTenants: target, other, source; then by name; does not mutate its input', () => {
    const t = (tenant: string, role: TenantPlan['role']): TenantPlan => ({ tenant, organization: `${tenant}.onmicrosoft.com`, role, actions: [] });
    const input = [t('s', 'source'), t('b', 'other'), t('z', 'target'), t('a', 'other'), t('y', 'target')];
    expect(orderTenants(input).map((x) => x.tenant)).toEqual(['y', 'z', 'a', 'b', 's']);
    expect(input.map((x) => x.tenant)).toEqual(['s', 'b', 'z', 'a', 'y']);
  });
});

describe('the endpoint comes before the relationships in the target', () => {
  it('both created', () => {
    const plan = planFor(baseFiles(), snapshots((l) => {
      l.northwind.OrganizationRelationship = [];
      l.northwind.MigrationEndpoint = [];
    }));
    expect(plan.tenants[0]!.actions.map((a) => `${a.action} ${a.kind}`)).toEqual(['create MigrationEndpoint', 'create OrganizationRelationship']);
  });
  it('TARGET_YAML declares the relationship after the endpoint; reversed documents give the same order', () => {
    const [endpoint, rel] = TARGET_YAML.split('---\n');
    const plan = planFor(baseFiles({ 'target.yaml': `${rel}---\n${endpoint}` }), snapshots((l) => {
      l.northwind.OrganizationRelationship = [];
      l.northwind.MigrationEndpoint = [];
    }));
    expect(plan.tenants[0]!.actions.map((a) => a.kind)).toEqual(['MigrationEndpoint', 'OrganizationRelationship']);
  });
});
