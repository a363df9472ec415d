#!/bin/bash
# The state directory through the library (tests/storetool): append,
# lookup, compaction, revocation, damaged journals and snapshots,
# address normalisation, clock skew, control files, modes.
. "$(dirname "$0")/lib.sh"

S=storetool
[ -x "$TOP/tests/storetool" ] || { notok "tests/storetool is not built"; exit 1; }
# a private copy: a rebuild during the test must not pull it away
mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
now=$(date +%s)
t=$((now - 100))

# --- append and lookup
d=$(newstate)
(umask 077; $S append "$d" + $t 0 ::ffff:192.0.2.7 dovecot/imap alice)
check "append creates the journal 0644 whatever the umask" "644" "$(stat -c %a "$d/journal")"
check "the journal holds the record in canonical form" "+ $t 0 192.0.2.7 dovecot/imap alice" "$(cut -d' ' -f1-6 "$d/journal")"
checkrun "lookup of 192.0.2.7 (recorded as ::ffff:192.0.2.7): allowed" 0 '' $S lookup "$d" 192.0.2.7 $now
check "allowed until login + grace (1800), by whom" "allowed $((t + 1800)) dovecot/imap alice" "$(head -1 "$T/out")"
checkrun "lookup of ::ffff:192.0.2.7 finds the same entry" 0 '' $S lookup "$d" ::ffff:192.0.2.7 $now
checkrun "lookup of an unknown address: unknown" 1 '' $S lookup "$d" 192.0.2.8 $now
check "unknown is said" "unknown" "$(cat "$T/out")"
checkrun "still allowed one second before the grace ends" 0 '' $S lookup "$d" 192.0.2.7 $((t + 1799))
checkrun "denied once the grace is over" 1 '' $S lookup "$d" 192.0.2.7 $((t + 1800))
check "denied is said, with the record" "denied" "$(head -1 "$T/out")"
$S append "$d" + $t 0 2001:DB8:0:0::5 qmail-pop3d bob
check "IPv6 stored in RFC 5952 form" "1" "$(grep -c ' 2001:db8::5 qmail-pop3d bob ' "$d/journal")"
checkrun "IPv6 lookup in another spelling" 0 '' $S lookup "$d" 2001:db8::0:5 $now
$S append "$d" + $((t - 50)) 600 192.0.2.7 admin -
checkrun "a timed grant and a login for one address: the later end wins" 0 '' $S lookup "$d" 192.0.2.7 $now
check "the login (ends at t+1800) is the reason" "allowed $((t + 1800)) dovecot/imap alice" "$(head -1 "$T/out")"
$S append "$d" + $((t - 50)) 7200 192.0.2.7 admin -
checkrun "a longer timed grant" 0 '' $S lookup "$d" 192.0.2.7 $now
check "the timed grant that ends last is the reason" "allowed $((t - 50 + 7200)) admin -" "$(head -1 "$T/out")"

# --- compaction
(umask 077; checkrun "compaction" 0 '' $S compact "$d" $now)
check "compaction says it did it" "compacted" "$(cat "$T/out")"
check "snapshot.cdb is 0644 whatever the umask" "644" "$(stat -c %a "$d/snapshot.cdb")"
check "no journal.old or snapshot.tmp left" "" "$(ls "$d" | grep -E '^(journal\.old|snapshot\.tmp)$')"
check "the journal was moved into the snapshot" "0" "$(cat "$d/journal" 2>/dev/null | wc -c)"
checkrun "lookup from the snapshot" 0 '' $S lookup "$d" 192.0.2.7 $now
check "the snapshot keeps the fold" "allowed $((t - 50 + 7200)) admin -" "$(head -1 "$T/out")"
checkrun "scan" 0 '' $S scan "$d"
check "scan lists every address once" "192.0.2.7 login=$t timed=$((t - 50))+7200 revoke=-
2001:db8::5 login=$t timed=- revoke=-" "$(sort "$T/out")"
$S append "$d" + $((t + 5)) 0 2001:db8::5 qmail-pop3d bob
checkrun "journal and snapshot fold together" 0 '' $S lookup "$d" 2001:db8::5 $now
check "the newer login (journal) wins over the snapshot's" "allowed $((t + 5 + 1800)) qmail-pop3d bob" "$(head -1 "$T/out")"
$S compact "$d" $now >/dev/null
$S compact "$d" $now >/dev/null
checkrun "compacting twice changes nothing" 0 '' $S scan "$d"
check "same scan after two more compactions" "192.0.2.7 login=$t timed=$((t - 50))+7200 revoke=-
2001:db8::5 login=$((t + 5)) timed=- revoke=-" "$(sort "$T/out")"

