// Desired state as loaded from the repository's YAML. Specs are the plain values ajv checked against
// the CRDs; every resource keeps a way back to its source text so any later stage can point at the
// exact node a finding is about.

import type { Finding, SourceLocation } from './finding.js';

export const API_VERSION = 'exo.gitops/v1alpha1';

export const RESOURCE_KINDS = [
  'Tenant',
  'OrganizationRelationship',
  'MigrationEndpoint',
  'MigrationScope',
  'MailUser',
  'CloudManagement',
  'MigrationBatch',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export type MailboxMoveCapability = 'Inbound' | 'Outbound' | 'RemoteInbound' | 'RemoteOutbound';
export type Ensure = 'Present' | 'Absent';

export interface TenantSpec {
  tenantId: string;
  organization: string;
  environment?: string;
  entraConnectVersion?: string;
  /** The tenant default for new synced mailboxes (Set-OrganizationConfig -ExchangeAttributesCloudManagedByDefault / -ExchangeAttributesServerManagedByDefault). */
  exchangeAttributesCloudManagedByDefault?: boolean;
  acceptedDomains?: string[];
  connection: {
    appId?: string;
    certificateThumbprint?: string;
    certificatePath?: string;
    certificatePasswordEnv?: string;
    accessTokenEnv?: string;
  };
}

export interface OrganizationRelationshipSpec {
  ensure?: Ensure;
  partner?: string;
  domainNames?: string[];
  enabled?: boolean;
  mailboxMoveEnabled?: boolean;
  mailboxMoveCapability?: MailboxMoveCapability[];
  oauthApplicationId?: string;
  mailboxMovePublishedScopes?: string[];
}

export interface MigrationEndpointSpec {
  ensure?: Ensure;
  partner?: string;
  remoteTenant?: string;
  remoteServer?: string;
  applicationId?: string;
  maxConcurrentMigrations?: number;
  credentials?: { secretEnv: string; rotation?: string };
}

export interface MigrationScopeSpec {
  group?: string;
  create?: boolean;
  members?: string[];
  membersFile?: string;
}

export interface MailUserSpec {
  displayName?: string;
  externalEmailAddress?: string;
  primarySmtpAddress?: string;
  microsoftOnlineServicesId?: string;
  exchangeGuid?: string;
  archiveGuid?: string;
  emailAddresses?: string[];
  removeEmailAddresses?: string[];
  customAttributes?: Record<string, string>;
  source?: { tenant: string; mailbox: string };
  permanentlyClearPreviousMailboxInfo?: boolean;
  /** Delegates granted on the target mailbox once the move has completed (target addresses). */
  permissions?: DelegatePermissions;
}

export interface DelegatePermissions {
  sendAs?: string[];
  sendOnBehalf?: string[];
  fullAccess?: { user: string; autoMapping?: boolean }[];
}

export interface CloudManagementSpec {
  isExchangeCloudManaged: boolean;
  mailboxes: string[];
}

/**
 * A migration wave: source mailboxes by address, from which the target mail users, the scope
 * membership and the batch itself (New-MigrationBatch in the target) follow.
 */
export interface MigrationBatchSpec {
  ensure?: Ensure;
  /** The source Tenant's metadata.name. */
  source: string;
  /** A MigrationEndpoint of this (the target) tenant: New-MigrationBatch -SourceEndpoint. */
  endpoint: string;
  /** The source MigrationScope (metadata.name or group); optional when the source publishes one scope. */
  scope?: string;
  users?: string[];
  usersFile?: string;
  targetDeliveryDomain: string;
  /** Source SMTP domain → target domain. */
  addressMap?: Record<string, string>;
  mailUsers?: 'derive' | 'declared';
  autoStart?: boolean;
  /** Finalize once the batch is Synced (Complete-MigrationBatch). */
  complete?: boolean;
  /** ISO 8601 with a zone: "2026-12-15T22:00:00Z". */
  completeAfter?: string;
  notificationEmails?: string[];
  /** A principal and its delegates that move apart is an error, not a warning. */
  keepDelegatesTogether?: boolean;
}

export interface SpecByKind {
  Tenant: TenantSpec;
  OrganizationRelationship: OrganizationRelationshipSpec;
  MigrationEndpoint: MigrationEndpointSpec;
  MigrationScope: MigrationScopeSpec;
  MailUser: MailUserSpec;
  CloudManagement: CloudManagementSpec;
  MigrationBatch: MigrationBatchSpec;
}

/** A path into a document, as JSON Pointer segments: ['spec', 'domainNames', 0]. */
export type NodePath = ReadonlyArray<string | number>;

/**
 * Finds the source position of a node of the resource's document. `part: 'key'` points at the key
 * of a mapping entry (for "unknown field"), 'value' (default) at its value. A path that does not
 * exist resolves to its nearest existing ancestor, so a finding always has a position.
 */
export type Locator = (path?: NodePath, part?: 'key' | 'value') => SourceLocation;

export interface Resource<K extends ResourceKind = ResourceKind> {
  kind: K;
  name: string;
  /** The Tenant this resource lives in; null for Tenant documents themselves. */
  tenant: string | null;
  spec: SpecByKind[K];
  /** File (as displayed) and index of the YAML document within it. */
  file: string;
  documentIndex: number;
  locate: Locator;
  /**
   * Set on a mail user a MigrationBatch derives (alone, or over a MailUser document of the same user):
   * which batch, which source mailbox, and which spec fields came from it rather than from YAML.
   */
  derived?: Derivation;
}

export interface Derivation {
  batch: string;
  /** "contoso mailbox Lara.Newton@contoso.com": what the plan shows as each derived value's origin. */
  from: string;
  /** The spec fields (MailUserSpec keys) whose values came from the source mailbox. */
  fields: ReadonlySet<string>;
  /** The source mailbox's Name, for a new mail user's Name (metadata.name is its alias). */
  exchangeName?: string;
}

/** A scope member with the place it was written: a YAML node or a line of the members file. */
export interface ScopeMember {
  address: string;
  location: SourceLocation;
  /** The MigrationBatch that makes this address a member (a batch user), when it is not listed in the scope. */
  batch?: string;
}

export interface DesiredState {
  tenants: Resource<'Tenant'>[];
  relationships: Resource<'OrganizationRelationship'>[];
  endpoints: Resource<'MigrationEndpoint'>[];
  scopes: Resource<'MigrationScope'>[];
  mailUsers: Resource<'MailUser'>[];
  cloudManagement: Resource<'CloudManagement'>[];
  batches: Resource<'MigrationBatch'>[];
  /** Users of each batch, from `users` and `usersFile` together, keyed by the resource. */
  batchUsers: Map<Resource<'MigrationBatch'>, ScopeMember[]>;
  /** Members of each scope, from `members` and `membersFile` together, keyed by the resource. */
  scopeMembers: Map<Resource<'MigrationScope'>, ScopeMember[]>;
  /** Every file read, as displayed, for messages. */
  files: string[];
  /** sha256 of every file read (YAML and membersFile), keyed by its path relative to the config directory. */
  contentHashes: Map<string, string>;
}

/** The Exchange name of a scope group: spec.group, else metadata.name. */
export function scopeGroupName(scope: Resource<'MigrationScope'>): string {
  return scope.spec.group ?? scope.name;
}

/** The location and identity fields of a finding about a resource. */
export function about(resource: Resource, location: SourceLocation): Pick<Finding, 'location' | 'tenant' | 'kind' | 'object'> {
  return resource.tenant === null
    ? { location, kind: resource.kind, object: resource.name }
    : { location, tenant: resource.tenant, kind: resource.kind, object: resource.name };
}
