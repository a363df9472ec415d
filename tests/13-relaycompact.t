#!/bin/bash
# relaycompact by hand (what it keeps and drops, the lock held, a bad
# grace, a directory it cannot write, its usage), and readlog running it
# when a compaction is due (and readlog without it in PATH).
. "$(dirname "$0")/lib.sh"

for p in relaycompact readlog; do [ -x "$TOP/$p" ] || { notok "$p is not built"; exit 1; }; done
store() { "$TOP/tests/storetool" "$@"; }
now=$(date +%s)

# --- by hand: the journal folded into the snapshot, what is over dropped
d=$(newstate)
store append "$d" + $((now - 100)) 0 192.0.2.7 dovecot/imap alice
store append "$d" + $((now - 7200)) 0 192.0.2.8 dovecot/imap old
store append "$d" + $((now - 50)) 600 192.0.2.9 relaygrant -
checkrun "relaycompact -v: compacted, said on stderr, exit 0" 0 "relaycompact: info: compacted $d" relaycompact -v -d "$d"
check "the journal is empty after it" 0 "$(stat -c %s "$d/journal" 2>/dev/null || echo 0)"
check "the snapshot is there" yes "$([ -s "$d/snapshot.cdb" ] && echo yes)"
check "what is still allowed is kept, the grant that is over dropped" \
  "192.0.2.7 login=$((now - 100)) timed=- revoke=-
192.0.2.9 login=- timed=$((now - 50))+600 revoke=-" "$(store scan "$d" | sort)"
checkrun "without -v: nothing said" 0 '' relaycompact -d "$d"

# --- the lock held: nothing done, exit 0
if needcmd flock; then
  flock "$d/lock" sleep 3 & lockpid=$!
  on_exit "kill $lockpid 2>/dev/null"
  waitfor 2 sh -c "! flock -n '$d/lock' true"
  store append "$d" + $now 0 192.0.2.10 dovecot/imap bob
  checkrun "the lock held by another: relaycompact -v says so, exit 0, does not wait" 0 \
    "relaycompact: info: another compactor holds $d/lock: nothing done" timeout 2 relaycompact -v -d "$d"
  check "the lock held: the journal is left as it was" 1 "$(grep -c ' 192.0.2.10 ' "$d/journal")"
  kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null
else
  skip "relaycompact with the lock held" "flock(1) is not installed"
fi

# --- a bad grace: a warning, the default used
echo 12x > "$d/grace"
checkrun "a bad grace: a warning naming the file and the effect, exit 0" 0 \
  "relaycompact: warning: unable to read $d/grace: it is not a number of seconds up to 31622400: \"12x\": relaycompact compacts with the default of 1800 seconds, relaylock lets no login relay until it is fixed" \
  relaycompact -d "$d"
rm -f "$d/grace"

# --- a directory it cannot use
checkrun "a missing directory: exit 111, said" 111 "relaycompact: fatal: unable to .*$T/nonexistent.*" relaycompact -d "$T/nonexistent"
if isroot && needcmd setpriv; then
  r=$(newstate); store append "$r" + $now 0 192.0.2.11 dovecot/imap carol
  checkrun "a directory it may not write (as nobody): exit 111, said" 111 "relaycompact: fatal: unable to .*$r.*" \
    setpriv --reuid=65534 --regid=65534 --clear-groups "$TOP/relaycompact" -d "$r"
else
  skip "relaycompact in a directory it may not write" "needs root and setpriv"
fi

# --- usage
checkrun "an argument: usage error, exit 100" 100 \
  'relaycompact: fatal: unexpected argument: x
relaycompact: usage: relaycompact \[ -v \] \[ -d dir \]' relaycompact x

# --- readlog runs it when a compaction is due (journalmax 100 bytes)
login() {  # a Dovecot log_path line stamped now
  echo "$(date '+%b %d %H:%M:%S') pop3-login: Info: Login: user=<$2>, method=PLAIN, rip=$1, lip=127.0.0.1, mpid=7, session=<x>"
}
d=$(newstate)
echo 100 > "$d/journalmax"
for i in 1 2 3 4 5; do login 127.0.13.$i u$i; done > "$T/log"
checkrun "readlog -1 with a small journalmax: exit 0, nothing said of the compaction" 0 \
  'readlog: info: lines 5 logins 5 skipped: toolong 0 cut 0 refused 0 nologin 0' readlog -1 -d "$d" "$T/log"
check "readlog ran relaycompact: the snapshot holds the logins" \
  "127.0.13.1 127.0.13.2 127.0.13.3 127.0.13.4 127.0.13.5" "$(store scan "$d" | cut -d' ' -f1 | sort | tr '\n' ' ' | sed 's/ $//')"
check "readlog ran relaycompact: the snapshot is there" yes "$([ -s "$d/snapshot.cdb" ] && echo yes)"

# --- readlog without relaycompact in PATH: a warning, the logins kept
mkdir "$T/norc"
ln -s "$TOP/readlog" "$T/norc/"
d=$(newstate)
echo 100 > "$d/journalmax"
checkrun "readlog without relaycompact: the warning, exit 0" 0 \
  "readlog: warning: unable to run relaycompact -d $d: the journal is not compacted: No such file or directory
readlog: info: lines 5 logins 5 skipped: toolong 0 cut 0 refused 0 nologin 0" \
  env PATH="$T/norc:/usr/bin:/bin" readlog -1 -d "$d" "$T/log"
check "readlog without relaycompact: the logins are in the journal" 5 "$(grep -c ' 127.0.13.' "$d/journal")"
check "readlog without relaycompact: no snapshot" no "$([ -e "$d/snapshot.cdb" ] && echo yes || echo no)"

# --- readlog run by its path runs the relaycompact beside it, PATH or not
d=$(newstate)
echo 100 > "$d/journalmax"
checkrun "readlog run by its path, no relaycompact in PATH: exit 0, nothing said of the compaction" 0 \
  'readlog: info: lines 5 logins 5 skipped: toolong 0 cut 0 refused 0 nologin 0' \
  env PATH=/usr/bin:/bin "$TOP/readlog" -1 -d "$d" "$T/log"
check "readlog run by its path: the relaycompact beside it compacted" yes "$([ -s "$d/snapshot.cdb" ] && echo yes)"
mkdir "$T/alone"; cp "$TOP/readlog" "$T/alone/"
d=$(newstate)
echo 100 > "$d/journalmax"
checkrun "readlog run by a path with no relaycompact beside it: the warning names the one it tried" 0 \
  "readlog: warning: unable to run $T/alone/relaycompact -d $d: the journal is not compacted: No such file or directory
readlog: info: lines 5 logins 5 skipped: toolong 0 cut 0 refused 0 nologin 0" \
  "$T/alone/readlog" -1 -d "$d" "$T/log"
