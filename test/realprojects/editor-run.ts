// The editor half of `npm run test:realprojects`: each real project × Alembic flavour opened at its
// repository root (the working copy of workspace.ts, its venv where the project keeps it) in a real
// extension host, running test/extension/suite/realprojects/. Like the CLI half, the project's own
// settings point env.py at a database of its own (the "configured" one, built with the real
// Alembic); the suite checks the tree, Reset (as the project is, and with its env.py fix) and a
// Testing-view run, and that the configured database never changes.
import * as path from 'path';
import { runPasses, type Pass } from '../extension/host-passes';
import { FLAVOURS, PROJECTS } from './projects';
import { ensureAptPackages, prepareWorkspace, realAlembic, type Workspace } from './workspace';
import { Client } from 'pg';

async function sql(url: string, text: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

const passes: Pass[] = PROJECTS.flatMap((project) => FLAVOURS.map((flavour): Pass => {
  let ws: Workspace | undefined;
  return {
    name: `${project.fixture}-${flavour}`,
    suite: 'realprojects',
    removeAfter: false, // the working copy keeps its venv; its files are laid anew on the next run
    make: async () => {
      ensureAptPackages(project.venv[flavour].apt);
      ws = await prepareWorkspace(project, flavour);
      return ws.root;
    },
    env: async (_databaseUrl, pg) => {
      const configured = await pg.createDatabase('configured');
      project.configure(ws!.root, configured);
      if (project.fixEnvPy) realAlembic(ws!, ['upgrade', project.chain[0]], configured);
      await sql(configured, "CREATE TABLE developer_notes (id int PRIMARY KEY, note text); INSERT INTO developer_notes VALUES (1, 'my local data')");
      // The variables a developer of the project has in the shell VS Code starts from (APP_CONFIG_FILE, FLASK_APP).
      return { ...project.baseEnv, MC_TEST_REALPROJECT: project.fixture, MC_TEST_CONFIGURED_URL: configured, MC_TEST_ALEMBIC_VERSION: ws!.alembicVersion, MC_TEST_PROJECT_INI: path.join(ws!.root, project.ini) };
    },
  };
}));

runPasses('test:realprojects editor', passes).then(
  (code) => process.exit(code),
  (err) => {
    console.error('[test:realprojects editor] could not run:', err);
    process.exit(1);
  },
);
