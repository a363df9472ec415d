#!/bin/bash
# Faults: a full disk under readlog and compaction, unreadable or
# corrupt state under relaylock, garbage in the journal, a clock that
# jumps, a followed file deleted and re-created, readlog killed over
# and over by supervise, and readlog's main loop under valgrind.
. "$(dirname "$0")/lib.sh"

mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
SHOW='if [ "${RELAYCLIENT+x}" ]; then echo "set:$RELAYCLIENT"; else echo unset; fi'
rl() { env -u RELAYCLIENT -u PROTO TCPREMOTEIP=$1 relaylock -d "$2" sh -c "$SHOW"; }
now=$(date +%s)
# loginline N: a Dovecot login of 10.8.N/256.N%256 at the current time
loginline() { printf '%s mail dovecot: imap-login: Login: user=<u%s>, method=PLAIN, rip=10.8.%s.%s, lip=192.0.2.1, mpid=%s, secured, session=<S%s>\n' "$(date '+%b %e %H:%M:%S')" $1 $(($1 / 256)) $(($1 % 256)) $1 $1; }
# granted DIR N...: how many of the addresses 10.8.x.y of those N showallowed lists
granted() { local d=$1; shift; showallowed -d "$d" > "$T/sa" 2>/dev/null; local c=0; for n in "$@"; do grep -q "^10\.8\.$((n / 256))\.$((n % 256)) " "$T/sa" && c=$((c + 1)); done; echo $c; }

echo '--- disk full (a small tmpfs) under readlog and compaction'
m="$T/mnt"; mkdir "$m"
if isroot && mount -t tmpfs -o size=64k,mode=755 tmpfs "$m" 2>/dev/null; then
  on_exit "umount '$m' 2>/dev/null"
  d="$m/state"; mkdir -m 755 "$d"
  for i in $(seq 1 20); do loginline $i; done > "$T/log1"
  readlog -1 -d "$d" -F dovecot "$T/log1" 2>"$T/err"
  check "20 logins recorded with room to spare" 20 "$(granted "$d" $(seq 1 20))"
  head -c 100000 /dev/zero > "$m/filler" 2>/dev/null
  check "the disk is full" 0 "$(df --output=avail "$m" | tail -1 | tr -d ' ')"
  for i in $(seq 21 400); do loginline $i; done >> "$T/log1"
  run readlog -1 -d "$d" -F dovecot "$T/log1"
  check "readlog on a full disk: exit 111" 111 "$rc"
  checkgrep "with a clear error" "^readlog: fatal: unable to append to $d/journal: No space left on device" "$T/err"
  checkrun "the state is still readable (scan)" 0 '' storetool scan "$d"
  check "every grant acknowledged before is still there" 20 "$(granted "$d" $(seq 1 20))"
  run storetool compact "$d" $now
  check "compaction on a full disk fails (111)" 111 "$rc"
  checkgrep "with a clear error" "No space left on device" "$T/err"
  check "and leaves no snapshot.tmp" "" "$(ls "$d" | grep snapshot.tmp)"
  checkrun "the state is still readable after it" 0 '' storetool scan "$d"
  check "every acknowledged grant survived the failed compaction" 20 "$(granted "$d" $(seq 1 20))"
  rm -f "$m/filler"
  run readlog -1 -d "$d" -F dovecot "$T/log1"
  check "space back: readlog resumes (exit 0)" 0 "$rc"
  checkgrep "where it stopped: the 380 lines it had not recorded" "^readlog: info: lines 380 logins 380 " "$T/err"
  check "every login is recorded, none lost" 400 "$(granted "$d" $(seq 1 400))"
  checkrun "compaction works again" 0 '' storetool compact "$d" $now
  check "and keeps them all" 400 "$(granted "$d" $(seq 1 400))"
  umount "$m"
else
  skip "disk full" "needs root and a tmpfs mount"
fi

echo '--- unreadable or corrupt state under relaylock: mail still flows'
d=$(newstate)
relaygrant -d "$d" 192.0.2.7
storetool compact "$d" $now >/dev/null
head -c 3000 /dev/urandom > "$d/snapshot.cdb"
run rl 192.0.2.7 "$d"
check "garbage snapshot: relaylock runs the server, without RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"
checkgrep "and warns" "^relaylock: warning: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" "$T/err"
: > "$d/snapshot.cdb"
run rl 192.0.2.7 "$d"
check "empty snapshot: the server runs, no RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"
rm -f "$d/snapshot.cdb"; relaygrant -d "$d" 192.0.2.7
if isroot && needcmd setuidgid; then
  chmod 700 "$d"
  run env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.7 setuidgid nobody "$TOP/relaylock" -d "$d" sh -c "$SHOW"
  check "unreadable state directory: the server runs, no RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"
  checkgrep "and relaylock says it could not look" "^relaylock: warning: .*[Pp]ermission denied" "$T/err"
  chmod 755 "$d"; chmod 600 "$d/journal"
  run env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.7 setuidgid nobody "$TOP/relaylock" -d "$d" sh -c "$SHOW"
  check "unreadable journal: the server runs, no RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"
  chmod 644 "$d/journal"
else
  skip "unreadable state under relaylock" "needs root and setuidgid"
fi
rm -rf "$d"
run env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "missing state directory: the server runs, no RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"

echo '--- garbage appended to the journal'
d=$(newstate)
relaygrant -d "$d" 192.0.2.7
printf '+ 1 0 10.0.0.1 x y zzzzzzzz\n\0\0\377garbage without end' >> "$d/journal"
relaygrant -d "$d" 192.0.2.8
check "a grant glued to the garbage is found" "set: set:" "$(rl 192.0.2.7 "$d" 2>&1) $(rl 192.0.2.8 "$d" 2>&1)"
check "the garbage grants nothing" "unset" "$(rl 10.0.0.1 "$d" 2>&1)"
checkrun "compaction folds around the garbage" 0 '' storetool compact "$d" $now
check "both grants survive it" "set: set:" "$(rl 192.0.2.7 "$d" 2>&1) $(rl 192.0.2.8 "$d" 2>&1)"

