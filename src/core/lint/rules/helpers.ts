// Small AST helpers the rules share.
import type { AlterTableCmd, AlterTableStmt, Constraint, Node, RangeVar } from 'libpg-query';
import type { RuleInput } from './rule';

export function alterTableOf(node: Node): AlterTableStmt | undefined {
  return 'AlterTableStmt' in node ? node.AlterTableStmt : undefined;
}

// A loop rather than flatMap: eight rules ask this of every statement (bench figure 9).
export function alterCommands(node: Node): AlterTableCmd[] {
  const cmds = alterTableOf(node)?.cmds;
  if (!cmds) return [];
  const out: AlterTableCmd[] = [];
  for (const c of cmds) if ('AlterTableCmd' in c) out.push(c.AlterTableCmd);
  return out;
}

export function constraintOf(cmd: AlterTableCmd): Constraint | undefined {
  return cmd.def && 'Constraint' in cmd.def ? cmd.def.Constraint : undefined;
}

/** An identifier as SQL: bare when PostgreSQL would read it back unchanged, else double-quoted. */
export function sqlName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/** The relation as it was written (schema only when given). */
export function writtenName(rv: RangeVar): string {
  return `${rv.schemaname ? `${sqlName(rv.schemaname)}.` : ''}${sqlName(rv.relname ?? '')}`;
}

/** The effect's entry for `relation`, if the statement touches it. */
export function effectOn(input: RuleInput, relation: string) {
  return input.effect.relations.find((r) => r.relation === relation);
}

/** PostgreSQL's default name for a constraint (`<table>_<columns>_<suffix>`, cut to 63 bytes). */
export function defaultConstraintName(table: string, columns: string[], suffix: string): string {
  return `${table}_${columns.join('_')}`.slice(0, 63 - suffix.length - 1) + `_${suffix}`;
}

/**
 * Inserts `CONSTRAINT name` after `ADD` when the statement adds an unnamed constraint; undefined
 * when the text does not have the simple `ALTER TABLE … ADD <constraint>` shape.
 */
export function nameConstraintInText(sql: string, name: string): string | undefined {
  const m = /\bADD\s+(?=(FOREIGN|CHECK|UNIQUE|PRIMARY)\b)/i.exec(sql);
  if (!m) return undefined;
  const at = m.index + m[0].length;
  return `${sql.slice(0, at)}CONSTRAINT ${sqlName(name)} ${sql.slice(at)}`;
}

export const PG_DOCS = 'https://www.postgresql.org/docs/current';
