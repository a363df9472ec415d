#!/bin/bash
# readlog's sources that cannot be read (missing, unreadable, not a
# regular file): one warning line when readlog starts and one each time
# that changes, never a death; the other sources are read meanwhile.
# With -1, a source not read is an error (exit 111) once the others are.
. "$(dirname "$0")/lib.sh"

store() { "$TOP/tests/storetool" "$@"; }
addrs() { store scan "$1" | cut -d' ' -f1 | sort | tr '\n' ' '; }
login() {  # a Dovecot log_path line stamped now
  echo "$(date '+%b %d %H:%M:%S') pop3-login: Info: Login: user=<$2>, method=PLAIN, rip=$1, lip=127.0.0.1, mpid=7, session=<x>"
}
W="readlog: warning: unable to read"

# --- -1: what is missing or not a file is named, the rest is read, exit 111
login 10.1.0.1 a > "$T/good"
mkfifo "$T/fifo"
mkdir "$T/dir"
checkrun "-1, a missing source: the other is read, a warning, exit 111" 111 \
"$W $T/none, watching for it: No such file or directory
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0
readlog: fatal: unable to read 1 of 2 sources" readlog -n -1 "$T/good" "$T/none"
check "-1: the readable source's login" "dovecot dovecot/pop3 10.1.0.1" "$(cut -d' ' -f1-3 "$T/out")"
checkrun "-1, a FIFO: a warning, exit 111" 111 \
"$W $T/fifo, watching for it: it is a FIFO, not a regular file
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0
readlog: fatal: unable to read 1 of 2 sources" readlog -n -1 "$T/fifo" "$T/good"
checkrun "-1, every source read: exit 0" 0 \
  "readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0" readlog -n -1 "$T/good"
S=$(newstate)
checkrun "-1 with a state directory, a missing source: exit 111 after the grants" 111 \
"$W $T/none, watching for it: No such file or directory
readlog: info: lines 1 logins 1 skipped: toolong 0 cut 0 refused 0 nologin 0
readlog: fatal: unable to read 1 of 2 sources" readlog -1 -d "$S" "$T/none" "$T/good"
check "the readable source's login is granted" "10.1.0.1 " "$(addrs "$S")"

# --- followed: a missing file, then a directory in its place (a multilog
# directory made after readlog started), then its current
rm -f "$T/later"
readlog -n "$T/later" "$T/good" > "$T/later.out" 2> "$T/later.err" & pid=$!
on_exit "kill $pid 2>/dev/null"
waitfor 5 grep -q 10.1.0.1 "$T/later.out"
mkdir "$T/later"
sleep 2.5
login 10.1.0.2 b > "$T/later/current"
waitfor 5 grep -q 10.1.0.2 "$T/later.out" && ok "the directory's current is read" || notok "current not read" "$(cat "$T/later.err")"
kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM: exit 0" 0 $rc
check "one line for each state, in order" \
"$W $T/later, watching for it: No such file or directory
$W $T/later, watching for it: it has no file current: not a multilog directory, or not yet
readlog: info: $T/later is readable now" \
  "$(grep -v '^readlog: info: lines' "$T/later.err")"

# --- followed, as nobody: a log of another account (logrotate's create 0600)
if isroot && needcmd setuidgid; then
  S=$(newstate); chown nobody "$S"
  D="$T/logs"; mkdir -m 755 "$D"
  login 10.1.1.1 a > "$D/mail.log"
  login 10.1.1.2 b > "$D/other.log"; chmod 600 "$D/other.log"
  setuidgid nobody "$TOP/readlog" -d "$S" "$D/mail.log" "$D/other.log" 2> "$T/f.err" & pid=$!
  on_exit "kill $pid 2>/dev/null"
  has() { store scan "$S" | grep -q "^$1 "; }
  waitfor 5 has 10.1.1.1 && ok "the readable source's login is granted" || notok "no grant from the readable source" "$(cat "$T/f.err")"
  check "the unreadable one: one warning at the start" "$W $D/other.log, watching for it: Permission denied" "$(cat "$T/f.err")"
  kill -0 $pid 2>/dev/null && ok "readlog goes on" || notok "readlog died"
  login 10.1.1.3 c >> "$D/mail.log"
  waitfor 5 has 10.1.1.3 && ok "later logins in the readable source are granted" || notok "no later grant" "$(cat "$T/f.err")"
  has 10.1.1.2 && notok "a login of the unreadable source was granted" || ok "nothing from the unreadable source"
  chmod 644 "$D/other.log"
  waitfor 5 has 10.1.1.2 && ok "readable again: its login is granted" || notok "no grant once readable" "$(cat "$T/f.err")"
  check "and one line says so" "readlog: info: $D/other.log is readable now" "$(sed -n 2p "$T/f.err")"
  # logrotate's create 0600 of another account: renamed, a new file nobody can read
  mv "$D/other.log" "$D/other.log.1"
  install -m 600 /dev/null "$D/other.log"
  login 10.1.1.4 d >> "$D/other.log"
  login 10.1.1.5 e >> "$D/mail.log"
  waitfor 5 has 10.1.1.5 && ok "after the rotation, the readable source is read" || notok "no grant after the rotation" "$(cat "$T/f.err")"
  waitfor 5 grep -q "^$W $D/other.log" <(sed -n '3,$p' "$T/f.err")
  check "the new file nobody can read: one warning" "$W $D/other.log, watching for it: Permission denied" "$(sed -n '3,$p' "$T/f.err")"
  chmod 644 "$D/other.log"
  waitfor 5 has 10.1.1.4 && ok "then readable: the rotated file's login is granted" || notok "no grant after chmod" "$(cat "$T/f.err")"
  # removed: told once it has lasted SOURCE_SETTLE seconds; back: at once
  rm "$D/mail.log"
  sleep 3
  login 10.1.1.6 f > "$D/mail.log"
  waitfor 5 has 10.1.1.6 && ok "a removed source, created again, is read" || notok "no grant after re-creation" "$(cat "$T/f.err")"
  kill -TERM $pid; wait $pid; rc=$?
  check "SIGTERM: exit 0" 0 $rc
  check "every change of state, one line each" \
"$W $D/other.log, watching for it: Permission denied
readlog: info: $D/other.log is readable now
$W $D/other.log, watching for it: Permission denied
readlog: info: $D/other.log is readable now
$W $D/mail.log, watching for it: No such file or directory
readlog: info: $D/mail.log is readable now" "$(grep -v '^readlog: info: lines' "$T/f.err")"
  # a rename and create in quick succession says nothing
  setuidgid nobody "$TOP/readlog" -d "$S" "$D/mail.log" 2> "$T/g.err" & pid=$!
  sleep 0.5
  for k in 1 2 3 4 5; do mv "$D/mail.log" "$D/mail.log.$k"; sleep 0.2; login 10.1.2.$k g > "$D/mail.log"; sleep 0.2; done
  waitfor 5 has 10.1.2.5 && ok "five quick rotations: every login" || notok "rotations lost logins" "$(cat "$T/g.err")"
  kill -TERM $pid; wait $pid
  check "a rotation's moment without the file is not told" "" "$(grep -v '^readlog: info: lines' "$T/g.err")"
  S=$(newstate)
  chmod 555 "$S"
  checkrun "a state directory readlog cannot write stays fatal: exit 111" 111 \
    "readlog: fatal: unable to write to the state directory $S: Permission denied" \
    setuidgid nobody "$TOP/readlog" -d "$S" "$D/mail.log"
else
  skip "sources of another account" "needs root and setuidgid"
fi
