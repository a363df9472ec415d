#!/bin/bash
# Hostile input on every reader: log lines (readlog), the journal and
# the snapshot (the state library under relaylock, showallowed and
# storetool), the control files, the client address relaylock is
# given; NUL bytes, 1 MB lines, invalid UTF-8, CR and LF games,
# address-like text in every field, IPv6 zone ids and invalid literals,
# files that are not what they claim, and 10^6 distinct addresses with
# memory measured (/usr/bin/time -v).
. "$(dirname "$0")/lib.sh"

mkdir -m 755 "$T/bin" && cp "$TOP/tests/storetool" "$T/bin/" && PATH="$T/bin:$PATH"
SHOW='if [ "${RELAYCLIENT+x}" ]; then echo "set:$RELAYCLIENT"; else echo unset; fi'
rl() { env -u RELAYCLIENT -u PROTO TCPREMOTEIP="$1" relaylock -d "$2" sh -c "$SHOW" 2>>"$T/rl.err"; }
now=$(date +%s)
stamp=$(date '+%b %e %H:%M:%S')
dv() { printf '%s mail dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=4242, secured, session=<%s>' "$stamp" "$1" "$2" "${3:-S1}"; }

echo '--- log lines: only the server-written address is ever granted'
d=$(newstate); L="$T/hostile.log"
{
  dv alice 192.0.2.10; echo
  dv 'x, rip=203.0.113.1, lip=1' 192.0.2.11; echo
  dv 203.0.113.2 192.0.2.12 203.0.113.3; echo
  printf '%s mail dovecot: imap-login: Login: user=<a\0b>, method=PLAIN, rip=203.0.113.4, lip=192.0.2.1, mpid=1, secured\n' "$stamp"
  dv "$(printf 'caf\351\377\376')" 192.0.2.13; echo
  dv bob 203.0.113.5; printf '\r\n'
  dv carol 192.0.2.14; printf '\r'; dv dave 203.0.113.6; echo
  dv eve fe80::1%eth0; echo
  dv eve 300.1.1.1; echo
  dv eve 1.2.3.4.5; echo
  dv eve 01.2.3.4; echo
  dv eve '[203.0.113.7]'; echo
  dv eve ::ffff:192.0.2.15; echo
  dv eve 2001:DB8:0:0::16; echo
  printf '%s mail dovecot: imap-login: Login: user=<' "$stamp"; head -c 1048576 /dev/zero | tr '\0' x; printf '>, method=PLAIN, rip=203.0.113.8, lip=192.0.2.1\n'
  head -c 1048576 /dev/urandom | tr -d '\n'; echo
  printf '%s mail dovecot: Login: user=<x>, rip=203.0.113.9\n' "$stamp"
  printf '%s mail imap-login: Info: Login: user=<x imap-login: Login: user=<y>, rip=203.0.113.10, lip=1>, method=PLAIN, rip=192.0.2.17, lip=192.0.2.1\n' "$stamp"
} > "$L"
run readlog -1 -d "$d" "$L"
check "readlog reads the hostile log (exit 0)" 0 "$rc"
showallowed -d "$d" | awk '{print $1}' | sort > "$T/granted"
# (the last line, a user holding a whole login, is refused as ambiguous: fail-closed)
check "exactly the server-written addresses are granted" "192.0.2.10
192.0.2.11
192.0.2.12
192.0.2.13
192.0.2.15
2001:db8::16" "$(cat "$T/granted")"
check "no address from client text, a zone id, an invalid literal, a NUL or CR line" "" "$(grep -E '^(203\.|fe80|300|1\.2\.3|01\.)' "$T/granted")"
checkgrep "the 1 MB lines are counted as too long, not cut into pieces" "toolong [1-9]" "$T/err"
showallowed -d "$d" > "$T/sa"
check "an invalid UTF-8 user name is shown escaped" 1 "$(grep -c 'caf%E9%FF%FE' "$T/sa")"

echo '--- the journal'
d=$(newstate)
relaygrant -d "$d" 192.0.2.7
{
  printf '\0\0\0'
  head -c 1048576 /dev/urandom | tr -d '\n'
  storetool fmt + $now 0 192.0.2.8 10.0.0.1 10.0.0.2 | tr -d '\n'; printf '\r\n'
  storetool fmt + $now 0 192.0.2.9 x 203.0.113.1
  printf '+ %s 0 203.0.113.2 x y 00000000\n' $now
  printf '+ %s 0 fe80::1%%eth0 x y ' $now; printf '+ %s 0 fe80::1%%eth0 x y' $now | storetool records /dev/stdin >/dev/null; echo
  head -c 600000 /dev/zero
} >> "$d/journal"
relaygrant -d "$d" 192.0.2.10
checkrun "the journal with NULs, a 1 MB line and garbage scans (0)" 0 '' storetool scan "$d"
awk '{print $1}' "$T/out" | sort > "$T/addrs"
check "only real records count: a CR-ended line is none; text in source or user is no address" "192.0.2.10
192.0.2.7
192.0.2.9" "$(cat "$T/addrs")"
: > "$T/rl.err"
check "relaylock finds the grants around the garbage" "set: set: unset unset unset" \
  "$(rl 192.0.2.7 "$d") $(rl 192.0.2.10 "$d") $(rl 192.0.2.8 "$d") $(rl 10.0.0.1 "$d") $(rl 203.0.113.1 "$d")"