# --- busy lock
if needcmd flock; then
  flock "$d/lock" sleep 3 & lockpid=$!
  on_exit "kill $lockpid 2>/dev/null"
  waitfor 2 sh -c "! flock -n '$d/lock' true"
  checkrun "a second compactor does not wait for the lock" 0 '' $S compact "$d" $now
  check "it says busy" "busy" "$(cat "$T/out")"
  kill $lockpid 2>/dev/null; wait $lockpid 2>/dev/null
else
  skip "busy lock" "flock(1) is not installed"
fi

# --- revocation
d=$(newstate)
$S append "$d" + $t 0 198.51.100.1 dovecot/pop3 carol
$S append "$d" - $((t + 10)) 0 198.51.100.1 admin -
checkrun "a revocation newer than the login: denied" 1 '' $S lookup "$d" 198.51.100.1 $now
$S compact "$d" $now >/dev/null
checkrun "compaction honours the revocation" 1 '' $S lookup "$d" 198.51.100.1 $now
$S append "$d" + $((t + 20)) 0 198.51.100.1 dovecot/pop3 carol
checkrun "a login after the revocation: allowed again" 0 '' $S lookup "$d" 198.51.100.1 $now
$S compact "$d" $now >/dev/null
checkrun "and still after compaction" 0 '' $S lookup "$d" 198.51.100.1 $now
$S append "$d" + $((t + 5)) 0 198.51.100.1 late/writer carol
checkrun "a login older than the revocation arriving late changes nothing" 0 '' $S lookup "$d" 198.51.100.1 $now
check "the newest login still the reason" "allowed $((t + 20 + 1800)) dovecot/pop3 carol" "$(head -1 "$T/out")"

# --- torn tail and garbage
d=$(newstate)
$S append "$d" + $t 0 203.0.113.1 dovecot/imap dave
printf '+ %s 0 203.0.113.2 dovecot/imap er' $t >> "$d/journal"
checkrun "a torn last record is no grant" 1 '' $S lookup "$d" 203.0.113.2 $now
checkrun "the records before it still count" 0 '' $S lookup "$d" 203.0.113.1 $now
$S append "$d" + $t 0 203.0.113.3 dovecot/imap frank
checkrun "a full record glued after the torn one counts" 0 '' $S lookup "$d" 203.0.113.3 $now
checkrun "records_scan over the damaged journal" 0 '' $S records "$d/journal"
torn="+ $t 0 203.0.113.2 dovecot/imap er"
check "two records, the torn bytes skipped" "records 2 skipped ${#torn}" "$(tail -1 "$T/out")"
good=$($S fmt + $t 0 203.0.113.4 dovecot/imap gina)
bad=$(printf '%s' "$good" | sed "s/ $t / $((t + 1)) /")
{
  printf 'garbage line\n\0\377\n'
  printf '%s\n' "$bad"
  printf '%s' "${good:0:20}"; printf '%s\n' "$good"
  printf -- '- - - +\n'
} >> "$d/journal"
checkrun "garbage in the middle: the full record after a partial one counts" 0 '' $S lookup "$d" 203.0.113.4 $now
check "the forged time (CRC mismatch) is not read" "allowed $((t + 1800)) dovecot/imap gina" "$(head -1 "$T/out")"
checkrun "records_scan over the garbage" 0 '' $S records "$d/journal"
check "three records found, the rest skipped" "3" "$(grep -c '^[-+] ' "$T/out")"
$S compact "$d" $now >/dev/null
checkrun "compaction skips the garbage too" 0 '' $S scan "$d"
check "the scan after compaction" "203.0.113.1 203.0.113.3 203.0.113.4" "$(cut -d' ' -f1 "$T/out" | sort | xargs)"

