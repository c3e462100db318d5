// Read and check live snapshots (`<state>/<tenant>.json`). A snapshot comes from PowerShell output or
// from a file someone edited; either way it is checked against the shape plan relies on, and every
// problem names the tenant and the object, never a stack trace.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { SNAPSHOT_VERSION, type Snapshot } from '../model/snapshot.js';

const str = { type: 'string' } as const;
const strOrNull = { type: ['string', 'null'] } as const;
const bool = { type: 'boolean' } as const;
const strList = { type: 'array', items: { type: 'string' } } as const;

const entry = (required: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(required),
  properties: required,
});

/** What plan needs of each collection; further properties are allowed (real exports carry more). */
const SNAPSHOT_SCHEMA = {
  type: 'object',
  required: ['snapshotVersion', 'tenant', 'OrganizationConfig', 'AcceptedDomain', 'OrganizationRelationship', 'MigrationEndpoint', 'DistributionGroup', 'MailUser', 'Mailbox'],
  properties: {
    snapshotVersion: { const: SNAPSHOT_VERSION },
    tenant: entry({ name: str, tenantId: str, organization: str }),
    exportedAt: str,
    OrganizationConfig: entry({ IsDehydrated: bool }),
    AcceptedDomain: { type: 'array', items: entry({ DomainName: str, DomainType: str }) },
    OrganizationRelationship: {
      type: 'array',
      items: entry({ Name: str, DomainNames: strList, Enabled: bool, MailboxMoveEnabled: bool, MailboxMoveCapability: str, OAuthApplicationId: strOrNull, MailboxMovePublishedScopes: strList }),
    },
    MigrationEndpoint: {
      type: 'array',
      items: entry({ Identity: str, EndpointType: str, RemoteServer: strOrNull, RemoteTenant: strOrNull, ApplicationId: strOrNull, MaxConcurrentMigrations: { type: ['integer', 'null'] } }),
    },
    DistributionGroup: {
      type: 'array',
      items: entry({ Name: str, PrimarySmtpAddress: str, RecipientTypeDetails: str, IsDirSynced: bool, Members: strList }),
    },
    MailUser: {
      type: 'array',
      items: entry({ Name: str, Alias: str, PrimarySmtpAddress: str, ExternalEmailAddress: strOrNull, ExchangeGuid: str, ArchiveGuid: str, LegacyExchangeDN: str, EmailAddresses: strList, IsDirSynced: bool, RecipientTypeDetails: str, PreviousRecipientTypeDetails: str }),
    },
    Mailbox: {
      type: 'array',
      items: entry({ Name: str, Alias: str, PrimarySmtpAddress: str, ExchangeGuid: str, ArchiveGuid: str, LegacyExchangeDN: str, EmailAddresses: strList, RecipientTypeDetails: str, IsDirSynced: bool, IsExchangeCloudManaged: bool, LitigationHoldEnabled: bool, InPlaceHolds: strList }),
    },
  },
} as const;

const validateSnapshot = new Ajv({ allErrors: false, strict: false }).compile(SNAPSHOT_SCHEMA);

export class SnapshotError extends Error {
  constructor(
    readonly tenant: string,
    message: string,
  ) {
    super(`tenant ${tenant}: ${message}`);
    this.name = 'SnapshotError';
  }
}

/** Say which object a JSON pointer into a snapshot names: "MailUser[3] (LaraN)". */
function describePointer(value: unknown, pointer: string): string {
  const [collection, index] = pointer.split('/').slice(1);
  if (collection === undefined) return 'the snapshot';
  if (index === undefined) return collection;
  const item = (value as Record<string, unknown[] | undefined>)[collection]?.[Number(index)] as Record<string, unknown> | undefined;
  const name = item?.Name ?? item?.Identity ?? item?.DomainName;
  return `${collection}[${index}]${typeof name === 'string' ? ` (${name})` : ''}`;
}

/** Check a parsed value is a snapshot of `tenant`; throws SnapshotError saying what is wrong. */
export function checkSnapshot(value: unknown, tenant: string): Snapshot {
  if (!validateSnapshot(value)) {
    const error = validateSnapshot.errors![0]!;
    const rest = error.instancePath.split('/').slice(3).join('.');
    const detail =
      error.keyword === 'required'
        ? `is missing ${(error.params as { missingProperty: string }).missingProperty}`
        : `${rest ? `${rest} ` : ''}${error.message}`;
    throw new SnapshotError(tenant, `${describePointer(value, error.instancePath)} ${detail}`);
  }
  return value as unknown as Snapshot;
}

function parseSnapshotText(text: string, tenant: string, origin: string): Snapshot {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const truncated = text.trim().length === 0 ? 'is empty' : `is not valid JSON (${(error as Error).message}); was it truncated?`;
    throw new SnapshotError(tenant, `${origin} ${truncated}`);
  }
  const snapshot = checkSnapshot(value, tenant);
  if (snapshot.tenant.name !== tenant) {
    throw new SnapshotError(tenant, `${origin} is a snapshot of tenant ${snapshot.tenant.name}`);
  }
  return snapshot;
}

export function snapshotPath(stateDirectory: string, tenant: string): string {
  return join(stateDirectory, `${tenant}.json`);
}

/** Read `<state>/<tenant>.json` for each tenant; missing files are reported together. */
export function readSnapshots(stateDirectory: string, tenants: readonly string[]): Map<string, Snapshot> {
  const snapshots = new Map<string, Snapshot>();
  for (const tenant of tenants) {
    const file = snapshotPath(stateDirectory, tenant);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist: run exo-gitops export first, or plan without --state' : (error as Error).message;
      throw new SnapshotError(tenant, `${file} ${reason}`);
    }
    snapshots.set(tenant, parseSnapshotText(text, tenant, file));
  }
  return snapshots;
}
