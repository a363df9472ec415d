#!/bin/bash
# readlog: standard input, the dry run, pass-through, long lines,
# signals, counters, usage and fatal errors.  Login lines are Dovecot's,
# from the real server (tests/fixtures/dovecot) or in its exact form.
. "$(dirname "$0")/lib.sh"

F="$TOP/tests/fixtures/dovecot"
store() { "$TOP/tests/storetool" "$@"; }
addrs() { store scan "$1" | cut -d' ' -f1 | sort; }
login() {  # login ADDR USER: a Dovecot log_path line stamped now
  echo "$(date '+%b %d %H:%M:%S') pop3-login: Info: Login: user=<$2>, method=PLAIN, rip=$1, lip=127.0.0.1, mpid=7, session=<x>"
}

# --- standard input
# The fixture's logins are as old as the capture, but their stamps have no
# year, so they are never more than a year old: the longest grace there is
# (GRANT_MAX, 366 days) keeps them in the state (compaction drops grants
# that are over).
longgrace() { d=$(newstate); echo 31622400 > "$d/grace"; echo "$d"; }
S=$(longgrace)
nlines=$(wc -l < "$F/logfile") nlogins=$(wc -l < "$F/logfile.expect")
checkrun "readlog -d S - < dovecot's log file: exit 0, counters at the end" 0 \
  "readlog: info: lines $nlines logins $nlogins skipped: toolong 0 cut 0 refused [0-9]+ nologin [0-9]+" \
  sh -c "exec readlog -d '$S' - < '$F/logfile'"
nrefused=$(sed -n 's/.* refused \([0-9]*\) .*/\1/p' "$T/err")
check "it grants exactly the logins of the fixture" "$(cut -d' ' -f2 "$F/logfile.expect" | sort -u)" "$(addrs "$S")"
t=$(store scan "$S" | sed -n 's/^127\.0\.0\.31 login=\([0-9]*\) .*/\1/p')
check "the source and user are recorded" "allowed dovecot/pop3 alice" "$(store lookup "$S" 127.0.0.31 "$t" | head -1 | cut -d' ' -f1,3,4)"
check "stdin leaves no cursor" "" "$(ls "$S" | grep cursor)"

# --- dry run
readlog -n - < "$F/logfile" > "$T/dry" 2> "$T/dryerr"; rc=$?
check "-n: exit 0" 0 $rc
check "-n: FORMAT SOURCE ADDR TIME USER for each login (source, address)" \
  "$(cut -d' ' -f1,2 "$F/logfile.expect")" "$(cut -d' ' -f2,3 "$T/dry")"
check "-n: the format is dovecot" "dovecot" "$(cut -d' ' -f1 "$T/dry" | sort -u)"
checkgrep "-n: time in Unix seconds, user as the record writes it (%XX)" \
  '^dovecot dovecot/imap 127\.0\.0\.53 [0-9]{10} caf%C3%A9$' "$T/dry"
checkgrep "-n: a user name with spaces and another server's text stays one field" \
  '^dovecot dovecot/pop3 127\.0\.0\.36 [0-9]+ Login:%20user=<a>,%20method=PLAIN,%20rip=203\.0\.113\.66,%20lip=1\.1\.1\.1,$' "$T/dry"
checknogrep "-n: without -v, no refusals" '^refused' "$T/dry"
checkrun "-n needs no state directory and writes nothing" 0 "readlog: info: lines $nlines .*" \
  sh -c "exec readlog -n -d '$T/nonexistent' - < '$F/logfile' > /dev/null"
[ -e "$T/nonexistent" ] && notok "-n created the state directory" || ok "-n created nothing"
readlog -n -v - < "$F/logfile" > "$T/dryv" 2>/dev/null
check "-n -v: every refused login line is shown, with the format and why" "$nrefused" "$(grep -c '^refused dovecot (.*): ' "$T/dryv")"
checkgrep "-n -v: a failed login is refused" '^refused dovecot \(.*\): .*auth failed.*rip=127\.0\.0\.32,' "$T/dryv"
check "-n -v: the grants are the same" "$(cat "$T/dry")" "$(grep -v '^refused' "$T/dryv")"
check "-n -v: a refused line is shown with control bytes as %XX" "" "$(grep '^refused' "$T/dryv" | LC_ALL=C grep '[^ -~]')"

