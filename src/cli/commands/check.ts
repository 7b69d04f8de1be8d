import type { Command } from '../context';
import { ExitCode } from '../exit-codes';
import { displayPath, renderDiagnostic } from '../print';

/** `check`: the files alone, no database. Non-zero on any error, for CI and pre-commit hooks. */
export const check: Command = async (ctx) => {
  const chain = await ctx.chain();
  const cwd = ctx.io.cwd;
  const errors = chain.diagnostics.filter((d) => d.severity === 'error');
  const warnings = chain.diagnostics.length - errors.length;
  const ok = errors.length === 0;
  if (ctx.options.json) {
    ctx.output.json({
      ok,
      dir: displayPath(chain.dir, cwd),
      migrations: chain.migrations.length,
      heads: chain.graph.heads,
      diagnostics: chain.diagnostics.map((d) => (d.file ? { ...d, file: displayPath(d.file, cwd) } : d)),
    });
  } else {
    const lines = chain.diagnostics.map((d) => renderDiagnostic(d, cwd));
    const n = chain.migrations.length;
    const heads = chain.graph.heads;
    lines.push(ok
      ? `check: OK, ${n} migration${n === 1 ? '' : 's'}, head${heads.length === 1 ? '' : 's'} ${heads.join(', ') || '(none)'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''}`
      : `check: ${errors.length} error${errors.length === 1 ? '' : 's'}${warnings ? `, ${warnings} warning${warnings === 1 ? '' : 's'}` : ''} in ${displayPath(chain.dir, cwd)}`);
    ctx.output.result(lines.join('\n'));
  }
  return ok ? ExitCode.ok : ExitCode.chain;
};
