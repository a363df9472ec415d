#!/bin/bash
# relayexport: the cdb of the addresses allowed now and the tcpserver
# rules made from the admin's file, kept equal to the state directory:
# grants, expiry by timer, revocation, no rewrite when nothing changed,
# the rate limit under a storm, atomic replacement under a reader; then
# a real Postfix reading the cdb with check_client_access.
. "$(dirname "$0")/lib.sh"
needcmd cdb || { skip "relayexport" "no cdb tool (Debian tinycdb; package/test installs it)"; exit 0; }
state=$(newstate)
out="$T/export"
mkdir "$out"
keys() { cdb -l "$1" 2>/dev/null | sed -n 's/^+[0-9]*://p' | sort | tr '\n' ' ' | sed 's/ $//'; }
has() { cdb -q "$out/relay.cdb" "$1" >/dev/null 2>&1; }
hasnot() { cdb -q "$out/relay.cdb" "$1" >/dev/null 2>&1; [ $? = 100 ]; }
stamp() { stat -c '%i %y' "$1"; }
writes() { grep -c "wrote $out/relay.cdb" "$T/daemon.log"; }
atleast() { [ "$(writes)" -ge "$1" ]; }

echo '--- usage and errors'
checkrun "nothing to export is a usage error (100)" 100 'relayexport: usage: relayexport .*' relayexport -1 -d "$state"
checkrun "-R without -x is a usage error" 100 'relayexport: usage: .*' relayexport -1 -d "$state" -R "$T/rules"
checkrun "-q 0 is a usage error" 100 'relayexport: usage: .*' relayexport -1 -d "$state" -q 0 -c "$out/x.cdb"
checkrun "a missing state directory is a system failure (111)" 111 \
  "relayexport: fatal: unable to read the state directory $T/nonexistent: No such file or directory" relayexport -1 -d "$T/nonexistent" -c "$out/x.cdb"
checkrun "an unwritable export is a system failure (111)" 111 \
  "relayexport: fatal: unable to write $T/nodir/relay.cdb: .*" relayexport -1 -d "$state" -c "$T/nodir/relay.cdb"

echo '--- the cdb: grants, canonical text, value OK'
relaygrant -d "$state" -s 600 127.0.0.5
relaygrant -d "$state" -s 600 10.1.2.3
relaygrant -d "$state" -s 600 2001:DB8:0:0:0:0:0:1
relaygrant -d "$state" -s 600 ::ffff:127.0.0.9
relaygrant -d "$state" -s 600 127.0.0.6 && relayrevoke -d "$state" 127.0.0.6
echo 1 > "$state/grace"
relaygrant -d "$state" 127.0.0.7         # a login with the directory's grace: over in a second
sleep 1.1
checkrun "relayexport -1 builds once and exits 0" 0 '' relayexport -1 -d "$state" -c "$out/relay.cdb"
check "the cdb holds the addresses allowed now, as addr_fmt writes them" \
  "10.1.2.3 127.0.0.5 127.0.0.9 2001:db8::1" "$(keys "$out/relay.cdb")"
check "each with the value OK" "OK" "$(cdb -q "$out/relay.cdb" 2001:db8::1)"
check "mode 0644, for the MTA's own user" 644 "$(stat -c %a "$out/relay.cdb")"
before=$(stamp "$out/relay.cdb")
run relayexport -v -1 -d "$state" -c "$out/relay.cdb"
check "built again with nothing changed: not rewritten (same inode and mtime)" "$before" "$(stamp "$out/relay.cdb")"
check "and says nothing" "" "$(cat "$T/err")"
checkrun "-g overrides the grace: the login of 127.0.0.7 counts again" 0 '' relayexport -1 -g 600 -d "$state" -c "$out/relay.cdb"
check "127.0.0.7 is exported with -g 600" "10.1.2.3 127.0.0.5 127.0.0.7 127.0.0.9 2001:db8::1" "$(keys "$out/relay.cdb")"
echo x > "$state/grace"
checkrun "an invalid grace: relaylock's warning, with the value, and nobody is exported" 0 \
  "relayexport: warning: unable to read $state/grace: it is not a number of seconds up to 31622400: \"x\": no address is exported until it is fixed" relayexport -1 -d "$state" -c "$out/relay.cdb"
