// Figure 9, in process: the lock-risk linter. The PostgreSQL parser's load time (a fresh Node
// process: compiling the WebAssembly), linting 1,000 pending revisions with the parser warm (the
// baseline is libpg-query parsing the same statements alone, so the ratio is the lock model's and
// rules' cost on top of the parser): first with no statement parsed before (a CLI run), then again
// (the editor's re-lint after a status refresh or a save: parses are kept per statement text), and
// re-linting one edited file the way the editor does.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { lintRevisions } from '../../src/core/lint/chain';
import { emptyFacts } from '../../src/core/lint/facts';
import { lint } from '../../src/core/lint/lint';
import { clearParseCache, loadPgParser } from '../../src/core/lint/parser';
import { upgradeStatements } from '../../src/core/lint/sources';
import { readSuppressions } from '../../src/core/lint/suppressions';
import { scratch, type BenchContext } from '../lib/context';
import { linearChain, writeNativeChain } from '../lib/generate';
import { timeInProcess } from '../lib/measure';
import { atMost, pairedRatio, type Figure } from '../lib/report';

const REVISIONS = 1000;

/** Three statements per revision, as feature migrations look: a table, an index on it, a column on the previous one. */
function lintChain(count: number) {
  return linearChain(count, 'lint').map((rev, i) => ({
    ...rev,
    upgradeSql: [
      `CREATE TABLE t_${i + 1} (id bigint PRIMARY KEY, note text, created timestamptz DEFAULT now());`,
      `CREATE INDEX t_${i + 1}_note_idx ON t_${i + 1} (note);`,
      i > 0 ? `ALTER TABLE t_${i} ADD COLUMN c_${i + 1} integer REFERENCES t_${i + 1} (id);` : 'SELECT 1;',
    ].join('\n'),
  }));
}

function parserLoadMs(): number | undefined {
  const script = `const p = require(${JSON.stringify(join(__dirname, '..', '..', 'src', 'core', 'lint', 'parser.js'))});
p.loadPgParser().then(() => process.stdout.write(String(p.parserLoadMs())));`;
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  const ms = Number(out.stdout);
  return out.status === 0 && Number.isFinite(ms) ? ms : undefined;
}

export async function lintFigures(ctx: BenchContext): Promise<Figure[]> {
  const runs = Math.max(ctx.runs, 5);
  ctx.progress('7: parser load time in fresh processes');
  const loads = Array.from({ length: 3 }, parserLoadMs).filter((n): n is number => n !== undefined).sort((a, b) => a - b);
  const dir = writeNativeChain(join(scratch(ctx, 'lint'), 'native'), lintChain(REVISIONS));
  const chain = await loadChain(dir);
  const revisions = chain.graph.upgradePlan([], chain.graph.heads);
  const parser = await loadPgParser();
  const facts = emptyFacts({ serverMajor: 18 });

  ctx.progress(`7: lint ${REVISIONS} pending revisions, ${runs} runs`);
  const statements = revisions.flatMap((r) => upgradeStatements(chain.graph.get(r)!));
  // The parser itself, without our kept answers.
  const libpgQuery = require('libpg-query') as { parseSync(sql: string): unknown };
  const parseOnly = await timeInProcess(runs, () => { for (const s of statements) libpgQuery.parseSync(s.sql); });
  const lintAll = async () => {
    const report = await lintRevisions(chain, revisions, facts);
    if (report.statements.length !== statements.length) throw new Error(`linted ${report.statements.length} of ${statements.length} statements`);
  };
  const whole = await timeInProcess(runs, async () => { clearParseCache(); await lintAll(); });
  ctx.progress(`7: lint them again (parses kept), ${runs} runs`);
  const again = await timeInProcess(runs, lintAll);

  ctx.progress('7: re-lint one edited file');
  const one = chain.graph.get(revisions[REVISIONS >> 1])!;
  const text = readFileSync(one.file, 'utf8');
  const single = await timeInProcess(Math.max(runs, 50), () => {
    clearParseCache(); // every statement of the edited file parsed anew: the worst case of an edit
    const parsed = parseSqlMigration(one.file, text);
    if (!parsed.ok) throw new Error('the generated file does not parse');
    lint(parser, { statements: upgradeStatements(parsed.migration), suppressions: readSuppressions(one.file, text) }, facts);
  });

  return [
    {
      group: 9, name: 'lint: PostgreSQL parser load (libpg-query WebAssembly, fresh process)', unit: 'ms',
      ...(loads.length ? { ours: loads[loads.length >> 1] } : { note: 'the parser did not load in a child process' }),
      goals: [], failed: loads.length === 0,
    },
    {
      group: 9, name: `lint: ${REVISIONS} pending revisions (${statements.length} statements), parser warm`, unit: 'ms',
      ours: whole.median, ratio: pairedRatio(whole, parseOnly), baseline: { name: 'parsing alone', value: parseOnly.median },
      goals: [atMost(500, 'ms', whole.median)],
    },
    {
      group: 9, name: `lint: the same ${REVISIONS} revisions again (editor refresh; parses kept per statement)`, unit: 'ms',
      ours: again.median, ratio: pairedRatio(again, parseOnly), baseline: { name: 'parsing alone', value: parseOnly.median },
      goals: [],
    },
    {
      group: 9, name: 'lint: re-lint one edited file (split, parse, model, rules)', unit: 'ms',
      ours: single.median, goals: [atMost(5, 'ms', single.median)],
    },
  ];
}
