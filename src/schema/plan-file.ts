// The shape of a saved plan file (src/plan/plan-file.ts reads it), as a JSON Schema: plain data, so
// its validator is compiled ahead of time (src/schema/precompiled.ts). The enums are the model's own
// constants, so a kind, type, role or class the model does not know is refused when read.

import { FINDING_CODES, SEVERITIES } from '../model/finding.js';
import { ACTION_TYPES, DELEGATE_RIGHTS, DESTRUCTIVE_CLASSES, OBJECT_KINDS, PLAN_FORMAT_VERSION, READINESS, TENANT_ROLES } from '../model/plan.js';

const str = { type: 'string' } as const;
const strings = { type: 'array', items: str } as const;
const DELEGATION_MEMBER = { type: 'object', required: ['user', 'batch'], properties: { user: str, batch: { type: ['string', 'null'] } } } as const;
const DELEGATE_RIGHT_LIST = { type: 'array', items: { enum: DELEGATE_RIGHTS } } as const;

/**
 * What a Tenant document allows (crds/tenant.yaml: metadata.name, spec.organization,
 * spec.environment; a test keeps them equal). A plan file says the same or is refused: these values
 * reach script headers and the sign-in command.
 */
export const TENANT_NAME_PATTERN = '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$';
export const ORGANIZATION_PATTERN = '^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?\\.(onmicrosoft\\.com|onmicrosoft\\.us|onmicrosoft\\.de|partner\\.onmschina\\.cn)$';
export const ENVIRONMENTS = ['O365Default', 'O365GermanyCloud', 'O365China', 'O365USGovGCCHigh', 'O365USGovDoD'];

/** The shape a saved plan must have before anything reads it; values are checked again where used. */
export const PLAN_FILE_SCHEMA = {
  type: 'object',
  required: ['formatVersion', 'desiredDigest', 'snapshotDigests', 'tenants', 'findings'],
  properties: {
    formatVersion: { const: PLAN_FORMAT_VERSION },
    commit: { anyOf: [{ type: 'null' }, { type: 'object', required: ['sha', 'dirty'], properties: { sha: str, dirty: { type: 'boolean' } } }] },
    desiredDigest: str,
    snapshotDigests: { type: 'object', additionalProperties: str },
    maxActionsPerTenant: { type: 'integer', minimum: 0 },
    tenants: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tenant', 'organization', 'role', 'connection', 'actions'],
        properties: {
          tenant: { type: 'string', pattern: TENANT_NAME_PATTERN },
          organization: { type: 'string', pattern: ORGANIZATION_PATTERN },
          environment: { enum: ENVIRONMENTS },
          role: { enum: TENANT_ROLES },
          connection: { type: 'object', additionalProperties: str },
          actions: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'tenant', 'kind', 'identity', 'action', 'dependsOn', 'changes'],
              properties: {
                id: str,
                tenant: str,
                kind: { enum: OBJECT_KINDS },
                identity: str,
                action: { enum: ACTION_TYPES },
                reason: str,
                dependsOn: strings,
                destructive: { type: 'array', items: { enum: DESTRUCTIVE_CLASSES } },
                changes: {
                  type: 'array',
                  items: {
                    type: 'object',
                    required: ['field'],
                    properties: { field: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9]*$' }, add: strings, remove: strings, sensitive: { type: 'boolean' }, derivedFrom: str, forcesReplacement: { type: 'boolean' } },
                  },
                },
                parameters: { type: 'object' },
              },
            },
          },
        },
      },
    },
    readiness: {
      type: 'object',
      required: ['mailboxes'],
      properties: {
        mailboxes: {
          type: 'array',
          items: {
            type: 'object',
            required: ['tenant', 'mailUser', 'source', 'status', 'codes', 'blockedActions'],
            properties: {
              tenant: str,
              mailUser: str,
              batch: str,
              source: { type: 'object', required: ['tenant', 'mailbox'], properties: { tenant: str, mailbox: str } },
              status: { enum: READINESS },
              codes: { type: 'array', items: { enum: Object.keys(FINDING_CODES) } },
              blockedActions: strings,
            },
          },
        },
      },
    },
    batches: {
      type: 'array',
      items: {
        type: 'object',
        required: ['tenant', 'batch', 'source', 'status', 'users', 'blocked', 'counts', 'failedUsers'],
        properties: {
          tenant: str,
          batch: str,
          source: str,
          status: str,
          users: { type: 'integer', minimum: 0 },
          blocked: strings,
          counts: {
            type: 'object',
            required: ['total', 'active', 'synced', 'finalized', 'failed'],
            properties: Object.fromEntries(['total', 'active', 'synced', 'finalized', 'failed'].map((k) => [k, { type: 'integer', minimum: 0 }])),
          },
          failedUsers: { type: 'array', items: { type: 'object', required: ['user', 'status', 'error'], properties: { user: str, status: str, error: str } } },
        },
      },
    },
    delegation: {
      type: 'object',
      required: ['groups', 'splitPairs', 'notMoved', 'pending'],
      properties: {
        groups: { type: 'array', items: { type: 'object', required: ['tenant', 'split', 'members'], properties: { tenant: str, split: { type: 'boolean' }, members: { type: 'array', items: DELEGATION_MEMBER } } } },
        splitPairs: { type: 'array', items: { type: 'object', required: ['tenant', 'principal', 'delegate', 'rights'], properties: { tenant: str, principal: DELEGATION_MEMBER, delegate: DELEGATION_MEMBER, rights: DELEGATE_RIGHT_LIST } } },
        notMoved: {
          type: 'array',
          items: { type: 'object', required: ['tenant', 'principal', 'delegate', 'rights', 'reason'], properties: { tenant: str, principal: DELEGATION_MEMBER, delegate: str, rights: DELEGATE_RIGHT_LIST, reason: str } },
        },
        pending: { type: 'array', items: { type: 'object', required: ['tenant', 'mailbox', 'delegate', 'rights'], properties: { tenant: str, mailbox: str, delegate: str, rights: DELEGATE_RIGHT_LIST } } },
      },
    },
    findings: {
      type: 'array',
      items: { type: 'object', required: ['code', 'severity', 'message'], properties: { code: { enum: Object.keys(FINDING_CODES) }, severity: { enum: SEVERITIES }, message: str } },
    },
  },
} as const;

