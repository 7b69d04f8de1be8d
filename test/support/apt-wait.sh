# Sourced by the install scripts. apt_run runs one apt-get command, waiting (up to 10 min) while
# another apt or dpkg process holds its lock: the harness install and the Alembic install may be
# started at the same time, and an apt lock held elsewhere is a reason to wait, not to fail.
apt_run() {
  local err tries=0
  err=$(mktemp)
  while true; do
    if "$@" 2>"$err"; then rm -f "$err"; return 0; fi
    if grep -qiE 'could not (get|open) lock|unable to lock|is another process using it' "$err" && [ $tries -lt 120 ]; then
      tries=$((tries + 1)); sleep 5; continue
    fi
    cat "$err" >&2; rm -f "$err"; return 1
  done
}
