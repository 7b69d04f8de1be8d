// Builds the .vsix exactly as `npm run package` does (vsce, with the vscode:prepublish bundle), into
// a path of the caller's choosing so that a test run never overwrites a developer's package.
// Asynchronous, so that a caller can start PostgreSQL and the browser meanwhile.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '..', '..', '..');

export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof pkg.version !== 'string') throw new Error('package.json has no version');
  return pkg.version;
}

/** Resolves to the path of `<outDir>/migration-chain-<version>.vsix`. */
export function buildVsix(outDir: string): Promise<string> {
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `migration-chain-${packageVersion()}.vsix`);
  fs.rmSync(out, { force: true });
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['run', 'package', '--silent', '--', '--out', out], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    const output: string[] = [];
    child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0 && fs.existsSync(out)) resolve(out);
      else reject(new Error(`npm run package failed (exit ${code ?? signal}):\n${output.join('')}`));
    });
  });
}
