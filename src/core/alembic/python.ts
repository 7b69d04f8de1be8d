// Kept for its importers: which Python reads a project through Alembic is decided in python-policy.ts,
// the one policy for finding Python and Alembic (CLI, editor and runs alike).
export { findAlembicPython, pythonCandidates, canRunAlembic as defaultCanImportAlembic, type PythonCandidate, type PythonLookup } from './python-policy';