# --- record format
checkrun "fmt of a hostile user name" 0 '' $S fmt + 100 0 1.2.3.4 'dove cot/imap!' "$(printf 'a b%%c\001')"
r=$(cat "$T/out")
check "source filtered, user escaped" "+ 100 0 1.2.3.4 dovecot/imap a%20b%25c%01" "$(echo "$r" | cut -d' ' -f1-6)"
printf '%s\n' "$r" > "$T/rec"
checkrun "the escaped record scans back to itself" 0 '' $S records "$T/rec"
check "round trip" "$r
records 1 skipped 0" "$(cat "$T/out")"
# CRC-32 as gzip computes it (its trailer), to write records by hand
crc() { printf '%s' "$1" | gzip -c | tail -c8 | head -c4 | od -An -tx4 | tr -d ' '; }
for l in '+ 0100 0 1.2.3.4 - -' '+ 100 0 1.02.3.4 - -' '+ 100 0 ::ffff:1.2.3.4 - -' '+ 100 0 1.2.3.4 - %2D' '+ 100 0 1.2.3.4 - -'; do
  printf '%s %s\n' "$l" "$(crc "$l")"
done > "$T/rec2"
checkrun "hand-written records with their CRCs" 0 '' $S records "$T/rec2"
check "only the canonical ones are records; %2D is a user named -" "$(tail -2 "$T/rec2")
records 2 skipped $(head -3 "$T/rec2" | wc -c)" "$(cat "$T/out")"
d=$(newstate)
$S append "$d" + $t 0 192.0.2.90 - -
checkrun "unknown source and user" 0 '' $S lookup "$d" 192.0.2.90 $now
check "unknown source and user are written -" "+ $t 0 192.0.2.90 - -" "$(cut -d' ' -f1-6 "$d/journal")"

# --- damaged snapshots
d=$(newstate)
for i in 1 2 3 4 5; do $S append "$d" + $t 0 192.0.2.$i dovecot/imap user$i; done
$S compact "$d" $now >/dev/null
cp "$d/snapshot.cdb" "$T/good.cdb"
head -c 3000 /dev/urandom > "$d/snapshot.cdb"
checkrun "a snapshot of random bytes: lookup fails with EPROTO" 111 "^storetool: fatal: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" $S lookup "$d" 192.0.2.1 $now
: > "$d/snapshot.cdb"
checkrun "an empty snapshot: EPROTO" 111 "^storetool: fatal: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" $S lookup "$d" 192.0.2.1 $now
head -c 2100 "$T/good.cdb" > "$d/snapshot.cdb"
run $S lookup "$d" 192.0.2.1 $now
check "a truncated snapshot: an error, no crash" "111" "$rc"
cp "$T/good.cdb" "$d/snapshot.cdb"
off=$(grep -abo 'user3' "$d/snapshot.cdb" | head -1 | cut -d: -f1)
printf 'X' | dd of="$d/snapshot.cdb" bs=1 seek="$off" conv=notrunc 2>/dev/null
checkrun "a snapshot value with a bad CRC: EPROTO" 111 "^storetool: fatal: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" $S lookup "$d" 192.0.2.3 $now
checkrun "other keys of that snapshot still read" 0 '' $S lookup "$d" 192.0.2.4 $now
checkrun "scan of a damaged snapshot fails" 111 "^storetool: fatal: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" $S scan "$d"
checkrun "compaction of a damaged snapshot fails and keeps it" 111 "^storetool: fatal: unable to read $d/snapshot.cdb: it is not a valid snapshot\$" $S compact "$d" $now
check "the damaged snapshot is left for the admin" "$(cmp -s "$d/snapshot.cdb" "$T/good.cdb"; echo $?)" "1"
check "no snapshot.tmp left" "no" "$([ -e "$d/snapshot.tmp" ] && echo yes || echo no)"
checkrun "lookup in a missing directory is an error, which names the directory" 111 "^storetool: fatal: unable to read the state directory $T/nonexistent: No such file or directory\$" $S lookup "$T/nonexistent" 192.0.2.1 $now
d=$(newstate)
checkrun "an empty directory knows nothing" 1 '' $S lookup "$d" 192.0.2.1 $now

# --- clock skew
d=$(newstate)
$S append "$d" + $((now + 100000)) 0 192.0.2.50 dovecot/imap future
jt=$(cut -d' ' -f2 "$d/journal")
check "a time from the future is clamped to now at append" "yes" "$([ "$jt" -le "$(date +%s)" ] && [ "$jt" -ge "$now" ] && echo yes || echo "no: $jt")"
$S fmt + $((now + 100000)) 0 192.0.2.51 dovecot/imap future >> "$d/journal"
$S fmt + $((now + 200)) 0 192.0.2.52 dovecot/imap skew >> "$d/journal"
checkrun "a grant far in the future (written raw) is not trusted" 1 '' $S lookup "$d" 192.0.2.51 $now
checkrun "a grant within the skew (200 s) is" 0 '' $S lookup "$d" 192.0.2.52 $now

