// The lock model: for one parsed statement, the lock each table gets, whether the table is
// rewritten or fully read under that lock, and whether the statement can run inside a transaction
// block — for the server's major version and what is known about its tables. The levels follow
// PostgreSQL's own choice (AlterTableGetLockLevel and the DDL code paths); the corpus test
// (test/db/lint-corpus.test.ts) checks every prediction against pg_locks on PostgreSQL 14 to 18.
import type {
  AlterTableCmd, AlterTableStmt, ColumnDef, Constraint, CreateStmt, IndexStmt, Node, RangeVar, TypeName,
} from 'libpg-query';
import { effectiveMajor, isKnownEmpty, newTableFacts, type DatabaseFacts, type TableFacts } from './facts';
import { strongerLock, type LockMode } from './locks';

export interface RelationEffect {
  /** `schema.table` */
  relation: string;
  lock: LockMode;
  /** The table's data is copied to a new file (pg_class.relfilenode changes). */
  rewrites: boolean;
  /** Every row is read while the lock is held (constraint validation, NOT NULL check, index build). */
  scans: boolean;
  /**
   * What the facts knew of the table when the statement reached it (before a DROP or RENAME changed
   * them): created earlier in the pending run, or empty in the catalog (`isKnownEmpty`).
   */
  known?: 'new' | 'empty';
}

export interface StatementEffect {
  /** e.g. `ALTER TABLE`, `CREATE INDEX`. */
  command: string;
  relations: RelationEffect[];
  /** false: PostgreSQL refuses the statement inside a transaction block. */
  transactional: boolean;
  /** Version facts the answer relied on, e.g. "no rewrite since PostgreSQL 11". */
  notes: string[];
  /** The statement sets lock_timeout for what follows. */
  setsLockTimeout: boolean;
}

interface Builder {
  facts: DatabaseFacts;
  major: number;
  effect: StatementEffect;
}

/** Analyses `node` and applies what it changes to `facts` (new tables, constraints, columns). */
export function statementEffect(node: Node, facts: DatabaseFacts): StatementEffect {
  const b: Builder = {
    facts,
    major: effectiveMajor(facts).major,
    effect: { command: commandName(node), relations: [], transactional: true, notes: [], setsLockTimeout: false },
  };
  analyse(node, b);
  return b.effect;
}