# --- -v without -n: each grant and each refusal is a line on stderr, for
# readlog's own multilog (an audit trail); the user as the record writes
# it, the refused line as -n -v shows it
S=$(longgrace)
printf '%s\n' \
  '2026-11-23T21:30:00Z pop3-login: Info: Login: user=<al ice%>, method=PLAIN, rip=127.0.9.40, lip=127.0.0.1, mpid=7, session=<x>' \
  "2026-11-23T21:30:01Z pop3-login: Info: Disconnected (auth failed, 1 attempts in 2 secs): user=<b$(printf '\t')ob>, method=PLAIN, rip=127.0.9.41, lip=127.0.0.1, session=<y>" \
  '2026-11-23T21:30:02Z pop3-login: Info: Login: user=<carol>, method=PLAIN, lip=127.0.0.1, mpid=8' \
  > "$T/audit"
readlog -v -d "$S" - < "$T/audit" > "$T/audit.out" 2> "$T/audit.err"; rc=$?
check "-v: exit 0, nothing on stdout" "0 " "$rc $(cat "$T/audit.out")"
check "-v: the refusal when it is read, each grant once it is in the journal, word for word" \
"readlog: info: refused dovecot (not a successful login): 2026-11-23T21:30:01Z pop3-login: Info: Disconnected (auth failed, 1 attempts in 2 secs): user=<b%09ob>, method=PLAIN, rip=127.0.9.41, lip=127.0.0.1, session=<y>
readlog: info: refused dovecot (no rip= field): 2026-11-23T21:30:02Z pop3-login: Info: Login: user=<carol>, method=PLAIN, lip=127.0.0.1, mpid=8
readlog: info: grant dovecot dovecot/pop3 127.0.9.40 1795469400 al%20ice%25
readlog: info: lines 3 logins 1 skipped: toolong 0 cut 0 refused 2 nologin 0" "$(cat "$T/audit.err")"
check "-v: the grant logged is the one recorded" "127.0.9.40 login=1795469400 timed=- revoke=-
allowed dovecot/pop3 al ice%" "$(store scan "$S"; store lookup "$S" 127.0.9.40 1795469400 | head -1 | cut -d' ' -f1,3-)"
readlog -d "$(longgrace)" - < "$T/audit" 2> "$T/audit.err"
check "without -v: only the counters" "readlog: info: lines 3 logins 1 skipped: toolong 0 cut 0 refused 2 nologin 0" "$(cat "$T/audit.err")"

# --- -F
check "-F dovecot: the same grants" "$(cat "$T/dry")" "$(readlog -n -F dovecot - < "$F/logfile" 2>/dev/null)"
other=$("$TOP/tests/logtool" -L 2>/dev/null | grep -vx dovecot | head -1)
if [ -n "$other" ]; then
  check "-F $other: no dovecot grants" "" "$(readlog -n -F "$other" - < "$F/logfile" 2>/dev/null)"
else
  skip "-F with another format" "tests/logtool -L lists no second format"
fi

# --- pass-through
{ cat "$F/logfile"; printf 'binary \001\002\377 line\n'; head -c 9000 /dev/zero | tr '\0' x; echo; printf 'no newline at the end'; } > "$T/raw"
S=$(longgrace)
readlog -o -d "$S" - < "$T/raw" > "$T/raw.out" 2> "$T/raw.err"
cmp -s "$T/raw" "$T/raw.out" && ok "-t: standard output is the input, byte for byte" || notok "-t: output differs" "$(cmp "$T/raw" "$T/raw.out")"
check "-t: the logins are recorded all the same" "$(cut -d' ' -f2 "$F/logfile.expect" | sort -u)" "$(addrs "$S")"
checkrun "-n and -o together: usage" 100 'readlog: fatal: -n and -o both write to stdout' readlog -n -o -

