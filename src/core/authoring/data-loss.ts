// Which generated statements lose data, and why: a dropped table or column, a column type change
// (may narrow or fail on existing rows), an enum rebuilt without a label. A column dropped and
// another added to the same table with the same type in one diff is most likely a rename that the
// diff engine (which compares names) wrote as DROP + ADD: said so, with the statement that keeps
// the data. The marks become `-- data-loss:` comments above the statements in the file, which the
// `.sql` parser turns into warnings (sql/risky.ts dataLossDiagnostics), so Problems keeps showing
// them until someone deletes the comment.
import { DATA_LOSS_COMMENT, normalizeForMatching } from '../sql/risky';

export const DATA_LOSS_MARK = DATA_LOSS_COMMENT;

export interface DataLossMark {
  /** Index into the statements. */
  index: number;
  reason: string;
}

const NAME = String.raw`(?:"((?:[^"]|"")*)"|([A-Za-z_][\w$]*))`;
const QUALIFIED = String.raw`(?:${NAME}\.)?${NAME}`;
const DROP_TABLE = new RegExp(String.raw`^drop table (?:if exists )?${QUALIFIED}`, 'i');
const ALTER_TABLE = new RegExp(String.raw`^alter table (?:if exists )?(?:only )?${QUALIFIED} (.*)$`, 'is');
const DROP_COLUMN = new RegExp(String.raw`^drop column (?:if exists )?${NAME}`, 'i');
const ADD_COLUMN = new RegExp(String.raw`^add column (?:if not exists )?${NAME} (.*)$`, 'is');
const ALTER_TYPE = new RegExp(String.raw`^alter column ${NAME} (?:set data )?type (.*)$`, 'is');
const CREATE_TABLE = new RegExp(String.raw`^create (?:unlogged )?table (?:if not exists )?${QUALIFIED}\s*\((.*)\)`, 'is');
const DROP_TYPE = new RegExp(String.raw`^drop type (?:if exists )?${QUALIFIED}`, 'i');

const ident = (quoted: string | undefined, plain: string | undefined): string => quoted !== undefined ? quoted.replace(/""/g, '"') : (plain ?? '').toLowerCase();

interface ColumnChange { index: number; table: string; column: string; type?: string }

/**
 * Marks for `statements` (one diff, in order). `oldColumnTypes` gives `table.column` → type of the
 * side being changed, so a dropped column's type can be compared with an added one's;
 * `droppedShapes` (tableShapes of the reverse diff) the columns of the tables it drops.
 */
export function markDataLoss(
  statements: readonly string[], oldColumnTypes: ReadonlyMap<string, string>, droppedShapes: ReadonlyMap<string, string> = new Map(),
): DataLossMark[] {
  const marks: DataLossMark[] = [];
  const drops: ColumnChange[] = [];
  const adds: ColumnChange[] = [];
  const droppedTables: { index: number; table: string }[] = [];
  const createdTables: { index: number; table: string; columns: string }[] = [];
  statements.forEach((text, index) => {
    const flat = text.replace(/\s+/g, ' ').trim();
    let m = DROP_TABLE.exec(flat);
    if (m) {
      droppedTables.push({ index, table: ident(m[3], m[4]) });
      return;
    }
    m = CREATE_TABLE.exec(text.trim());
    if (m) {
      createdTables.push({ index, table: ident(m[3], m[4]), columns: columnList(m[5]) });
      return;
    }
    m = DROP_TYPE.exec(flat);
    if (m && /__old_version_to_be_dropped$/.test(ident(m[3], m[4]))) {
      marks.push({ index, reason: `rebuilds the enum ${ident(m[3], m[4]).replace(/__old_version_to_be_dropped$/, '')}: rows using a label it no longer has make the conversion fail` });
      return;
    }
    m = ALTER_TABLE.exec(flat);
    if (!m) return;
    const table = ident(m[3], m[4]);
    const action = m[5];
    const drop = DROP_COLUMN.exec(action);
    if (drop) {
      const column = ident(drop[1], drop[2]);
      drops.push({ index, table, column, type: oldColumnTypes.get(`${table}.${column}`) });
      return;
    }
    const add = ADD_COLUMN.exec(action);
    if (add) {
      adds.push({ index, table, column: ident(add[1], add[2]), type: add[3].replace(/ (not null|default|collate|generated)\b.*$/is, '').trim().toLowerCase() });
      return;
    }
    const type = ALTER_TYPE.exec(action);
    if (type) {
      const column = ident(type[1], type[2]);
      const old = oldColumnTypes.get(`${table}.${column}`);
      marks.push({ index, reason: `changes the type of ${table}.${column}${old ? ` from ${old}` : ''} to ${type[3].replace(/ using .*$/is, '')}: a narrower type truncates or fails on existing rows` });
    }
  });

  for (const d of drops) {
    const renamedTo = adds.find((a) => a.table === d.table && d.type !== undefined && a.type === d.type.toLowerCase());
    marks.push({
      index: d.index,
      reason: renamedTo
        ? `drops ${d.table}.${d.column} and its data; probably a rename to ${renamedTo.column} written as DROP + ADD: to keep the data, replace both with ALTER TABLE ${d.table} RENAME COLUMN ${d.column} TO ${renamedTo.column}`
        : `drops ${d.table}.${d.column} and its data`,
    });
  }
  for (const t of droppedTables) {
    const shape = droppedShapes.get(t.table);
    const renamedTo = shape === undefined ? undefined : createdTables.find((c) => c.columns === shape);
    marks.push({
      index: t.index,
      reason: renamedTo
        ? `drops the table ${t.table} and its rows; probably a rename to ${renamedTo.table} written as DROP + CREATE: to keep the rows, use ALTER TABLE ${t.table} RENAME TO ${renamedTo.table}`
        : `drops the table ${t.table} and its rows`,
    });
  }
  return marks.sort((a, b) => a.index - b.index);
}

/** Column lists of the tables an upgrade drops, from the CREATE TABLEs of its reverse diff (the downgrade re-creates them). */
export function tableShapes(statements: readonly string[]): Map<string, string> {
  const shapes = new Map<string, string>();
  for (const s of statements) {
    const m = CREATE_TABLE.exec(s.trim());
    if (m) shapes.set(ident(m[3], m[4]), columnList(m[5]));
  }
  return shapes;
}

/** A CREATE TABLE's column list without NOT NULL and defaults, for comparing shapes. */
function columnList(body: string): string {
  return normalizeForMatching(body).replace(/ NOT NULL| DEFAULT [^,]*/g, '');
}