checkrun "compaction over it (0)" 0 '' storetool compact "$d" $now
check "and the same addresses after it" "$(cat "$T/addrs")" "$(storetool scan "$d" | awk '{print $1}' | sort)"

echo '--- the address relaylock is given'
d=$(newstate); relaygrant -d "$d" 192.0.2.7; relaygrant -d "$d" fe80::1
: > "$T/rl.err"
check "::ffff:192.0.2.7 is 192.0.2.7" "set:" "$(rl ::ffff:192.0.2.7 "$d")"
for bad in 'fe80::1%eth0' '192.0.2.7 ' ' 192.0.2.7' '192.0.2.7
' '300.1.1.1' '192.0.2.07' '' '192.0.2.7/32' "$(printf '192.0.2.7\r')" "$(head -c 100000 /dev/zero | tr '\0' 1)"; do
  r=$(rl "$bad" "$d")
  [ "$r" = unset ] || notok "a client address of $(printf %q "${bad:0:40}") gets no RELAYCLIENT" "got: $r"
done
ok "none of 10 invalid client addresses (zone id, blanks, LF, CR, 300.x, leading zero, empty, prefix, 100 kB) gets RELAYCLIENT"
checkgrep "relaylock says the address is invalid" "relaylock: warning: .*" "$T/rl.err"

echo '--- control files'
d=$(newstate); relaygrant -d "$d" 192.0.2.7
printf '18\0' > "$d/grace"
: > "$T/rl.err"
check "grace with a NUL: invalid, no RELAYCLIENT" "unset" "$(rl 192.0.2.7 "$d")"
check "and said so, in one line that names the file and the value, the NUL a ?" "relaylock: warning: unable to read $d/grace: it is not a number of seconds up to 31622400: \"18?\"" "$(cat "$T/rl.err")"
head -c 1048576 /dev/zero | tr '\0' ' ' > "$d/grace"; echo 1800 >> "$d/grace"
check "grace 1 MB long: invalid, no RELAYCLIENT" "unset" "$(rl 192.0.2.7 "$d")"
printf ' 1800\r\n' > "$d/grace"
check "grace with CRLF: read" "set:" "$(rl 192.0.2.7 "$d")"
printf '10.0.0.0/8\r\n# 203.0.113.0/24\r\n' > "$d/allow"
check "allow with CRLF lines: the network relays" "set:" "$(rl 10.1.2.3 "$d")"
check "a commented network does not" "unset" "$(rl 203.0.113.1 "$d")"
printf '10.0.0.0/8\nfe80::/10%%eth0\n' > "$d/allow"
check "a zone id in allow makes the file invalid: no network relays" "unset" "$(rl 10.1.2.3 "$d")"
{ printf '10.0.0.0/8 '; head -c 1048576 /dev/zero | tr '\0' x; echo; } > "$d/allow"
check "a 1 MB line in allow: invalid, no network relays" "unset" "$(rl 10.1.2.3 "$d")"
rm "$d/allow"; rm "$d/grace"

