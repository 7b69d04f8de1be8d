import { strict as assert } from 'node:assert';
import { parseCommandLine, protectRelativeTargets } from '../../../src/cli/args';
import { UsageError } from '../../../src/core/errors';
import { commandHelp, generalHelp } from '../../../src/cli/help';

function usageError(argv: string[]): UsageError {
  try {
    parseCommandLine(argv);
  } catch (err) {
    assert.ok(err instanceof UsageError, `expected a UsageError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${argv.join(' ')} to be rejected`);
}

describe('cli argument parsing', () => {
  it('reads the command, its positional and global options in any order', () => {
    const parsed = parseCommandLine(['--dir', 'db/migrations', 'upgrade', 'ab12', '--url=postgres://x@h/d', '--lock-timeout', '2.5']);
    assert.equal(parsed.command, 'upgrade');
    assert.deepEqual(parsed.positionals, ['ab12']);
    assert.equal(parsed.options.dir, 'db/migrations');
    assert.equal(parsed.options.url, 'postgres://x@h/d');
    assert.equal(parsed.options.lockTimeoutMs, 2500);
  });

  it('takes Alembic relative targets like -1 as positionals, not options', () => {
    assert.deepEqual(parseCommandLine(['downgrade', '-1', '--yes']).positionals, ['-1']);
    assert.deepEqual(parseCommandLine(['upgrade', '+2']).positionals, ['+2']);
    // an option's value is never moved away from its option
    assert.deepEqual(protectRelativeTargets(['upgrade', '--lock-timeout', '-1']), ['upgrade', '--lock-timeout', '-1']);
    assert.deepEqual(protectRelativeTargets(['downgrade', '-2', '--', 'x']), ['downgrade', '--', '-2', 'x']);
  });

  it('rejects options a command does not take, naming the command', () => {
    assert.match(usageError(['history', '--sql']).message, /`history` does not take --sql/);
    assert.match(usageError(['upgrade', '--json']).message, /`upgrade` does not take --json/);
    assert.match(usageError(['reset', '--force']).message, /does not take --force/);
  });

  it('rejects unknown options, unknown commands (with a suggestion) and missing arguments', () => {
    assert.match(usageError(['upgrade', '--frobnicate']).message, /--frobnicate/);
    const typo = usageError(['upgrdae']);
    assert.match(typo.message, /Unknown command "upgrdae"/);
    assert.match(typo.hint ?? '', /migration-chain upgrade/);
    assert.match(usageError(['downgrade']).message, /needs TARGET/);
    assert.match(usageError(['stamp']).message, /needs REV/);
    assert.match(usageError(['upgrade', 'a', 'b']).message, /unexpected argument "b"/);
    assert.match(usageError([]).message, /No command/);
    assert.match(usageError(['revision']).message, /needs a message/);
    assert.match(usageError(['upgrade', '--lock-timeout', 'soon']).message, /--lock-timeout expects a number/);
    assert.match(usageError(['upgrade', '--dir']).message, /--dir/);
  });

  it('accepts the documented options per command', () => {
    const reset = parseCommandLine(['reset', '--yes', '--confirm-database', 'app', '--backup', 'b.sql']);
    assert.equal(reset.options.yes, true);
    assert.equal(reset.options.confirmDatabase, 'app');
    assert.equal(reset.options.backup, 'b.sql');
    assert.equal(parseCommandLine(['stamp', 'head', '--force']).options.force, true);
    assert.equal(parseCommandLine(['history', '-v', '--json']).options.verbose, true);
    assert.equal(parseCommandLine(['verify', '--drift']).options.drift, true);
    assert.equal(parseCommandLine(['merge', '-m', 'join']).options.message, 'join');
    assert.equal(parseCommandLine(['upgrade', '--sql']).options.sql, true);
  });

  it('--help needs no other argument and every command has help text listing its options', () => {
    const help = parseCommandLine(['downgrade', '--help']);
    assert.equal(help.command, 'downgrade');
    assert.equal(help.options.help, true);
    assert.equal(parseCommandLine(['--help']).command, undefined);
    assert.match(commandHelp('downgrade'), /Usage: migration-chain downgrade \[TARGET\] \[options\]/);
    assert.match(commandHelp('downgrade'), /--confirm-database NAME/);
    assert.match(commandHelp('upgrade'), /\[TARGET\]/);
    const general = generalHelp();
    for (const command of ['history', 'current', 'heads', 'check', 'upgrade', 'downgrade', 'stamp', 'reset', 'verify', 'revision', 'merge', 'status']) {
      assert.match(general, new RegExp(`^  ${command} `, 'm'));
    }
    assert.match(general, /130 cancelled/);
  });
});
