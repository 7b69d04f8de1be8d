import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { COMMANDS as TABLE_COMMANDS, ITEM_ONLY } from '../../../src/extension/commands/titles';
import { TESTING_COMMANDS } from '../../../src/extension/testing/commands';

const COMMANDS = { ...TABLE_COMMANDS, ...TESTING_COMMANDS };

const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../../package.json'), 'utf8'));

describe('extension command catalog vs package.json', () => {
  it('contributes exactly the registered commands, with the same titles, category and an icon', () => {
    const contributed = pkg.contributes.commands as { command: string; title: string; category: string; icon: string }[];
    assert.deepStrictEqual(contributed.map((c) => c.command).sort(), Object.keys(COMMANDS).sort());
    for (const c of contributed) {
      assert.strictEqual(c.title, COMMANDS[c.command as keyof typeof COMMANDS], c.command);
      assert.strictEqual(c.category, 'Migration Chain');
      assert.match(c.icon, /^\$\([a-z-]+\)$/);
    }
  });

  it('hides item-only commands from the palette', () => {
    const hidden = (pkg.contributes.menus.commandPalette as { command: string; when: string }[]).filter((m) => m.when === 'false').map((m) => m.command);
    assert.deepStrictEqual(hidden.sort(), [...ITEM_ONLY].sort());
  });

  it('menus only name contributed commands and key item menus on viewItem', () => {
    const ids = new Set(Object.keys(COMMANDS));
    for (const [where, items] of Object.entries(pkg.contributes.menus as Record<string, { command: string; when?: string }[]>)) {
      for (const item of items) {
        assert.ok(ids.has(item.command), `${where}: ${item.command}`);
        if (where === 'view/item/context') assert.match(item.when ?? '', /viewItem/);
      }
    }
  });

  it('declares limited untrusted support and restricts the URL and command settings', () => {
    const u = pkg.capabilities.untrustedWorkspaces;
    assert.strictEqual(u.supported, 'limited');
    assert.deepStrictEqual(u.restrictedConfigurations.sort(), ['migrationChain.alembic.command', 'migrationChain.databaseUrl', 'migrationChain.directUrl', 'migrationChain.python']);
  });
});
