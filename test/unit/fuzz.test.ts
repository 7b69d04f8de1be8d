// Property-based tests: the header parsers, the statement splitter and the graph take any input
// (text, binary, unicode, huge files, cyclic/duplicated/dangling graphs) and answer with typed
// diagnostics, never an exception. Runs per property: FUZZ_RUNS (default 1000; `npm run soak` raises it).
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import type { ChainDiagnostic, ChainProblemCode } from '../../src/core/errors';
import { TargetError } from '../../src/core/errors';
import { parseSqlMigration } from '../../src/core/chain/parse-sql';
import { parseJsMigration } from '../../src/core/chain/parse-js';
import { parsePythonMigration } from '../../src/core/chain/parse-python';
import { RevisionGraph } from '../../src/core/chain/graph';
import type { Migration, ParseResult } from '../../src/core/chain/model';
import { splitSqlStatements } from '../../src/core/sql/split';
import { findRiskyStatements } from '../../src/core/sql/risky';
import { maskJsComments, maskPython } from '../../src/core/chain/literals';
import { referenceMaskJsComments, referenceMaskPython } from './reference-maskers';
import { rev } from './chain-helpers';

const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1000) || 1000);
const CODES: ReadonlySet<ChainProblemCode> = new Set<ChainProblemCode>([
  'duplicate-revision', 'missing-parent', 'cycle', 'multiple-heads', 'unparseable-header', 'no-revision',
  'non-transactional-statement', 'unreadable-file',
]);

function assertTyped(d: ChainDiagnostic, lineCount: number): void {
  assert.ok(CODES.has(d.code), `unknown code ${d.code}`);
  assert.ok(d.severity === 'error' || d.severity === 'warning');
  assert.equal(typeof d.message, 'string');
  assert.ok(d.message.length > 0);
  if (d.line !== undefined) assert.ok(Number.isInteger(d.line) && d.line >= 1 && d.line <= lineCount + 1, `line ${d.line} of ${lineCount}`);
}

function checkParse(r: ParseResult, text: string): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  for (const d of r.diagnostics) assertTyped(d, lineCount);
  if (r.ok) {
    const m = r.migration;
    assert.match(m.revision, /^[A-Za-z0-9_]{1,32}$/);
    for (const p of [...m.downRevisions, ...m.dependsOn]) assert.match(p, /^[A-Za-z0-9_]{1,32}$/);
    assert.ok(m.revisionLine >= 1 && m.revisionLine <= lineCount);
    assert.ok(m.downRevisionLine >= 1 && m.downRevisionLine <= lineCount);
    assert.match(m.checksum, /^[0-9a-f]{64}$/);
    for (const s of [m.upgrade, m.downgrade, m.verify]) if (s) assert.ok(s.line >= 1 && s.line <= lineCount + 1);
    findRiskyStatements(m); // must not throw either
  } else {
    assert.ok(r.diagnostics.length > 0, 'a refusal always says why');
  }
}

