#!/bin/bash
# Many writers, a compactor running in a loop and readers looking up all
# the time: afterwards every grant is there, and no reader ever missed a
# grant whose append had returned before its lookup began.
. "$(dirname "$0")/lib.sh"

S=storetool
[ -x "$TOP/tests/storetool" ] || { notok "tests/storetool is not built"; exit 1; }
# a private copy: a rebuild during the test must not pull it away
mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
WRITERS=8 COUNT=${STORE_COUNT:-12000} READERS=3 READSECS=8

d=$(newstate)
acks=""
for w in $(seq 1 $WRITERS); do acks="$acks $T/ack.$w"; done

# the compactor: over and over until told to stop
( n=0; while [ ! -e "$T/stop" ]; do
    if $S compact "$d" now > "$T/c.out" 2>> "$T/c.err"; then
      [ "$(cat "$T/c.out")" = compacted ] && n=$((n + 1))
    else echo "compaction failed" >> "$T/c.err"; fi
  done; echo $n > "$T/compactions" ) &
cpid=$!
on_exit "touch '$T/stop'; kill $cpid 2>/dev/null"

rpids=""
for r in $(seq 1 $READERS); do
  $S reader "$d" $READSECS $acks > "$T/reader.$r" 2>&1 &
  rpids="$rpids $!"
done
on_exit "kill $rpids 2>/dev/null"

wpids=""
for w in $(seq 1 $WRITERS); do
  # the first half one record per append, the rest in batches of 7
  ( $S hammer "$d" $w $((COUNT / 2)) "$T/ack.$w" && $S hammer "$d" $((w + 100)) $((COUNT / 2)) "$T/ack.$w" 7 ) > "$T/writer.$w" 2>&1 &
  wpids="$wpids $!"
done
on_exit "kill $wpids 2>/dev/null"

wfail=0
for p in $wpids; do wait $p || wfail=$((wfail + 1)); done
check "$WRITERS writers appended $COUNT grants each without error" "0" "$wfail"
for r in $(seq 1 $READERS); do wait $(echo $rpids | cut -d' ' -f$r); echo $? > "$T/reader.$r.rc"; done
for r in $(seq 1 $READERS); do
  check "reader $r: no acknowledged grant missed, no lookup error" "0" "$(cat "$T/reader.$r.rc")"
  checkgrep "reader $r made lookups and missed none" '^lookups [1-9][0-9]* misses 0$' "$T/reader.$r"
done
touch "$T/stop"
wait $cpid
check "the compactor never failed" "" "$(cat "$T/c.err" 2>/dev/null)"
n=$(cat "$T/compactions")
check "compaction ran many times meanwhile ($n)" "yes" "$([ "$n" -ge 3 ] && echo yes || echo no)"

cat $acks | sort > "$T/acked"
check "every append was acknowledged" "$((WRITERS * COUNT))" "$(wc -l < "$T/acked")"
checkrun "scan of the final state" 0 '' $S scan "$d"
cut -d' ' -f1 "$T/out" | sort > "$T/scanned"
check "every grant is in the state, once" "" "$(comm -3 "$T/acked" "$T/scanned" | head -5)"
check "no address is there twice" "" "$(uniq -d "$T/scanned" | head -5)"
$S compact "$d" now >/dev/null
$S scan "$d" | cut -d' ' -f1 | sort > "$T/scanned2"
check "and after a last compaction, all in the snapshot" "" "$(comm -3 "$T/acked" "$T/scanned2" | head -5)"
check "the journal is empty after it" "0" "$(cat "$d/journal" 2>/dev/null | wc -c)"
