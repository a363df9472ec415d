#!/bin/bash
# relaylock: behind a real tcpserver on 127.0.0.1 (and ucspi-tcp-ipv6's on
# ::1), clients from distinct loopback addresses; then every failure path,
# run directly, with the exit code and the stderr line checked.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

[ -x "$TOP/relaylock" ] || { notok "relaylock is not built"; exit 1; }
for c in tcpserver tcpclient perl; do
  needcmd $c || { skip "relaylock tests" "$c is not installed (package/test installs it)"; exit 0; }
done

# the inner program: says whether relaylock set RELAYCLIENT, and to what
SHOW='if [ "${RELAYCLIENT+x}" ]; then echo "set:$RELAYCLIENT"; else echo unset; fi'

now=$(date +%s)
d=$(newstate)
echo 1800 > "$d/grace"
printf '# static networks\n127.0.1.0/24\n\n  fd00:1::/64   # a comment\n' > "$d/allow"
{
  rec + $((now - 312)) 0 127.0.0.21 dovecot/imap alice
  rec + $((now - 4000)) 0 127.0.0.23 dovecot/pop3 olduser
  rec + $((now - 100)) 0 127.0.0.26 courier/pop3 "$(printf 'ev il\033[2J')"
} >> "$d/journal"
relaygrant -d "$d" -s 600 -u bob 127.0.0.25
relaygrant -d "$d" 127.0.0.24 && relayrevoke -d "$d" 127.0.0.24
relaygrant -d "$d" ::1

# --- behind tcpserver on 127.0.0.1
if startserver v4 tcpserver 127.0.0.1 relaylock -v -d "$d" sh -c "$SHOW"; then
  p=$port_v4
  check "127.0.0.21 logged in 312 s ago: RELAYCLIENT set" "set:" "$(relayflag tcpclient 127.0.0.21 127.0.0.1 $p)"
  check "127.0.0.22 never logged in: RELAYCLIENT not set" "unset" "$(relayflag tcpclient 127.0.0.22 127.0.0.1 $p)"
  check "127.0.1.5 in the static network 127.0.1.0/24: set" "set:" "$(relayflag tcpclient 127.0.1.5 127.0.0.1 $p)"
  check "127.0.0.23 logged in 4000 s ago, grace 1800: not set" "unset" "$(relayflag tcpclient 127.0.0.23 127.0.0.1 $p)"
  check "127.0.0.24 granted then revoked: not set" "unset" "$(relayflag tcpclient 127.0.0.24 127.0.0.1 $p)"
  check "127.0.0.25 granted by relaygrant -s 600: set" "set:" "$(relayflag tcpclient 127.0.0.25 127.0.0.1 $p)"
  check "127.0.0.26 (hostile user name) logged in: set" "set:" "$(relayflag tcpclient 127.0.0.26 127.0.0.1 $p)"
  relayrevoke -d "$d" 127.0.0.25
  check "127.0.0.25 after relayrevoke: not set, at the next connection" "unset" "$(relayflag tcpclient 127.0.0.25 127.0.0.1 $p)"
  sleep 1   # a grant must be newer than the revocation, to the second
  relaygrant -d "$d" -u carol 127.0.0.22
  check "127.0.0.22 after relaygrant: set, at the next connection" "set:" "$(relayflag tcpclient 127.0.0.22 127.0.0.1 $p)"
  e="$T/v4.err"
  checkgrep "info: allow with source, user and age" '^relaylock: info: allow 127\.0\.0\.21 dovecot/imap alice 3[0-9][0-9]s ago$' "$e"
  checkgrep "info: allow by static network" '^relaylock: info: allow 127\.0\.1\.5 network 127\.0\.1\.0/24$' "$e"
  checkgrep "info: deny" '^relaylock: info: deny 127\.0\.0\.22$' "$e"
  checkgrep "info: allow by relaygrant" '^relaylock: info: allow 127\.0\.0\.25 relaygrant bob [0-9]+s ago$' "$e"
  checkgrep "info: the hostile user name is escaped" '^relaylock: info: allow 127\.0\.0\.26 courier/pop3 ev%20il%1B\[2J [0-9]+s ago$' "$e"
  checknogrep "no raw escape byte reaches the log" "$(printf '\033')" "$e"
  checknogrep "no warning in normal operation" 'warning|fatal' "$e"
else
  notok "tcpserver on 127.0.0.1 did not start" "$(cat "$T/v4.err")"
fi

# --- behind ucspi-tcp-ipv6's tcpserver on ::1 (PROTO=TCP6, TCP6REMOTEIP)
if ! grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null; then
  skip "relaylock on ::1" "no IPv6 loopback here"
