// What the Marketplace and Open VSX read from package.json, and the Get Started walkthrough: every file
// it names exists and ships in the .vsix, every command it links to is one the extension contributes.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');

interface Step { id: string; title: string; description: string; media: { markdown?: string; image?: string }; completionEvents?: string[] }
interface Manifest {
  icon?: string;
  categories?: string[];
  keywords?: string[];
  repository?: { url?: string };
  bugs?: { url?: string };
  homepage?: string;
  galleryBanner?: { color?: string; theme?: string };
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]>; walkthroughs?: { id: string; steps: Step[] }[] };
}

const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributed = new Set([
  ...manifest.contributes.commands.map((c) => c.command),
  // VS Code adds a "<view id>.focus" command for every contributed view.
  ...Object.values(manifest.contributes.views).flat().map((v) => `${v.id}.focus`),
]);
const BUILT_IN = new Set(['workbench.action.files.openFolder']);

function steps(): Step[] {
  const walkthroughs = manifest.contributes.walkthroughs ?? [];
  assert.equal(walkthroughs.length, 1, 'one Get Started walkthrough');
  return walkthroughs[0].steps;
}

describe('package.json for the Marketplace and Open VSX', () => {
  it('has a 128×128 PNG icon', () => {
    assert.ok(manifest.icon, 'icon');
    const png = fs.readFileSync(path.join(ROOT, manifest.icon));
    assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('names its repository, issue tracker, home page, categories, keywords and banner', () => {
    assert.match(manifest.repository?.url ?? '', /^https:\/\//);
    assert.match(manifest.bugs?.url ?? '', /^https:\/\//);
    assert.match(manifest.homepage ?? '', /^https:\/\//);
    assert.ok((manifest.categories ?? []).length > 0, 'categories');
    const keywords = manifest.keywords ?? [];
    assert.ok(keywords.length > 0 && keywords.length <= 30, 'the Marketplace takes 1 to 30 keywords');
    assert.match(manifest.galleryBanner?.color ?? '', /^#[0-9A-Fa-f]{6}$/);
    assert.ok(['dark', 'light'].includes(manifest.galleryBanner?.theme ?? ''));
  });
});

describe('the Get Started walkthrough', () => {
  it('takes a user from opening a project to a reset, with a warning on the reset', () => {
    const ids = steps().map((s) => s.id);
    assert.deepEqual(ids, ['openProject', 'setDatabaseUrl', 'treeAndCodeLens', 'verify', 'reset']);
    const reset = steps().find((s) => s.id === 'reset')!;
    assert.match(reset.description, /deletes every table/i);
    assert.match(reset.description, /never production/i);
  });

  it('links only to commands that exist, and completes on them', () => {
    for (const step of steps()) {
      const links = [...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]);
      assert.ok(links.length > 0, `${step.id} has a button`);
      for (const command of links) assert.ok(contributed.has(command) || BUILT_IN.has(command), `${step.id} links to ${command}`);
      for (const event of step.completionEvents ?? []) {
        const command = /^onCommand:(.+)$/.exec(event)?.[1];
        if (command) assert.ok(contributed.has(command), `${step.id} completes on ${command}`);
      }
    }
  });

  it('names media that exist and ship in the .vsix (vsce ls, as npm run package packs it)', function () {
    this.timeout(60_000);
    const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce'), 'ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const shipped = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
    for (const step of steps()) {
      const file = step.media.markdown ?? step.media.image;
      assert.ok(file && fs.existsSync(path.join(ROOT, file)), `${step.id}: ${file} exists`);
      assert.ok(shipped.has(file), `${step.id}: ${file} is in the .vsix`);
    }
    assert.ok(shipped.has(manifest.icon!), 'the icon is in the .vsix');
    const stray = [...shipped].filter((f) => /^(src|test|out|bench|node_modules|migrations|media\/screenshots)\//.test(f) || f === 'media/icon.svg');
    assert.deepEqual(stray, [], 'nothing the extension does not need');
  });
});
