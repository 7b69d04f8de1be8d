// package.json shows tree-item commands by matching `viewItem` against the nodes' contextValue; a
// typo there hides a menu without any error. Every clause must match a value the tree can produce.
import * as assert from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENVIRONMENT_CONTEXT_VALUES } from '../../../src/extension/environments/environments-model';
import { CONTEXT_VALUES as TREE_CONTEXT_VALUES } from '../../../src/extension/tree/tree-model';

const CONTEXT_VALUES = [...TREE_CONTEXT_VALUES, ...ENVIRONMENT_CONTEXT_VALUES];

interface Menu { command: string; when?: string }

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8')) as {
  contributes: { menus: Record<string, Menu[]> };
};

/** Each `viewItem == x` / `viewItem =~ /re/` clause of a when-expression, as a predicate. */
function viewItemClauses(when: string): { text: string; matches: (value: string) => boolean }[] {
  const out: { text: string; matches: (value: string) => boolean }[] = [];
  for (const m of when.matchAll(/viewItem\s*==\s*([^\s&|)]+)|viewItem\s*=~\s*\/((?:[^/\\]|\\.)*)\/([a-z]*)/g)) {
    if (m[1] !== undefined) {
      const exact = m[1];
      out.push({ text: m[0], matches: (v) => v === exact });
    } else {
      const re = new RegExp(m[2], m[3]);
      out.push({ text: m[0], matches: (v) => re.test(v) });
    }
  }
  return out;
}

/** Parts of a clause that match no contextValue: the clause itself, or one `(a|b)` alternative of `^prefix:(a|b)$`. */
function deadParts(clause: { text: string; matches: (value: string) => boolean }): string[] {
  if (!CONTEXT_VALUES.some(clause.matches)) return [clause.text];
  const alternatives = /\/\^([^()|]*)\(([^()]*)\)\$\//.exec(clause.text);
  if (!alternatives) return [];
  return alternatives[2].split('|').map((alt) => alternatives[1] + alt).filter((value) => !CONTEXT_VALUES.includes(value));
}

describe('package.json viewItem clauses', () => {
  const items = manifest.contributes.menus['view/item/context'];

  it('finds the clauses it is meant to check', () => {
    const clauses = items.flatMap((i) => viewItemClauses(i.when ?? ''));
    assert.ok(clauses.length >= items.length, `only ${clauses.length} clauses in ${items.length} menu items`);
    assert.deepStrictEqual(viewItemClauses('view == x && viewItem =~ /^revision:(applied|edited)$/').map((c) => c.matches('revision:edited')), [true]);
    assert.deepStrictEqual(viewItemClauses('viewItem == folder:connected').map((c) => c.matches('folder:connected')), [true]);
  });

  for (const item of manifest.contributes.menus['view/item/context']) {
    it(`${item.command}: ${item.when}`, () => {
      for (const clause of viewItemClauses(item.when ?? '')) assert.deepStrictEqual(deadParts(clause), [], clause.text);
    });
  }

  it('a misspelt value, or a regex alternative that names no state, is caught', () => {
    assert.deepStrictEqual(deadParts(viewItemClauses('viewItem =~ /^revision:(applied|aplied)$/')[0]), ['revision:aplied']);
    assert.deepStrictEqual(deadParts(viewItemClauses('viewItem == revision:aplied')[0]), ['viewItem == revision:aplied']);
    assert.deepStrictEqual(deadParts(viewItemClauses('viewItem =~ /^folder:/')[0]), []);
  });
});