check "the cdb is empty" "" "$(keys "$out/relay.cdb")"
echo 1 > "$state/grace"
# relaylock refuses everybody while allow is broken: so is nobody exported
printf '10.0.0.1/8\n' > "$state/allow"
checkrun "a broken allow (host bits set): a warning with the line and its text, nobody is exported" 0 \
  "relayexport: warning: unable to read $state/allow: host bits set in the network on line 1: \"10\.0\.0\.1/8\": no address is exported until it is fixed" relayexport -1 -d "$state" -c "$out/relay.cdb"
check "the cdb is empty" "" "$(keys "$out/relay.cdb")"
printf '0.0.0.0/0\n' > "$state/allow"
checkrun "a wide allow network: valid, a warning naming the line, text and addresses" 0 \
  "relayexport: warning: $state/allow line 1: 0\.0\.0\.0/0 covers all of IPv4: every IPv4 client may relay" relayexport -1 -d "$state" -c "$out/relay.cdb"
check "the grants are exported again" "10.1.2.3 127.0.0.5 127.0.0.9 2001:db8::1" "$(keys "$out/relay.cdb")"
rm "$state/allow"

echo '--- tcpserver rules: the admin file plus one rule per grant'
cat > "$T/rules" <<'EOR'
# the admin's rules
127.0.0.5:allow,SMTPGREETING="mx"
10.1.:deny
10.2.:allow,FOO="bar"
10.3.:allow,RELAYCLIENT=/x/
EOR
relaygrant -d "$state" -s 600 10.2.0.1
relaygrant -d "$state" -s 600 10.3.3.3
relaygrant -d "$state" -s 600 192.0.2.8
checkrun "relayexport -1 with -R and -x" 0 '' relayexport -1 -d "$state" -R "$T/rules" -x "$out/tcp.cdb"
check "the source it compiled: the admin's lines, then the grants" "$(cat "$T/rules"; cat <<'EOR'
# relayexport: the addresses allowed now, after the rules above
# 10.1.2.3: not added: line 3 denies it: 10.1.:deny
10.2.0.1:allow,FOO="bar",RELAYCLIENT=""
# 10.3.3.3: not added: line 5 already sets RELAYCLIENT: 10.3.:allow,RELAYCLIENT=/x/
# 127.0.0.5: not added: line 2 is the admin's own rule for this address: 127.0.0.5:allow,SMTPGREETING="mx"
127.0.0.9:allow,RELAYCLIENT=""
192.0.2.8:allow,RELAYCLIENT=""
# 2001:db8::1: not added: ucspi-tcp's tcpserver is IPv4 only (relayexport -6 for ucspi-tcp-ipv6's)
EOR
)" "$(cat "$out/tcp.cdb.rules")"
check "tcprulescheck: 10.1.2.3 is still denied by the admin's prefix" "rule 10.1.:
deny connection" "$(TCPREMOTEIP=10.1.2.3 tcprulescheck "$out/tcp.cdb")"
check "tcprulescheck: 10.2.0.1 keeps the prefix's variables and gets RELAYCLIENT" "rule 10.2.0.1:
set environment variable FOO=bar
set environment variable RELAYCLIENT=
allow connection" "$(TCPREMOTEIP=10.2.0.1 tcprulescheck "$out/tcp.cdb")"
before=$(stamp "$out/tcp.cdb")
checkrun "built again with nothing changed" 0 '' relayexport -1 -d "$state" -R "$T/rules" -x "$out/tcp.cdb"
check "the rules cdb is not rewritten" "$before" "$(stamp "$out/tcp.cdb")"
echo '10.9.:allow,X' >> "$T/rules"
checkrun "a line tcprules would refuse: a warning, exit 100" 100 \
  "relayexport: warning: invalid line 6 in $T/rules: tcprules would refuse it; $out/tcp.cdb is left as it was" \
  relayexport -1 -d "$state" -R "$T/rules" -x "$out/tcp.cdb" -c "$out/relay.cdb"
check "the rules cdb is left as it was" "$before" "$(stamp "$out/tcp.cdb")"
check "and the cdb is written all the same" "10.1.2.3 10.2.0.1 10.3.3.3 127.0.0.5 127.0.0.9 192.0.2.8 2001:db8::1" "$(keys "$out/relay.cdb")"
sed -i '$d' "$T/rules"

