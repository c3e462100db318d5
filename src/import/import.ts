// import: the YAML a tenant's live state already amounts to, so adopting exo-gitops starts from what
// is there rather than from typing it in (Terraform's import with generated configuration). Pure:
// snapshots in, file contents out; the command writes them.
//
// What is imported, per tenant: organization relationships, ExchangeRemoteMove migration endpoints,
// the scope groups a RemoteOutbound relationship publishes (members in a CSV beside the YAML), the
// mail users linked to a mailbox of a partner tenant (MEUs), and the synced mailboxes whose Exchange
// attributes are cloud-managed. Every value written is the live one, so a plan of the imported YAML
// against the same state has nothing to change. No secret is ever written: an endpoint's secret and a
// tenant's sign-in are environment-variable names for the admin to fill in.

import { Document, isMap, isScalar, isSeq, visit, type YAMLMap } from 'yaml';
import { API_VERSION, type ResourceKind } from '../model/desired.js';
import { type MailboxEntry, type MailUserEntry, type Snapshot } from '../model/snapshot.js';
import { bareAddress, isUnsetGuid, lower, missingFrom, parseCapability, proxyKey, sameGuid, smtpDomainOf } from '../plan/compare.js';
import { controlCharacterIn, looksLikeSecret, unpairedSurrogateIn } from '../load/text-rules.js';
import { showInvisible } from '../util/invisible.js';
import { GUID } from '../validate/rules.js';

/**
 * Why a live value cannot be written into reviewable YAML as it is: a control character (validate
 * refuses it), an invisible or bidi character (a reviewer would not see it), or what looks like a
 * pasted secret (validate refuses it). Such a value is left out, and the import says so.
 */
export function unwritable(value: string): string | undefined {
  if (controlCharacterIn(value) || unpairedSurrogateIn(value)) return 'holds a control character';
  if (showInvisible(value) !== value) return 'holds an invisible character';
  if (looksLikeSecret(value)) return 'looks like a secret';
  return undefined;
}

/** A tenant the import can name as a partner: from the repository's Tenant documents or a snapshot. */
export interface KnownTenant {
  name: string;
  tenantId: string;
  organization: string;
  /** Domains whose addresses are this tenant's (organization and accepted domains), lower case. */
  domains: string[];
}

export interface ImportInput {
  /** metadata.name of the tenant imported. */
  tenant: string;
  snapshot: Snapshot;
  /** Other tenants' snapshots by name: partner names, and the source mailbox of each MEU. */
  peers: ReadonlyMap<string, Snapshot>;
  /** Tenants the YAML may name (the imported one included). */
  knownTenants: readonly KnownTenant[];
  /** True when the repository already has this tenant's Tenant document: no tenant.yaml is written. */
  hasTenantDocument: boolean;
}

export interface ImportedFile {
  /** Relative to the output directory, with forward slashes. */
  path: string;
  content: string;
}

export interface ImportResult {
  files: ImportedFile[];
  /** Documents written, per kind. */
  counts: Partial<Record<ResourceKind, number>>;
  /** What the admin should look at: placeholders to fill in, links left out and why, what was not imported. */
  notes: string[];
}

const SMTP = /^smtp:/i;
/** Documents per file: a mail user takes about 700 bytes, so 5,000 stay far below the 16 MiB a YAML file may hold. */
export const DOCUMENTS_PER_FILE = 5000;
const X500 = /^x500:/i;

/** An environment-variable name for a placeholder: CONTOSO_EXO_TOKEN. */
export function envName(...parts: string[]): string {
  return parts
    .join('_')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .replace(/^(?=\d)/, '_');
}

/** A file name for a group's members: "T2T Migration Scope" → t2t-migration-scope.members.csv. */
export function membersFileName(group: string, taken: Set<string>): string {
  const base = group.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'scope';
  let name = `${base}.members.csv`;
  for (let n = 2; taken.has(name); n++) name = `${base}-${n}.members.csv`;
  taken.add(name);
  return name;
}

