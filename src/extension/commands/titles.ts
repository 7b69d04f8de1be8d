// Every command the extension registers, with the title its error wrapper and the command pick use.
// package.json `contributes.commands` lists the same ids (a unit test keeps the two equal).

export const COMMANDS = {
  'migrationChain.upgradeHead': 'Upgrade to Head',
  'migrationChain.upgradeToRevision': 'Upgrade to Revision…',
  'migrationChain.downgradeToRevision': 'Downgrade to Revision…',
  'migrationChain.upgradeToHere': 'Upgrade to Here',
  'migrationChain.downgradeToHere': 'Downgrade to Here',
  'migrationChain.reset': 'Reset Database',
  'migrationChain.releaseLock': 'Release Migration Lock',
  'migrationChain.verify': 'Verify Database',
  'migrationChain.showSql': 'Show SQL for Upgrade',
  'migrationChain.newRevision': 'New Revision',
  'migrationChain.newRevisionFromDatabase': 'New Revision from Database…',
  'migrationChain.newRevisionAutogenerate': 'New Revision (Autogenerate)…',
  'migrationChain.undoPhantoms': 'Undo Revisions from Another Branch…',
  'migrationChain.toggleReapplyOnSave': 'Toggle Re-apply on Save',
  'migrationChain.mergeHeads': 'Merge Heads',
  'migrationChain.setDatabaseUrl': 'Set Database URL',
  'migrationChain.clearDatabaseUrl': 'Clear Database URL',
  'migrationChain.refresh': 'Refresh',
  'migrationChain.openFile': 'Open File',
  'migrationChain.copyRevisionId': 'Copy Revision Id',
  'migrationChain.showCommands': 'Show Commands',
  'migrationChain.verifyDrift': 'Check Schema Drift (Verify with Drift Check)',
  'migrationChain.acceptCurrentFile': 'Accept Current File',
  'migrationChain.reparent': 'Re-parent…',
  'migrationChain.showRevisionGraph': 'Show Revision Graph',
  'migrationChain.environments.refresh': 'Refresh Environments',
  'migrationChain.environments.upgrade': 'Upgrade Environment…',
  'migrationChain.environments.setUrl': 'Set Environment URL…',
  'migrationChain.environments.showMore': 'Show More Members',
  'migrationChain.environments.showMatrix': 'Show Environments Matrix',
  'migrationChain.environments.compare': 'Compare Environment Schemas…',
} as const;

export type CommandId = keyof typeof COMMANDS;

/** Commands that need a tree item or a CodeLens argument; hidden from the command palette. */
export const ITEM_ONLY: readonly CommandId[] = [
  'migrationChain.upgradeToHere',
  'migrationChain.downgradeToHere',
  'migrationChain.openFile',
  'migrationChain.copyRevisionId',
  'migrationChain.environments.showMore',
];
