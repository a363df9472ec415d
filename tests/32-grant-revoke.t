#!/bin/bash
# relaygrant and relayrevoke: the records they write (checked against an
# independent writer of the format, tests/smtp/record), what relaylock and
# showallowed make of them, and every error.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"

for p in relaygrant relayrevoke relaylock showallowed; do
  [ -x "$TOP/$p" ] || { notok "$p is not built"; exit 1; }
done
needcmd perl || { skip "grant and revoke" "perl is not installed"; exit 0; }

# lastrec DIR: the last journal line; samerec: it is what tests/smtp/record
# writes for these fields (so the CRC and the escaping agree)
lastrec() { tail -n 1 "$1/journal"; }
relayset() { env -u RELAYCLIENT -u PROTO TCPREMOTEIP=$1 relaylock -d "$2" sh -c 'echo ${RELAYCLIENT+set}' 2>&1; }

d=$(newstate)
before=$(date +%s)
checkrun "relaygrant ADDR: exit 0, silent" 0 '' relaygrant -d "$d" 127.0.0.21
after=$(date +%s)
l=$(lastrec "$d")
set -- $l
check "the grant is one record line" 1 "$(wc -l < "$d/journal")"
check "type +, dur 0 (the directory's grace, like a login), source relaygrant, user unknown" \
  "+ 0 127.0.0.21 relaygrant -" "$1 $3 $4 $5 $6"
[ "$2" -ge "$before" ] && [ "$2" -le "$after" ] && ok "the grant's time is now" || notok "the grant's time is now" "$2 not in $before..$after"
check "the line is exactly what an independent writer of the format writes (CRC)" "$(rec + $2 0 127.0.0.21 relaygrant '')" "$l"
check "relaylock allows 127.0.0.21" set "$(relayset 127.0.0.21 "$d")"

relaygrant -d "$d" -u 'bob smith' 192.0.2.7
set -- $(lastrec "$d")
check "-u sets the user (escaped)" "0 192.0.2.7 relaygrant bob%20smith" "$3 $4 $5 $6"
check "  ... and the CRC agrees" "$(rec + $2 0 192.0.2.7 relaygrant 'bob smith')" "$(lastrec "$d")"
echo 600 > "$d/grace"
check "a default grant follows DIR/grace (600 s left per showallowed)" "600" \
  "$(showallowed -d "$d" -m -t $2 | grep '^192\.0\.2\.7	' | cut -f5)"
relaygrant -d "$d" -s 42 -u - 2001:DB8:0:0:0::7
set -- $(lastrec "$d")
check "-s 42; IPv6 written canonically; a user named - is %2D" "42 2001:db8::7 relaygrant %2D" "$3 $4 $5 $6"
relaygrant -d "$d" -s 86400 ::ffff:198.51.100.9
set -- $(lastrec "$d")
check "an IPv4-mapped address is granted as IPv4" "86400 198.51.100.9" "$3 $4"
check "relaylock allows the mapped address seen over IPv4" set "$(relayset 198.51.100.9 "$d")"

checkrun "relayrevoke ADDR: exit 0, silent" 0 '' relayrevoke -d "$d" 127.0.0.21
l=$(lastrec "$d"); set -- $l
check "the revocation: type -, dur 0, source relayrevoke" "- 0 127.0.0.21 relayrevoke -" "$1 $3 $4 $5 $6"
check "  ... and the CRC agrees" "$(rec - $2 0 127.0.0.21 relayrevoke '')" "$l"
check "relaylock no longer allows 127.0.0.21" "" "$(relayset 127.0.0.21 "$d")"
check "showallowed no longer lists it" "" "$(showallowed -d "$d" -m | cut -f1 | grep -x 127.0.0.21)"
check "showallowed -e lists it as revoked" "127.0.0.21	revoked" "$(showallowed -d "$d" -e -m | grep '^127\.0\.0\.21	' | cut -f1,2)"
check "the others are still allowed" "set set" "$(relayset 192.0.2.7 "$d") $(relayset 2001:db8::7 "$d")"
# a grant counts only if newer than the revocation, to the second: relaygrant waits for it
relaygrant -d "$d" 127.0.0.21
check "a new grant after the revocation allows again" set "$(relayset 127.0.0.21 "$d")"
relaygrant -d "$d" -s 86400 127.0.0.31
relayrevoke -d "$d" 127.0.0.31
sleep 1
relaygrant -d "$d" -s 60 127.0.0.31
check "a shorter timed grant after the revocation of a longer one allows again" set "$(relayset 127.0.0.31 "$d")"

# a grant in the same second as the revocation before it would count for
# nothing: relaygrant waits for the next second (at most one)
for k in 1 2 3; do
  relayrevoke -d "$d" 127.0.0.41
  s0=$(date +%s%N)
  checkrun "relaygrant right after relayrevoke ($k): exit 0, silent" 0 '' relaygrant -d "$d" 127.0.0.41
  ms=$(( ($(date +%s%N) - s0) / 1000000 ))
  check "  ... and the grant counts ($k)" set "$(relayset 127.0.0.41 "$d")"
  [ $ms -le 1300 ] && ok "  ... after a wait of at most a second ($k: $ms ms)" || notok "  ... it waited $ms ms"
