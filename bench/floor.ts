// The floor of figures 1 and 2: the least a Node program can do to apply a chain. One pg client, and
// per migration one transaction with its statement and the version-row update — no files, no graph,
// no lock. Run as a whole process (`node out/bench/floor.js PLAN.json`, DATABASE_URL in the env)
// so it pays the same process start-up and connection set-up as the CLI it is compared with.
// `node out/bench/floor.js --read` is figure 3's floor: connect and read the version rows.
import { readFileSync } from 'node:fs';
import { Client } from 'pg';

interface FloorPlan {
  steps: { revision: string; sql: string }[];
}

async function main(planFile: string): Promise<void> {
  const client = new Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  if (planFile === '--read') {
    const { rows } = await client.query<{ version_num: string }>('SELECT version_num FROM alembic_version');
    process.stdout.write(`${rows.map((r) => r.version_num).join('\n')}\n`);
    await client.end();
    return;
  }
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as FloorPlan;
  try {
    // Alembic's DDL for the version table, and its first row, as the CLI creates them.
    await client.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))');
    let previous: string | undefined;
    for (const step of plan.steps) {
      await client.query('BEGIN');
      await client.query(step.sql);
      if (previous === undefined) await client.query('INSERT INTO alembic_version (version_num) VALUES ($1)', [step.revision]);
      else await client.query('UPDATE alembic_version SET version_num = $1 WHERE version_num = $2', [step.revision, previous]);
      await client.query('COMMIT');
      previous = step.revision;
    }
  } finally {
    await client.end();
  }
}

main(process.argv[2]).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
