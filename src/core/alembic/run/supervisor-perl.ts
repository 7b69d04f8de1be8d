// The supervisor of supervisor.ts, written for Perl, used on POSIX systems that have one (Debian's
// perl-base is essential; macOS ships perl). Same contract: `perl -e SOURCE -- GRACE_MS EARLY EXE ARGS…`,
// the child starts on the first line on stdin, runs in its own process group with stdin from
// /dev/null, SIGINT and SIGTERM are forwarded to the group once (SIGKILL GRACE_MS after SIGTERM), the
// end of stdin (we died) stops the group, and one JSON line on fd 3 says how the child ended. With
// EARLY=1 the child starts at once with a pipe as its stdin, and the first line on our stdin is passed
// on to it (the end of our stdin before that kills the group): a child that imports its libraries
// before it waits for that line (process.ts's Python launcher) imports while the caller connects and
// takes the lock. Why Perl: Node's own start costs ~50 ms of CPU, a fifth of what Python spends
// importing Alembic, and on a busy machine that shows in every delegated run (bench group 12); Perl
// starts in ~2 ms (~15 ms with POSIX loaded, which the caller overlaps with its connect).
// POSIX `sh` cannot be used: without a tty it cannot give the child a process group of its own.
import { existsSync } from 'node:fs';

export const PERL_SUPERVISOR_SOURCE = String.raw`
use strict; use warnings; use POSIX (); use Time::HiRes (); use Config;
$SIG{PIPE} = 'IGNORE';
my ($grace_ms, $early, @argv) = @ARGV;
open(my $rep, '>&=', 3) or die "fd 3: $!";
$rep->autoflush(1);
sub js { my $s = shift; $s =~ s/(["\\])/\\$1/g; $s =~ s/[\x00-\x1f]/ /g; return qq("$s"); }
sub start {
  my ($in, $hold) = @_;
  my $pid = fork();
  if (!defined $pid) { print $rep '{"kind":"spawn-error","code":"EAGAIN","message":' . js("fork: $!") . "}\n"; POSIX::_exit(127); }
  return $pid if $pid;
  setpgrp(0, 0);
  if ($in) { open(STDIN, '<&', $in); close($in); close($hold); } else { open(STDIN, '<', '/dev/null'); }
  fcntl($rep, POSIX::F_SETFD(), POSIX::FD_CLOEXEC());
  { no warnings; exec { $argv[0] } @argv; }
  my $code = $!{ENOENT} ? 'ENOENT' : $!{EACCES} ? 'EACCES' : 'UNKNOWN';
  print $rep '{"kind":"spawn-error","code":"' . $code . '","message":' . js("spawn $argv[0]: $!") . "}\n";
  POSIX::_exit(127);
}
my $pid;
if ($early) {
  pipe(my $in, my $hold) or die "pipe: $!";
  $hold->autoflush(1);
  $pid = start($in, $hold);
  close($in);
  setpgrp($pid, $pid);
  my $go = <STDIN>;
  if (!defined $go) { kill('KILL', -$pid); waitpid($pid, 0); POSIX::_exit(143); }
  print $hold "\n";
  close($hold);
} else {
  my $go = <STDIN>;
  POSIX::_exit(143) unless defined $go;
  $pid = start();
  setpgrp($pid, $pid);
}
my %sent;
my $group = sub { kill($_[0], -$pid); };
$SIG{ALRM} = sub { $group->('KILL'); };
$SIG{INT} = sub { return if $sent{INT}++; $group->('INT'); };
$SIG{TERM} = sub { return if $sent{TERM}++; $group->('TERM'); Time::HiRes::ualarm($grace_ms * 1000); };
my $me = $$;
my $watch = fork();
if (defined $watch && $watch == 0) {
  close(STDOUT); close(STDERR); close($rep);
  1 while <STDIN>;
  kill('TERM', $me);
  POSIX::_exit(0);
}
my $st;
for (;;) { my $r = waitpid($pid, 0); if ($r == $pid) { $st = $?; last; } if ($r == -1 && !$!{EINTR}) { $st = 255 << 8; last; } }
$group->('KILL');
kill('KILL', $watch) if $watch;
my @names = split ' ', $Config{sig_name};
if ($st & 127) { print $rep '{"kind":"exit","code":null,"signal":"SIG' . $names[$st & 127] . '"}' . "\n"; POSIX::_exit(1); }
my $code = $st >> 8;
print $rep '{"kind":"exit","code":' . $code . ',"signal":null}' . "\n";
POSIX::_exit($code);
`;

const PERL_CANDIDATES = ['/usr/bin/perl', '/bin/perl', '/usr/local/bin/perl'];
let perl: string | null | undefined;

/** The Perl the supervisor runs on, or undefined (Windows, no Perl): then the Node supervisor is used. */
export function perlForSupervisor(): string | undefined {
  if (perl === undefined) perl = process.platform === 'win32' ? null : PERL_CANDIDATES.find((p) => existsSync(p)) ?? null;
  return perl ?? undefined;
}
