#!/bin/bash
# kill -9 of the compactor at random moments, many times, while writers
# append: the state stays readable (no EPROTO) and complete.  Then the
# states a crash can leave between two steps, made by hand.
. "$(dirname "$0")/lib.sh"

S=storetool
[ -x "$TOP/tests/storetool" ] || { notok "tests/storetool is not built"; exit 1; }
# a private copy: a rebuild during the test must not pull it away
mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
ROUNDS=${CRASH_ROUNDS:-80}

d=$(newstate)
# a snapshot big enough that a compaction takes tens of milliseconds
$S hammer "$d" 200 40000 "$T/ack.prefill" 1000
$S compact "$d" now >/dev/null
check "prefilled snapshot" "40000" "$($S scan "$d" | wc -l)"

wpids=""
for w in 1 2 3 4; do
  $S hammer "$d" $w 30000 "$T/ack.$w" 3 > "$T/writer.$w" 2>&1 &
  wpids="$wpids $!"
done
on_exit "kill $wpids 2>/dev/null"

bad=0 midway=0 lookups=0
for i in $(seq 1 $ROUNDS); do
  $S compact "$d" now > /dev/null 2>&1 &
  cp=$!
  sleep "0.0$(( RANDOM % 60 ))"
  kill -9 $cp 2>/dev/null
  wait $cp 2>/dev/null
  if [ -e "$d/journal.old" ] || [ -e "$d/snapshot.tmp" ]; then midway=$((midway + 1)); fi
  # an acknowledged grant, and one from the snapshot, must both be found
  for f in "$T/ack.$(( RANDOM % 4 + 1 ))" "$T/ack.prefill"; do
    a=$(tail -1 "$f" 2>/dev/null)
    [ -n "$a" ] || continue
    lookups=$((lookups + 1))
    if ! $S lookup "$d" "$a" now > "$T/l.out" 2> "$T/l.err"; then
      bad=$((bad + 1))
      notok "round $i: lookup of acknowledged $a" "$(cat "$T/l.out" "$T/l.err")"
    fi
  done
done
check "$lookups lookups after $ROUNDS kills -9 of the compactor: all found, none failed" "0" "$bad"
check "some kills left a compaction midway ($midway of $ROUNDS)" "yes" "$([ $midway -gt 0 ] && echo yes || echo no)"

wfail=0
for p in $wpids; do wait $p || wfail=$((wfail + 1)); done
check "the writers never failed" "0" "$wfail"

checkrun "scan of the state the crashes left" 0 '' $S scan "$d"
cut -d' ' -f1 "$T/out" | sort > "$T/scanned"
cat "$T"/ack.* | sort > "$T/acked"
check "every acknowledged grant is there ($(wc -l < "$T/acked"))" "" "$(comm -23 "$T/acked" "$T/scanned" | head -5)"
checkrun "a compaction that is left to finish" 0 '' $S compact "$d" now
check "it completes" "compacted" "$(cat "$T/out")"
check "and cleans the leftovers" "" "$(ls "$d" | grep -E '^(journal\.old|snapshot\.tmp)$')"
$S scan "$d" | cut -d' ' -f1 | sort > "$T/scanned"
check "every acknowledged grant is still there, in the snapshot" "" "$(comm -3 "$T/acked" "$T/scanned" | head -5)"

# --- a crash at every step in turn (POPLOCK_CRASH_AT=N: SIGKILL at the Nth step)
d=$(newstate)
now=$(date +%s)
$S hammer "$d" 150 300 "$T/step.ack" 50
$S compact "$d" now >/dev/null
n=0 stepbad=0 died=0
while :; do
  n=$((n + 1))
  [ $n -le 40 ] || { notok "the compactor still dies at step 40"; break; }
  $S hammer "$d" $((150 + n)) 40 "$T/step.ack" 3
  # leftovers of the last crash make a run longer: both kinds of run are tried
  ( POPLOCK_CRASH_AT=$n $S compact "$d" now > "$T/c.out"; echo $? > "$T/c.rc" ) 2>/dev/null
  rc=$(cat "$T/c.rc")
  if [ $rc = 137 ] || [ $rc = 265 ]; then died=$((died + 1)); fi
  $S scan "$d" > "$T/scan.out" 2> "$T/scan.err" || { stepbad=$((stepbad + 1)); notok "scan after a crash at step $n" "$(cat "$T/scan.err")"; }
  if [ -n "$(comm -23 <(sort "$T/step.ack") <(cut -d' ' -f1 "$T/scan.out" | sort))" ]; then
    stepbad=$((stepbad + 1)); notok "after a crash at step $n, grants are missing"
  fi
  a=$(shuf -n 1 "$T/step.ack")
  $S lookup "$d" "$a" now >/dev/null 2>&1 || { stepbad=$((stepbad + 1)); notok "after a crash at step $n, lookup of $a"; }
  [ $rc = 0 ] && [ "$(cat "$T/c.out")" = compacted ] && break