# --- long lines: skipped whole, never cut into something that parses
pad() { head -c "$1" /dev/zero | tr '\0' "$2"; }
l4096=$(printf 'pop3-login: Info: Login: user=<%s>, method=PLAIN, rip=127.0.9.1, lip=127.0.0.1' "$(pad 4020 a)")
l4097=$(printf 'pop3-login: Info: Login: user=<%s>, method=PLAIN, rip=127.0.9.2, lip=127.0.0.1' "$(pad 4021 a)")
check "the test's lines are 4096 and 4097 bytes long" "4096 4097" "${#l4096} ${#l4097}"
{
  echo "$l4096"
  echo "$l4097"
  # a login glued after 9000 bytes: what follows a cut must not be taken for a line
  printf '%s' "$(pad 9000 b)"; echo "pop3-login: Info: Login: user=<tail>, method=PLAIN, rip=127.0.9.3, lip=127.0.0.1"
  echo "pop3-login: Info: Login: user=<after>, method=PLAIN, rip=127.0.9.4, lip=127.0.0.1"
} > "$T/long"
S=$(newstate)
# written in small pieces, so that the long lines reach readlog across many reads
checkrun "long lines are counted as skipped" 0 'readlog: info: lines 4 logins 2 skipped: toolong 2 cut 0 refused 0 nologin 0' \
  sh -c "dd if='$T/long' bs=1000 status=none | (sleep 0.1; cat) | readlog -d '$S' -"
check "a 4096-byte line is read, the longer ones are not, the next line is" "127.0.9.1 127.0.9.4" "$(addrs "$S" | xargs)"

# --- following a file; SIGUSR1, SIGHUP, SIGTERM
S=$(newstate)
log="$T/follow.log"
: > "$log"
readlog -d "$S" "$log" 2> "$T/f.err" & pid=$!
on_exit "kill $pid 2>/dev/null"
has() { store lookup "$S" "$1" now > /dev/null; }
login 127.0.9.10 a >> "$log"
waitfor 5 has 127.0.9.10 && ok "a login appended to a followed file is recorded" || notok "127.0.9.10 not recorded" "$(cat "$T/f.err")"
echo "some other line" >> "$log"
login 127.0.9.11 b >> "$log"
waitfor 5 has 127.0.9.11 || true
kill -USR1 $pid
waitfor 5 grep -q 'lines 3 ' "$T/f.err"
checkgrep "SIGUSR1: the counters on stderr" '^readlog: info: lines 3 logins 2 skipped: toolong 0 cut 0 refused 0 nologin 1$' "$T/f.err"
kill -HUP $pid
login 127.0.9.12 c >> "$log"
waitfor 5 has 127.0.9.12 && ok "after SIGHUP it goes on where it was" || notok "127.0.9.12 not recorded after SIGHUP"
# lines that grant nothing move the cursor lazily: SIGTERM must save it
for i in 1 2 3; do echo "not a login $i" >> "$log"; done
waitfor 5 sh -c "kill -USR1 $pid; sleep 0.05; grep -q 'lines 7 ' '$T/f.err'"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM: exit 0" 0 $rc
checkgrep "SIGTERM: the counters at exit" '^readlog: info: lines 7 logins 3 skipped: toolong 0 cut 0 refused 0 nologin 4$' "$T/f.err"
checkrun "restarted, it reads nothing twice (the position was saved)" 0 \
  'readlog: info: lines 0 logins 0 skipped: toolong 0 cut 0 refused 0 nologin 0' readlog -1 -d "$S" "$log"
login 127.0.9.13 d >> "$log"
checkrun "-1 reads what is new and exits" 0 \
  'readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0' readlog -1 -d "$S" "$log"
check "the cursor is one line of data" 1 "$(cat "$S"/cursor.* | wc -l)"
checkgrep "the cursor names its source" " $log\$" "$(ls "$S"/cursor.* | head -1)"

# SIGTERM with half a line read from a pipe: readlog reads that line to
# its end, and not one byte more; the next reader of the pipe gets the rest
S=$(newstate)
mkfifo "$T/pipe"
exec 4<> "$T/pipe"
readlog -o -d "$S" - < "$T/pipe" > "$T/pass" 2> "$T/p.err" & pid=$!
on_exit "kill $pid 2>/dev/null"
full=$(login 127.0.9.40 half)
printf '%s' "${full:0:40}" >&4
waitfor 5 test -s "$T/pass"
kill -TERM $pid
printf '%s\n%s\n' "${full:40}" "$(login 127.0.9.41 next)" >&4
wait $pid; rc=$?
check "SIGTERM in the middle of a line from a pipe: exit 0" 0 $rc
check "the line in hand was finished and recorded" allowed "$(store lookup "$S" 127.0.9.40 now | head -1 | cut -d' ' -f1)"
check "the next line was left in the pipe" "$(login 127.0.9.41 next | cut -d' ' -f4-)" "$(timeout 5 head -n 1 <&4 | cut -d' ' -f4-)"
exec 4<&-

