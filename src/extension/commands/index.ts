// The command table: one small factory per verb, registered from this one list.
import * as vscode from 'vscode';
import { runCommand } from './run-command';
import { COMMANDS, type CommandId } from './titles';
import { acceptCurrentFile } from './accept-current-file';
import { clearDatabaseUrl } from './clear-database-url';
import { copyRevisionId } from './copy-revision-id';
import type { CommandDeps, CommandFactory } from './deps';
import { downgradeToHere } from './downgrade-to-here';
import { downgradeToRevision } from './downgrade-to-revision';
import { mergeHeads } from './merge-heads';
import { newRevision } from './new-revision';
import { newRevisionAutogenerate } from './new-revision-autogenerate';
import { newRevisionFromDatabase } from './new-revision-from-database';
import { undoPhantoms } from './undo-phantoms';
import { toggleReapplyOnSave } from './toggle-reapply-on-save';
import { openFile } from './open-file';
import { refresh } from './refresh';
import { reparent } from './reparent';
import { releaseLock } from './release-lock';
import { reset } from './reset';
import { setDatabaseUrl } from './set-database-url';
import { showCommands } from './show-commands';
import { showRevisionGraph } from './show-revision-graph';
import { compareEnvironmentSchemas } from './compare-environments';
import { showEnvironmentMatrix } from './show-environment-matrix';
import { showSql } from './show-sql';
import { upgradeHead } from './upgrade-head';
import { upgradeToHere } from './upgrade-to-here';
import { upgradeToRevision } from './upgrade-to-revision';
import { verify } from './verify';
import { verifyDrift } from './verify-drift';
import { refreshEnvironments, setEnvironmentUrl, showMoreMembers, upgradeEnvironment } from '../environments/commands';

const FACTORIES: Record<CommandId, CommandFactory> = {
  'migrationChain.upgradeHead': upgradeHead,
  'migrationChain.upgradeToRevision': upgradeToRevision,
  'migrationChain.downgradeToRevision': downgradeToRevision,
  'migrationChain.upgradeToHere': upgradeToHere,
  'migrationChain.downgradeToHere': downgradeToHere,
  'migrationChain.reset': reset,
  'migrationChain.releaseLock': releaseLock,
  'migrationChain.verify': verify,
  'migrationChain.showSql': showSql,
  'migrationChain.newRevision': newRevision,
  'migrationChain.newRevisionFromDatabase': newRevisionFromDatabase,
  'migrationChain.newRevisionAutogenerate': newRevisionAutogenerate,
  'migrationChain.undoPhantoms': undoPhantoms,
  'migrationChain.toggleReapplyOnSave': toggleReapplyOnSave,
  'migrationChain.mergeHeads': mergeHeads,
  'migrationChain.setDatabaseUrl': setDatabaseUrl,
  'migrationChain.clearDatabaseUrl': clearDatabaseUrl,
  'migrationChain.refresh': refresh,
  'migrationChain.openFile': openFile,
  'migrationChain.copyRevisionId': copyRevisionId,
  'migrationChain.showCommands': showCommands,
  'migrationChain.verifyDrift': verifyDrift,
  'migrationChain.acceptCurrentFile': acceptCurrentFile,
  'migrationChain.reparent': reparent,
  'migrationChain.showRevisionGraph': showRevisionGraph,
  'migrationChain.environments.refresh': refreshEnvironments,
  'migrationChain.environments.upgrade': upgradeEnvironment,
  'migrationChain.environments.setUrl': setEnvironmentUrl,
  'migrationChain.environments.showMore': showMoreMembers,
  'migrationChain.environments.showMatrix': showEnvironmentMatrix,
  'migrationChain.environments.compare': compareEnvironmentSchemas,
};

export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  return (Object.keys(FACTORIES) as CommandId[]).map((id) =>
    vscode.commands.registerCommand(id, runCommand(deps, COMMANDS[id], FACTORIES[id](deps))));
}