echo '--- files that are not what they claim'
d=$(newstate); mkdir "$d/journal"
checkrun "a directory as the journal: relaygrant fails (111)" 111 "relaygrant: fatal: unable to append to $d/journal: Is a directory" relaygrant -d "$d" 192.0.2.7
check "relaylock still runs the server" "unset" "$(rl 192.0.2.7 "$d")"
rmdir "$d/journal"; relaygrant -d "$d" 192.0.2.7; mkfifo "$d/snapshot.cdb"
run timeout 10 env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a FIFO as snapshot.cdb: relaylock does not hang, runs the server without RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"
check "and says so in one line, naming the snapshot, not a protocol error" "relaylock: warning: unable to read $d/snapshot.cdb: it is not a regular file" "$(cat "$T/err")"
run timeout 10 storetool compact "$d" $now
check "and compaction refuses it at once (111)" 111 "$rc"
rm -f "$d"/*; relaygrant -d "$d" 192.0.2.7; mkfifo "$d/journal.old"
run timeout 10 env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a FIFO as journal.old: one line that names it" "0 unset relaylock: warning: unable to read $d/journal.old: it is not a regular file" "$rc $(cat "$T/out") $(cat "$T/err")"
rm "$d/journal.old"; mv "$d/journal" "$d/journal.old"; mkfifo "$d/journal"
run timeout 10 env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a FIFO as the journal: one line that names it" "0 unset relaylock: warning: unable to read $d/journal: it is not a regular file" "$rc $(cat "$T/out") $(cat "$T/err")"
rm "$d/journal"; mv "$d/journal.old" "$d/journal"
printf 'garbage' > "$d/snapshot.cdb"
run env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a bad snapshot: one line that says so" "0 unset relaylock: warning: unable to read $d/snapshot.cdb: it is not a valid snapshot" "$rc $(cat "$T/out") $(cat "$T/err")"
printf '10.0.0.0/8\nfe80::/10%%eth0\n' > "$d/allow"
run env -u RELAYCLIENT TCPREMOTEIP=10.1.2.3 relaylock -d "$d" sh -c "$SHOW"
check "a bad allow line: one line that names the file and the line" "0 unset relaylock: warning: unable to read $d/allow: invalid network on line 2: \"fe80::/10%eth0\"" "$rc $(cat "$T/out") $(cat "$T/err")"
rm "$d/allow" "$d/snapshot.cdb"
if isroot && needcmd setuidgid; then
  chmod 700 "$d"
  run env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 setuidgid nobody "$TOP/relaylock" -d "$d" sh -c "$SHOW"
  check "a directory relaylock may not search: one line that names the directory, not grace" "0 unset relaylock: warning: unable to read the state directory $d: Permission denied" "$rc $(cat "$T/out") $(cat "$T/err")"
  chmod 755 "$d"
else
  skip "an unsearchable directory" "needs root and setuidgid to run as nobody"
fi
printf 'garbage' > "$d/snapshot.cdb"
rm "$d/snapshot.cdb"; mkdir "$d/snapshot.cdb"
check "a directory as snapshot.cdb: no RELAYCLIENT" "unset" "$(rl 192.0.2.7 "$d")"
rmdir "$d/snapshot.cdb"; ln -s /dev/zero "$d/snapshot.cdb"
run timeout 10 env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$d" sh -c "$SHOW"
check "a symlink to /dev/zero as snapshot.cdb: refused at once" "0 unset" "$rc $(cat "$T/out")"
rm "$d/snapshot.cdb"
check "all of it gone: the grant is seen again" "set:" "$(rl 192.0.2.7 "$d")"
f="$T/notadir"; : > "$f"
run env -u RELAYCLIENT TCPREMOTEIP=192.0.2.7 relaylock -d "$f" sh -c "$SHOW"
check "a file as the state directory: the server runs without RELAYCLIENT" "0 unset" "$rc $(cat "$T/out")"

echo '--- 10^6 distinct addresses: memory stays bounded'
if [ -x /usr/bin/time ]; then
  d=$(newstate)
  for i in $(seq 1 16); do storetool hammer "$d" $i 62500 /dev/null 1000 & done; wait
  jsize=$(stat -c %s "$d/journal")
  check "a journal of 10^6 grants" 1000000 "$(grep -c '' "$d/journal")"
  rss() { sed -n 's/.*Maximum resident set size (kbytes): //p' "$1"; }
  /usr/bin/time -v storetool compact "$d" now > /dev/null 2> "$T/time"
  r=$(rss "$T/time"); lim=$((jsize * 3 / 1024 + 32768))
  checkrss "compaction of 10^6 grants: max RSS ${r} kB, within 3x the journal + 32 MB ($lim kB)" $lim "$r"
  /usr/bin/time -v env -u RELAYCLIENT TCPREMOTEIP=10.7.100.200 "$TOP/relaylock" -d "$d" sh -c "$SHOW" > "$T/out" 2> "$T/time"
  check "relaylock finds one of the 10^6" "set:" "$(cat "$T/out")"
  r=$(rss "$T/time")
  checkrss "with a max RSS of ${r} kB, under 8 MB" 8192 "$r"
  relaygrant -d "$d" 192.0.2.1
  /usr/bin/time -v storetool compact "$d" now > /dev/null 2> "$T/time"
  r=$(rss "$T/time")
  checkrss "compacting a 10^6 snapshot (streamed) with a small journal: max RSS ${r} kB, under 48 MB" 49152 "$r"
  /usr/bin/time -v showallowed -d "$d" > "$T/out" 2> "$T/time"
  check "showallowed lists all 10^6 and one" 1000001 "$(grep -c '' "$T/out")"
  echo "# showallowed's max RSS for 10^6 addresses: $(rss "$T/time") kB (it holds the list to sort it)"
  d=$(newstate)
  awk -v d="$stamp" 'BEGIN{for(i=0;i<200000;i++) printf "%s mail dovecot: imap-login: Login: user=<u%d>, method=PLAIN, rip=10.%d.%d.%d, lip=192.0.2.1, mpid=%d, secured\n", d, i, int(i/65536)+100, int(i/256)%256, i%256, i}' > "$T/big.log"
  /usr/bin/time -v readlog -1 -d "$d" -F dovecot "$T/big.log" > /dev/null 2> "$T/time"
  r=$(rss "$T/time")
  checkgrep "readlog reads 200000 distinct logins" "lines 200000 logins 200000 " "$T/time"
  checkrss "with a max RSS of ${r} kB, under 40 MB" 40960 "$r"
  check "all of them recorded" 200000 "$(storetool scan "$d" | grep -c '^10\.')"
else
  skip "10^6 distinct addresses" "/usr/bin/time is not installed (apt package time)"
fi