# --- -P: looking at the file every 50 ms instead of waiting on inotify
S=$(newstate)
log="$T/poll.log"
: > "$log"
readlog -P -d "$S" "$log" 2> /dev/null & pid=$!
on_exit "kill $pid 2>/dev/null"
login 127.0.9.30 p >> "$log"
waitfor 5 has 127.0.9.30 && ok "-P: a login appended to the file is recorded by polling" || notok "-P: 127.0.9.30 not recorded"
mv "$log" "$log.1"
login 127.0.9.31 q >> "$log"
waitfor 5 has 127.0.9.31 && ok "-P: and after a rotation" || notok "-P: 127.0.9.31 not recorded"
kill $pid

# --- several sources, one table of pending connections: tcpserver's
# "ok PID" line in its multilog and popa3d's "Authentication passed"
# under the same pid in syslog join (real captures, tests/fixtures/popa3d)
# The captures are restamped to now: the year of an RFC 3164 stamp is
# inferred from today, and a join wants the two times close.
P="$TOP/tests/fixtures/popa3d"
# Both from one reading of the clock: with two, a second could pass
# between them, and the logins would come after tcpserver's "end" lines.
now=$(date +%s)
label=$(printf '@%016x%08x' $(( (1 << 62) + 10 + now )) 0)
sed "s/^@[0-9a-f]\{24\}/$label/" "$P/tcpserver.multilog" > "$T/tcpserver.multilog"
sed "s/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]\{8\}/$(date -d "@$now" '+%b %e %H:%M:%S')/" "$P/tcpserver.syslog" > "$T/tcpserver.syslog"
readlog -n -1 -j vm "$T/tcpserver.multilog" "$T/tcpserver.syslog" > "$T/join" 2> /dev/null
check "two sources joined by pid (-j vm): the logins of tcpserver.expect" "$(cat "$P/tcpserver.expect")" "$(cut -d' ' -f2,3,5 "$T/join")"
check "either source alone grants nothing" "" "$(readlog -n -1 "$T/tcpserver.syslog" 2> /dev/null)"
check "without -j, lines of two sources never join" "" "$(readlog -n -1 "$T/tcpserver.multilog" "$T/tcpserver.syslog" 2> /dev/null)"
check "-j another host: tcpserver's lines are not that host's" "" "$(readlog -n -1 -j pop2 "$T/tcpserver.multilog" "$T/tcpserver.syslog" 2> /dev/null)"
checkrun "-j with a bad host name: exit 100" 100 'readlog: fatal: invalid host name for -j: a b' readlog -n -j 'a b' -

# --- usage and fatal errors
checkrun "no source: usage" 100 'readlog: usage: readlog .*' readlog -d "$S"
checkrun "unknown option: usage" 100 'readlog: usage: readlog .*' readlog -x -
checkrun "-s 0: usage" 100 'readlog: usage: readlog .*' readlog -s 0 -
checkrun "-s abc: usage" 100 'readlog: usage: readlog .*' readlog -s abc -
checkrun "unknown format: exit 100" 100 'readlog: fatal: unknown format: nosuch' readlog -F dovecot,nosuch -
checkrun "missing state directory: exit 111 and why" 111 \
  "readlog: fatal: unable to open the state directory $T/missing: No such file or directory" readlog -d "$T/missing" -