elif ! needcmd apt-get || ! (cd "$T" && apt-get download ucspi-tcp-ipv6 >/dev/null 2>&1); then
  skip "relaylock on ::1" "unable to download ucspi-tcp-ipv6 with apt-get"
else
  dpkg-deb -x "$T"/ucspi-tcp-ipv6_*.deb "$T/v6root"
  V6=$T/v6root/usr/bin
  if startserver v6 "$V6/tcpserver" ::1 relaylock -v -d "$d" sh -c "$SHOW"; then
    check "::1 granted by relaygrant, over IPv6: set" "set:" "$(relayflag "$V6/tcpclient" ::1 ::1 $port_v6)"
    checkgrep "info: allow ::1 (PROTO=TCP6)" '^relaylock: info: allow ::1 relaygrant - [0-9]+s ago$' "$T/v6.err"
    relayrevoke -d "$d" ::1
    check "::1 after relayrevoke: not set" "unset" "$(relayflag "$V6/tcpclient" ::1 ::1 $port_v6)"
  else
    notok "ucspi-tcp-ipv6 tcpserver on ::1 did not start" "$(cat "$T/v6.err")"
  fi
fi

# --- direct runs: environment, options, every failure path
rl() { env -u RELAYCLIENT -u PROTO "$@"; }
checkrun "PROTO=TCP6, TCP6REMOTEIP=::ffff:127.0.0.21 (mapped) is 127.0.0.21" 0 \
  '^relaylock: info: allow 127\.0\.0\.21 dovecot/imap alice [0-9]+s ago$' \
  env -u RELAYCLIENT PROTO=TCP6 TCP6REMOTEIP=::ffff:127.0.0.21 relaylock -v -d "$d" sh -c "$SHOW"
check "  ... and RELAYCLIENT is set" "set:" "$(cat "$T/out")"
checkrun "an address in fd00:1::/64 (IPv6 static network)" 0 '^relaylock: info: allow fd00:1::9 network fd00:1::/64$' \
  rl TCPREMOTEIP=fd00:1:0:0::9 relaylock -v -d "$d" sh -c "$SHOW"
check "  ... RELAYCLIENT is set" "set:" "$(cat "$T/out")"
checkrun "-r sets RELAYCLIENT to the value given" 0 '' rl TCPREMOTEIP=127.0.0.21 relaylock -r @relay -d "$d" sh -c "$SHOW"
check "  ... RELAYCLIENT=@relay" "set:@relay" "$(cat "$T/out")"
checkrun "RELAYCLIENT already set is left alone" 0 '' env -u PROTO RELAYCLIENT=@rules TCPREMOTEIP=127.0.0.22 relaylock -d "$d" sh -c "$SHOW"
check "  ... still @rules" "set:@rules" "$(cat "$T/out")"
checkrun "-g 100 overrides the grace: a login 312 s old is over" 0 '^relaylock: info: deny 127\.0\.0\.21$' \
  rl TCPREMOTEIP=127.0.0.21 relaylock -v -g 100 -d "$d" sh -c "$SHOW"
check "  ... not set" "unset" "$(cat "$T/out")"
checkrun "without -v, nothing on stderr" 0 '' rl TCPREMOTEIP=127.0.0.22 relaylock -d "$d" sh -c "$SHOW"

# failures that must not stop mail: a warning, prog runs without RELAYCLIENT.
# Each uses 127.0.0.21, which is allowed when nothing is wrong.
degraded() {  # degraded WHAT STDERR-REGEXP ENV... -- COMMAND...  (sh -c SHOW appended)
  local what=$1 pat=$2; shift 2
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done; shift
  checkrun "$what: exit 0 and one warning" 0 "$pat" rl "${envs[@]}" "$@" sh -c "$SHOW"
  check "$what: one line on stderr, not two" 1 "$(wc -l < "$T/err")"
  check "$what: prog ran without RELAYCLIENT" "unset" "$(cat "$T/out")"
}
degraded "missing state directory" \
  "^relaylock: warning: unable to read the state directory $T/nonexistent: No such file or directory\$" \
  TCPREMOTEIP=127.0.0.21 -- relaylock -d "$T/nonexistent"

c=$(newstate); cp "$d/journal" "$c/journal"
head -c 3000 /dev/zero | tr '\0' '\377' > "$c/snapshot.cdb"
printf 'this is not a cdb' >> "$c/snapshot.cdb"
degraded "corrupt snapshot (garbage bytes)" "^relaylock: warning: unable to read $c/snapshot\.cdb: it is not a valid snapshot\$" \
  TCPREMOTEIP=127.0.0.22 -- relaylock -d "$c"
c2=$(newstate); cp "$d/journal" "$c2/journal"; printf 'garbage' > "$c2/snapshot.cdb"
degraded "short snapshot (7 garbage bytes)" "^relaylock: warning: unable to read $c2/snapshot\.cdb: it is not a valid snapshot\$" \
  TCPREMOTEIP=127.0.0.22 -- relaylock -d "$c2"

