// `-- migration-chain: allow <rule>[, <rule>] because <reason>` in SQL, `# migration-chain: allow …`
// in Python. A comment on its own line applies to the next line with code; a comment after code
// applies to that line. The statement spanning that line is exempt from the named rules.
import type { Suppression } from './model';

const MARK = /(--|#)\s*migration-chain:\s*allow\s+(.*)$/;

/** `firstLine`: the file line of `text`'s first line (a section of the file). */
export function readSuppressions(file: string, text: string, firstLine = 1, comment: '--' | '#' = file.endsWith('.py') ? '#' : '--'): Suppression[] {
  if (!text.includes('migration-chain:')) return [];
  const lines = text.split(/\r?\n/);
  const out: Suppression[] = [];
  lines.forEach((lineText, i) => {
    const m = MARK.exec(lineText);
    if (!m || m[1] !== comment) return;
    const [, , rest] = m;
    const because = /\s+because\b\s*(.*)$/i.exec(rest);
    const ruleText = because ? rest.slice(0, because.index) : rest;
    const rules = ruleText.split(/[\s,]+/).filter(Boolean);
    const trailing = lineText.slice(0, m.index).trim() !== '';
    let applies = i + 1;
    if (!trailing) {
      applies = lines.length + 1;
      for (let j = i + 1; j < lines.length; j++) {
        const t = lines[j].trim();
        if (t !== '' && !t.startsWith(comment)) { applies = j + 1; break; }
      }
    }
    const reason = because?.[1]?.trim();
    const shift = firstLine - 1;
    out.push({ file, line: i + 1 + shift, appliesToLine: applies + shift, rules, ...(reason ? { reason } : {}) });
  });
  return out;
}