S=$(newstate)
echo 12x > "$S/grace"
login 127.0.9.21 y > "$T/one"
checkrun "invalid grace control file: a warning that says the effect, no restart loop (exit 0)" 0 \
"readlog: warning: unable to read $S/grace: it is not a number of seconds up to 31622400: \"12x\": readlog compacts with the default of 1800 seconds, relaylock lets no login relay until it is fixed
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0" sh -c "exec readlog -d '$S' - < '$T/one'"
check "  ... and the login is recorded" "127.0.9.21" "$(addrs "$S")"
S=$(newstate)
echo 0 > "$S/grace"
checkrun "grace 0: a warning naming the file, the value and the effect" 0 \
"readlog: warning: $S/grace: the value is \"0\": no login opens relaying \(only the networks of $S/allow and grants with their own duration do\)
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0" sh -c "exec readlog -d '$S' - < '$T/one'"
S=$(newstate)
echo 64k > "$S/journalmax"
checkrun "journalmax not a number: a warning naming the file, the value and the effect" 0 \
"readlog: warning: unable to read $S/journalmax: it is not a number of bytes: \"64k\": the journal is not compacted until it is fixed
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0" sh -c "exec readlog -d '$S' - < '$T/one'"
S=$(newstate)
mkdir "$S/journal"
login 127.0.9.20 x > "$T/one"
checkrun "journal that cannot be written: exit 111 and why" 111 \
  "readlog: fatal: unable to append to $S/journal: .*" sh -c "exec readlog -d '$S' - < '$T/one'"
if isroot && needcmd setuidgid; then
  S=$(newstate)
  chmod 555 "$S"
  checkrun "state directory the account cannot write: exit 111 at once, and why" 111 \
    "readlog: fatal: unable to write to the state directory $S: Permission denied" \
    setuidgid nobody "$TOP/readlog" -d "$S" -
else
  skip "state directory the account cannot write" "needs root and setuidgid"
fi

# skalibs' selfpipe_trap, sig_ignore and buffer_flush return 0 on
# failure: each failure is fatal, with its reason.  A trap or sigaction
# that fails is made with an LD_PRELOAD shim (readlog links libc
# dynamically); FAILSYS names the call that fails (not with EINVAL for
# sigaction: skalibs' sig_catch takes that for an uncatchable signal).
checkrun "stdout on a full disk (-n): exit 111 and why" 111 \
  'readlog: fatal: unable to write to stdout: No space left on device' \
  sh -c "exec readlog -n - < '$F/logfile' > /dev/full"
# one line: less than the buffer, so only the flush meets the error
login 127.0.9.50 gone > "$T/one"
checkrun "-t to a reader that is gone: exit 111 and why" 111 \
  'readlog: fatal: unable to write to stdout: Broken pipe' \
  bash -c "{ sleep 0.3; exec readlog -o -d '$(newstate)' - < '$T/one'; } | true; exit \${PIPESTATUS[0]}"
cat > "$T/failsys.c" <<'EOC'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
static int fails (char const *name) { char const *s = getenv("FAILSYS") ; return s && !strcmp(s, name) ; }
int signalfd (int fd, sigset_t const *mask, int flags)
{
  int (*real) (int, sigset_t const *, int) = (int (*) (int, sigset_t const *, int))dlsym(RTLD_NEXT, "signalfd") ;
  if (fd >= 0 && fails("signalfd")) { errno = ENOMEM ; return -1 ; }  /* a trap added, not the first one */
  return (*real)(fd, mask, flags) ;
}
int sigaction (int sig, struct sigaction const *act, struct sigaction *old)
{
  int (*real) (int, struct sigaction const *, struct sigaction *) = (int (*) (int, struct sigaction const *, struct sigaction *))dlsym(RTLD_NEXT, "sigaction") ;
  if (sig == SIGPIPE && act && act->sa_handler == SIG_IGN && fails("sigaction")) { errno = EFAULT ; return -1 ; }
  return (*real)(sig, act, old) ;
}
EOC
if $(head -1 "$TOP/conf-cc" | cut -d' ' -f1) -shared -fPIC -o "$T/failsys.so" "$T/failsys.c" -ldl 2> "$T/cc.err"; then
  checkrun "a signal trap that fails: exit 111 and why" 111 \
    'readlog: fatal: unable to trap signals: Cannot allocate memory' \
    env LD_PRELOAD="$T/failsys.so" FAILSYS=signalfd readlog -n -
  checkrun "ignoring SIGPIPE fails: exit 111 and why" 111 \
    'readlog: fatal: unable to ignore SIGPIPE: Bad address' \
    env LD_PRELOAD="$T/failsys.so" FAILSYS=sigaction readlog -n -
  checkrun "the shim alone changes nothing" 0 'readlog: info: lines 0 .*' \
    env LD_PRELOAD="$T/failsys.so" readlog -n -
else
  skip "failing signal traps" "cannot build an LD_PRELOAD shim: $(head -1 "$T/cc.err")"
fi