// Text that looks like migration files often enough to reach the deep paths.
const idish = fc.oneof(fc.stringMatching(/^[a-f0-9]{1,14}$/), fc.constantFrom('None', '', 'a b', 'x!', 'head', 'base'));
const sqlLine = fc.oneof(
  idish.map((v) => `-- revision: ${v}`),
  fc.array(idish, { maxLength: 3 }).map((v) => `-- down_revision: ${v.join(', ')}`),
  fc.constantFrom('-- migrate:upgrade', '-- migrate:downgrade', '-- migrate:verify', '-- migrate:other', '--migrate:UPGRADE',
    '-- transactional: false', '-- transactional: perhaps', '-- message: hi', '-- zzz: 1', '', '\r', 'SELECT 1;',
    "SELECT 'x;", '/* open', '$$', 'CREATE INDEX CONCURRENTLY i ON t (a);', 'DROP TABLE t;', 'ALTER TYPE e ADD VALUE \'v\';'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const sqlText = fc.array(sqlLine, { maxLength: 25 }).map((l) => l.join('\n'));
const jsLine = fc.oneof(
  idish.map((v) => `exports.revision = '${v}';`),
  idish.map((v) => `module.exports = { revision: "${v}", down_revision: ['${v}', null], message: \`m\` };`),
  fc.constantFrom('export const down_revision = null;', 'exports.down_revision = compute();', '/* exports.revision = "c" */',
    'exports.transactional = 1;', 'async function downgrade() {}', '`unterminated', "'", '// x', '{ revision: [', 'exports.revision = `a${b}`;'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const pyLine = fc.oneof(
  idish.map((v) => `revision = '${v}'`),
  idish.map((v) => `down_revision: Union[str, None] = ('${v}', "${v}x",`),
  fc.constantFrom('"""doc', '"""', "'''", 'down_revision = None', 'branch_labels = ("a",)', 'depends_on = [', 'def downgrade():',
    '    pass', '    op.drop_table("t")', '# revision = "c"', 'revision: str = r"raw"', 'revision = u'),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const lines = (arb: fc.Arbitrary<string>) => fc.array(arb, { maxLength: 25 }).map((l) => l.join('\n'));
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('utf8')),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString('latin1')),
);

describe(`fuzz (${RUNS} runs per property)`, function () {
  this.timeout(60_000);

  it('.sql parser: any text -> a migration or typed diagnostics', () => {
    fc.assert(fc.property(fc.oneof(sqlText, anyText), (text) => checkParse(parseSqlMigration('/f.sql', text), text)), { numRuns: RUNS });
  });
  it('.js parser: any text -> a migration or typed diagnostics', () => {
    fc.assert(fc.property(fc.oneof(lines(jsLine), anyText), (text) => checkParse(parseJsMigration('/f.js', text), text)), { numRuns: RUNS });
  });
  it('.py parser: any text -> a migration or typed diagnostics', () => {
    fc.assert(fc.property(fc.oneof(lines(pyLine), anyText), (text) => checkParse(parsePythonMigration('/f.py', text), text)), { numRuns: RUNS });
  });

  it('maskPython / maskJsComments: equal to the per-character reference; same length and newlines; characters kept or blanked', () => {
    // Mostly the characters the scanners stop at, so escapes, quotes and comment starts meet often.
    const codeish = fc.array(fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('#', '"""', "'''", '"', "'", '\\', '\n', '//', '/*', '*/', '`', ' ', 'revision = ', 'x', '# c') },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 6 }) },
    ), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(codeish, anyText), (text) => {
      assert.equal(maskPython(text), referenceMaskPython(text), 'maskPython agrees with the per-character reference');
      assert.equal(maskJsComments(text), referenceMaskJsComments(text), 'maskJsComments agrees with the per-character reference');
      for (const masked of [maskPython(text), maskJsComments(text)]) {
        assert.equal(masked.length, text.length);
        for (let i = 0; i < text.length; i++) {
          if (text[i] === '\n') assert.equal(masked[i], '\n', `newline kept at ${i}`);
          else assert.ok(masked[i] === text[i] || masked[i] === ' ', `character ${i} kept or blanked`);
        }
      }
    }), { numRuns: RUNS });
    assert.equal(maskPython("x = 1  # revision = 'a'\ny = '#'\n\"\"\"doc\nrevision = 'b'\"\"\"\n"),
      "x = 1                  \ny = '#'\n\"\"\"   \n              \"\"\"\n");
    assert.equal(maskJsComments("a // c\n/* x\ny */ '//' `/*`"), 'a     \n    \n     \'//\' `/*`');
  });

  it('splitSqlStatements: non-empty statements that are exact, ordered slices with correct lines', () => {
    const sqlish = fc.array(fc.oneof(
      fc.constantFrom(';', "'", "''", 'E\'\\\'', '"', '$$', '$a$', '--', '\n', '/*', '*/', ' ', 'SELECT', 'BEGIN', 'END',
        'CREATE FUNCTION', 'ATOMIC', 'CASE', '$1'),
      fc.string({ unit: 'grapheme', maxLength: 6 }),
    ), { maxLength: 40 }).map((p) => p.join(''));
    fc.assert(fc.property(fc.oneof(sqlish, anyText), (text) => {
      let last = -1;
      for (const s of splitSqlStatements(text)) {
        assert.ok(s.text.trim().length > 0);
        assert.equal(text.slice(s.offset, s.offset + s.text.length), s.text);
        assert.ok(s.offset > last);
        last = s.offset;
        assert.equal(s.line, text.slice(0, s.offset).split('\n').length);
      }
    }), { numRuns: RUNS });
  });
  it('splitSqlStatements: plain statements joined by ; come back one by one', () => {
    const plain = fc.stringMatching(/^[A-Za-z0-9_ ()=,.]*[A-Za-z0-9_()=,.][A-Za-z0-9_ ()=,.]*$/).map((s) => s.trim()).filter((s) => s !== '');
    fc.assert(fc.property(fc.array(plain, { maxLength: 10 }), (stmts) => {
      assert.deepEqual(splitSqlStatements(stmts.map((s) => `${s};`).join('\n')).map((s) => s.text), stmts);
    }), { numRuns: RUNS });
  });

  it('huge inputs parse in bounded time without throwing', () => {
    const big = `-- revision: big1\n-- migrate:upgrade\n${"INSERT INTO t VALUES ('x;y');\n".repeat(60_000)}-- migrate:downgrade\n`;
    const started = Date.now();
    checkParse(parseSqlMigration('/big.sql', big), big);
    assert.equal(splitSqlStatements(big).length, 60_000);
    const junk = Buffer.from(Array.from({ length: 2_000_000 }, (_, i) => (i * 7919) % 256)).toString('latin1');
    checkParse(parseSqlMigration('/junk.sql', junk), junk);
    checkParse(parseJsMigration('/junk.js', junk), junk);
    checkParse(parsePythonMigration('/junk.py', junk), junk);
    splitSqlStatements(junk);
    assert.ok(Date.now() - started < 20_000, 'huge inputs stay linear');
  });

  // Random graphs: ids from a small pool (so duplicates happen), parents from the pool plus unknown
  // ids (dangling), self-references and back edges (cycles), depends_on edges and branch labels.
  const graphArb = fc.integer({ min: 0, max: 24 }).chain((n) => {
    const pool = Array.from({ length: Math.max(1, n) }, (_, i) => `r${i.toString(36)}`);
    const ref = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...pool) }, { weight: 1, arbitrary: fc.constantFrom('ghost1', 'ghost2') });
    const one = fc.record({
      id: fc.constantFrom(...pool),
      parents: fc.uniqueArray(ref, { maxLength: 3 }),
      deps: fc.uniqueArray(ref, { maxLength: 1 }),
      label: fc.option(fc.constantFrom('lab1', 'lab2'), { nil: undefined }),
    });
    return fc.array(one, { maxLength: n });
  }).map((specs): Migration[] => specs.map((s, i) =>
    rev(s.id, s.parents, { file: `/g/${i}.sql`, dependsOn: s.deps, branchLabels: s.label ? [s.label] : [] })));
  const targetArb = fc.oneof(
    fc.constantFrom('head', 'heads', 'base', '+1', '-1', '+2', '-3', 'lab1', 'lab1@head', 'r', 'r1', 'ghost1', '', ' ', '@head', 'head-1', 'base+1', 'r0+1', 'r1-1', '+0', '-0', '+99999999999999999999'),
    fc.string({ maxLength: 8 }),
  );

  it('graph: never throws, diagnostics are typed and structural invariants hold', () => {
    fc.assert(fc.property(graphArb, fc.array(targetArb, { maxLength: 4 }), (migrations, targets) => {
      const g = new RevisionGraph(migrations);
      for (const d of g.diagnostics) assertTyped(d, 2);
      const order = g.topologicalOrder();
      const pos = new Map(order.map((r, i) => [r, i]));
      assert.equal(pos.size, order.length, 'no revision twice in the order');
      for (const r of order) {
        for (const p of [...g.parents(r), ...g.get(r)!.dependsOn.filter((d) => pos.has(d))]) {
          if (pos.has(p)) assert.ok(pos.get(p)! < pos.get(r)!, `${p} before ${r}`);
        }
      }
      for (const r of g.revisions) if (!pos.has(r)) assert.ok(g.isOnCycle(r), `${r} left out but not on a cycle`);
      for (const h of g.heads) assert.deepEqual(g.children(h), [], `head ${h} has children`);
      const heads = g.heads;
      const applied = g.appliedSet(heads);
      for (const r of applied) for (const a of g.ancestors(r)) assert.ok(applied.has(a), 'applied set is ancestor-closed');
      for (const t of targets) {
        for (const current of [[], heads.slice(0, 1), heads]) {
          try {
            const res = g.resolve(t, current);
            for (const r of res.revisions) assert.ok(g.has(r), `resolve(${t}) returned ${r}, not in the graph`);
          } catch (e) {
            assert.ok(e instanceof TargetError, `resolve(${JSON.stringify(t)}) threw ${String(e)}`);
          }
        }
      }
      const hasCycle = g.diagnostics.some((d) => d.code === 'cycle');
      const up = g.upgradePlan([], heads);
      const down = g.downgradePlan(heads, []);
      assert.deepEqual([...up].sort(), [...down].sort(), 'upgrade base->heads and downgrade heads->base cover the same set');
      assert.deepEqual([...down].reverse(), up, 'downgrade is the upgrade reversed');
      if (!hasCycle) {
        assert.deepEqual(new Set(up), applied, 'without cycles the upgrade applies everything below the heads');
        // Going up from any applied state to the heads never re-applies anything.
        for (const r of order.slice(0, 3)) {
          const partial = g.appliedSet([r]);
          for (const x of g.upgradePlan([r], heads)) assert.ok(!partial.has(x));
          // Downgrading to r keeps exactly an ancestor-closed set containing r.
          const undone = new Set(g.downgradePlan(heads, [r]));
          assert.ok(!undone.has(r));
          const kept = [...applied].filter((x) => !undone.has(x));
          for (const k of kept) for (const a of g.ancestors(k)) assert.ok(!undone.has(a), 'what stays applied keeps its ancestors');
        }
      }
    }), { numRuns: RUNS });
  });
});
