#!/usr/bin/env node
// Derives src/simulator/signatures.json, the subset of the official Exchange Online cmdlet
// signatures the simulator binds against, from ../shared/reference/exo-cmdlets.json.
// The output is committed and shipped: the simulator never reads ../shared at run time.
// Usage: node scripts/derive-signatures.mjs [path/to/exo-cmdlets.json]
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const referencePath = process.argv[2] ?? join(repoRoot, '..', 'shared', 'reference', 'exo-cmdlets.json');
const outputPath = join(repoRoot, 'src', 'simulator', 'signatures.json');

/** Cmdlets the simulator implements (plus a few it reports as "not supported" by name). */
const CMDLETS = [
  'Connect-ExchangeOnline',
  'Get-OrganizationRelationship', 'New-OrganizationRelationship', 'Set-OrganizationRelationship', 'Remove-OrganizationRelationship',
  'Get-MigrationEndpoint', 'New-MigrationEndpoint', 'Set-MigrationEndpoint', 'Remove-MigrationEndpoint',
  'Test-MigrationServerAvailability',
  'Get-DistributionGroup', 'New-DistributionGroup',
  'Get-DistributionGroupMember', 'Add-DistributionGroupMember', 'Remove-DistributionGroupMember', 'Update-DistributionGroupMember',
  'Get-MailUser', 'New-MailUser', 'Set-MailUser',
  'Get-Mailbox', 'Set-Mailbox',
  // The REST bulk reader the export uses for mailboxes (property sets), and the statistics cmdlets.
  'Get-EXOMailbox', 'Get-EXOMailboxStatistics', 'Get-MailboxStatistics',
  'Get-User', 'Set-User',
  'Get-AcceptedDomain', 'Get-OrganizationConfig', 'Set-OrganizationConfig', 'Enable-OrganizationCustomization',
  // Migration batches and their users.
  'New-MigrationBatch', 'Set-MigrationBatch', 'Start-MigrationBatch', 'Stop-MigrationBatch', 'Complete-MigrationBatch', 'Remove-MigrationBatch',
  'Get-MigrationBatch', 'Get-MigrationUser', 'Remove-MigrationUser',
  // Mailbox permissions (FullAccess) and Send As (recipient permissions).
  'Get-EXOMailboxPermission', 'Get-MailboxPermission', 'Add-MailboxPermission',
  'Get-EXORecipientPermission', 'Get-RecipientPermission', 'Add-RecipientPermission',
];

// Disconnect-ExchangeOnline is not in the reference (it is a module function, not a cmdlet of the
// service); its documented signature is small enough to state here.
const DISCONNECT = {
  defaultSet: 'DefaultParameterSet',
  sets: ['DefaultParameterSet'],
  parameters: {
    Confirm: { type: 'SwitchParameter', aliases: ['cf'], exchangeOnline: true, sets: { DefaultParameterSet: { required: false, position: null } } },
    WhatIf: { type: 'SwitchParameter', aliases: ['wi'], exchangeOnline: true, sets: { DefaultParameterSet: { required: false, position: null } } },
    ConnectionId: { type: 'String[]', aliases: [], exchangeOnline: true, sets: { DefaultParameterSet: { required: false, position: null } } },
    ModulePrefix: { type: 'String[]', aliases: [], exchangeOnline: true, sets: { DefaultParameterSet: { required: false, position: null } } },
  },
  onPremisesOnly: [],
};

// Default parameter sets the docs do not name but the cmdlets' code declares
// (DefaultParameterSetName = "AccessRights"): without it `Get-MailboxPermission -Identity x` could be
// the Owner or the AccessRights set, and `Add-MailboxPermission -Identity x -User u -AccessRights
// FullAccess` the AccessRights or the on-premises Instance set, and binding would fail.
const DEFAULT_SETS = {
  'Get-MailboxPermission': 'AccessRights',
  'Add-MailboxPermission': 'AccessRights',
};

function positionOf(text) {
  return text === undefined || text === 'Named' ? null : Number(text);
}

function deriveCmdlet(name, source) {
  const sets = Object.keys(source.parameter_sets);
  const defaultSet =
    DEFAULT_SETS[name] ??
    source.default_parameter_set ??
    sets.find((set) => source.parameter_sets[set].default === true) ??
    (sets.length === 1 ? sets[0] : null) ??
    // The docs mark no default for the Get-* cmdlets, but their code declares the Identity set as
    // DefaultParameterSetName (Get-Mailbox -ResultSize Unlimited binds there).
    sets.find((set) => set === 'Identity') ??
    null;
  const parameters = {};
  for (const [parameterName, parameter] of Object.entries(source.parameters)) {
    const parameterSets = {};
    for (const [set, membership] of Object.entries(parameter.parameter_sets ?? {})) {
      parameterSets[set] = { required: membership.required === true, position: positionOf(membership.position) };
    }
    const type = Array.isArray(parameter.type) ? parameter.type[0] : parameter.type;
    parameters[parameterName] = {
      type: parameter.type_normalized ?? type,
      aliases: parameter.aliases ?? [],
      exchangeOnline: parameter.exchange_online !== false,
      sets: parameterSets,
      ...(parameter.valid_values ? { validValues: parameter.valid_values } : {}),
      ...(/^true/i.test(String(parameter.accept_pipeline_input ?? '')) ? { pipelineInput: true } : {}),
    };
  }
  return {
    defaultSet,
    sets,
    parameters,
    onPremisesOnly: Object.keys(source.non_exchange_online_parameters ?? {}).sort(),
  };
}

const reference = JSON.parse(await readFile(referencePath, 'utf8'));
const cmdlets = {};
for (const name of CMDLETS) {
  const source = reference[name];
  if (!source) throw new Error(`${name} is not in ${referencePath}`);
  cmdlets[name] = deriveCmdlet(name, source);
}
cmdlets['Disconnect-ExchangeOnline'] = DISCONNECT;

const output = {
  derivedFrom: {
    file: '../shared/reference/exo-cmdlets.json',
    sourceRepo: reference._meta.source_repo,
    snapshotCommit: reference._meta.snapshot_commit,
  },
  commonParameters: reference._meta.common_parameters,
  // Aliases PowerShell gives the common parameters (about_CommonParameters).
  commonParameterAliases: {
    Debug: ['db'], ErrorAction: ['ea'], ErrorVariable: ['ev'], InformationAction: ['infa'], InformationVariable: ['iv'],
    OutVariable: ['ov'], OutBuffer: ['ob'], PipelineVariable: ['pv'], ProgressAction: ['proga'], Verbose: ['vb'],
    WarningAction: ['wa'], WarningVariable: ['wv'],
  },
  cmdlets,
};
await writeFile(outputPath, JSON.stringify(output, null, 1) + '\n');
console.log(`wrote ${Object.keys(cmdlets).length} cmdlets to ${outputPath}`);