echo '--- supervised: inotify, the expiry timer, revocation, SIGHUP, SIGTERM'
relayexport -v -q 50 -d "$state" -c "$out/relay.cdb" -R "$T/rules" -x "$out/tcp.cdb" 2> "$T/daemon.log" &
daemon=$!
on_exit "kill $daemon 2>/dev/null"
w0=$(writes)
relaygrant -d "$state" -s 3 127.0.0.77
if waitfor 10 has 127.0.0.77; then ok "a new grant appears in the cdb"; else notok "a new grant appears in the cdb" "$(keys "$out/relay.cdb")"; fi
# the two files are written one after the other: the rules may come a moment later
waitfor 5 grep -q '^127\.0\.0\.77:' "$out/tcp.cdb.rules"
check "and in the rules" '127.0.0.77:allow,RELAYCLIENT=""' "$(grep '^127\.0\.0\.77:' "$out/tcp.cdb.rules")"
if waitfor 10 hasnot 127.0.0.77; then ok "the three-second grant leaves the cdb when it ends, with no login since (the timer)"
else notok "the three-second grant leaves the cdb when it ends" "$(keys "$out/relay.cdb")"; fi
waitfor 5 atleast $((w0 + 2))
check "two writes: the grant, its end" $((w0 + 2)) "$(writes)"
waitfor 5 eval '! grep -q "^127\.0\.0\.77:" "$out/tcp.cdb.rules"'
check "and it left the rules too" "" "$(grep '^127\.0\.0\.77:' "$out/tcp.cdb.rules")"
relayrevoke -d "$state" 192.0.2.8
if waitfor 10 hasnot 192.0.2.8; then ok "a revoked address leaves the cdb"; else notok "a revoked address leaves the cdb" "$(keys "$out/relay.cdb")"; fi
w0=$(writes)
relaygrant -d "$state" -s 900 127.0.0.5     # already allowed: the set does not change
relaygrant -d "$state" -s 600 127.0.0.78
waitfor 10 has 127.0.0.78
waitfor 5 atleast $((w0 + 1))
check "a grant that changes nothing, then one that does: one write, not two" $((w0 + 1)) "$(writes)"
rm "$out/relay.cdb"
kill -HUP $daemon
if waitfor 10 has 127.0.0.78; then ok "SIGHUP rebuilds now, and writes a file that was removed"; else notok "SIGHUP rebuilds now" "$(ls -la "$out")"; fi

echo '--- a login storm: the rate limit, and a reader never sees a broken file'
kill $daemon; wait $daemon; rc=$?
check "SIGTERM: exit 0" 0 "$rc"

echo '--- from an empty state: an empty cdb, a revocation that leaves it empty, then the first grant'
estate=$(newstate)
relayexport -v -d "$estate" -c "$out/empty.cdb" 2> "$T/empty.log" &
daemon=$!
on_exit "kill $daemon 2>/dev/null"
waitfor 10 grep -q 'wrote .*: 0 addresses' "$T/empty.log"
relayrevoke -d "$estate" 127.0.0.80    # a change to the state that leaves the set empty
sleep 0.5
relaygrant -d "$estate" -s 600 127.0.0.79
if waitfor 10 eval 'cdb -q "$out/empty.cdb" 127.0.0.79 >/dev/null'; then ok "the first grant after an empty export reaches the cdb"
else notok "the first grant after an empty export reaches the cdb" "$(cat "$T/empty.log")"; fi
kill $daemon; wait $daemon; rc=$?
check "and relayexport was still running to be stopped (exit 0)" 0 "$rc"
relayexport -v -q 4 -d "$state" -c "$out/relay.cdb" 2> "$T/storm.log" &
daemon=$!
on_exit "kill $daemon 2>/dev/null"
( while [ ! -e "$T/stop" ]; do cdb -q "$out/relay.cdb" 127.0.0.78 >/dev/null; echo $? >> "$T/reads"; done ) &
reader=$!
on_exit "touch $T/stop; kill $reader 2>/dev/null"
start=$(date +%s%N)
for i in $(seq 1 300); do relaygrant -d "$state" -s 600 "10.50.$((i / 100)).$((i % 100))"; done
waitfor 20 has 10.50.3.0
end=$(date +%s%N)
touch "$T/stop"; wait $reader
n=$(grep -c "wrote $out/relay.cdb" "$T/storm.log")
limit=$(( (end - start) * 4 / 1000000000 + 2 ))
if [ "$n" -le "$limit" ]; then ok "300 logins in a row: $n rebuilds, at most 4 a second ($limit allowed in that time)"
else notok "at most 4 rebuilds a second" "$n rebuilds in $(( (end - start) / 1000000 )) ms, limit $limit"; fi
check "after the storm the cdb holds all 300" 300 "$(keys "$out/relay.cdb" | tr ' ' '\n' | grep -c '^10\.50\.')"
reads=$(wc -l < "$T/reads")
bad=$(grep -vc '^0$' "$T/reads")
if [ "$reads" -gt 0 ] && [ "$bad" = 0 ]; then ok "a reader looking up the cdb $reads times during the storm always found a whole file"
else notok "a reader never sees a broken file" "$bad of $reads lookups failed: $(sort "$T/reads" | uniq -c | tr '\n' ' ')"; fi
kill $daemon; wait $daemon