if isroot && needcmd setuidgid; then
  u=$(newstate); cp "$d/journal" "$u/journal"; chmod 644 "$u/journal"
  : > "$u/snapshot.cdb"; chmod 000 "$u/snapshot.cdb"
  degraded "unreadable snapshot (mode 000, run as nobody)" \
    "^relaylock: warning: unable to read $u/snapshot\.cdb: Permission denied\$" \
    TCPREMOTEIP=127.0.0.21 -- setuidgid nobody "$TOP/relaylock" -d "$u"
  chmod 600 "$u/journal"; rm -f "$u/snapshot.cdb"
  degraded "unreadable journal (mode 600, run as nobody)" \
    "^relaylock: warning: unable to read $u/journal: Permission denied\$" \
    TCPREMOTEIP=127.0.0.21 -- setuidgid nobody "$TOP/relaylock" -d "$u"
  chmod 644 "$u/journal"; chmod 700 "$u"
  # the directory is what cannot be read, not its grace file
  degraded "unreadable directory (mode 700, run as nobody)" \
    "^relaylock: warning: unable to read the state directory $u: Permission denied\$" \
    TCPREMOTEIP=127.0.0.21 -- setuidgid nobody "$TOP/relaylock" -d "$u"
else
  skip "unreadable snapshot" "needs root and setuidgid (daemontools) to run relaylock as nobody"
fi

g=$(newstate); cp "$d/journal" "$g/journal"; echo 'half an hour' > "$g/grace"
degraded "bad grace file" "^relaylock: warning: unable to read $g/grace: it is not a number of seconds up to 31622400: \"half an hour\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$g"
echo 31622401 > "$g/grace"
degraded "a grace above GRANT_MAX (366 days)" "^relaylock: warning: unable to read $g/grace: it is not a number of seconds up to 31622400: \"31622401\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$g"
checkrun "-g above GRANT_MAX: usage (100)" 100 '^relaylock: usage: .*$' relaylock -g 31622401 -d "$d" true
f=$(newstate); cp "$d/journal" "$f/journal.old"; mkfifo "$f/journal"
degraded "a FIFO as the journal" "^relaylock: warning: unable to read $f/journal: it is not a regular file\$" TCPREMOTEIP=127.0.0.21 -- timeout 10 relaylock -d "$f"
rm "$f/journal"; cp "$d/journal" "$f/journal"; mkfifo "$f/snapshot.cdb"
degraded "a FIFO as the snapshot" "^relaylock: warning: unable to read $f/snapshot.cdb: it is not a regular file\$" TCPREMOTEIP=127.0.0.21 -- timeout 10 relaylock -d "$f"
a=$(newstate); cp "$d/journal" "$a/journal"; printf '10.0.0.0/8\n127.0.1.0/33\n' > "$a/allow"
degraded "bad allow line" "^relaylock: warning: unable to read $a/allow: invalid network on line 2: \"127\.0\.1\.0/33\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$a"
printf '10.0.0.1/8   # meant 10.0.0.0/8\n' > "$a/allow"
degraded "host bits set (10.0.0.1/8): invalid, nobody relays" "^relaylock: warning: unable to read $a/allow: host bits set in the network on line 1: \"10\.0\.0\.1/8\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$a"
printf '::ffff:10.0.0.0/96\n' > "$a/allow"
degraded "::ffff:10.0.0.0/96 (all of IPv4, meant as 10/8): host bits, invalid" "^relaylock: warning: unable to read $a/allow: host bits set in the network on line 1: \"::ffff:10\.0\.0\.0/96\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$a"
printf 'ab\001cd\n' > "$a/allow"
degraded "a control byte in a bad allow line is shown as ?" "^relaylock: warning: unable to read $a/allow: invalid network on line 1: \"ab\\?cd\"\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$a"

