// The README's screenshots show the extension as it is: a screenshot whose last commit is older than
// the last commit of the UI code it shows (media/screenshots/manifest.json) fails here. Git commit
// times, not file times: a fresh clone gives every file the same mtime. Regenerate with
// `npm run test:ui && npm run screenshots` and commit the images with the change.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SHOTS = path.join(ROOT, 'media', 'screenshots');

/** Unix time of the last commit touching `paths` (0 when none: never committed). */
function lastCommit(paths: readonly string[]): number {
  const out = execFileSync('git', ['log', '-1', '--format=%ct', '--', ...paths], { cwd: ROOT, encoding: 'utf8' }).trim();
  return out ? Number(out) : 0;
}

/** The screenshots named `media/screenshots/<name>.png` in a markdown text. */
export function screenshotsIn(markdown: string): string[] {
  return [...new Set([...markdown.matchAll(/media\/screenshots\/([\w.-]+\.png)/g)].map((m) => m[1]))];
}

/** The stale ones: a screenshot committed before its sources' last change. */
export function staleShots(shots: readonly string[], sources: Readonly<Record<string, readonly string[]>>, when: (paths: readonly string[]) => number): string[] {
  return shots.filter((shot) => {
    const code = sources[shot];
    if (!code) return true;
    return when([`media/screenshots/${shot}`]) < when(code);
  });
}

describe('README screenshots', () => {
  it('every screenshot the README shows is named in the manifest, with UI sources that exist', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(SHOTS, 'manifest.json'), 'utf8')) as Record<string, unknown>;
    for (const shot of screenshotsIn(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'))) {
      const sources = manifest[shot];
      assert.ok(Array.isArray(sources) && sources.length > 0, `${shot}: not in media/screenshots/manifest.json`);
      for (const s of sources as string[]) assert.ok(fs.existsSync(path.join(ROOT, s)), `${shot}: ${s} does not exist`);
    }
  });

  it('no README screenshot is older (by git commit) than the UI code it shows', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(SHOTS, 'manifest.json'), 'utf8')) as Record<string, string[]>;
    const shots = screenshotsIn(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8'));
    assert.ok(shots.length > 0, 'the README shows screenshots');
    assert.deepStrictEqual(staleShots(shots, manifest, lastCommit), [],
      'regenerate: npm run test:ui && npm run screenshots, then commit the images');
  });

  it('the check catches a stale screenshot', () => {
    const times: Record<string, number> = { 'media/screenshots/a.png': 100, 'src/a.ts': 200, 'media/screenshots/b.png': 300, 'src/b.ts': 200 };
    const when = (paths: readonly string[]) => Math.max(...paths.map((p) => times[p] ?? 0));
    assert.deepStrictEqual(staleShots(['a.png', 'b.png', 'c.png'], { 'a.png': ['src/a.ts'], 'b.png': ['src/b.ts'] }, when), ['a.png', 'c.png']);
    assert.deepStrictEqual(screenshotsIn('![x](media/screenshots/tree.png) and media/screenshots/tree.png'), ['tree.png']);
  });
});
