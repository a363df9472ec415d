#!/bin/bash
# The time of a grant is the time written in the log line: multilog's
# TAI64N (daemontools' scale), RFC 3164 syslog, ISO 8601 (rsyslog's file
# format), Dovecot's log_timestamp; the time of reading only for a line
# with no stamp.  A grant lasts exactly the grace period from it, and a
# log replayed a day later grants nothing.
. "$(dirname "$0")/lib.sh"

store() { "$TOP/tests/storetool" "$@"; }
grace=600
now=$(date +%s)
t=$((now - 5))       # a few seconds ago: not the time readlog reads it
old=$((t - 86400))   # a day before

tai() { printf '@%016x%08x' $(( (1 << 62) + 10 + $1 )) 123456789; }
lines() {  # lines TIME NET: one login line per stamp kind, addresses NET.1 to NET.4
  local u=$1 net=$2
  echo "$(tai "$u") pop3-login: Info: Login: user=<tai>, method=PLAIN, rip=$net.1, lip=127.0.0.1, mpid=1, session=<a>"
  echo "$(date -d "@$u" '+%b %e %H:%M:%S') mailhost dovecot: pop3-login: Login: user=<bsd>, method=PLAIN, rip=$net.2, lip=127.0.0.1, mpid=2, session=<b>"
  echo "$(date -d "@$u" '+%Y-%m-%dT%H:%M:%S.123456%:z') mailhost dovecot: imap-login: Login: user=<iso>, method=PLAIN, rip=$net.3, lip=127.0.0.1, mpid=3, session=<c>"
  echo "$(date -d "@$u" '+%b %d %H:%M:%S') imap-login: Info: Login: user=<own>, method=PLAIN, rip=$net.4, lip=127.0.0.1, mpid=4, session=<d>"
}
logintime() { store scan "$S" | sed -n "s/^$1 login=\\([0-9]*\\) .*/\\1/p"; }
allowed() { store lookup "$S" "$1" "$2" > /dev/null && echo allowed || echo denied; }

S=$(newstate)
echo $grace > "$S/grace"
lines $old 10.43.1 > "$T/old.log"
lines $t 10.43.2 > "$T/new.log"

# the same log, replayed a day later
readlog -n -1 "$T/old.log" > "$T/dry" 2> /dev/null
readlog -1 -d "$S" "$T/old.log" 2> "$T/err"
checkgrep "a day-old log is read" '^readlog: info: lines 4 logins 4 ' "$T/err"
for k in 1 2 3 4; do
  what=$(echo "tai64n rfc3164 iso8601 dovecot" | cut -d' ' -f$k)
  check "replayed a day later ($what): the grant's time is the line's (-n)" "10.43.1.$k $old" "$(sed -n ${k}p "$T/dry" | cut -d' ' -f3,4)"
  check "replayed a day later ($what): grants nothing now" denied "$(allowed 10.43.1.$k now)"
done

# lines stamped now
readlog -1 -d "$S" "$T/new.log" 2> "$T/err"
for k in 1 2 3 4; do
  what=$(echo "tai64n rfc3164 iso8601 dovecot" | cut -d' ' -f$k)
  check "$what line stamped now: the grant's time is the line's" "$t" "$(logintime 10.43.2.$k)"
  check "$what line: allowed at time + grace - 1" allowed "$(allowed 10.43.2.$k $((t + grace - 1)))"
  check "$what line: denied at time + grace + 1" denied "$(allowed 10.43.2.$k $((t + grace + 1)))"
done

# a line with no stamp gets the time it was read
S=$(newstate)
before=$(date +%s)
echo "pop3-login: Info: Login: user=<nostamp>, method=PLAIN, rip=10.43.3.1, lip=127.0.0.1, mpid=5, session=<e>" |
  readlog -d "$S" - 2> /dev/null
after=$(date +%s)
lt=$(logintime 10.43.3.1)
[ -n "$lt" ] && [ "$lt" -ge "$before" ] && [ "$lt" -le "$after" ] &&
  ok "a line without a stamp: the time it was read ($lt)" || notok "no-stamp line recorded at '$lt', not in $before..$after"

# -g: grants written with their own duration
S=$(newstate)
lines $t 10.43.4 | readlog -s 60 -d "$S" - 2> /dev/null
check "-g 60: allowed at time + 59" allowed "$(allowed 10.43.4.1 $((t + 59)))"
check "-g 60: denied at time + 61" denied "$(allowed 10.43.4.1 $((t + 61)))"

# a stamp in the future is not trusted beyond now
S=$(newstate)
lines $((now + 86400 * 2)) 10.43.5 | sed -n 1p | readlog -d "$S" - 2> /dev/null
lt=$(logintime 10.43.5.1)
[ -n "$lt" ] && [ "$lt" -le "$(date +%s)" ] && ok "a tai64n stamp two days ahead is recorded at most at now" ||
  notok "future stamp recorded at '$lt'"