# --- expiry at compaction
d=$(newstate)
$S append "$d" + $((now - 10000)) 0 192.0.2.60 dovecot/imap old
$S append "$d" + $((now - 10000)) 3600 192.0.2.61 admin -
$S append "$d" + $((now - 10000)) 86400 192.0.2.62 admin -
$S append "$d" - $((now - 10000)) 0 192.0.2.63 admin -
$S append "$d" - $((now - 100)) 0 192.0.2.64 admin -
$S append "$d" + $((now - 100)) 0 192.0.2.65 dovecot/imap new
# GRANT_MAX (366 days) + 10 s ago: no grant dated before it can still be running
$S append "$d" - $((now - 31622410)) 0 192.0.2.66 admin -
$S compact "$d" $now 1800 20000 >/dev/null
check "keep=20000 keeps the ended grants" "192.0.2.60 192.0.2.61 192.0.2.62 192.0.2.63 192.0.2.64 192.0.2.65 192.0.2.66" "$($S scan "$d" | cut -d' ' -f1 | sort | xargs)"
$S compact "$d" $now >/dev/null
check "compaction drops ended grants and revocations older than GRANT_MAX, keeps younger ones" "192.0.2.62 192.0.2.63 192.0.2.64 192.0.2.65" "$($S scan "$d" | cut -d' ' -f1 | sort | xargs)"

# --- a revocation outlives every grant it can cancel (doc/state.html)
d=$(newstate)
$S append "$d" - $((now - 5000)) 0 192.0.2.67 admin -
$S compact "$d" $now 60 >/dev/null
$S append "$d" + $((now - 6000)) 86400 192.0.2.67 readlog-g -
$S append "$d" + $((now - 6000)) 0 192.0.2.67 dovecot/imap late
checkrun "a day-long grant dated before a revocation, written after the compaction that passed R + grace: denied" 1 '' $S lookup "$d" 192.0.2.67 $now 86400
$S compact "$d" $now 60 >/dev/null
checkrun "and after one more compaction" 1 '' $S lookup "$d" 192.0.2.67 $now 86400
$S append "$d" + $((now - 10)) 0 192.0.2.67 dovecot/imap again
checkrun "a login after the revocation relays" 0 '' $S lookup "$d" 192.0.2.67 $now 60
# the property, over random sequences: grants dated up to 3 hours before they are
# written, day-long durations, readers' graces of 60 s to a day, compactions between
fails=
for seed in 1 2 3 4 5 6 7 8 9 10 11 12; do
  d=$(newstate)
  $S revoked "$d" $seed 1500 > "$T/prop" 2>&1 || fails="$fails seed $seed: $(cat "$T/prop");"
done
check "no random sequence of grants, revocations and compactions lets a revoked grant relay" "" "$fails"

# --- times are bounded (TIME_MAX, 9999-12-31): no overflow at any use
d=$(newstate)
$S fmt + 253402300799 0 192.0.2.68 dovecot/imap last >> "$d/journal"
$S fmt + 253402300800 0 192.0.2.69 dovecot/imap past >> "$d/journal"
$S fmt + 9223372036854775000 4294967295 192.0.2.70 dovecot/imap huge >> "$d/journal"
$S fmt - 9223372036854775807 0 192.0.2.71 admin - >> "$d/journal"
run $S records "$d/journal"
check "a record's TIME is at most 253402300799" "records 1 skipped $(( $(wc -c < "$d/journal") - $(head -1 "$d/journal" | wc -c) ))" "$(tail -1 "$T/out")"
checkrun "a TIME beyond it is not a record" 1 '' $S lookup "$d" 192.0.2.70 253402300000
check "unknown" "unknown" "$(cat "$T/out")"
checkrun "compaction of a grant at TIME_MAX (and of the rest) does not overflow" 0 '' $S compact "$d" 253402300799 4294967295 4294967295
checkrun "lookup at TIME_MAX with the largest grace" 0 '' $S lookup "$d" 192.0.2.68 253402300799 4294967295

