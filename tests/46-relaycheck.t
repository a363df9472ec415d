#!/bin/bash
# relaycheck: one finding per line, a keyword first, exit 0 healthy, 1
# warnings, 2 relaying cannot work; against a real readlog following a
# file, stopped, a missing and an unreadable source, broken control
# files, a full disk (a tmpfs in a private mount namespace), -S.
. "$(dirname "$0")/lib.sh"

# the findings with their changing numbers as N: seconds ago, bytes free, journal bytes
norm() { sed -E -e 's/[0-9]+s ago/Ns ago/g' -e 's/^(ok|warning) disk: [0-9]+ bytes/\1 disk: N bytes/' \
  -e 's/^ok journal: [0-9]+ bytes$/ok journal: N bytes/' -e 's/ and [0-9]+ inodes free/ and N inodes free/' "$T/out"; }
login() { printf '%s mail dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=4242, secured, session=<Sx%s>\n' "$(date '+%b %e %H:%M:%S')" "$1" "$2" "$RANDOM"; }
other() { printf '%s mail dovecot: imap(%s)<4242><Sx>: Disconnected: Logged out in=12 out=345\n' "$(date '+%b %e %H:%M:%S')" "$1"; }
owner=$(id -un)

D=$(newstate)
L="$T/mail.log"
login alice 192.0.2.7 > "$L"
readlog -d "$D" -F dovecot "$L" 2> "$T/readlog.err" & pid=$!
on_exit "kill $pid 2>/dev/null"
waitfor 10 sh -c "showallowed -d '$D' | grep -q '^192.0.2.7 '" && ok "readlog follows the file and grants the login" || notok "readlog follows the file and grants the login" "$(cat "$T/readlog.err")"
cur=$(ls "$D" | grep -E '^cursor\.[0-9a-fA-F]{8}$')
waitfor 10 sh -c "[ -s '$D/$cur' ] && awk '{exit !(\$2 == $(wc -c < "$L"))}' '$D/$cur'" || notok "readlog saved its position at the end" "$(cat "$D/$cur")"

echo '--- the cursor file holds the times readlog read a line and saw a login'
t=$(date +%s)
read -r ino off fplen crc line lg path < "$D/$cur"
check "the position, then the two times, then the path" "$(stat -c %i "$L") $(wc -c < "$L") $L" "$ino $off $path"
if [ "$line" -ge $((t - 30)) ] && [ "$line" -le "$t" ] && [ "$lg" -ge $((t - 60)) ] && [ "$lg" -le "$t" ]; then ok "last line and last login within the last minute"; else notok "last line and last login within the last minute" "$line $lg, now $t"; fi

echo '--- healthy'
run relaycheck -d "$D" -F dovecot "$L"
check "healthy: exit 0" 0 "$rc"
check "healthy: nothing on stderr" "" "$(cat "$T/err")"
check "healthy: the findings" "ok state: $D owned by $owner, mode 0755
ok grace: 1800 seconds
ok sessionmax: 86400 seconds
ok allow: 0 networks
ok journalmax: 65536 bytes
ok journal: N bytes
ok compaction: last Ns ago
ok disk: N bytes free
ok relay: 1 address may relay now
ok source $L: read to its end, last line read Ns ago, last login Ns ago" "$(norm)"