function resourceDocument(kind: ResourceKind, name: string, tenant: string | null, spec: Record<string, unknown>): Document {
  const document = new Document({ apiVersion: API_VERSION, kind, metadata: tenant === null ? { name } : { name, tenant }, spec });
  const metadata = document.get('metadata', true);
  if (isMap(metadata)) metadata.flow = true;
  // Short lists on one line, as people write them: mailboxMoveCapability: [Inbound].
  visit(document, {
    Seq(_, seq) {
      if (isSeq(seq) && seq.items.length <= 3 && seq.items.every((item) => isScalar(item) && String(item.value).length <= 40)) seq.flow = true;
    },
  });
  return document;
}

function yamlFile(header: string[], documents: Document[]): string {
  const body = documents.map((d) => d.toString({ lineWidth: 0, flowCollectionPadding: false })).join('---\n');
  return `${header.map((line) => `# ${line}`.trimEnd()).join('\n')}\n${body}`;
}

/** A live value worth writing: Exchange prints an unset string property as null or as "". */
function given(value: string | null | undefined): string | undefined {
  return value === null || value === undefined || value.trim() === '' ? undefined : value;
}

function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

interface Link {
  tenant: string;
  /** The source mailbox, when the partner's snapshot was given and holds it. */
  mailbox?: MailboxEntry;
}

/** A partner's mailboxes by ExchangeGuid and by SMTP address: one lookup per mail user, for 50,000 of them. */
interface PeerIndex {
  name: string;
  byGuid: Map<string, MailboxEntry>;
  byAddress: Map<string, MailboxEntry>;
}

function peerIndexes(input: ImportInput): PeerIndex[] {
  const indexes: PeerIndex[] = [];
  for (const [name, peer] of input.peers) {
    // A tenant moves mailboxes out to the partners it publishes a scope to: mail users there are moved users, not MEUs.
    if (name === input.tenant || sourceFor(input, peer.tenant.tenantId)) continue;
    const byGuid = new Map<string, MailboxEntry>();
    const byAddress = new Map<string, MailboxEntry>();
    for (const mailbox of peer.Mailbox) {
      if (!isUnsetGuid(mailbox.ExchangeGuid)) byGuid.set(lower(mailbox.ExchangeGuid), mailbox);
      byAddress.set(lower(mailbox.PrimarySmtpAddress), mailbox);
      for (const proxy of mailbox.EmailAddresses) if (SMTP.test(proxy) && !byAddress.has(lower(proxy.slice(5)))) byAddress.set(lower(proxy.slice(5)), mailbox);
    }
    indexes.push({ name, byGuid, byAddress });
  }
  return indexes;
}

/**
 * The partner mailbox a mail user stands for: the mailbox with its ExchangeGuid, else the one its
 * external address names; without the partner's snapshot, the tenant whose domain the external
 * address is in. Undefined for a mail user that is no MEU.
 */
function linkOf(user: MailUserEntry, input: ImportInput, peers: readonly PeerIndex[]): Link | undefined {
  const external = given(user.ExternalEmailAddress) !== undefined ? lower(bareAddress(user.ExternalEmailAddress!)) : undefined;
  for (const peer of peers) {
    const byGuid = !isUnsetGuid(user.ExchangeGuid) ? peer.byGuid.get(lower(user.ExchangeGuid)) : undefined;
    if (byGuid) return { tenant: peer.name, mailbox: byGuid };
    const byAddress = external !== undefined ? peer.byAddress.get(external) : undefined;
    if (byAddress) return { tenant: peer.name, mailbox: byAddress };
  }
  if (external === undefined) return undefined;
  const domain = smtpDomainOf(external);
  const partner = input.knownTenants.find((t) => t.name !== input.tenant && t.domains.includes(domain) && !sourceFor(input, t.tenantId));
  return partner ? { tenant: partner.name } : undefined;
}

/** Whether the imported tenant is the source of moves to this peer: a relationship with it carries only Remote… capabilities. */
function sourceFor(input: ImportInput, peerTenantId: string): boolean {
  return input.snapshot.OrganizationRelationship.some((r) => {
    const capabilities = parseCapability(r.MailboxMoveCapability);
    return r.DomainNames.some((d) => sameGuid(d, peerTenantId)) && capabilities.length > 0 && capabilities.every((c) => c.startsWith('Remote'));
  });
}

