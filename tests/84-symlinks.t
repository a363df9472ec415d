#!/bin/bash
# Root writes into directories another account owns (the state
# directory): every name a writer creates there is first found holding a
# symlink to a victim file outside, planted by that account; the victim
# must stay as it was, and the writer must either succeed without
# following the link (the link is replaced by a file of its own) or
# refuse with one clear line.  Writers: readlog's cursor and pending
# connections, relayexport's
# cdb, rules source and tcprules' temp file, the state library's
# journal, snapshot.tmp and lock (doc/threat.html).
. "$(dirname "$0")/lib.sh"
isroot || { skip "symlinks planted for root" "needs root: root is who must not follow them"; exit 0; }

V="$T/victims"; mkdir -m 755 "$V"
# plant NAME...: a symlink at each NAME to its own victim file, which holds "precious"
plant() { local n; for n in "$@"; do v="$V/$(echo "$n" | tr / _)"; echo precious > "$v"; rm -f "$n"; ln -s "$v" "$n"; done; }
# victims: every victim still says "precious", and nothing else
victims() {
  local v bad=""
  for v in "$V"/*; do echo precious | cmp -s - "$v" || bad="$bad $(basename "$v")"; done
  if [ -z "$bad" ]; then ok "$1: every victim untouched"; else notok "$1: victims written:$bad"; fi
}
regular() { if [ -f "$2" ] && ! [ -L "$2" ]; then ok "$1"; else notok "$1" "$(ls -l "$2" 2>&1)"; fi; }

login() {
  echo "$(date '+%b %d %H:%M:%S') pop3-login: Info: Login: user=<$2>, method=PLAIN, rip=$1, lip=127.0.0.1, mpid=7, session=<x>"
}

echo '--- readlog: cursor.XXXXXXXX.tmp and cursor.XXXXXXXX'
S=$(newstate)
login 127.0.0.71 alice > "$T/log"
readlog -1 -d "$S" "$T/log" 2> "$T/err" || notok "readlog ran" "$(cat "$T/err")"
c=$(cd "$S" && ls cursor.* 2>/dev/null | grep -v '\.tmp$' | head -1)
if [ -z "$c" ]; then
  notok "readlog wrote a cursor" "$(ls -l "$S")"
else
  plant "$S/$c.tmp" "$S/$c"
  login 127.0.0.72 bob >> "$T/log"
  checkrun "readlog with a cursor and its temp file planted: exit 0" 0 'readlog: info: .*' readlog -1 -d "$S" "$T/log"
  victims "readlog"
  regular "readlog: the cursor is a file of its own now" "$S/$c"
  check "readlog: no temp file left" "" "$(ls "$S" | grep '\.tmp$')"
  check "readlog: the new login was granted" 1 "$(grep -c ' 127\.0\.0\.72 ' "$S/journal")"
fi

echo '--- readlog: pending.XXXXXXXX.tmp and pending.XXXXXXXX (the pending joins)'
S=$(newstate)
echo "tcpserver: ok 4242 mail:127.0.0.1:110 :127.0.0.74::51000" > "$T/tcp.log"
readlog -1 -d "$S" "$T/tcp.log" 2> "$T/err" || notok "readlog ran" "$(cat "$T/err")"
p=$(cd "$S" && ls pending.* 2>/dev/null | grep -v '\.tmp$' | head -1)
if [ -z "$p" ]; then
  notok "readlog saved its pending connections" "$(ls -l "$S")"
else
  rm -f "$V"/*
  plant "$S/$p.tmp" "$S/$p"
  echo "tcpserver: ok 4243 mail:127.0.0.1:110 :127.0.0.75::51001" >> "$T/tcp.log"
  run readlog -1 -d "$S" "$T/tcp.log"
  check "readlog with the pending table and its temp file planted: exit 0, and it says it starts without the table" \
    "0 readlog: warning: unable to read $S/$p: it is a symbolic link: starting without the pending connections" \
    "$rc $(grep -v '^readlog: info: ' "$T/err")"
  victims "readlog's pending table"
  regular "readlog: the pending table is a file of its own now" "$S/$p"
  check "readlog: no temp file left beside it" "" "$(ls "$S" | grep '\.tmp$')"
fi

echo '--- relayexport -c: relay.cdb.tmp and relay.cdb'
rm -f "$V"/*
relaygrant -d "$S" 127.0.0.73
plant "$S/relay.cdb.tmp" "$S/relay.cdb"
checkrun "relayexport -1 -c with both planted: exit 0" 0 '' relayexport -1 -d "$S" -c "$S/relay.cdb"
victims "relayexport -c"
regular "relayexport: relay.cdb is a file of its own" "$S/relay.cdb"
check "relayexport: no temp file left" "" "$(ls "$S" | grep '\.tmp$')"

echo '--- relayexport -R -x: tcprules writes rules.cdb.tmp, relayexport rules.cdb.rules'
if ! needcmd tcprules; then
  skip "relayexport -R -x with planted links" "tcprules is not installed (ucspi-tcp)"
else
  rm -f "$V"/*
  R="$T/rules"; mkdir -m 755 "$R"
  echo '127.:allow' > "$R/tcp.smtp"
  plant "$R/tcp.smtp.cdb.tmp" "$R/tcp.smtp.cdb" "$R/tcp.smtp.cdb.rules" "$R/tcp.smtp.cdb.rules.tmp"
  checkrun "relayexport -R -x in root's directory, every name planted: exit 0" 0 '' \
    relayexport -1 -d "$S" -R "$R/tcp.smtp" -x "$R/tcp.smtp.cdb"
  victims "relayexport -R -x"
  regular "relayexport: tcp.smtp.cdb is a file of its own" "$R/tcp.smtp.cdb"
  regular "relayexport: tcp.smtp.cdb.rules is a file of its own" "$R/tcp.smtp.cdb.rules"
  # another account's directory: it could plant the link again while tcprules runs
  rm -f "$V"/*
  O="$T/other"; mkdir -m 755 "$O"; chown nobody "$O"
  echo '127.:allow' > "$O/tcp.smtp"
  plant "$O/tcp.smtp.cdb.tmp"
  checkrun "relayexport -R -x in another account's directory: refused, 100" 100 \
    "relayexport: fatal: unable to write $O/tcp.smtp.cdb: its directory may be written by another account, and tcprules would follow a link planted there" \
    relayexport -1 -d "$S" -R "$O/tcp.smtp" -x "$O/tcp.smtp.cdb"
  victims "relayexport -R -x, refused"
  G="$T/group"; mkdir -m 775 "$G"
  echo '127.:allow' > "$G/tcp.smtp"
  checkrun "relayexport -R -x in a group-writable directory: refused, 100" 100 \
    "relayexport: fatal: unable to write $G/tcp.smtp.cdb: its directory may be written by another account, .*" \
    relayexport -1 -d "$S" -R "$G/tcp.smtp" -x "$G/tcp.smtp.cdb"
fi

echo '--- the state library: journal, snapshot.tmp, lock'
rm -f "$V"/*
P=$(newstate); chown nobody "$P"
plant "$P/journal"
run relaygrant -d "$P" 127.0.0.74
check "relaygrant with a planted journal: refused, 111" 111 "$rc"
checkgrep "relaygrant says which file" "^relaygrant: fatal: .*$P/journal.*" "$T/err"
victims "relaygrant"
rm -f "$P/journal"
relaygrant -d "$P" 127.0.0.74 || notok "relaygrant without the link"
plant "$P/snapshot.tmp"
run "$TOP/tests/storetool" compact "$P" "$(date +%s)"
check "compaction with a planted snapshot.tmp: done" 0 "$rc"
victims "compaction, snapshot.tmp"
regular "compaction: snapshot.cdb is a file" "$P/snapshot.cdb"
rm -f "$V"/*
plant "$P/lock"
relaygrant -d "$P" 127.0.0.75
run "$TOP/tests/storetool" compact "$P" "$(date +%s)"
check "compaction with a planted lock: refused, 111" 111 "$rc"
victims "compaction, lock"