# --- control files
d=$(newstate)
check "grace defaults to 1800" "1800" "$($S grace "$d")"
echo 60 > "$d/grace"
check "grace from the control file" "60" "$($S grace "$d")"
$S append "$d" + $t 0 192.0.2.70 dovecot/imap h
checkrun "lookup uses the directory's grace" 1 '' $S lookup "$d" 192.0.2.70 $now
echo 'sixty' > "$d/grace"
check "a grace that is not a number is invalid" "invalid" "$($S grace "$d")"
echo 99999999999 > "$d/grace"
check "a grace beyond 32 bits is invalid" "invalid" "$($S grace "$d")"
check "journalmax defaults to 65536" "65536" "$($S journalmax "$d")"
echo 100 > "$d/journalmax"
check "journalmax from the control file" "100" "$($S journalmax "$d")"
check "compaction due: journal over journalmax" "1" "$($S due "$d" $now 300)"
$S compact "$d" $now 60 >/dev/null
check "not due after compaction (empty journal)" "0" "$($S due "$d" $now 300)"
$S append "$d" + $t 0 192.0.2.71 dovecot/imap i
check "not due: small journal, young snapshot" "0" "$($S due "$d" $now 300)"
check "due: small journal, snapshot older than maxage" "1" "$($S due "$d" $((now + 400)) 300)"
check "not due with maxage UINT32_MAX (no age rule: readlog catching up)" "0" "$($S due "$d" $((now + 400)) 4294967295)"
for i in 1 2 3 4 5 6; do $S append "$d" + $t 0 192.0.2.7$i dovecot/imap i; done
size=$(stat -c %s "$d/journal")
check "due: the journal ($size bytes) over journalmax" "1" "$($S due "$d" $now 300)"
check "not due: the same journal under 16 times journalmax" "0" "$($S due "$d" $now 4294967295 16)"
check "due: over 2 times journalmax when $size > 200" "$([ $size -gt 200 ] && echo 1 || echo 0)" "$($S due "$d" $now 4294967295 2)"
rm "$d/snapshot.cdb"
check "due: journal and no snapshot" "1" "$($S due "$d" $now 300)"
printf '# static networks\n\n  192.0.2.0/24  \n10.1.2.3\n2001:db8:1::/48 # v6\n\t::ffff:198.51.100.0/120\n' > "$d/allow"
check "allow: v4 network" "match 192.0.2.0/24 line 3" "$($S allow "$d" 192.0.2.99)"
check "allow: single address" "match 10.1.2.3/32 line 4" "$($S allow "$d" 10.1.2.3)"
check "allow: not there" "nomatch" "$($S allow "$d" 10.1.2.4)"
check "allow: v6 network" "match 2001:db8:1::/48 line 5" "$($S allow "$d" 2001:db8:1:ff::1)"
check "allow: mapped network matches the v4 address" "match 198.51.100.0/24 line 6" "$($S allow "$d" 198.51.100.7)"
echo '10.0.0.0/33' >> "$d/allow"
check "allow: a bad line is reported with its number, whatever the address" "invalid line 7" "$($S allow "$d" 192.0.2.99)"
rm "$d/allow"
check "allow: no file, no match" "nomatch" "$($S allow "$d" 192.0.2.99)"

# --- ownership when root writes
if isroot && id nobody >/dev/null 2>&1; then
  d=$(newstate)
  chown nobody:nogroup "$d" 2>/dev/null || chown nobody "$d"
  $S append "$d" + $t 0 192.0.2.80 admin -
  $S compact "$d" $now >/dev/null
  $S append "$d" + $t 0 192.0.2.81 admin -
  check "files root creates belong to the directory's owner" "nobody nobody nobody" "$(stat -c %U "$d/journal" "$d/snapshot.cdb" "$d/lock" | xargs)"
  if needcmd setpriv; then
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$T/bin/storetool" append "$d" + $t 0 192.0.2.82 readlog -
    check "the directory's owner can still append after root did" "1" "$(grep -c ' 192.0.2.82 ' "$d/journal")"
    setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups "$T/bin/storetool" compact "$d" $now > "$T/out" 2>&1
    check "and compact" "compacted" "$(cat "$T/out")"
  else
    skip "append as the owner" "setpriv is not installed"
  fi
else
  skip "ownership when root writes" "not root, or no nobody account"
fi
