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

# loghost FILE: the syslog host of FILE's first syslog line, if any: a
# fixture is one machine's logs, and readlog -j / logtool -j HOST say so
# (tcpserver's multilog lines, which have no host, join that host's)
loghost() {
  sed -n -E 's/^(@[0-9a-f]{24} )?([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}|[0-9]{4}-[0-9]{2}-[0-9]{2}T[^ ]+) ([A-Za-z0-9._:-]+) .*/\3/p' "$1" | head -1
}

# needcmd CMD: true if CMD can run here
needcmd() { command -v "$1" >/dev/null 2>&1; }

isroot() { [ "$(id -u)" = 0 ]; }

# docpre PAGE ID: the text of doc/PAGE's <pre id="ID"> block, its
# entities undone: what an admin copies from the page
docpre() {
  sed -n "/<pre id=\"$2\">/,/<\/pre>/p" "$TOP/doc/$1" | sed '1d;$d' |
    sed -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e 's/&amp;/\&/g'
}

# a fresh state directory
newstate() { d="$T/state.$RANDOM$RANDOM"; mkdir -m 755 "$d"; echo "$d"; }

# waitfor SECONDS CMD...: polls CMD every 0.05 s until it succeeds
waitfor() {
  local n=$(( $1 * 20 )); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
  return 1
}

# freeport BASE: a TCP port nothing listens on, from BASE up (ss, iproute2)
freeport() {
  local p=$1
  while ss -Hltn "sport = :$p" | grep -q .; do p=$((p + 1)); done
  echo $p
}
listening() { ss -Hltn "sport = :$1" | grep -q .; }

# rcptcode SOURCE-IP PORT [RECIPIENT]: the SMTP server's reply code to
# RCPT TO RECIPIENT (default: a foreign domain) from SOURCE-IP
rcptcode() {
  "$TOP/package/dialogue" "$1" "$2" "HELO client.test" "MAIL FROM:<a@example.org>" "RCPT TO:<${3:-b@elsewhere.test}>" QUIT |
    sed -n '/> RCPT/{n;s/^  < //p;}' | cut -c1-3
}

# postfix_start DIR PORT: a private Postfix (Debian's) in DIR, SMTP on
# 127.0.0.1:PORT, with main.cf's own lines read from stdin; it is stopped
# when the test ends.  Returns 1 if it did not come up.  Call it in the
# test's own shell (not in a pipeline), or the stop is lost with the subshell.
postfix_start() {
  local pf=$1 port=$2
  if tcpclient 127.0.0.1 "$port" true 2>/dev/null; then
    echo "# postfix_start: something already listens on 127.0.0.1:$port"
    return 1
  fi
  mkdir -p "$pf/conf" "$pf/queue" "$pf/data"
  chown postfix "$pf/data"
  sed -e "s/^smtp \{6\}inet .*/127.0.0.1:$port inet n - n - - smtpd/" \
      -e 's/^\([a-z]* *\(unix\|fifo\|unix-dgram\) *[-n] *[-n]\) *y /\1 n /' /etc/postfix/master.cf > "$pf/conf/master.cf"
  cp /etc/postfix/dynamicmaps.cf "$pf/conf/"
  cat > "$pf/conf/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
maillog_file = $pf/maillog
maillog_file_prefixes = $pf
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.example.org
mydomain = example.org
mydestination = example.org
mynetworks = 127.0.0.254/32
smtpd_peername_lookup = no
EOC
  cat >> "$pf/conf/main.cf"
  on_exit "postfix -c $pf/conf stop >/dev/null 2>&1"
  postfix -c "$pf/conf" start >/dev/null 2>&1
  waitfor 20 tcpclient 127.0.0.1 "$port" true 2>/dev/null
}

# checkrss WHAT LIMIT-KB ACTUAL-KB: a memory bound; under make sanitize
# (POPLOCK_SANITIZED set) ASan's shadow memory decides RSS, so it is skipped
checkrss() {
  if [ -n "${POPLOCK_SANITIZED:-}" ]; then skip "$1" "memory under AddressSanitizer is ASan's"; return; fi
  if [ -n "$3" ] && [ "$3" -lt "$2" ]; then ok "$1"; else notok "$1" "max RSS ${3:-unknown} kB, limit $2 kB"; fi
}

# conf/SOFTLIMIT for service/smtpd in the tests: qpsmtpd is perl, more
# than qmail-smtpd's 20 MB; under AddressSanitizer (POPLOCK_SANITIZED)
# "=", softlimit's "as the hard limit", since ASan's shadow memory needs
# an address space no -m allows
if [ -n "${POPLOCK_SANITIZED:-}" ]; then SMTPD_SOFTLIMIT==; else SMTPD_SOFTLIMIT=200000000; fi