done
s0=$(date +%s%N)
relaygrant -d "$d" 127.0.0.42
ms=$(( ($(date +%s%N) - s0) / 1000000 ))
[ $ms -le 300 ] && ok "no revocation: no wait ($ms ms)" || notok "relaygrant waited $ms ms with no revocation"
# a revocation later than now (the clock went back): never a silent grant for nothing
"$TOP/tests/storetool" fmt - $(( $(date +%s) + 120 )) 0 127.0.0.43 relayrevoke - >> "$d/journal"
checkrun "a revocation later than now: exit 100 and why" 100 \
  '^relaygrant: fatal: unable to grant 127\.0\.0\.43: it is revoked from a time later than now \(is the clock right\?\)$' \
  relaygrant -d "$d" 127.0.0.43

echo '127.0.0.0/8' > "$d/allow"
checkrun "relayrevoke of an address in a static network: recorded, with a warning" 0 \
  "^relayrevoke: warning: 127\\.0\\.0\\.5 is in the network 127\\.0\\.0\\.0/8 of $d/allow: it may still relay\$" \
  relayrevoke -d "$d" 127.0.0.5
check "  ... the revocation is in the journal" "- 127.0.0.5" "$(lastrec "$d" | cut -d' ' -f1,4)"
rm -f "$d/allow"

# errors
n=$(wc -l < "$d/journal")
checkrun "relaygrant 1.2.3.999: 100" 100 '^relaygrant: fatal: invalid address: 1\.2\.3\.999$' relaygrant -d "$d" 1.2.3.999
checkrun "relaygrant fe80::1%eth0: 100" 100 '^relaygrant: fatal: invalid address: fe80::1%eth0$' relaygrant -d "$d" fe80::1%eth0
checkrun "relaygrant 10.0.0.0/8 (a network): 100" 100 '^relaygrant: fatal: invalid address: 10\.0\.0\.0/8$' relaygrant -d "$d" 10.0.0.0/8
checkrun "relayrevoke 1.2.3.999: 100" 100 '^relayrevoke: fatal: invalid address: 1\.2\.3\.999$' relayrevoke -d "$d" 1.2.3.999
checkrun "relayrevoke empty address: 100" 100 '^relayrevoke: fatal: invalid address: $' relayrevoke -d "$d" ''
checkrun "relaygrant without an address: usage, 100" 100 '^relaygrant: usage: relaygrant .*$' relaygrant -d "$d"
checkrun "relaygrant with two addresses: usage, 100" 100 '^relaygrant: usage: relaygrant .*$' relaygrant -d "$d" 127.0.0.1 127.0.0.2
checkrun "relaygrant -s 0: usage, 100" 100 '^relaygrant: usage: relaygrant .*$' relaygrant -d "$d" -s 0 127.0.0.1
checkrun "relaygrant -s 5m: usage, 100" 100 '^relaygrant: usage: relaygrant .*$' relaygrant -d "$d" -s 5m 127.0.0.1
checkrun "relaygrant -s 4294967296 (too large): usage, 100" 100 '^relaygrant: usage: relaygrant .*$' relaygrant -d "$d" -s 4294967296 127.0.0.1
checkrun "relayrevoke without an address: usage, 100" 100 '^relayrevoke: usage: relayrevoke .*$' relayrevoke -d "$d"
checkrun "relayrevoke -s: usage, 100" 100 '^relayrevoke: usage: relayrevoke .*$' relayrevoke -s 5 -d "$d" 127.0.0.1
check "no error wrote to the journal" "$n" "$(wc -l < "$d/journal")"

echo 'soon' > "$d/grace"
checkrun "relaygrant does not read DIR/grace (a bad one is relaylock's to report)" 0 '' relaygrant -d "$d" 127.0.0.9
rm -f "$d/grace"

checkrun "relaygrant -s above GRANT_MAX (366 days): usage, 100" 100 '^relaygrant: usage: .*$' relaygrant -d "$d" -s 31622401 127.0.0.1
checkrun "relaygrant, state directory missing: 111" 111 \
  "^relaygrant: fatal: unable to write to the state directory $T/nonexistent: No such file or directory\$" relaygrant -d "$T/nonexistent" 127.0.0.1
checkrun "relayrevoke, state directory missing: 111" 111 \
  "^relayrevoke: fatal: unable to write to the state directory $T/nonexistent: No such file or directory\$" relayrevoke -d "$T/nonexistent" 127.0.0.1
[ -e "$T/nonexistent" ] && notok "the missing state directory was created" || ok "the missing state directory was not created"
if isroot && needcmd setuidgid; then
  ro=$(newstate)
  checkrun "relaygrant, state directory not writable (as nobody): 111" 111 \
    "^relaygrant: fatal: unable to write to the state directory $ro: Permission denied\$" setuidgid nobody "$TOP/relaygrant" -d "$ro" 127.0.0.1
  checkrun "relayrevoke, state directory not writable (as nobody): 111" 111 \
    "^relayrevoke: fatal: unable to write to the state directory $ro: Permission denied\$" setuidgid nobody "$TOP/relayrevoke" -d "$ro" 127.0.0.1
else
  skip "unwritable state directory" "needs root and setuidgid to run as nobody"
fi