echo '--- the clock jumps'
if needcmd faketime && [ "$(faketime '+1 day' date +%s 2>/dev/null)" -gt $((now + 80000)) ]; then
  d=$(newstate)
  faketime '+1 day' relaygrant -d "$d" 192.0.2.7
  run rl 192.0.2.7 "$d"
  check "a grant written a day ahead (a writer's clock ran fast) is not eternal: ignored now" "unset" "$(cat "$T/out")"
  relaygrant -d "$d" 192.0.2.8
  check "a grant written now, read with the clock an hour back: in its future, ignored" "unset" "$(faketime '-1 hour' env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.8 relaylock -d "$d" sh -c "$SHOW" 2>/dev/null)"
  check "... but within 300 s of skew it counts" "set:" "$(faketime '-2 minutes' env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.8 relaylock -d "$d" sh -c "$SHOW" 2>/dev/null)"
  check "the clock jumps forward past the grace: the grant is over" "unset" "$(faketime '+31 minutes' env -u RELAYCLIENT -u PROTO TCPREMOTEIP=192.0.2.8 relaylock -d "$d" sh -c "$SHOW" 2>/dev/null)"
  loginline 1 > "$T/future.log"
  sed -i "s/^.\{15\}/$(date -d '+3 hours' '+%b %e %H:%M:%S')/" "$T/future.log"
  readlog -1 -d "$d" -F dovecot "$T/future.log" 2>/dev/null
  check "a log line stamped 3 h ahead is clamped to the writer's clock" "set:" "$(rl 10.8.0.1 "$d" 2>/dev/null)"
  check "so it ends a grace after now, not after the stamp" "unset" "$(faketime '+31 minutes' env -u RELAYCLIENT -u PROTO TCPREMOTEIP=10.8.0.1 relaylock -d "$d" sh -c "$SHOW" 2>/dev/null)"
  faketime '-2 days' storetool compact "$d" now >/dev/null 2>&1
  check "a compaction run with the clock two days back loses no current grant" "set:" "$(rl 192.0.2.8 "$d" 2>/dev/null)"
else
  skip "the clock jumps" "faketime does not work here (apt package faketime)"
fi

echo '--- a followed file deleted and re-created'
d=$(newstate); f="$T/follow.log"
loginline 1 > "$f"
readlog -d "$d" -F dovecot "$f" 2>"$T/rl.err" & rpid=$!
on_exit "kill $rpid 2>/dev/null"
waitfor 10 test "$(granted "$d" 1)" = 1; check "the first login is read" 1 "$(granted "$d" 1)"
rm "$f"; sleep 0.3
loginline 2 > "$f"
waitfor 10 test "$(granted "$d" 2)" = 1; check "after the file is deleted and re-created, its new login is read" 1 "$(granted "$d" 2)"
mv "$f" "$f.1"; loginline 3 >> "$f.1"; loginline 4 > "$f"
waitfor 10 test "$(granted "$d" 3 4)" = 2; check "a rename with a line written late, then a new file: both read" 2 "$(granted "$d" 3 4)"
kill $rpid; wait $rpid 2>/dev/null

echo '--- supervise restarting readlog in a tight loop'
if needcmd supervise && needcmd svc && needcmd svok; then
  d=$(newstate); f="$T/sv.log"; : > "$f"
  s="$T/svc"; mkdir "$s"
  printf '#!/bin/sh\nexec %s -d %s -F dovecot %s 2>>%s\n' "$TOP/readlog" "$d" "$f" "$T/sv.err" > "$s/run"; chmod 755 "$s/run"
  supervise "$s" & spid=$!
  on_exit "svc -dx '$s' 2>/dev/null; kill $spid 2>/dev/null"
  waitfor 10 svok "$s"
  for i in $(seq 1 150); do
    loginline $i >> "$f"
    [ $((i % 3)) = 0 ] && svc -k "$s"
  done
  waitfor 30 test "$(granted "$d" $(seq 1 150))" = 150
  check "150 logins written while readlog was killed 50 times: all recorded" 150 "$(granted "$d" $(seq 1 150))"
  check "each address once in the state" 150 "$(storetool scan "$d" | grep -c '^10\.8\.')"
  svc -dx "$s"; wait $spid 2>/dev/null
else
  skip "supervise restarting readlog" "daemontools is not installed"
fi

echo "--- readlog's main loop under valgrind"
if needcmd valgrind; then
  d=$(newstate); f="$T/vg.log"
  for i in $(seq 1 50); do loginline $i; done > "$f"
  valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    "$TOP/readlog" -d "$d" -F dovecot "$f" 2> "$T/vg.err" & vpid=$!
  on_exit "kill $vpid 2>/dev/null"
  waitfor 30 test "$(granted "$d" $(seq 1 50))" = 50
  for i in $(seq 51 60); do loginline $i >> "$f"; sleep 0.05; done
  mv "$f" "$f.1"; loginline 61 > "$f"
  waitfor 30 test "$(granted "$d" $(seq 1 61))" = 61
  check "readlog under valgrind reads, follows a rotation" 61 "$(granted "$d" $(seq 1 61))"
  kill -TERM $vpid; wait $vpid; rc=$?
  check "and stops on SIGTERM with no memory error and no leak (valgrind exit $rc)" 0 "$rc"
  [ $rc = 0 ] || sed 's/^/#   /' "$T/vg.err" | head -20
else
  skip "readlog under valgrind" "valgrind is not installed"
fi