function analyse(node: Node, b: Builder): void {
  if ('AlterTableStmt' in node) return alterTable(node.AlterTableStmt, b);
  if ('IndexStmt' in node) return createIndex(node.IndexStmt, b);
  if ('CreateStmt' in node) return createTable(node.CreateStmt, b);
  if ('DropStmt' in node) {
    const d = node.DropStmt;
    const names = (d.objects ?? []).map(nameList).filter((n): n is string[] => n !== undefined);
    if (d.removeType === 'OBJECT_TABLE' || d.removeType === 'OBJECT_MATVIEW') {
      for (const n of names) {
        const rel = qualify(n, b);
        lock(b, rel, 'ACCESS EXCLUSIVE');
        // Dropping a foreign key's triggers on the referenced table needs ACCESS EXCLUSIVE there too.
        for (const c of b.facts.tables.get(rel)?.constraints.values() ?? []) if (c.references) lock(b, c.references, 'ACCESS EXCLUSIVE');
        b.facts.tables.delete(rel);
      }
    } else if (d.removeType === 'OBJECT_INDEX') {
      if (d.concurrent) b.effect.transactional = false;
      for (const n of names) {
        const table = b.facts.indexes.get(qualify(n, b));
        if (table) lock(b, table, d.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
        else b.effect.notes.push(`index ${n.join('.')} is not in the catalog: its table is unknown`);
      }
    } else if (d.removeType === 'OBJECT_TRIGGER' || d.removeType === 'OBJECT_POLICY' || d.removeType === 'OBJECT_RULE') {
      // DROP TRIGGER t ON tbl: the last name is the object, the rest the table.
      for (const n of names) if (n.length > 1) lock(b, qualify(n.slice(0, -1), b), 'ACCESS EXCLUSIVE');
    }
    return;
  }
  if ('TruncateStmt' in node) {
    for (const r of node.TruncateStmt.relations ?? []) {
      if ('RangeVar' in r) touch(b, rangeVarName(r.RangeVar, b), 'ACCESS EXCLUSIVE', { rewrites: true });
    }
    return;
  }
  if ('RenameStmt' in node) {
    const r = node.RenameStmt;
    if (r.relation && ['OBJECT_TABLE', 'OBJECT_COLUMN', 'OBJECT_TABCONSTRAINT', 'OBJECT_MATVIEW'].includes(r.renameType ?? '')) {
      const from = rangeVarName(r.relation, b);
      lock(b, from, 'ACCESS EXCLUSIVE');
      if ((r.renameType === 'OBJECT_TABLE' || r.renameType === 'OBJECT_MATVIEW') && r.newname) renameTable(b, from, r.newname);
    } else if (r.renameType === 'OBJECT_TRIGGER' && r.relation) {
      lock(b, rangeVarName(r.relation, b), 'ACCESS EXCLUSIVE');
    }
    return;
  }
  if ('CreateTrigStmt' in node) {
    if (node.CreateTrigStmt.relation) lock(b, rangeVarName(node.CreateTrigStmt.relation, b), 'SHARE ROW EXCLUSIVE');
    return;
  }
  if ('CreatePolicyStmt' in node) {
    if (node.CreatePolicyStmt.table) lock(b, rangeVarName(node.CreatePolicyStmt.table, b), 'ACCESS EXCLUSIVE');
    return;
  }
  if ('InsertStmt' in node || 'UpdateStmt' in node || 'DeleteStmt' in node || 'MergeStmt' in node) return dml(node, b);
  if ('SelectStmt' in node) {
    for (const rv of rangeVarsIn(node.SelectStmt)) lock(b, rangeVarName(rv, b), 'ACCESS SHARE');
    return;
  }
  if ('CreateTableAsStmt' in node) {
    const c = node.CreateTableAsStmt;
    if (c.query) for (const rv of rangeVarsIn(c.query)) lock(b, rangeVarName(rv, b), 'ACCESS SHARE');
    if (c.into?.rel && c.objtype === 'OBJECT_TABLE') b.facts.tables.set(rangeVarName(c.into.rel, b), newTableFacts());
    return;
  }
  if ('ViewStmt' in node) {
    if (node.ViewStmt.query) for (const rv of rangeVarsIn(node.ViewStmt.query)) lock(b, rangeVarName(rv, b), 'ACCESS SHARE');
    return;
  }
  if ('LockStmt' in node) {
    const mode = LOCK_STMT_MODES[node.LockStmt.mode ?? 8] ?? 'ACCESS EXCLUSIVE';
    for (const r of node.LockStmt.relations ?? []) if ('RangeVar' in r) lock(b, rangeVarName(r.RangeVar, b), mode);
    return;
  }
  if ('VacuumStmt' in node) {
    const v = node.VacuumStmt;
    const opts = (v.options ?? []).map((o) => ('DefElem' in o ? o.DefElem.defname : undefined));
    const full = opts.includes('full');
    if (v.is_vacuumcmd) b.effect.transactional = false;
    for (const r of v.rels ?? []) {
      const rel = 'VacuumRelation' in r ? r.VacuumRelation.relation : undefined;
      if (!rel) continue;
      if (full) touch(b, rangeVarName(rel, b), 'ACCESS EXCLUSIVE', { rewrites: true });
      else lock(b, rangeVarName(rel, b), 'SHARE UPDATE EXCLUSIVE');
    }
    return;
  }
  if ('ClusterStmt' in node) {
    const rel = node.ClusterStmt.relation;
    if (rel) touch(b, rangeVarName(rel, b), 'ACCESS EXCLUSIVE', { rewrites: true });
    else b.effect.transactional = false;
    return;
  }
  if ('ReindexStmt' in node) {
    const r = node.ReindexStmt;
    const concurrent = (r.params ?? []).some((p) => 'DefElem' in p && p.DefElem.defname === 'concurrently');
    if (concurrent || r.kind === 'REINDEX_OBJECT_DATABASE' || r.kind === 'REINDEX_OBJECT_SYSTEM' || r.kind === 'REINDEX_OBJECT_SCHEMA') {
      b.effect.transactional = false;
    }
    const mode: LockMode = concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE';
    if (r.relation && r.kind === 'REINDEX_OBJECT_TABLE') touch(b, rangeVarName(r.relation, b), mode, { scans: true });
    if (r.relation && r.kind === 'REINDEX_OBJECT_INDEX') {
      const table = b.facts.indexes.get(rangeVarName(r.relation, b));
      if (table) touch(b, table, mode, { scans: true });
    }
    return;
  }
  if ('RefreshMatViewStmt' in node) {
    const r = node.RefreshMatViewStmt;
    if (r.relation) {
      touch(b, rangeVarName(r.relation, b), r.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE', { rewrites: !r.concurrent, scans: !!r.concurrent });
    }
    return;
  }
  if ('CommentStmt' in node) {
    const c = node.CommentStmt;
    if ((c.objtype === 'OBJECT_TABLE' || c.objtype === 'OBJECT_COLUMN') && c.object) {
      const n = nameList(c.object);
      if (n) lock(b, qualify(c.objtype === 'OBJECT_COLUMN' ? n.slice(0, -1) : n, b), 'SHARE UPDATE EXCLUSIVE');
    }
    return;
  }
  if ('AlterEnumStmt' in node) {
    if (b.major < 12) {
      b.effect.transactional = false;
      b.effect.notes.push('ALTER TYPE … ADD VALUE runs inside a transaction block only since PostgreSQL 12');
    }
    return;
  }
  if ('CreatedbStmt' in node || 'DropdbStmt' in node || 'AlterSystemStmt' in node || 'CreateTableSpaceStmt' in node || 'DropTableSpaceStmt' in node) {
    b.effect.transactional = false;
    return;
  }
  if ('VariableSetStmt' in node) {
    const v = node.VariableSetStmt;
    if (v.name === 'lock_timeout' && v.kind === 'VAR_SET_VALUE') {
      const value = (v.args ?? []).map(constText).join('');
      b.effect.setsLockTimeout = value !== '0' && value !== '';
    }
    return;
  }
  if ('DoStmt' in node) b.effect.notes.push('a DO block is not analysed: its locks depend on what it runs');
}

// `LOCK TABLE … IN mode`: the parser stores the lock mode number (AccessShareLock = 1 … AccessExclusiveLock = 8).
const LOCK_STMT_MODES: Record<number, LockMode> = {
  1: 'ACCESS SHARE', 2: 'ROW SHARE', 3: 'ROW EXCLUSIVE', 4: 'SHARE UPDATE EXCLUSIVE',
  5: 'SHARE', 6: 'SHARE ROW EXCLUSIVE', 7: 'EXCLUSIVE', 8: 'ACCESS EXCLUSIVE',
};

// ---------------------------------------------------------------------------------------------
// ALTER TABLE

function alterTable(stmt: AlterTableStmt, b: Builder): void {
  if (!stmt.relation) return;
  if (stmt.objtype && !['OBJECT_TABLE', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE'].includes(stmt.objtype)) return;
  const rel = rangeVarName(stmt.relation, b);
  const table = b.facts.tables.get(rel);
  for (const c of stmt.cmds ?? []) {
    if (!('AlterTableCmd' in c)) continue;
    alterTableCommand(c.AlterTableCmd, rel, table, b);
  }
}

function alterTableCommand(cmd: AlterTableCmd, rel: string, table: TableFacts | undefined, b: Builder): void {
  const sub = cmd.subtype;
  switch (sub) {
    case 'AT_AddColumn': {
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      const rewrite = def ? addColumnRewrites(def, b) : true;
      touch(b, rel, 'ACCESS EXCLUSIVE', { rewrites: rewrite });
      if (def) {
        for (const con of columnConstraints(def)) addConstraintEffect(con, rel, table, b, def.colname);
        if (def.colname && table) table.columns.set(def.colname, typeText(def.typeName));
      }
      return;
    }
    case 'AT_AlterColumnType': {
      const def = cmd.def && 'ColumnDef' in cmd.def ? cmd.def.ColumnDef : undefined;
      const oldType = cmd.name ? table?.columns.get(cmd.name) : undefined;
      const newType = typeText(def?.typeName);
      const usesExpression = def?.raw_default !== undefined && !isColumnRef(def.raw_default, cmd.name);
      let rewrite = true;
      if (oldType === undefined) {
        b.effect.notes.push(`the current type of ${cmd.name ?? 'the column'} is unknown (no catalog): assuming the change rewrites the table`);
      } else if (!usesExpression && binaryCoercible(oldType, newType)) {
        rewrite = false;
        b.effect.notes.push(`${oldType} → ${newType} is binary-compatible: no rewrite`);
      }
      touch(b, rel, 'ACCESS EXCLUSIVE', { rewrites: rewrite });
      if (cmd.name && table) table.columns.set(cmd.name, newType);
      return;
    }
    case 'AT_SetNotNull': {
      const col = cmd.name ?? '';
      const hasCheck = table?.notNullChecks.has(col) ?? false;
      const skip = hasCheck && b.major >= 12;
      if (hasCheck && !skip) b.effect.notes.push('a valid CHECK (… IS NOT NULL) lets SET NOT NULL skip its scan only since PostgreSQL 12');
      if (skip) b.effect.notes.push(`the valid CHECK (${col} IS NOT NULL) proves the column: no scan`);
      touch(b, rel, 'ACCESS EXCLUSIVE', { scans: !skip });
      return;
    }
    case 'AT_AddConstraint': {
      const con = cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
      if (con) addConstraintEffect(con, rel, table, b);
      else lock(b, rel, 'ACCESS EXCLUSIVE');
      return;
    }
    case 'AT_ValidateConstraint': {
      const con = cmd.name ? table?.constraints.get(cmd.name) : undefined;
      touch(b, rel, 'SHARE UPDATE EXCLUSIVE', { scans: true });
      if (con?.references) touch(b, con.references, 'ROW SHARE', { scans: true });
      if (con?.notNullColumn && table) table.notNullChecks.add(con.notNullColumn);
      return;
    }
    case 'AT_DropConstraint': {
      const con = cmd.name ? table?.constraints.get(cmd.name) : undefined;
      lock(b, rel, 'ACCESS EXCLUSIVE');
      if (con?.references) lock(b, con.references, 'ACCESS EXCLUSIVE');
      if (cmd.name && table) {
        table.constraints.delete(cmd.name);
      }
      return;
    }
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_DetachPartitionFinalize':
      lock(b, rel, 'SHARE UPDATE EXCLUSIVE');
      return;
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ReplaceRelOptions':
      lock(b, rel, relOptionsLock(cmd));
      return;
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_DisableTrig':
    case 'AT_EnableTrigAll':
    case 'AT_DisableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrigUser':
      lock(b, rel, 'SHARE ROW EXCLUSIVE');
      return;
    case 'AT_SetLogged':
    case 'AT_SetUnLogged':
    case 'AT_SetTableSpace':
    case 'AT_SetAccessMethod':
      touch(b, rel, 'ACCESS EXCLUSIVE', { rewrites: true });
      return;
    case 'AT_SetExpression':
      touch(b, rel, 'ACCESS EXCLUSIVE', { rewrites: true });
      return;
    case 'AT_AttachPartition': {
      const part = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd.name : undefined;
      lock(b, rel, b.major >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      if (part) touch(b, rangeVarName(part, b), 'ACCESS EXCLUSIVE', { scans: true });
      return;
    }
    case 'AT_DetachPartition': {
      const pc = cmd.def && 'PartitionCmd' in cmd.def ? cmd.def.PartitionCmd : undefined;
      const concurrent = pc?.concurrent === true;
      if (concurrent) b.effect.transactional = false;
      lock(b, rel, concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      if (pc?.name) lock(b, rangeVarName(pc.name, b), concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      return;
    }
    default:
      // PostgreSQL's default for every other subcommand (and the safe guess for new ones).
      lock(b, rel, 'ACCESS EXCLUSIVE');
  }
}

/** Storage parameters that only need SHARE UPDATE EXCLUSIVE (AlterTableGetRelOptionsLockLevel). */
const LIGHT_RELOPTIONS = /^(toast\.)?(autovacuum_|vacuum_|fillfactor$|parallel_workers$|log_autovacuum_min_duration$|user_catalog_table$|toast_tuple_target$)/;

function relOptionsLock(cmd: AlterTableCmd): LockMode {
  const names = (cmd.def && 'List' in cmd.def ? cmd.def.List.items ?? [] : [])
    .map((o) => ('DefElem' in o ? `${o.DefElem.defnamespace ? `${o.DefElem.defnamespace}.` : ''}${o.DefElem.defname ?? ''}` : ''));
  return names.length > 0 && names.every((n) => LIGHT_RELOPTIONS.test(n)) ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
}

function addConstraintEffect(con: Constraint, rel: string, table: TableFacts | undefined, b: Builder, column?: string): void {
  const validate = !con.skip_validation;
  switch (con.contype) {
    case 'CONSTR_FOREIGN': {
      const ref = con.pktable ? rangeVarName(con.pktable, b) : undefined;
      // The check joins both tables; a column added in the same command is all NULL, so nothing is read.
      const scans = validate && !isNewTable(b, rel) && column === undefined;
      touch(b, rel, 'SHARE ROW EXCLUSIVE', { scans });
      if (ref) touch(b, ref, 'SHARE ROW EXCLUSIVE', { scans });
      if (con.conname && table) table.constraints.set(con.conname, { type: 'f', ...(ref ? { references: ref } : {}) });
      return;
    }
    case 'CONSTR_CHECK': {
      touch(b, rel, 'ACCESS EXCLUSIVE', { scans: validate && !isNewTable(b, rel) });
      if (con.conname && table) {
        const col = isNotNullCheck(con.raw_expr);
        table.constraints.set(con.conname, { type: 'c', ...(col ? { notNullColumn: col } : {}) });
        if (col && validate) table.notNullChecks.add(col);
      }
      return;
    }
    case 'CONSTR_PRIMARY':
    case 'CONSTR_UNIQUE':
    case 'CONSTR_EXCLUSION':
      // Builds an index (reads every row) unless USING INDEX adopts an existing one.
      touch(b, rel, 'ACCESS EXCLUSIVE', { scans: !con.indexname && !isNewTable(b, rel) });
      if (con.conname && table) table.constraints.set(con.conname, { type: con.contype === 'CONSTR_PRIMARY' ? 'p' : 'u' });
      return;
    case 'CONSTR_NOTNULL':
      touch(b, rel, 'ACCESS EXCLUSIVE', { scans: validate && !isNewTable(b, rel) && column === undefined });
      return;
    default:
      lock(b, rel, 'ACCESS EXCLUSIVE');
  }
}

/** `col IS NOT NULL` → col */
function isNotNullCheck(expr: Node | undefined): string | undefined {
  if (!expr || !('NullTest' in expr)) return undefined;
  const t = expr.NullTest;
  if (t.nulltesttype !== 'IS_NOT_NULL' || !t.arg || !('ColumnRef' in t.arg)) return undefined;
  const fields = t.arg.ColumnRef.fields ?? [];
  const last = fields[fields.length - 1];
  return last && 'String' in last ? last.String.sval : undefined;
}

function columnConstraints(def: ColumnDef): Constraint[] {
  const out: Constraint[] = [];
  for (const c of def.constraints ?? []) if ('Constraint' in c) out.push(c.Constraint);
  return out;
}

/**
 * ADD COLUMN rewrites the table when every existing row needs a value computed now: a volatile
 * default, a serial/identity column, a stored generated column; and before PostgreSQL 11 any
 * non-null default.
 */
function addColumnRewrites(def: ColumnDef, b: Builder): boolean {
  const type = typeText(def.typeName);
  if (/^(small|big)?serial$/.test(type) || /^serial[248]$/.test(type)) return true;
  for (const con of columnConstraints(def)) {
    if (con.contype === 'CONSTR_IDENTITY') return true;
    if (con.contype === 'CONSTR_GENERATED') {
      // PostgreSQL 18 makes generated columns VIRTUAL by default: nothing stored, nothing rewritten.
      if (con.generated_kind === 'v') return false;
      return true;
    }
    if (con.contype === 'CONSTR_DEFAULT' && con.raw_expr && !isNullConst(con.raw_expr)) {
      if (b.major < 11) return true;
      const volatile = volatileCall(con.raw_expr);
      if (volatile) {
        b.effect.notes.push(`${volatile}() is volatile: every row gets its own value, so the table is rewritten`);
        return true;
      }
      b.effect.notes.push('a non-volatile default is stored in the catalog since PostgreSQL 11: no rewrite');
    }
  }
  return false;
}

/** Functions PostgreSQL marks volatile that migrations use as defaults. */
const VOLATILE_FUNCTIONS = new Set([
  'random', 'clock_timestamp', 'timeofday', 'gen_random_uuid', 'uuid_generate_v1', 'uuid_generate_v1mc', 'uuid_generate_v4',
  'uuidv4', 'uuidv7', 'nextval', 'setseed', 'txid_current', 'pg_current_xact_id', 'random_normal',
]);

function volatileCall(expr: unknown): string | undefined {
  let found: string | undefined;
  walk(expr, (n) => {
    if (found || !isRecord(n) || !isRecord(n.FuncCall)) return;
    const names: unknown[] = Array.isArray(n.FuncCall.funcname) ? (n.FuncCall.funcname as unknown[]) : [];
    const last = names[names.length - 1];
    const name = isRecord(last) && isRecord(last.String) && typeof last.String.sval === 'string' ? last.String.sval : undefined;
    if (name && VOLATILE_FUNCTIONS.has(name)) found = name;
  });
  return found;
}

function isNullConst(expr: Node): boolean {
  return 'A_Const' in expr && expr.A_Const.isnull === true;
}

function isColumnRef(expr: Node, column: string | undefined): boolean {
  if (!('ColumnRef' in expr)) return false;
  const fields = expr.ColumnRef.fields ?? [];
  const last = fields[fields.length - 1];
  return fields.length === 1 && last !== undefined && 'String' in last && last.String.sval === column;
}

// ---------------------------------------------------------------------------------------------
// Types: only the conversions PostgreSQL performs without a rewrite (binary-coercible, widening).

/** The type as format_type() prints it, for the common built-ins; others as written. */
export function typeText(t: TypeName | undefined): string {
  if (!t) return 'unknown';
  const names = (t.names ?? []).map((n) => ('String' in n ? n.String.sval ?? '' : ''));
  const base = names[names.length - 1] ?? '';
  const mods = (t.typmods ?? []).map((m) => ('A_Const' in m && m.A_Const.ival ? String(m.A_Const.ival.ival ?? 0) : 'A_Const' in m ? '0' : '?'));
  const canonical: Record<string, string> = {
    int2: 'smallint', int4: 'integer', int8: 'bigint', varchar: 'character varying', bpchar: 'character',
    float4: 'real', float8: 'double precision', bool: 'boolean', timestamptz: 'timestamp with time zone',
    timestamp: 'timestamp without time zone', numeric: 'numeric', text: 'text',
  };
  const name = canonical[base] ?? base;
  const array = (t.arrayBounds ?? []).length > 0 ? '[]' : '';
  if (name === 'timestamp with time zone' || name === 'timestamp without time zone') {
    return mods.length ? `${name.replace(/^timestamp/, `timestamp(${mods[0]})`)}${array}` : `${name}${array}`;
  }
  return `${name}${mods.length ? `(${mods.join(',')})` : ''}${array}`;
}

function splitType(t: string): { base: string; mods: number[] } {
  const m = /^([a-z ]+?)(?:\((\d+)(?:,(\d+))?\))?$/.exec(t.replace(/\s*,\s*/g, ','));
  if (!m) return { base: t, mods: [] };
  return { base: m[1], mods: [m[2], m[3]].filter((x): x is string => x !== undefined).map(Number) };
}

export function binaryCoercible(from: string, to: string): boolean {
  if (from === to) return true;
  const a = splitType(from);
  const c = splitType(to);
  const textual = (x: string) => x === 'text' || x === 'character varying';
  if (a.base === 'character varying' && c.base === 'character varying') return c.mods.length === 0 || (a.mods.length > 0 && c.mods[0] >= a.mods[0]);
  if (textual(a.base) && c.base === 'text') return true;
  if (a.base === 'text' && c.base === 'character varying') return c.mods.length === 0;
  if (a.base === 'numeric' && c.base === 'numeric') {
    if (c.mods.length === 0) return true;
    return a.mods.length > 0 && (a.mods[1] ?? 0) === (c.mods[1] ?? 0) && c.mods[0] >= a.mods[0];
  }
  if (a.base === 'cidr' && c.base === 'inet') return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// CREATE INDEX, CREATE TABLE, DML

function createIndex(stmt: IndexStmt, b: Builder): void {
  if (!stmt.relation) return;
  const rel = rangeVarName(stmt.relation, b);
  if (stmt.concurrent) b.effect.transactional = false;
  touch(b, rel, stmt.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE', { scans: !isNewTable(b, rel) });
  if (stmt.idxname) {
    const schema = stmt.relation.schemaname ?? b.facts.defaultSchema;
    b.facts.indexes.set(`${schema}.${stmt.idxname}`, rel);
  }
}

function createTable(stmt: CreateStmt, b: Builder): void {
  if (!stmt.relation) return;
  const rel = rangeVarName(stmt.relation, b);
  const table = newTableFacts();
  for (const parent of stmt.inhRelations ?? []) {
    if (!('RangeVar' in parent)) continue;
    // PARTITION OF needs ACCESS EXCLUSIVE on the parent; INHERITS only SHARE UPDATE EXCLUSIVE.
    lock(b, rangeVarName(parent.RangeVar, b), stmt.partbound ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
  }
  for (const el of stmt.tableElts ?? []) {
    if ('ColumnDef' in el) {
      const def = el.ColumnDef;
      if (def.colname) table.columns.set(def.colname, typeText(def.typeName));
      for (const con of columnConstraints(def)) referenceOf(con, table, b);
    } else if ('Constraint' in el) {
      referenceOf(el.Constraint, table, b);
    } else if ('TableLikeClause' in el && el.TableLikeClause.relation) {
      lock(b, rangeVarName(el.TableLikeClause.relation, b), 'ACCESS SHARE');
    }
  }
  b.facts.tables.set(rel, table);
}

/** A foreign key in CREATE TABLE locks the referenced table SHARE ROW EXCLUSIVE. */
function referenceOf(con: Constraint, table: TableFacts, b: Builder): void {
  if (con.contype !== 'CONSTR_FOREIGN' || !con.pktable) return;
  const ref = rangeVarName(con.pktable, b);
  lock(b, ref, 'SHARE ROW EXCLUSIVE');
  if (con.conname) table.constraints.set(con.conname, { type: 'f', references: ref });
}

function dml(node: Node, b: Builder): void {
  let target: RangeVar | undefined;
  let where = false;
  if ('InsertStmt' in node) target = node.InsertStmt.relation;
  else if ('UpdateStmt' in node) { target = node.UpdateStmt.relation; where = node.UpdateStmt.whereClause !== undefined; }
  else if ('DeleteStmt' in node) { target = node.DeleteStmt.relation; where = node.DeleteStmt.whereClause !== undefined; }
  else if ('MergeStmt' in node) target = node.MergeStmt.relation;
  const rel = target ? rangeVarName(target, b) : undefined;
  for (const rv of rangeVarsIn(node)) {
    const name = rangeVarName(rv, b);
    if (name !== rel) lock(b, name, 'ACCESS SHARE');
  }
  if (rel) {
    const everyRow = ('UpdateStmt' in node || 'DeleteStmt' in node) && !where;
    touch(b, rel, 'ROW EXCLUSIVE', { scans: everyRow && !isNewTable(b, rel) });
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isNewTable(b: Builder, rel: string): boolean {
  return b.facts.tables.get(rel)?.isNew === true;
}

/** ALTER TABLE … RENAME TO keeps the table (its size, columns, newness) under the new name, in its schema. */
function renameTable(b: Builder, from: string, newName: string): void {
  const table = b.facts.tables.get(from);
  if (!table) return;
  const to = `${from.slice(0, from.indexOf('.'))}.${newName}`;
  b.facts.tables.delete(from);
  b.facts.tables.set(to, table);
  for (const [index, owner] of b.facts.indexes) if (owner === from) b.facts.indexes.set(index, to);
}

function lock(b: Builder, relation: string, mode: LockMode): void {
  touch(b, relation, mode, {});
}

function touch(b: Builder, relation: string, mode: LockMode, o: { rewrites?: boolean; scans?: boolean }): void {
  const found = b.effect.relations.find((r) => r.relation === relation);
  if (found) {
    found.lock = strongerLock(found.lock, mode);
    found.rewrites ||= o.rewrites ?? false;
    found.scans ||= o.scans ?? false;
  } else {
    const table = b.facts.tables.get(relation);
    const known = table?.isNew ? 'new' : isKnownEmpty(table) ? 'empty' : undefined;
    b.effect.relations.push({ relation, lock: mode, rewrites: o.rewrites ?? false, scans: o.scans ?? false, ...(known ? { known } : {}) });
  }
}

export function rangeVarName(rv: RangeVar, b: { facts: DatabaseFacts }): string {
  return `${rv.schemaname ?? b.facts.defaultSchema}.${rv.relname ?? ''}`;
}

function qualify(names: string[], b: Builder): string {
  return names.length >= 2 ? `${names[names.length - 2]}.${names[names.length - 1]}` : `${b.facts.defaultSchema}.${names[0] ?? ''}`;
}

/** A `List` of `String` nodes (DROP's object names) as strings. */
function nameList(n: Node): string[] | undefined {
  if (!('List' in n)) return undefined;
  return (n.List.items ?? []).map((i) => ('String' in i ? i.String.sval ?? '' : ''));
}

function constText(n: Node): string {
  if ('A_Const' in n) {
    const c = n.A_Const;
    if (c.sval) return c.sval.sval ?? '';
    if (c.ival) return String(c.ival.ival ?? 0);
  }
  return '';
}

function rangeVarsIn(value: unknown): RangeVar[] {
  const out: RangeVar[] = [];
  walk(value, (n) => {
    if (isRecord(n) && isRecord(n.RangeVar)) out.push(n.RangeVar);
  });
  return out;
}

function walk(value: unknown, visit: (n: unknown) => void): void {
  visit(value);
  if (Array.isArray(value)) for (const v of value) walk(v, visit);
  else if (isRecord(value)) for (const v of Object.values(value)) walk(v, visit);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function commandName(node: Node): string {
  const key = Object.keys(node)[0] ?? '';
  const names: Record<string, string> = {
    AlterTableStmt: 'ALTER TABLE', IndexStmt: 'CREATE INDEX', CreateStmt: 'CREATE TABLE', DropStmt: 'DROP',
    TruncateStmt: 'TRUNCATE', RenameStmt: 'RENAME', CreateTrigStmt: 'CREATE TRIGGER', InsertStmt: 'INSERT',
    UpdateStmt: 'UPDATE', DeleteStmt: 'DELETE', MergeStmt: 'MERGE', SelectStmt: 'SELECT', VacuumStmt: 'VACUUM',
    ClusterStmt: 'CLUSTER', ReindexStmt: 'REINDEX', RefreshMatViewStmt: 'REFRESH MATERIALIZED VIEW', LockStmt: 'LOCK',
    VariableSetStmt: 'SET', CommentStmt: 'COMMENT', CreateTableAsStmt: 'CREATE TABLE AS', ViewStmt: 'CREATE VIEW',
    AlterEnumStmt: 'ALTER TYPE', DoStmt: 'DO', CreatePolicyStmt: 'CREATE POLICY',
  };
  return names[key] ?? key.replace(/Stmt$/, '');
}
