# Sourced by every tests/*.t.  Each check prints one line:
#   ok - WHAT            the check passed
#   not ok - WHAT        it failed (details follow, indented with '#')
#   skip - WHAT # WHY    it could not run here, and why
# tests/run counts them.

set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
PATH="$TOP:$PATH"
export PATH TOP
T=$(mktemp -d "${TMPDIR:-/tmp}/poplock-test.XXXXXX")
chmod 755 "$T"
cleanup_hooks=""
on_exit() { cleanup_hooks="$1; $cleanup_hooks"; }
trap 'eval "$cleanup_hooks"; rm -rf "$T"' EXIT

ok() { echo "ok - $1"; }
notok() { echo "not ok - $1"; shift; for l in "$@"; do printf '%s\n' "$l" | sed 's/^/#   /'; done; }
skip() { echo "skip - $1 # $2"; }

# check WHAT EXPECTED ACTUAL
check() {
  if [ "$2" = "$3" ]; then ok "$1"; else notok "$1" "expected: $2" "got:      $3"; fi
}

# checkgrep WHAT PATTERN FILE: FILE has a line matching the extended regexp
checkgrep() {
  if grep -Eq -- "$2" "$3"; then ok "$1"; else notok "$1" "no line matches: $2" "in $3:" "$(head -20 "$3")"; fi
}

# checknogrep WHAT PATTERN FILE
checknogrep() {
  if grep -Eq -- "$2" "$3"; then notok "$1" "unexpected line matching: $2" "$(grep -E -- "$2" "$3" | head -5)"; else ok "$1"; fi
}

# runs CMD..., leaving its exit code in $rc, stdout in $T/out, stderr in $T/err
run() { "$@" >"$T/out" 2>"$T/err" </dev/null; rc=$?; }

# checkrun WHAT EXIT STDERR-REGEXP CMD...: exit code and the whole of stderr
# ('' for an empty stderr)
checkrun() {
  local what=$1 want=$2 pat=$3; shift 3
  run "$@"
  local e; e=$(cat "$T/err")
  if [ "$rc" != "$want" ]; then notok "$what" "exit $rc, expected $want" "stderr: $e"; return; fi
  if [ -z "$pat" ]; then
    if [ -n "$e" ]; then notok "$what" "unexpected stderr: $e"; return; fi
  elif ! printf '%s\n' "$e" | grep -Eqx -- "$pat"; then
    notok "$what" "stderr: $e" "expected: $pat"; return
  fi
  ok "$what"
}

# needcmd CMD: true if CMD can run here
needcmd() { command -v "$1" >/dev/null 2>&1; }

isroot() { [ "$(id -u)" = 0 ]; }

# a fresh state directory
newstate() { d="$T/state.$RANDOM$RANDOM"; mkdir -m 755 "$d"; echo "$d"; }

# waitfor SECONDS CMD...: polls CMD every 0.05 s until it succeeds
waitfor() {
  local n=$(( $1 * 20 )); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
  return 1
}
