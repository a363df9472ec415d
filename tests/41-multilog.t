#!/bin/bash
# readlog following a real multilog (daemontools, t s4096 n5) run by a
# real supervise under svscan, fed Dovecot login lines (one address per
# line).  Reader A runs throughout; reader B is killed with SIGKILL in
# the middle, stays down through several rotations, and is restarted.
# Both must end with exactly the grants of every line written.
. "$(dirname "$0")/lib.sh"

for c in svscan supervise multilog svok; do
  needcmd $c || { skip "readlog follows multilog" "$c is not installed (daemontools)"; exit 0; }
done

mkdir -p "$T/svc/feed/log"
mkfifo "$T/fifo"
# the feeder: for each number N read from the fifo, N login lines.
# multilog t s4096 ends a file at the first line end after 2096 bytes:
# about 18 of these lines a file, and n5 keeps 4 files besides current,
# so a reader down for less than 72 lines loses nothing.
cat > "$T/feed" <<'EOF'
#!/bin/bash
exec 3<>"$1"
i=0
while read -r n <&3; do
  for ((k = 0; k < n; k++)); do
    i=$((i + 1))
    echo "pop3-login: Info: Login: user=<u$i>, method=PLAIN, rip=10.41.$((i / 256)).$((i % 256)), lip=127.0.0.1"
  done
  echo $i > "$2.tmp" && mv "$2.tmp" "$2"
done
EOF
chmod 755 "$T/feed"
printf '#!/bin/sh\nexec 2>&1\nexec %s %s %s\n' "$T/feed" "$T/fifo" "$T/written" > "$T/svc/feed/run"
printf '#!/bin/sh\nexec multilog t s4096 n5 ./main\n' > "$T/svc/feed/log/run"
chmod 755 "$T/svc/feed/run" "$T/svc/feed/log/run"

svscan "$T/svc" > "$T/svscan.log" 2>&1 &
svscanpid=$!
on_exit "svc -dx $T/svc/feed $T/svc/feed/log 2>/dev/null; kill $svscanpid 2>/dev/null; sleep 0.5"
main="$T/svc/feed/log/main"
waitfor 10 test -f "$main/current" && ok "multilog runs under supervise" ||
  { notok "multilog did not start" "$(cat "$T/svscan.log")"; exit 1; }

A=$(newstate) B=$(newstate)
readlog -v -d "$A" "$main" 2> "$T/a.err" & apid=$!
readlog -v -d "$B" "$main" 2> "$T/b1.err" & bpid=$!
on_exit "kill $apid $bpid 2>/dev/null"
# both read current before the first line is written: a reader that
# starts on a directory already rotated drops the first line of its
# oldest file (it may continue a line of a file multilog removed: 44-cut)
waitfor 10 grep -q 'reading current' "$T/a.err" && waitfor 10 grep -q 'reading current' "$T/b1.err" ||
  notok "A and B started" "$(cat "$T/a.err" "$T/b1.err")"

grants() { "$TOP/tests/storetool" scan "$1" 2>/dev/null | wc -l; }
has() { [ "$(grants "$1")" -ge "$2" ]; }
written() { [ "$(cat "$T/written" 2>/dev/null)" = "$1" ]; }
feed() { echo "$1" > "$T/fifo"; waitfor 10 written "$2"; }

feed 60 60
waitfor 10 has "$B" 60 && ok "B records the first 60 logins" || notok "B has $(grants "$B") grants, not 60"

# SIGKILL in the middle of a burst, then several rotations while B is down
echo 10 > "$T/fifo"
kill -9 $bpid
wait $bpid 2>/dev/null
waitfor 10 written 70
before=$(ls "$main" | grep -c '^@')
newest=$(ls "$main" | grep '^@' | tail -1)
feed 45 115
after=$(ls "$main" | grep -c '^@')
newer=$(ls "$main" | grep '^@' | awk -v n="$newest" '$0 > n' | wc -l)
rot=$(cat "$main"/@* "$main"/current | wc -l)
[ "$rot" -lt 115 ] && ok "multilog rotated and removed old files ($rot of 115 lines left)" ||
  notok "multilog kept everything: the test needs removals" "$(ls -l "$main")"
[ "$newer" -ge 2 ] && ok "several rotations happened while B was down ($newer)" || notok "$newer rotations while B was down" "$(ls -l "$main")"

# B reads these lines a second or more after they were written: the
# same login times as A's show they come from multilog's stamps
sleep 1.1
readlog -v -d "$B" "$main" 2> "$T/b2.err" & bpid=$!
on_exit "kill $bpid 2>/dev/null"
waitfor 15 has "$B" 115 && ok "B, restarted, catches up" || notok "B has $(grants "$B") grants, not 115" "$(cat "$T/b2.err")"
feed 45 160
waitfor 15 has "$A" 160 && ok "A records all 160 logins" || notok "A has $(grants "$A") grants, not 160"
waitfor 15 has "$B" 160 && ok "B, restarted, records all 160 logins" || notok "B has $(grants "$B") grants, not 160" "$(cat "$T/b2.err")"
checkgrep "B resumed in a rotated file" 'info: .*: resuming in @[0-9a-f]{24}\.[su]$' "$T/b2.err"

kill $apid $bpid; wait $apid $bpid 2>/dev/null
"$TOP/tests/storetool" scan "$A" | sort > "$T/a.scan"
"$TOP/tests/storetool" scan "$B" | sort > "$T/b.scan"
seq 1 160 | awk '{ printf "10.41.%d.%d\n", int($1 / 256), $1 % 256 }' | sort > "$T/want"
check "A's grants are exactly the 160 addresses written" "" "$(cut -d' ' -f1 "$T/a.scan" | sort | diff - "$T/want")"
check "B's grants are A's addresses: nothing missing, nothing extra" "" "$(diff <(cut -d' ' -f1 "$T/a.scan") <(cut -d' ' -f1 "$T/b.scan"))"
# The login times are the lines' multilog stamps.  The store clamps a
# time later than its time(2) to it, and time(2) (the kernel's coarse
# clock) can be a few milliseconds behind the gettimeofday(2) multilog
# stamped with, so a line read at once may be recorded one second
# earlier: allow that one second, no more.
check "B's login times are A's (to the second)" "" "$(join "$T/a.scan" "$T/b.scan" | awk '{ a = substr($2, 7); b = substr($5, 7); if (a - b > 1 || b - a > 1) print }')"
checkgrep "A reports its counters at exit" '^readlog: info: lines 160 logins 160 skipped: toolong 0 cut 0 refused 0 nologin 0$' "$T/a.err"
