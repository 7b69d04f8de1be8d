// The text of a new native `.sql` migration: the header, then empty upgrade/downgrade sections.
export interface TemplateInput {
  revision: string;
  parents: readonly string[];
  message: string;
  branchLabels?: readonly string[];
  /** The sections' SQL (generated revisions); empty sections otherwise. */
  upgrade?: string;
  downgrade?: string;
}

/** A header value must stay on its line: newlines in a message would end the header early. */
export function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/\s+/g, ' ').trim();
}

export function renderSqlMigration(input: TemplateInput): string {
  const lines = [
    `-- revision: ${input.revision}`,
    `-- down_revision: ${input.parents.length ? input.parents.join(', ') : 'None'}`,
    `-- message: ${oneLine(input.message)}`,
  ];
  if (input.branchLabels?.length) lines.push(`-- branch_labels: ${input.branchLabels.join(', ')}`);
  lines.push(`-- create_date: ${new Date().toISOString()}`, '', '-- migrate:upgrade', input.upgrade ?? '', '', '-- migrate:downgrade', input.downgrade ?? '');
  return `${lines.join('\n')}\n`;
}

/** `add settings table` -> `add_settings_table` (file-name safe, bounded). */
export function slugify(message: string): string {
  return oneLine(message)
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 48)
    .replace(/_+$/g, '');
}