# a real Postfix reading the cdb
if ! needcmd postfix || ! [ -x /usr/lib/postfix/sbin/master ] || ! grep -q '^cdb' /etc/postfix/dynamicmaps.cf 2>/dev/null; then
  skip "relaying through a real Postfix with the cdb" "postfix or postfix-cdb is not installed (package/test installs them)"; exit 0
fi
isroot || { skip "relaying through a real Postfix with the cdb" "needs root to start a Postfix instance"; exit 0; }
echo '--- a real Postfix: check_client_access cdb:, as doc/postfix.html says'
pstate=$(newstate)
mkdir -p "$T/pfmaps"
# the blocks of doc/postfix.html, with our directories
docblock() { docpre postfix.html "$1" | sed -e "s|/var/lib/smtp-poplock/relay|$T/pfmaps/relay|g" -e "s|/var/lib/smtp-poplock|$pstate|g"; }
docblock postfix-cdb-run | grep '^exec relayexport ' > "$T/pfexport.sh"
grep -q "^exec relayexport .* -c $T/pfmaps/relay.cdb" "$T/pfexport.sh" || { notok "doc/postfix.html's run script runs relayexport -c" "$(cat "$T/pfexport.sh")"; exit 1; }
grep -q "check_client_access cdb:$T/pfmaps/relay," <(docblock postfix-cdb) || { notok "doc/postfix.html has check_client_access cdb:" "$(docblock postfix-cdb)"; exit 1; }
sh "$T/pfexport.sh" 2> "$T/pfexport.log" &
pfexport=$!
on_exit "kill $pfexport 2>/dev/null"
waitfor 10 test -e "$T/pfmaps/relay.cdb"
docblock postfix-cdb > "$T/pf-main.cf"
postfix_start "$T/pf" 12527 < "$T/pf-main.cf" || { notok "Postfix did not start" "$(tail -5 "$T/pf/maillog" 2>/dev/null)"; exit 1; }
relay() { rcptcode "$1" 12527; }
check "before any login Postfix refuses 127.0.0.84" 554 "$(relay 127.0.0.84)"
relaygrant -d "$pstate" -s 8 127.0.0.84
waitfor 10 cdb -q "$T/pfmaps/relay.cdb" 127.0.0.84 >/dev/null
check "Postfix relays for 127.0.0.84, which logged in" 250 "$(relay 127.0.0.84)"
check "Postfix refuses to relay for 127.0.0.85, which did not" 554 "$(relay 127.0.0.85)"
gone() { cdb -q "$T/pfmaps/relay.cdb" 127.0.0.84 >/dev/null; [ $? = 100 ]; }
if waitfor 20 gone; then ok "the grant's end takes 127.0.0.84 out of the cdb"; else notok "the grant's end takes 127.0.0.84 out of the cdb"; fi
check "and Postfix refuses it again" 554 "$(relay 127.0.0.84)"
checknogrep "Postfix logged no map error" 'cdb:.*(error|fatal|warning)' "$T/pf/maillog"