/** Where the mail user contradicts its source mailbox: linking it makes plan report an error, not a repair. */
function linkMismatches(user: MailUserEntry, mailbox: MailboxEntry): string[] {
  const problems: string[] = [];
  if (!isUnsetGuid(user.ExchangeGuid) && !sameGuid(user.ExchangeGuid, mailbox.ExchangeGuid)) problems.push(`its ExchangeGuid ${user.ExchangeGuid} is not the mailbox's ${mailbox.ExchangeGuid} (ExchangeGuidMismatch)`);
  if (!isUnsetGuid(user.ArchiveGuid) && isUnsetGuid(mailbox.ArchiveGuid)) problems.push(`it has an ArchiveGuid but the mailbox has no archive (ArchiveWithoutSource)`);
  else if (!isUnsetGuid(user.ArchiveGuid) && !sameGuid(user.ArchiveGuid, mailbox.ArchiveGuid)) problems.push(`its ArchiveGuid ${user.ArchiveGuid} is not the mailbox's ${mailbox.ArchiveGuid} (ArchiveGuidMismatch)`);
  return problems;
}

/** What `source:` would make the plan stamp on this mail user: the derived values it lacks. */
function linkGaps(user: MailUserEntry, mailbox: MailboxEntry): string[] {
  const gaps: string[] = [];
  if (isUnsetGuid(user.ExchangeGuid)) gaps.push(`ExchangeGuid ${mailbox.ExchangeGuid}`);
  if (!isUnsetGuid(mailbox.ArchiveGuid) && isUnsetGuid(user.ArchiveGuid)) gaps.push(`ArchiveGuid ${mailbox.ArchiveGuid}`);
  const x500s = [...(mailbox.LegacyExchangeDN ? [`X500:${mailbox.LegacyExchangeDN}`] : []), ...mailbox.EmailAddresses.filter((a) => X500.test(a)).map((a) => `X500:${a.slice(5)}`)];
  const missing = missingFrom(missingFrom(x500s, []), user.EmailAddresses, proxyKey);
  if (missing.length > 0) gaps.push(missing.length === 1 ? `the X500 address ${missing[0]}` : `${missing.length} X500 addresses`);
  return gaps;
}

function mailUserSpec(user: MailUserEntry, leftOut: string[]): Record<string, unknown> {
  // A value that cannot be written as it is stays unmanaged (the plan never changes it), and is named.
  const keep = (field: string, value: string | undefined): string | undefined => {
    const why = value === undefined ? undefined : unwritable(value);
    if (why) leftOut.push(`${field} ${why}`);
    return why ? undefined : value;
  };
  const primary = `smtp:${user.PrimarySmtpAddress}`;
  const customAttributes: Record<string, string> = {};
  for (let n = 1; n <= 15; n++) {
    const value = keep(`CustomAttribute${n}`, given(user[`CustomAttribute${n}`]) === undefined ? undefined : user[`CustomAttribute${n}`]);
    if (value !== undefined) customAttributes[String(n)] = value;
  }
  const emailAddresses = user.EmailAddresses.filter((a) => proxyKey(a) !== proxyKey(primary) && keep('an address', a) !== undefined);
  return defined({
    displayName: user.Name !== user.Alias ? keep('Name', user.Name) : undefined,
    externalEmailAddress: keep('ExternalEmailAddress', given(user.ExternalEmailAddress)),
    primarySmtpAddress: keep('PrimarySmtpAddress', given(user.PrimarySmtpAddress)),
    microsoftOnlineServicesId: keep('MicrosoftOnlineServicesID', given(user.MicrosoftOnlineServicesID)),
    exchangeGuid: isUnsetGuid(user.ExchangeGuid) ? undefined : user.ExchangeGuid,
    archiveGuid: isUnsetGuid(user.ArchiveGuid) ? undefined : user.ArchiveGuid,
    emailAddresses: emailAddresses.length > 0 ? emailAddresses : undefined,
    customAttributes: Object.keys(customAttributes).length > 0 ? customAttributes : undefined,
  });
}

