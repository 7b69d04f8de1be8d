// A migration's own `-- migrate:verify` block (or `verify(ctx)` function): queries that must succeed
// once the migration is applied. Run inside a transaction that is always rolled back, so a verify
// block can never change the database.
import type { ClientBase } from 'pg';
import { formatSpec, hasVerifyBlock } from '../chain/formats';
import type { Migration } from '../chain/model';
import { splitSqlStatements } from '../sql/split';
import { loadScriptMigration, scriptContext } from '../run/js-module';
import { locateInScript, locateInSection } from '../run/sql-error';

export interface VerifyBlockResult {
  revision: string;
  file: string;
  ok: boolean;
  /** 'passed', or the server's message for the failing statement. */
  detail: string;
  /** The failing statement's line, else the first line of the block. */
  line: number;
}

/** `inTransaction`: the client is already in a transaction; the block runs in a savepoint rolled back after it. */
export async function runVerifyBlock(client: ClientBase, m: Migration, inTransaction = false): Promise<VerifyBlockResult | undefined> {
  if (!hasVerifyBlock(m)) return undefined;
  const firstLine = m.verify?.line ?? m.revisionLine;
  await client.query(inTransaction ? 'SAVEPOINT mc_verify_block' : 'BEGIN');
  try {
    if (formatSpec(m).execution.kind === 'sql-sections' && m.verify) {
      for (const statement of splitSqlStatements(m.verify.text)) {
        try {
          await client.query(statement.text);
        } catch (err) {
          const position = Number((err as { position?: string }).position) || undefined;
          const at = locateInSection(m.verify, statement.offset, statement.text, position);
          return fail(m, at.line, err);
        }
      }
    } else {
      const mod = await loadScriptMigration(m);
      try {
        await mod.verify?.(scriptContext(client, m.revision));
      } catch (err) {
        return fail(m, locateInScript(err, m).line, err);
      }
    }
    return { revision: m.revision, file: m.file, ok: true, detail: 'passed', line: firstLine };
  } finally {
    await client.query(inTransaction ? 'ROLLBACK TO SAVEPOINT mc_verify_block; RELEASE SAVEPOINT mc_verify_block' : 'ROLLBACK').catch(() => {});
  }
}

function fail(m: Migration, line: number, err: unknown): VerifyBlockResult {
  const e = err as { message?: string; detail?: string };
  const detail = `${e.message ?? String(err)}${e.detail ? ` (${e.detail})` : ''}`;
  return { revision: m.revision, file: m.file, ok: false, detail, line };
}
