// When the editor may read an Alembic project through Alembic itself (alembic-reading.ts): loading
// revision files executes them, so only in a trusted workspace, and only for a chain that belongs to
// an Alembic project. Plain data in, so the rule is unit-tested without VS Code.
import type { AlembicProject, Chain } from '../core';

export function mayReadThroughAlembic(o: { trusted: boolean; project: AlembicProject | undefined; chain: Chain | undefined }): boolean {
  return o.trusted && o.project !== undefined && o.chain !== undefined;
}