done
check "a crash at each of the $died steps of a compaction loses nothing" "0" "$stepbad"
check "the compactor has steps to crash at" "yes" "$([ $died -ge 8 ] && echo yes || echo "no: $died")"
check "after the last run no leftover" "" "$(ls "$d" | grep -E '^(journal\.old|snapshot\.tmp)$')"
for p in readlog relaylock relaygrant relayrevoke showallowed relaypolicy relayexport; do
  check "$p has no crash hook (only the test tools are built with one)" "0" "$(grep -ac POPLOCK_CRASH_AT "$TOP/$p")"
done

# --- each state between two steps of a compaction, by hand
now=$(date +%s)
d=$(newstate)
$S append "$d" + $((now - 10)) 0 192.0.2.1 dovecot/imap a
$S compact "$d" $now >/dev/null
$S append "$d" + $((now - 10)) 0 192.0.2.2 dovecot/imap b
# died after the rename of the journal, before the new snapshot
mv "$d/journal" "$d/journal.old"
head -c 5000 /dev/urandom > "$d/snapshot.tmp"
$S append "$d" + $((now - 10)) 0 192.0.2.3 dovecot/imap c
for a in 192.0.2.1 192.0.2.2 192.0.2.3; do
  checkrun "died before the new snapshot: $a found (snapshot, journal.old, journal)" 0 '' $S lookup "$d" $a $now
done
cp "$d/journal.old" "$T/jold"
$S compact "$d" $now >/dev/null
check "the next compaction folds the leftover journal.old and removes the temp file" "lock snapshot.cdb" "$(ls "$d" | xargs)"
check "all three in the state" "192.0.2.1 192.0.2.2 192.0.2.3" "$($S scan "$d" | cut -d' ' -f1 | sort | xargs)"
# died after the new snapshot, before the unlink of journal.old
cp "$T/jold" "$d/journal.old"
checkrun "died before the unlink: records in two places are read once" 0 '' $S scan "$d"
check "the scan has no duplicate" "192.0.2.1 192.0.2.2 192.0.2.3" "$(cut -d' ' -f1 "$T/out" | sort | xargs)"
$S compact "$d" $now >/dev/null
check "and the next compaction cleans up" "no" "$([ -e "$d/journal.old" ] && echo yes || echo no)"
# died while writing a record: a torn tail, then more appends
printf '+ %s 0 192.0.2.4 dove' $now >> "$d/journal"
$S append "$d" + $((now - 5)) 0 192.0.2.5 dovecot/imap e
$S compact "$d" $now >/dev/null
check "a torn append is dropped, the next one kept" "192.0.2.1 192.0.2.2 192.0.2.3 192.0.2.5" "$($S scan "$d" | cut -d' ' -f1 | sort | xargs)"

echo '--- kill -9 of readlog catching up on a backlog, many times'
# a 32 MB syslog, one line in three a Dovecot login from its own address,
# stamped now: more than readlog takes in one step, so it commits by
# batches and lets the journal grow before it compacts
stamp=$(date '+%b %e %H:%M:%S')
awk -v s="$stamp" 'BEGIN {
  for (i = 0 ; i < 240000 ; i++)
    if (i % 3 == 0) printf "%s mail dovecot: imap-login: Login: user=<u%d>, method=PLAIN, rip=10.%d.%d.%d, lip=10.0.0.1, mpid=%d, session=<abcdefgh%d>\n", s, i, int(i / 65536) % 256, int(i / 256) % 256, i % 256, i, i
    else printf "%s mail postfix/smtpd[%d]: connect from unknown[192.0.2.%d] with some padding to make the line as long as a real one\n", s, i, i % 256
}' > "$T/backlog.log"
ref=$(newstate)
readlog -1 -d "$ref" "$T/backlog.log" 2>/dev/null
grants() { showallowed -m -d "$1" | cut -f1,3 | sort; }
grants "$ref" > "$T/ref.grants"
check "one uninterrupted run grants the 80000 addresses" 80000 "$(wc -l < "$T/ref.grants")"
st=$(newstate)
killed=0
for i in 1 2 3 4 5 6 7 8; do
  readlog -1 -d "$st" "$T/backlog.log" 2>/dev/null &
  rp=$!
  sleep "0.0$(( RANDOM % 8 + 1 ))"
  kill -9 $rp 2>/dev/null && killed=$((killed + 1))
  wait $rp 2>/dev/null
done
readlog -1 -d "$st" "$T/backlog.log" 2>/dev/null
grants "$st" > "$T/st.grants"
if cmp -s "$T/ref.grants" "$T/st.grants"; then ok "killed $killed times while catching up, then run to the end: the same grants (address and login time) as one run"
else notok "the same grants as one run after $killed kills" "$(diff "$T/ref.grants" "$T/st.grants" | head -10)"; fi