export function importTenant(input: ImportInput): ImportResult {
  const { tenant, snapshot } = input;
  const files: ImportedFile[] = [];
  const counts: ImportResult['counts'] = {};
  const notes: string[] = [];
  const header = (what: string): string[] => [
    `${what} of ${tenant}, imported from its live state (exported ${snapshot.exportedAt}) by exo-gitops import.`,
    'Every value is the live one: plan shows no changes until you edit. Review it before you commit.',
  ];
  const add = (name: string, what: string, documents: Document[], kind: ResourceKind): void => {
    if (documents.length === 0) return;
    // A YAML file holds at most 16 MiB (load/limits.ts): 50,000 mail users go in files of 5,000.
    const parts = Math.ceil(documents.length / DOCUMENTS_PER_FILE);
    for (let part = 0; part < parts; part++) {
      const file = parts === 1 ? name : name.replace(/\.yaml$/, `-${String(part + 1).padStart(String(parts).length, '0')}.yaml`);
      files.push({ path: `${tenant}/${file}`, content: yamlFile(header(what), documents.slice(part * DOCUMENTS_PER_FILE, (part + 1) * DOCUMENTS_PER_FILE)) });
    }
    counts[kind] = (counts[kind] ?? 0) + documents.length;
  };
  const partnerById = (id: string): KnownTenant | undefined => input.knownTenants.find((t) => t.name !== tenant && sameGuid(t.tenantId, id));
  const partnerByOrganization = (organization: string): KnownTenant | undefined => input.knownTenants.find((t) => t.name !== tenant && lower(t.organization) === lower(organization));

  if (!input.hasTenantDocument) {
    const tokenEnv = envName(tenant, 'EXO_TOKEN');
    const domains = snapshot.AcceptedDomain.filter((d) => !/\.onmicrosoft\.(com|us|de)$/i.test(d.DomainName)).map((d) => d.DomainName);
    const cloudDefault = snapshot.OrganizationConfig.ExchangeAttributesCloudManagedByDefault;
    const document = resourceDocument('Tenant', tenant, null, defined({
      tenantId: snapshot.tenant.tenantId,
      organization: snapshot.tenant.organization,
      acceptedDomains: domains.length > 0 ? domains : undefined,
      exchangeAttributesCloudManagedByDefault: cloudDefault,
      connection: { accessTokenEnv: tokenEnv },
    }));
    const connection = document.getIn(['spec', 'connection'], true) as YAMLMap;
    connection.commentBefore = ' How to sign in: a variable holding an access token, or appId with certificatePath; never a secret itself.';
    add('tenant.yaml', 'The Tenant document', [document], 'Tenant');
    notes.push(`${tenant}/tenant.yaml: sign-in is a placeholder (accessTokenEnv: ${tokenEnv}); set it, or appId and certificatePath, as README's Tenant section shows.`);
  }

  // Organization relationships: the partner by name where its tenant ID is known, else the live DomainNames.
  const publishedGroups = new Map<string, string>();
  const moveRelationships = snapshot.OrganizationRelationship.filter((r) => {
    // A free/busy relationship names domains and moves nothing: not what exo-gitops manages.
    const ours = parseCapability(r.MailboxMoveCapability).length > 0 || (r.DomainNames.length > 0 && r.DomainNames.every((d) => GUID.test(d)));
    if (!ours) notes.push(showInvisible(`not imported: organization relationship ${r.Name} (no mailbox move capability, and its DomainNames are domains: free/busy sharing, not a migration pair).`));
    return ours;
  });
  const relationships = moveRelationships.map((r) => {
    const partner = r.DomainNames.length === 1 ? partnerById(r.DomainNames[0]!) : undefined;
    const capabilities = parseCapability(r.MailboxMoveCapability);
    // Published under whatever capability: a misconfigured relationship still names the group the admin meant.
    for (const group of r.MailboxMovePublishedScopes) publishedGroups.set(lower(group), group);
    if (!partner && r.DomainNames.length > 0) notes.push(`${tenant}/relationships.yaml: ${r.Name} names domainNames ${r.DomainNames.join(', ')}; write partner: <tenant> once that tenant has a Tenant document.`);
    return resourceDocument('OrganizationRelationship', r.Name, tenant, defined({
      partner: partner?.name,
      domainNames: partner ? undefined : r.DomainNames,
      enabled: r.Enabled,
      mailboxMoveEnabled: r.MailboxMoveEnabled,
      mailboxMoveCapability: capabilities,
      oauthApplicationId: given(r.OAuthApplicationId),
      mailboxMovePublishedScopes: r.MailboxMovePublishedScopes.length > 0 ? r.MailboxMovePublishedScopes : undefined,
    }));
  });
  add('relationships.yaml', 'Organization relationships', relationships, 'OrganizationRelationship');

  // Migration endpoints of cross-tenant moves; the secret stays a variable name the admin fills in.
  const endpoints: Document[] = [];
  for (const e of snapshot.MigrationEndpoint) {
    if (lower(e.EndpointType) !== 'exchangeremotemove') {
      notes.push(`not imported: migration endpoint ${e.Identity} (${e.EndpointType}); exo-gitops manages ExchangeRemoteMove endpoints only.`);
      continue;
    }
    const partner = given(e.RemoteTenant) !== undefined ? partnerByOrganization(e.RemoteTenant!) : undefined;
    const secretEnv = envName(tenant, e.Identity, 'SECRET');
    const document = resourceDocument('MigrationEndpoint', e.Identity, tenant, defined({
      partner: partner?.name,
      remoteTenant: partner ? undefined : given(e.RemoteTenant),
      remoteServer: given(e.RemoteServer),
      applicationId: given(e.ApplicationId),
      maxConcurrentMigrations: typeof e.MaxConcurrentMigrations === 'number' ? e.MaxConcurrentMigrations : undefined,
      credentials: { secretEnv },
    }));
    (document.getIn(['spec', 'credentials'], true) as YAMLMap).commentBefore =
      ' Exchange never returns the secret: the variable that will hold it at apply time (a CI secret). Add rotation: "<date>" when you rotate it.';
    endpoints.push(document);
    notes.push(`${tenant}/endpoints.yaml: ${e.Identity}'s secret is read from ${secretEnv} at apply time; only a change of application or rotation sends it.`);
  }
  add('endpoints.yaml', 'Migration endpoints', endpoints, 'MigrationEndpoint');

  // Scope groups: each group a relationship publishes, with its members in a CSV.
  const scopes: Document[] = [];
  const taken = new Set<string>();
  for (const name of [...publishedGroups.values()].sort()) {
    const group = snapshot.DistributionGroup.find((g) => lower(g.Name) === lower(name) || lower(g.PrimarySmtpAddress) === lower(name) || (g.Alias !== undefined && lower(g.Alias) === lower(name)));
    if (!group) {
      notes.push(`not imported: scope group ${name}, published by a relationship, is not in the snapshot (it does not exist in ${tenant}).`);
      continue;
    }
    const file = membersFileName(group.Name, taken);
    // An address with a comma or a quote cannot be a cell of the members file: it is listed in the YAML.
    // One starting with # is quoted, or it would be a comment.
    const inline = group.Members.filter((m) => /[,"]/.test(m));
    const cells = group.Members.filter((m) => !/[,"]/.test(m)).map((m) => (m.startsWith('#') ? `"${m}"` : m));
    files.push({ path: `${tenant}/${file}`, content: `${showInvisible(`# Members of ${group.Name} in ${tenant} (live, exported ${snapshot.exportedAt}): one address per line.`)}\n${cells.join('\n')}${cells.length > 0 ? '\n' : ''}` });
    const document = resourceDocument('MigrationScope', group.Name, tenant, { membersFile: file, ...(inline.length > 0 ? { members: inline } : {}) });
    if (group.IsDirSynced) (document.contents as YAMLMap).commentBefore = ' Synced from on-premises AD: membership changes are made there, and plan shows them as blocked.';
    scopes.push(document);
  }
  add('scopes.yaml', 'Migration scope groups', scopes, 'MigrationScope');

  // Target mail users (MEUs) of mailboxes in a partner tenant.
  const mailUsers: Document[] = [];
  let unlinked = 0;
  const peers = peerIndexes(input);
  for (const user of [...snapshot.MailUser].sort((a, b) => (lower(a.Alias) < lower(b.Alias) ? -1 : 1))) {
    const link = linkOf(user, input, peers);
    if (!link) {
      unlinked++;
      continue;
    }
    const leftOut: string[] = [];
    const spec = mailUserSpec(user, leftOut);
    const document = resourceDocument('MailUser', user.Alias, tenant, spec);
    if (leftOut.length > 0) notes.push(showInvisible(`${tenant}: MailUser ${user.Alias}: left out (not managed): ${leftOut.join('; ')}`));
    const mismatches = link.mailbox ? linkMismatches(user, link.mailbox) : [];
    const gaps = link.mailbox ? linkGaps(user, link.mailbox) : [];
    const sourceLine = `source: {tenant: ${link.tenant}, mailbox: ${link.mailbox?.PrimarySmtpAddress ?? '<the source mailbox>'}}`;
    if (link.mailbox && gaps.length === 0 && mismatches.length === 0 && unwritable(link.mailbox.PrimarySmtpAddress) === undefined) {
      document.setIn(['spec', 'source'], document.createNode({ tenant: link.tenant, mailbox: link.mailbox.PrimarySmtpAddress }, { flow: true }));
    } else {
      const why = !link.mailbox
        ? `${link.tenant}'s snapshot was not given: write the source mailbox, or import with ${link.tenant}'s snapshot beside this one.`
        : mismatches.length > 0
          ? `not linked: ${mismatches.join('; ')} of ${link.tenant}'s mailbox; linking would be an error to fix in Exchange first, not a repair.`
          : `not linked yet: the mail user lacks ${gaps.join(', ')} of ${link.tenant}'s mailbox; uncomment to let plan stamp it (plan then shows the change).`;
      // Live values in a comment and on the terminal: invisible and control characters shown escaped.
      (document.get('spec', true) as YAMLMap).comment = ` ${showInvisible(sourceLine)}\n   ${showInvisible(why)}`;
      notes.push(showInvisible(`${tenant}/mailusers.yaml: ${user.Alias}: ${why}`));
    }
    if (user.IsDirSynced) (document.contents as YAMLMap).commentBefore = ' Synced from on-premises AD: changes are made there, and plan shows them as blocked.';
    mailUsers.push(document);
  }
  add('mailusers.yaml', 'Target mail users (MEUs)', mailUsers, 'MailUser');
  if (unlinked > 0) notes.push(`not imported: ${unlinked} mail user${unlinked === 1 ? '' : 's'} linked to no mailbox of a known partner tenant.`);

  // Synced mailboxes whose Exchange attributes are managed in the cloud.
  const cloudManaged = snapshot.Mailbox.filter((m) => m.IsDirSynced && m.IsExchangeCloudManaged).map((m) => m.PrimarySmtpAddress).sort((a, b) => (lower(a) < lower(b) ? -1 : 1));
  if (cloudManaged.length > 0) {
    add('cloud-management.yaml', 'Cloud-managed mailboxes', [resourceDocument('CloudManagement', 'cloud-managed', tenant, { isExchangeCloudManaged: true, mailboxes: cloudManaged })], 'CloudManagement');
  }

  const batches = snapshot.MigrationBatch?.length ?? 0;
  if (batches > 0) notes.push(`not imported: ${batches} migration batch${batches === 1 ? '' : 'es'}; write a MigrationBatch for a new wave (README, "Migration waves").`);
  return { files, counts, notes };
}

/** The tenants a snapshot set and the repository's Tenant documents make known, by name. */
export function knownTenantsOf(tenants: readonly { name: string; tenantId: string; organization: string; acceptedDomains?: readonly string[] }[], snapshots: ReadonlyMap<string, Snapshot>): KnownTenant[] {
  const known = new Map<string, KnownTenant>();
  for (const t of tenants) known.set(t.name, { name: t.name, tenantId: t.tenantId, organization: t.organization, domains: [t.organization, ...(t.acceptedDomains ?? [])].map(lower) });
  for (const [name, s] of snapshots) {
    const domains = [s.tenant.organization, ...s.AcceptedDomain.map((d) => d.DomainName)].map(lower);
    const existing = known.get(name);
    if (existing) existing.domains = [...new Set([...existing.domains, ...domains])];
    else known.set(name, { name, tenantId: s.tenant.tenantId, organization: s.tenant.organization, domains });
  }
  return [...known.values()];
}