# networks wider than meant: valid (they relay), and a warning for each, every time
w=$(newstate); cp "$d/journal" "$w/journal"
printf '# wide\n::ffff:0.0.0.0/96\n8.0.0.0/7\n10.0.0.0/8\n::/0\n2000::/3\n::/80\n2001:db8::/32\n0.0.0.0/0\n' > "$w/allow"
run rl TCPREMOTEIP=127.0.0.30 relaylock -d "$w" sh -c "$SHOW"
check "wide networks: exit 0" 0 "$rc"
check "wide networks: 0.0.0.0/0 lets 127.0.0.30 relay" "set:" "$(cat "$T/out")"
check "wide networks: one warning per wide line, naming line, text and addresses" "relaylock: warning: $w/allow line 2: ::ffff:0.0.0.0/96 covers all of IPv4: every IPv4 client may relay
relaylock: warning: $w/allow line 3: 8.0.0.0/7 covers 8.0.0.0 to 9.255.255.255, wider than /8: every client there may relay
relaylock: warning: $w/allow line 5: ::/0 covers all of IPv6 and all of IPv4: every client may relay
relaylock: warning: $w/allow line 6: 2000::/3 covers 2000:: to 3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, wider than /32: every client there may relay
relaylock: warning: $w/allow line 7: ::/80 covers :: to ::ffff:ffff:ffff, with all of IPv4: every client there may relay
relaylock: warning: $w/allow line 9: 0.0.0.0/0 covers all of IPv4: every IPv4 client may relay" "$(cat "$T/err")"
printf '10.0.0.0/8\n' > "$w/allow"
checkrun "10.0.0.0/8: no warning" 0 '' rl TCPREMOTEIP=127.0.0.30 relaylock -d "$w" true
: > "$w/allow"; for i in $(seq 20); do echo 0.0.0.0/0 >> "$w/allow"; done
run rl TCPREMOTEIP=127.0.0.30 relaylock -d "$w" true
check "20 wide lines: 16 warnings and one for the rest" "17 relaylock: warning: $w/allow: 4 more lines as wide" "$(wc -l < "$T/err") $(tail -1 "$T/err")"

# grace 0: valid, and no login relays: said
z=$(newstate); cp "$d/journal" "$z/journal"; echo 0 > "$z/grace"
degraded "grace 0" "^relaylock: warning: $z/grace: the value is \"0\": no login opens relaying \(only the networks of $z/allow and grants with their own duration do\)\$" TCPREMOTEIP=127.0.0.21 -- relaylock -d "$z"
checkrun "grace 0 in the file, -g 1800: no warning" 0 '' rl TCPREMOTEIP=127.0.0.21 relaylock -g 1800 -d "$z" true
degraded "TCPREMOTEIP unset" '^relaylock: warning: unable to read the client address: TCPREMOTEIP is not set$' -u TCPREMOTEIP -- relaylock -d "$d"
degraded "PROTO=SSL and no SSLREMOTEIP" '^relaylock: warning: unable to read the client address: SSLREMOTEIP is not set$' PROTO=SSL TCPREMOTEIP=127.0.0.21 -- relaylock -d "$d"
degraded "invalid address 1.2.3.999" '^relaylock: warning: invalid client address in TCPREMOTEIP: 1\.2\.3\.999$' TCPREMOTEIP=1.2.3.999 -- relaylock -d "$d"
degraded "zone id fe80::1%eth0" '^relaylock: warning: invalid client address in TCPREMOTEIP: fe80::1%25eth0$' TCPREMOTEIP=fe80::1%eth0 -- relaylock -d "$d"
degraded "empty TCPREMOTEIP" '^relaylock: warning: unable to read the client address: TCPREMOTEIP is empty$' TCPREMOTEIP= -- relaylock -d "$d"
degraded "control bytes in TCPREMOTEIP are escaped, as user names" '^relaylock: warning: invalid client address in TCPREMOTEIP: 1%0A2$' "TCPREMOTEIP=$(printf '1\n2')" -- relaylock -d "$d"

# the only ways it stops
checkrun "no prog: usage, 100" 100 '^relaylock: usage: relaylock .*$' rl TCPREMOTEIP=127.0.0.21 relaylock -d "$d"
checkrun "bad -g: usage, 100" 100 '^relaylock: usage: relaylock .*$' rl TCPREMOTEIP=127.0.0.21 relaylock -g 10m true
checkrun "unknown option: usage, 100" 100 '^relaylock: usage: relaylock .*$' rl TCPREMOTEIP=127.0.0.21 relaylock -q true
checkrun "missing prog: 127" 127 '^relaylock: fatal: unable to exec .*/nonexistent-prog: No such file or directory$' \
  rl TCPREMOTEIP=127.0.0.21 relaylock -d "$d" "$T/nonexistent-prog"
run env -u TCPREMOTEIP relaylock -d "$d" nonexistent-prog-xyz
check "missing prog after a warning: 127" 127 "$rc"
check "  ... the warning, then the fatal line" \
  "relaylock: warning: unable to read the client address: TCPREMOTEIP is not set
relaylock: fatal: unable to exec nonexistent-prog-xyz: No such file or directory" "$(cat "$T/err")"
printf 'echo hi\n' > "$T/notexec"; chmod 644 "$T/notexec"
checkrun "prog not executable: 126" 126 '^relaylock: fatal: unable to exec .*/notexec: Permission denied$' \
  rl TCPREMOTEIP=127.0.0.22 relaylock -d "$d" "$T/notexec"
