#!/bin/bash
# showallowed: who may relay, in both formats, with -a -e -t -g, and its
# errors.  Records are written with tests/smtp/record at chosen times, and
# every run uses -t, so "now" is fixed and the expected output is exact.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

[ -x "$TOP/showallowed" ] || { notok "showallowed is not built"; exit 1; }
needcmd perl || { skip "showallowed" "perl is not installed"; exit 0; }
export TZ=UTC

now=$(date +%s)
d=$(newstate)
echo 1800 > "$d/grace"
printf '# office\n192.0.2.0/24\n2001:db8:1::/48\n' > "$d/allow"
{
  rec + $((now - 312)) 0 127.0.0.21 dovecot/imap alice
  rec + $((now - 100)) 0 2001:db8::1 dovecot/pop3 bob
  rec + $((now - 50)) 0 ::1 - ''
  rec + $((now - 10)) 0 127.0.0.100 courier/pop3 "$(printf 'ev il\033[2J')"
  rec + $((now - 20)) 600 10.0.0.5 relaygrant admin
  rec + $((now - 4000)) 0 127.0.0.23 dovecot/imap olduser
  rec + $((now - 200)) 0 127.0.0.24 dovecot/imap carol
  rec - $((now - 30)) 0 127.0.0.24 relayrevoke ''
} >> "$d/journal"
# the journal is appended out of order on purpose: the output is sorted
when() { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

checkrun "showallowed runs" 0 '' showallowed -d "$d" -t $now
check "human format: address, login time, seconds left, source, user; IPv4 numerically, then IPv6" \
"10.0.0.5     $(when $((now - 20)))  580s   relaygrant    admin
127.0.0.21   $(when $((now - 312)))  1488s  dovecot/imap  alice
127.0.0.100  $(when $((now - 10)))  1790s  courier/pop3  ev%20il%1B[2J
::1          $(when $((now - 50)))  1750s  -             -
2001:db8::1  $(when $((now - 100)))  1700s  dovecot/pop3  bob" "$(cat "$T/out")"
checknogrep "no raw escape byte in the output" "$(printf '\033')" "$T/out"

checkrun "-m runs" 0 '' showallowed -d "$d" -m -t $now
check "-m: address status login until left source user, tab-separated, Unix times" \
"10.0.0.5	allowed	$((now - 20))	$((now + 580))	580	relaygrant	admin
127.0.0.21	allowed	$((now - 312))	$((now + 1488))	1488	dovecot/imap	alice
127.0.0.100	allowed	$((now - 10))	$((now + 1790))	1790	courier/pop3	ev%20il%1B[2J
::1	allowed	$((now - 50))	$((now + 1750))	1750	-	-
2001:db8::1	allowed	$((now - 100))	$((now + 1700))	1700	dovecot/pop3	bob" "$(cat "$T/out")"

run showallowed -d "$d" -m -e -t $now
check "-e adds the expired and the revoked grants, marked" \
"10.0.0.5	allowed
127.0.0.21	allowed
127.0.0.23	expired
127.0.0.24	revoked
127.0.0.100	allowed
::1	allowed
2001:db8::1	allowed" "$(cut -f1,2 "$T/out")"
check "-e: the expired grant's end is login + grace" "$((now - 4000))	$((now - 2200))	0" "$(grep '^127\.0\.0\.23	' "$T/out" | cut -f3-5)"
check "-e: the revoked grant ended at the revocation" "$((now - 200))	$((now - 30))	0" "$(grep '^127\.0\.0\.24	' "$T/out" | cut -f3-5)"
run showallowed -d "$d" -e -t $now
checkgrep "-e, human format: expired marked" "^127\\.0\\.0\\.23   $(when $((now - 4000)))  expired  dovecot/imap  olduser\$" "$T/out"
checkgrep "-e, human format: revoked marked" "^127\\.0\\.0\\.24   $(when $((now - 200)))  revoked  dovecot/imap  carol\$" "$T/out"

run showallowed -d "$d" -a -m -t $now
check "-a adds the static networks of DIR/allow, in address order" \
"10.0.0.5	allowed
127.0.0.21	allowed
127.0.0.100	allowed
192.0.2.0/24	network
::1	allowed
2001:db8::1	allowed
2001:db8:1::/48	network" "$(cut -f1,2 "$T/out")"
check "-a -m: a network has no times, source or user" "192.0.2.0/24	network	-	-	-	-	-" "$(grep '^192' "$T/out")"
run showallowed -d "$d" -a -t $now
checkgrep "-a, human format: the network line" '^192\.0\.2\.0/24  +static network \(allow\)$' "$T/out"

# -t: as of an audit time, as far as the state still knows
t=$((now - 3000))
run showallowed -d "$d" -m -t $t
check "-t: 3000 s ago, only the login of 4000 s ago allowed (later records did not exist yet)" \
"127.0.0.23	allowed	$((now - 4000))	$((now - 2200))	800	dovecot/imap	olduser" "$(cat "$T/out")"
iso=$(date -u -d "@$t" '+%Y-%m-%dT%H:%M:%SZ')
run showallowed -d "$d" -m -t "$iso"
check "-t in ISO 8601 ($iso) gives the same" "127.0.0.23	allowed	$((now - 4000))	$((now - 2200))	800	dovecot/imap	olduser" "$(cat "$T/out")"
run showallowed -d "$d" -m -t $((now - 100))
check "-t before the revocation of 127.0.0.24: it was allowed then" "127.0.0.24	allowed	1700" \
  "$(grep '^127\.0\.0\.24	' "$T/out" | cut -f1,2,5)"

run showallowed -d "$d" -m -g 60 -t $now
check "-g 60 overrides the grace (the timed grant keeps its 600 s)" \
"10.0.0.5	580
127.0.0.100	50
::1	10" "$(cut -f1,5 "$T/out")"
check "without -t, showallowed uses the clock (every allowed address is listed)" \
  "10.0.0.5 127.0.0.21 127.0.0.100 ::1 2001:db8::1" "$(showallowed -d "$d" | awk '{print $1}' | tr '\n' ' ' | sed 's/ $//')"

e=$(newstate)
checkrun "an empty state directory: nothing, exit 0" 0 '' showallowed -d "$e"
check "  ... no output" "" "$(cat "$T/out")"

# errors
checkrun "missing state directory: 111" 111 "^showallowed: fatal: unable to read the state directory $T/nonexistent: No such file or directory\$" \
  showallowed -d "$T/nonexistent"
c=$(newstate); cp "$d/journal" "$c"; printf 'garbage' > "$c/snapshot.cdb"
checkrun "corrupt snapshot: 111" 111 "^showallowed: fatal: unable to read $c/snapshot\\.cdb: it is not a valid snapshot\$" showallowed -d "$c"
g=$(newstate); echo '30 minutes' > "$g/grace"
# what relaylock reads before any address: when it refuses everybody, showallowed says so, exit 1
cp "$d/journal" "$g"
checkrun "bad grace file: a warning naming file, value and effect, exit 1" 1 "^showallowed: warning: unable to read $g/grace: it is not a number of seconds up to 31622400: \"30 minutes\": relaylock lets nobody relay until it is fixed\$" showallowed -d "$g"
check "  ... and lists nobody" "" "$(cat "$T/out")"
checkrun "bad grace file, but -g: fine" 0 '' showallowed -g 60 -d "$g"
echo 0 > "$g/grace"
checkrun "grace 0: valid, a warning naming the file, the value and the effect" 0 "^showallowed: warning: $g/grace: the value is \"0\": no login opens relaying \(only the networks of $g/allow and grants with their own duration do\)\$" showallowed -d "$g"
a=$(newstate); cp "$d/journal" "$a"; printf '10.0.0.0/8\n\n300.0.0.0/8\n' > "$a/allow"
checkrun "bad allow line with -a: a warning with the line and its text, exit 1" 1 "^showallowed: warning: unable to read $a/allow: invalid network on line 3: \"300\.0\.0\.0/8\": relaylock lets nobody relay until it is fixed\$" showallowed -a -d "$a"
checkrun "bad allow line without -a: relaylock refuses everybody, so the same (was: the grants, exit 0)" 1 "^showallowed: warning: unable to read $a/allow: invalid network on line 3: \"300\.0\.0\.0/8\": relaylock lets nobody relay until it is fixed\$" showallowed -d "$a"
check "  ... and lists nobody" "" "$(cat "$T/out")"
checkrun "-m too" 1 "^showallowed: warning: unable to read $a/allow: invalid network on line 3: .*" showallowed -m -d "$a"
check "  ... and lists nobody" "" "$(cat "$T/out")"
printf '10.0.0.1/8\n' > "$a/allow"
checkrun "host bits set in allow: invalid, exit 1" 1 "^showallowed: warning: unable to read $a/allow: host bits set in the network on line 1: \"10\.0\.0\.1/8\": relaylock lets nobody relay until it is fixed\$" showallowed -d "$a"
printf '# all\n::ffff:0.0.0.0/96\n' > "$a/allow"
# one time for both listings: the seconds left would change across a second
at=$(date +%s)
checkrun "a wide network: valid, the grants listed, and a warning naming line, text and addresses" 0 "^showallowed: warning: $a/allow line 2: ::ffff:0\.0\.0\.0/96 covers all of IPv4: every IPv4 client may relay\$" showallowed -t "$at" -d "$a"
check "  ... the same listing as without allow" "$(showallowed -t "$at" -d "$d")" "$(cat "$T/out")"
checkrun "-t beyond 9999-12-31 (would overflow): 100" 100 '^showallowed: fatal: invalid value for -t: "9223372036854775807"$' showallowed -d "$d" -t 9223372036854775807
checkrun "-t 253402300799 (the last second of 9999): fine" 0 '' showallowed -e -m -d "$d" -t 253402300799
checkrun "-g above GRANT_MAX: usage, 100" 100 '^showallowed: usage: showallowed .*$' showallowed -d "$d" -g 31622401
h=$(newstate)
"$TOP/tests/storetool" fmt + 9223372036854775000 4294967295 192.0.2.70 dovecot/imap huge >> "$h/journal"
"$TOP/tests/storetool" fmt + 253402300799 4294967295 192.0.2.71 dovecot/imap last >> "$h/journal"
checkrun "a journal record with a TIME near INT64_MAX is no record: -e does not overflow" 0 '' showallowed -e -m -d "$h" -t 253402300799
check "  ... only the record at TIME_MAX is listed, its end bounded by GRANT_MAX" "192.0.2.71	allowed	253402300799	253433923199	31622400	dovecot/imap	last" "$(cat "$T/out")"
checkrun "bad -t: 100" 100 '^showallowed: fatal: invalid value for -t: "yesterday"$' showallowed -d "$d" -t yesterday
checkrun "bad -g: usage, 100" 100 '^showallowed: usage: showallowed .*$' showallowed -d "$d" -g x
checkrun "an argument: usage, 100" 100 '^showallowed: usage: showallowed .*$' showallowed -d "$d" 127.0.0.1
