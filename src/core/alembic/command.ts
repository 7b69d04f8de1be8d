// Kept for its importers: which Alembic to run for a project is decided in python-policy.ts, the one
// policy for finding Python and Alembic (CLI, editor and runs alike).
export { resolveAlembicCommand, splitCommand, foldersUp, findOnPath, type ResolvedAlembicCommand, type CommandLookup } from './python-policy';
