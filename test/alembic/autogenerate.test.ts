// Writing an Alembic project's next revision from its models, with real Alembic on a copy of
// examples/alembic-backend (its SQLAlchemy models, env.py's target_metadata): `revision
// --autogenerate`, and `check --models` (alembic check, 1.9+) as a CI gate: clean at head, exit 6
// naming the operation after a model change, clean again once the generated revision is applied;
// Debian's 1.8.1 gets the clear "needs 1.9+" refusal. `npm run test:alembic` runs this file with
// MC_ALEMBIC=debian (Debian's 1.8.1) and MC_ALEMBIC=latest (pip's newest, test/support).
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freshDatabaseUrl, server } from '../support/db-hooks';
import { cli as checkedCli, expectExit, query } from '../support/cli-checks';
import { alembicFlavour, alembicPython } from '../support/alembic';
import { REPO_ROOT, type CliOptions, type CliResult } from '../reliability/support/cli';

const BACKEND = path.join(REPO_ROOT, 'examples', 'alembic-backend', 'backend');
const HEAD = '556b79de2825';
const cli = (args: string[], opts: CliOptions = {}): Promise<CliResult> => checkedCli(args, { timeoutMs: 180_000, ...opts });

function copyBackend(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mc-autogen-'));
  fs.cpSync(BACKEND, path.join(dir, 'backend'), { recursive: true, filter: (src) => !src.includes('__pycache__') });
  return path.join(dir, 'backend');
}

/** The model change the tests make: a new nullable column on prospects. */
function addPhoneToModels(backend: string): void {
  const file = path.join(backend, 'app', 'models.py');
  const text = fs.readFileSync(file, 'utf8');
  const changed = text.replace('    notes = sa.Column(sa.Text)\n', '    notes = sa.Column(sa.Text)\n    phone = sa.Column(sa.Text)\n');
  assert.notEqual(changed, text, 'the models file has the line the test edits');
  fs.writeFileSync(file, changed);
}

const versions = async (url: string) => (await query<{ version_num: string }>(url, 'SELECT version_num FROM alembic_version')).map((r) => r.version_num);
const columns = async (url: string) =>
  (await query<{ column_name: string }>(url, "SELECT column_name FROM information_schema.columns WHERE table_name = 'prospects' ORDER BY 1")).map((r) => r.column_name);

{
  const flavour = alembicFlavour();
  describe(`revision --autogenerate with real Alembic (${flavour})`, function () {
    this.timeout(300_000);
    let python: string;
    before(() => { python = alembicPython(); });

    it('writes the revision from the models, prints its offline SQL and its lint, applies nothing', async () => {
      const backend = copyBackend();
      try {
        const url = await freshDatabaseUrl('autogen');
        const command = `${python} -m alembic`;
        expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env: { DATABASE_URL: url } }), 0);
        addPhoneToModels(backend);
        const args = ['revision', '--autogenerate', '-m', 'add phone', '--alembic-command', command];
        const r = await cli(args, { cwd: backend, env: { DATABASE_URL: url } });
        expectExit(args, r, 0);
        const created = /^Created revision ([0-9a-f]{12}) with alembic revision --autogenerate: (.+\.py)$/m.exec(r.stdout);
        assert.ok(created, r.stdout);
        const file = path.resolve(backend, created[2]);
        const text = fs.readFileSync(file, 'utf8');
        assert.match(text, new RegExp(`down_revision = ['"]${HEAD}['"]`));
        assert.match(text, /op\.add_column\('prospects', sa\.Column\('phone', sa\.Text\(\)/);
        // Its offline SQL, as Alembic prints it, and the lint of that SQL.
        assert.match(r.stdout, /ALTER TABLE prospects ADD COLUMN phone TEXT;/);
        assert.match(r.stdout, /^lint: 1 revision, \d+ statements?, 0 errors/m);
        assert.ok(!r.stdout.includes(server().password) && !r.stderr.includes(server().password), 'no password in the output');
        // Nothing was applied: the database is still at the old head, without the column.
        assert.deepEqual(await versions(url), [HEAD]);
        assert.ok(!(await columns(url)).includes('phone'));
        // The new revision runs: upgrade brings the column.
        expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env: { DATABASE_URL: url } }), 0);
        assert.deepEqual(await versions(url), [created[1]]);
        assert.ok((await columns(url)).includes('phone'));
      } finally {
        fs.rmSync(path.dirname(backend), { recursive: true, force: true });
      }
    });

    if (flavour === 'debian') {
      it('check --models refuses Alembic 1.8.1 with a clear message (exit 2)', async () => {
        const backend = copyBackend();
        try {
          const url = await freshDatabaseUrl('autogen_check_old');
          const args = ['check', '--models', '--alembic-command', `${python} -m alembic`];
          const r = await cli(args, { cwd: backend, env: { DATABASE_URL: url } });
          expectExit(args, r, 2);
          assert.match(r.stderr, /check --models needs Alembic 1\.9\+, found 1\.8\.1\./);
        } finally {
          fs.rmSync(path.dirname(backend), { recursive: true, force: true });
        }
      });
    } else {
      it('check --models: clean at head (exit 0), exit 6 naming the operation after a model change, clean once the revision is applied', async () => {
        const backend = copyBackend();
        try {
          const url = await freshDatabaseUrl('autogen_check');
          const command = `${python} -m alembic`;
          const env = { DATABASE_URL: url };
          expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env }), 0);
          const check = ['check', '--models', '--alembic-command', command];
          const clean = await cli(check, { cwd: backend, env });
          expectExit(check, clean, 0);
          assert.match(clean.stdout, /^check --models: OK, the models match the migrations \(Alembic \d+\.\d+/m);

          addPhoneToModels(backend);
          const dirty = await cli(check, { cwd: backend, env });
          expectExit(check, dirty, 6);
          assert.match(dirty.stdout, /alembic\.ini: error: the models need add_column on prospects, which no revision makes: .*Column\('phone'.* \[models-differ\]/);
          const json = await cli([...check, '--json'], { cwd: backend, env });
          expectExit(check, json, 6);
          const parsed = JSON.parse(json.stdout) as { ok: boolean; operations: { kind: string; table?: string }[] };
          assert.equal(parsed.ok, false);
          assert.deepEqual(parsed.operations.map((o) => [o.kind, o.table]), [['add_column', 'prospects']]);

          expectExit(['revision'], await cli(['revision', '--autogenerate', '-m', 'add phone', '--alembic-command', command], { cwd: backend, env }), 0);
          expectExit(['upgrade'], await cli(['upgrade', '--alembic-command', command], { cwd: backend, env }), 0);
          expectExit(check, await cli(check, { cwd: backend, env }), 0);
        } finally {
          fs.rmSync(path.dirname(backend), { recursive: true, force: true });
        }
      });
    }
  });
}
