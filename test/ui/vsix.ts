// Builds the .vsix exactly as `npm run package` does (vsce, with the vscode:prepublish bundle), into
// a path of the caller's choosing so that a test run never overwrites a developer's package.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** Returns the path of `<outDir>/migration-chain-<version>.vsix`. */
export function buildVsix(outDir: string): string {
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `migration-chain-${packageVersion()}.vsix`);
  fs.rmSync(out, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = spawnSync(npm, ['run', 'package', '--silent', '--', '--out', out], { cwd: REPO, encoding: 'utf8' });
  if (r.status !== 0 || !fs.existsSync(out)) {
    throw new Error(`npm run package failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
  }
  return out;
}
