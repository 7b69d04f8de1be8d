// What upgrade, downgrade, stamp and reset need to run an Alembic project through its own Alembic.
import type { Chain } from '../../core/chain/chain';
import type { AlembicOptions } from '../../core/alembic/run';
import type { AlembicProject } from '../../core/alembic/project';
import type { FleetAlembic } from '../../core/environments/fleet-run';
import type { CommandContext } from '../context';
import { runOptions } from './shared';

export async function alembicOptions(ctx: CommandContext, project: AlembicProject, chain: Chain, url: string): Promise<AlembicOptions> {
  const core = ctx.core();
  const configured = core.splitCommand(ctx.options.alembicCommand ?? '');
  const stopDir = await core.repositoryRoot(project.dir);
  const command = await core.resolveAlembicCommand({ configured, projectDir: project.dir, stopDir });
  return { ...runOptions(ctx), chain, url, project, command };
}

/** The per-project part of a fleet run through Alembic (each target brings its own URL). */
export async function fleetAlembic(ctx: CommandContext, project: AlembicProject, chain: Chain): Promise<FleetAlembic> {
  const { command } = await alembicOptions(ctx, project, chain, '');
  return { project, command };
}