echo '--- lines, but no login recognised for a while'
W="$T/other.log"
other bob > "$W"
kill $pid; wait $pid 2>/dev/null
readlog -1 -d "$D" -F dovecot "$L" "$W" 2>/dev/null
run relaycheck -d "$D" -F dovecot -w 3600 "$W"
check "no login in a file with lines: exit 1" 1 "$rc"
check "named with the formats tried" "warning source $W: lines read Ns ago but no login recognised ever, with the formats dovecot" "$(norm | grep '^warning')"
run relaycheck -d "$D" "$W"
check "without -F: every format readlog knows" "warning source $W: lines read Ns ago but no login recognised ever, with the formats $(sed -n 's/^ *F("\([^"]*\)".*/\1/p' "$TOP/src/readlog/formats.c" | paste -sd,)" "$(norm | grep '^warning')"

echo '--- a stopped readlog: the source grows, the cursor stays'
other carol >> "$L"
n=$(other carol | wc -c)
touch -d '-1 minute' "$L"
run relaycheck -d "$D" "$L"
check "stopped readlog: exit 1" 1 "$rc"
check "behind by the bytes not read" "warning source $L: behind by $n bytes, written Ns ago: is readlog running?" "$(norm | grep '^warning')"
touch "$L"
run relaycheck -d "$D" "$L"
check "just written: not yet a warning (exit 0)" 0 "$rc"
check "said as it is" "ok source $L: behind by $n bytes written less than 10 seconds ago, last line read Ns ago, last login Ns ago" "$(norm | grep '^ok source')"
mv "$L" "$L.1"; other dave > "$L"; touch -d '-1 minute' "$L"
run relaycheck -d "$D" "$L"
check "rotated since: exit 1" 1 "$rc"
check "its position in a file it no longer has" "warning source $L: behind by at least $(wc -c < "$L") bytes, written Ns ago: readlog's position is in a file it no longer has" "$(norm | grep '^warning')"
readlog -1 -d "$D" "$L" 2>/dev/null
run relaycheck -d "$D" "$L"
check "readlog again: exit 0" 0 "$rc"

echo '--- missing and unreadable sources'
run relaycheck -d "$D" "$L" "$T/nolog"
check "a missing source beside a good one: exit 1" 1 "$rc"
check "said" "warning source $T/nolog: unable to read it: No such file or directory: readlog records no login from it" "$(norm | grep -v '^ok')"
run relaycheck -d "$D" "$T/nolog"
check "the only source missing: exit 2" 2 "$rc"
check "said, and that nothing is recorded" "warning source $T/nolog: unable to read it: No such file or directory: readlog records no login from it
critical sources: none of the 1 source can be read: readlog records no login" "$(norm | grep -v '^ok')"
if isroot && needcmd setuidgid; then
  chmod 600 "$L"
  run setuidgid nobody "$TOP/relaycheck" -d "$D" "$L" "$W"
  check "unreadable (as nobody): exit 1" 1 "$rc"
  check "said" "warning source $L: unable to read it: Permission denied: readlog records no login from it" "$(norm | grep -v '^ok' | grep -v "^warning source $W")"
  chmod 644 "$L"
else
  skip "an unreadable source" "needs root and setuidgid"
fi
M="$T/mlog"; mkdir "$M"; : > "$M/current"
run relaycheck -d "$D" "$M"
check "a source readlog never read: exit 1" 1 "$rc"
check "said" "warning source $M: readlog has no position in it: it has read none of it (is it one of readlog's sources?)" "$(norm | grep -v '^ok')"
login erin 192.0.2.9 > "$M/current"
readlog -1 -d "$D" "$M" 2>/dev/null
run relaycheck -d "$D" "$M"
check "a multilog directory read to its end: exit 0" "0 ok source $M: read to its end, last line read Ns ago, last login Ns ago" "$rc $(norm | grep '^ok source')"
mv "$M/current" "$M/@400000006000000000000000.s"; other fred > "$M/current"; touch -d '-1 minute' "$M/current"
run relaycheck -d "$D" "$M"
check "multilog rotated and grown: behind by what follows the position" "1 warning source $M: behind by $(wc -c < "$M/current") bytes, written Ns ago: is readlog running?" "$rc $(norm | grep '^warning')"
readlog -1 -d "$D" "$M" 2>/dev/null
mv "$M/current" "$M/@400000006000000100000000.s"; other gus > "$M/current"
mv "$M/current" "$M/@400000006000000200000000.s"; other hal > "$M/current"; touch -d '-1 minute' "$M/current"
n=$(( $(wc -c < "$M/@400000006000000200000000.s") + $(wc -c < "$M/current") ))
run relaycheck -d "$D" "$M"
check "rotated twice: the newer @ file and current, not the older ones" "1 warning source $M: behind by $n bytes, written Ns ago: is readlog running?" "$rc $(norm | grep '^warning')"

echo '--- control files: relaylock'"'"'s words'
G=$(newstate)
printf '127.0.0.0/8\n# ok\n10.0.0.0/33\n' > "$G/allow"
run relaycheck -d "$G"
check "a broken allow: exit 2" 2 "$rc"
check "said as relaylock says it, and that nobody relays" "critical allow: unable to read $G/allow: invalid network on line 3: \"10.0.0.0/33\": relaylock lets nobody relay until it is fixed
critical relay: nobody may relay until $G/allow is fixed" "$(norm | grep -v '^ok')"
printf '0.0.0.0/0\n' > "$G/allow"
run relaycheck -d "$G"
check "a wide allow: exit 1" 1 "$rc"
check "said as relaylock says it" "warning allow: $G/allow line 1: 0.0.0.0/0 covers all of IPv4: every IPv4 client may relay" "$(norm | grep -v '^ok')"
rm "$G/allow"
echo 'half an hour' > "$G/grace"
run relaycheck -d "$G"
check "a bad grace: exit 2" 2 "$rc"
check "said as relaylock says it" "critical grace: unable to read $G/grace: it is not a number of seconds up to 31622400: \"half an hour\": relaylock lets nobody relay until it is fixed
critical relay: nobody may relay until $G/grace is fixed" "$(norm | grep -v '^ok')"
echo 0 > "$G/grace"
run relaycheck -d "$G"
check "grace 0: exit 1" "1 warning grace: $G/grace: the value is \"0\": no login opens relaying (only the networks of $G/allow and grants with their own duration do)" "$rc $(norm | grep -v '^ok')"
rm "$G/grace"; echo lots > "$G/journalmax"
run relaycheck -d "$G"
check "a bad journalmax: exit 1, readlog's words" "1 warning journalmax: unable to read $G/journalmax: it is not a number of bytes: \"lots\": the journal is not compacted until it is fixed" "$rc $(norm | grep -v '^ok')"
rm "$G/journalmax"
chmod 777 "$G"
run relaycheck -d "$G"
check "a state directory anybody may write: exit 2" 2 "$rc"
check "said" "critical state: unable to read the state directory $G: it is writable by everybody: relaylock lets nobody relay
critical relay: nobody may relay: the state directory cannot be read" "$(norm)"
chmod 555 "$G"
run relaycheck -d "$G"
check "a state directory its owner may not write: exit 1" "1 warning state: $G owned by $owner, mode 0555: its owner may not write to it, readlog cannot record" "$rc $(norm | grep -v '^ok')"
chmod 700 "$G"
run relaycheck -d "$G"
check "one only its owner may read: exit 1" "1 warning state: $G owned by $owner, mode 0700: only its owner may read it, relaylock run as another account lets nobody relay" "$rc $(norm | grep -v '^ok')"
run relaycheck -d "$T/nostate"
check "no state directory: exit 2" "2 critical state: unable to read the state directory $T/nostate: No such file or directory: relaylock lets nobody relay" "$rc $(norm | head -1)"
chmod 755 "$G"

echo '--- the journal and compaction'
J=$(newstate)
relaygrant -d "$J" 192.0.2.50
touch -d '-1 hour' "$J/lock"
run relaycheck -d "$J"
check "a journal never compacted: exit 1" "1 warning compaction: last Ns ago, with $(wc -c < "$J/journal") bytes in the journal: readlog compacts every 300 seconds while it runs" "$rc $(norm | grep -v '^ok')"
echo 2 > "$J/journalmax"
run relaycheck -d "$J"
check "a journal over 16 journalmax" "warning journal: $(wc -c < "$J/journal") bytes, more than 16 times journalmax (2): it is not compacted" "$(norm | grep '^warning journal')"

head -c 3000 /dev/urandom > "$J/snapshot.cdb"
run relaycheck -d "$J"
check "a corrupt snapshot: exit 2, relaylock's words" "2 critical relay: unable to read $J/snapshot.cdb: it is not a valid snapshot: relaylock lets no login relay" "$rc $(norm | grep '^critical')"

echo '--- a full disk (a tmpfs in a private mount namespace)'
if isroot && needcmd unshare && unshare -m true 2>/dev/null; then
  mkdir "$T/mnt"
  unshare -m --propagation private sh -c '
    mount -t tmpfs -o size=256k,mode=755 tmpfs "$1" || exit 99
    mkdir -m 755 "$1/state" && relaygrant -d "$1/state" 192.0.2.60 && "$TOP/tests/storetool" compact "$1/state" $(date +%s) >/dev/null &&
    relaycheck -d "$1/state" > "$2/ok.out"; echo $? > "$2/ok.rc"
    head -c 1000000 /dev/zero > "$1/filler" 2>/dev/null
    relaycheck -d "$1/state" > "$2/out"; echo $? > "$2/rc"
  ' sh "$T/mnt" "$T"
  check "room: exit 0" 0 "$(cat "$T/ok.rc")"
  check "full: exit 2" 2 "$(cat "$T/rc")"
  check "full: said" "critical disk: 0 bytes and N inodes free for $T/mnt/state: readlog cannot record logins" "$(norm | grep -v '^ok')"
  check "the test's mount stayed in its namespace" "" "$(grep " $T/mnt " /proc/mounts)"
else
  skip "a full disk" "needs root and unshare -m"
fi

echo '--- -S: the service directory readlog runs from'
S="$T/service"; mkdir -p "$S/conf"
echo "$D" > "$S/conf/STATEDIR"
printf '%s %s\n' "$L" "$T/nolog" > "$S/conf/SOURCES"
run relaycheck -S "$S"
check "-S: the state directory and the sources of conf/: exit 1" 1 "$rc"
check "-S: the findings" "ok state: $D owned by $owner, mode 0755
warning source $T/nolog: unable to read it: No such file or directory: readlog records no login from it" "$(norm | grep -E '^ok state|^warning|^critical')"
checkgrep "-S: conf/SOURCES's first source read" "^ok source $L: " "$T/out"
rm "$S/conf/SOURCES"
run relaycheck -S "$S"
check "-S without conf/SOURCES: exit 111" "111 relaycheck: fatal: unable to read $S/conf/SOURCES: No such file or directory" "$rc $(cat "$T/err")"
: > "$S/conf/STATEDIR"
run relaycheck -S "$S"
check "-S with an empty conf/STATEDIR: exit 100" "100 relaycheck: fatal: empty $S/conf/STATEDIR" "$rc $(cat "$T/err")"
run relaycheck -F nosuch
check "an unknown format: exit 100" "100 relaycheck: fatal: unknown format: nosuch" "$rc $(cat "$T/err")"

echo '--- a cursor of the older form, without the times'
O=$(newstate); OL="$T/old.log"
login gina 192.0.2.11 > "$OL"
readlog -1 -d "$O" "$OL" 2>/dev/null
c=$(ls "$O" | grep -E '^cursor\.[0-9a-fA-F]{8}$')
awk '{print $1, $2, $3, $4, $7}' "$O/$c" > "$T/oldcur" && cat "$T/oldcur" > "$O/$c"
run relaycheck -d "$O" "$OL"
check "relaycheck reads it: exit 0, the times never" "0 ok source $OL: read to its end, last line read never, last login never" "$rc $(norm | grep '^ok source')"
run readlog -1 -d "$O" "$OL"
check "readlog resumes at it: nothing read again" "0 readlog: info: lines 0 logins 0 skipped: toolong 0 cut 0 refused 0 nologin 0" "$rc $(cat "$T/err")"
