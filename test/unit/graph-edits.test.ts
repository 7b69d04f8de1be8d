// The graph's edit plans and their refusal rules, and its git reads against a real repository:
// one `git log` for authors and dates, and "Restore from git" finding the deleted file that defined
// a missing parent.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadChain } from '../../src/core/chain/load';
import { appliedIn, planMergeOfHeads, planRemoveParent, planReparent } from '../../src/core/graph-view/edits';
import { findDeletedRevision, lastCommits } from '../../src/core/graph-view/git-meta';
import { downRevisionEdit } from '../../src/core/advice/heads';
import { chainOf, rev } from './chain-helpers';

describe('graph edits', () => {
  const chain = chainOf([rev('a'), rev('b', ['a']), rev('c', ['b']), rev('x', ['a']), rev('m', ['c', 'x'])]);

  it('re-parent: plans the new down_revision, refuses cycles, merges, no-ops and unknown targets', () => {
    assert.deepEqual(planReparent(chain, 'x', 'c'), { revision: 'x', file: '/m/x.sql', line: 2, from: ['a'], to: ['c'] });
    assert.throws(() => planReparent(chain, 'b', 'c'), /descendants\): re-parenting would make a cycle/);
    assert.throws(() => planReparent(chain, 'm', 'a'), /is a merge of c, x; moving it would drop the merge/);
    assert.throws(() => planReparent(chain, 'b', 'a'), /already follows a/);
    assert.throws(() => planReparent(chain, 'b', 'zz'), /zz is not a revision of the chain/);
    assert.throws(() => planReparent(chain, 'b', 'b'), /cannot be its own parent/);
  });

  it('remove a parent link: only of a merge', () => {
    assert.deepEqual(planRemoveParent(chain, 'm', 'x').to, ['c']);
    assert.throws(() => planRemoveParent(chain, 'b', 'a'), /only parent of b/);
    assert.throws(() => planRemoveParent(chain, 'm', 'a'), /a is not a parent of m/);
  });

  it('merge of two heads: a new .sql naming both, only for heads', () => {
    const twoHeads = chainOf([rev('a'), rev('b', ['a']), rev('x', ['a'])]);
    const planned = planMergeOfHeads(twoHeads, ['b', 'x'], 'join "b" and x');
    assert.match(planned.text, /^-- down_revision: b, x$/m);
    assert.match(planned.file, new RegExp(`/m/${planned.revision}_join_b_and_x\\.sql$`));
    assert.throws(() => planMergeOfHeads(twoHeads, ['a', 'x']), /a is not a head/);
  });

  it('names every place that applied a revision', () => {
    assert.deepEqual(appliedIn('b', [{ name: 'dev', applied: new Set(['a', 'b']) }, { name: 'prod', applied: new Set(['a']) }]), ['dev']);
  });

  it('the down_revision edit is computed on text, the rest of the file untouched', () => {
    const text = '-- revision: x\n-- down_revision: a\n-- message: m\n\n-- migrate:upgrade\nSELECT 1;\n';
    const edit = downRevisionEdit('/m/x.sql', text, ['c']);
    assert.equal(text.slice(0, edit.start) + edit.replacement + text.slice(edit.end), text.replace('down_revision: a', 'down_revision: c'));
  });
});

describe('graph git reads (real git)', function () {
  this.timeout(120_000);
  let repo: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  const sql = (id: string, parent?: string) => `-- revision: ${id}\n-- down_revision: ${parent ?? 'None'}\n-- message: ${id}\n\n-- migrate:upgrade\nSELECT 1;\n`;

  before(() => {
    repo = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-graph-git-'));
    git('init', '-q');
    git('config', 'user.email', 'ada@example.com');
    git('config', 'user.name', 'Ada Lovelace');
    fs.mkdirSync(path.join(repo, 'migrations'));
    fs.writeFileSync(path.join(repo, 'migrations', 'a1_base.sql'), sql('a1'));
    fs.writeFileSync(path.join(repo, 'migrations', 'b2_next.sql'), sql('b2', 'a1'));
    git('add', '.');
    git('commit', '-qm', 'two revisions', '--date', '2026-01-02T03:04:05Z');
    fs.writeFileSync(path.join(repo, 'migrations', 'c3_more.sql'), sql('c3', 'b2'));
    git('add', '.');
    git('-c', 'user.name=Grace Hopper', 'commit', '-qm', 'third');
    git('rm', '-q', 'migrations/b2_next.sql');
    git('commit', '-qm', 'delete b2 by mistake');
  });
  after(() => fs.rmSync(repo, { recursive: true, force: true }));

  it('one git log gives each file its last author and date', async () => {
    const commits = (await lastCommits(path.join(repo, 'migrations')))!;
    const real = fs.realpathSync(repo);
    assert.equal(commits.get(path.join(real, 'migrations', 'a1_base.sql'))?.author, 'Ada Lovelace');
    assert.match(commits.get(path.join(real, 'migrations', 'a1_base.sql'))!.date, /^2026-01-02T03:04:05/);
    assert.equal(commits.get(path.join(real, 'migrations', 'c3_more.sql'))?.author, 'Grace Hopper');
    assert.equal(await lastCommits(os.tmpdir()), undefined, 'outside git: no authors, no error');
  });

  it('finds the deleted file that defined a missing parent, and the chain is whole once it is back', async () => {
    const chain = await loadChain(path.join(repo, 'migrations'));
    assert.ok(chain.diagnostics.some((d) => d.code === 'missing-parent'));
    const found = (await findDeletedRevision(path.join(repo, 'migrations'), 'b2'))!;
    assert.equal(found.path, 'migrations/b2_next.sql');
    assert.equal(found.text, sql('b2', 'a1'));
    fs.writeFileSync(found.file, found.text);
    const whole = await loadChain(path.join(repo, 'migrations'));
    assert.deepEqual(whole.diagnostics.filter((d) => d.severity === 'error'), []);
    assert.equal(await findDeletedRevision(path.join(repo, 'migrations'), 'zz9'), undefined);
  });

  it('finds a file deleted from the working tree but not committed yet, with HEAD\'s text', async () => {
    const file = path.join(repo, 'migrations', 'c3_more.sql');
    fs.writeFileSync(file, `${sql('c3', 'b2')}-- edited after the commit\n`);
    fs.rmSync(file);
    const found = (await findDeletedRevision(path.join(repo, 'migrations'), 'c3'))!;
    assert.equal(found.path, 'migrations/c3_more.sql');
    assert.equal(found.deletedIn, undefined, 'no commit deleted it');
    assert.equal(found.text, sql('c3', 'b2'), 'the committed text, not the edit that was never committed');
    git('rm', '-q', '--cached', 'migrations/c3_more.sql');
    assert.equal((await findDeletedRevision(path.join(repo, 'migrations'), 'c3'))?.text, sql('c3', 'b2'), 'a staged deletion too');
  });
});
