// Loaded by test/alembic/run.ts before the suites: installs the Alembic MC_ALEMBIC names (first use),
// puts it first on PATH, and names its version so each pass's summary says which Alembic it tested.
import { alembicFlavour, alembicPython, alembicVersion } from '../support/alembic';

const python = alembicPython();
console.log(`Alembic under test: ${alembicVersion()} (${alembicFlavour()}: ${python})`);
