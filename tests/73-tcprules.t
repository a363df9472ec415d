#!/bin/bash
# The real tcpserver -x with the rules cdb relayexport compiles (the run
# script of doc/tcprules.html): RELAYCLIENT is set exactly for the
# addresses allowed now, and the admin's deny rules still win.
. "$(dirname "$0")/lib.sh"
what="tcpserver -x with relayexport's rules"
for c in tcpserver tcpclient tcprules; do
  needcmd $c || { skip "$what" "$c is not installed (ucspi-tcp)"; exit 0; }
done
state=$(newstate)
etc="$T/etc"
mkdir "$etc"
cat > "$etc/tcp.smtp" <<'EOR'
# the admin's rules
127.0.0.9:deny
127.0.1.:deny
127.0.2.:allow,GREETING="two"
127.0.0.40:allow
:allow
EOR

docblock() { docpre tcprules.html "$1" | sed -e "s|/var/lib/smtp-poplock|$state|g" -e "s|/etc/|$etc/|g"; }
docblock tcprules-run | grep '^exec relayexport ' > "$T/export.sh"
grep -q '^exec relayexport .* -R .* -x ' "$T/export.sh" || { notok "the run script of doc/tcprules.html runs relayexport -R -x" "$(cat "$T/export.sh")"; exit 1; }
sh "$T/export.sh" 2> "$T/export.log" &
export=$!
on_exit "kill $export 2>/dev/null"
waitfor 10 test -e "$etc/tcp.smtp.cdb" || { notok "relayexport compiled $etc/tcp.smtp.cdb" "$(cat "$T/export.log")"; exit 1; }

# the doc's tcpserver line, on a loopback port, running a program that says what it got
port=12731
smtpd=$(docblock tcprules-smtpd | sed -e 's/^exec //' -e 's/ -u [0-9]* -g [0-9]* 0 25 qmail-smtpd$//')
check "doc/tcprules.html's tcpserver line reads the compiled rules" "tcpserver -v -HR -x $etc/tcp.smtp.cdb" "$smtpd"
$smtpd -l0 127.0.0.1 $port sh -c 'echo "relay=${RELAYCLIENT+set} greeting=${GREETING-}"' 2> "$T/tcpserver.log" &
server=$!
on_exit "kill $server 2>/dev/null"
up() { tcpclient -RHl0 127.0.0.1 $port true 2>/dev/null; }
waitfor 10 up || { notok "tcpserver did not start" "$(cat "$T/tcpserver.log")"; exit 1; }
env_of() {  # env_of SOURCE-IP: what the program run by tcpserver printed, or "dropped"
  local o; o=$(tcpclient -RHl0 -i "$1" 127.0.0.1 $port sh -c 'cat <&6' 2>/dev/null)
  echo "${o:-dropped}"
}
granted() { grep -q "^$1:" "$etc/tcp.smtp.cdb.rules"; }

check "before any login 127.0.0.31 gets no RELAYCLIENT" "relay= greeting=" "$(env_of 127.0.0.31)"
for a in 127.0.0.31 127.0.0.9 127.0.1.5 127.0.2.5 127.0.0.40; do relaygrant -d "$state" -s 600 $a; done
relaygrant -d "$state" -s 3 127.0.0.33
waitfor 10 granted 127.0.0.33
check "127.0.0.31 logged in: RELAYCLIENT is set" "relay=set greeting=" "$(env_of 127.0.0.31)"
check "127.0.0.32 did not: it is not" "relay= greeting=" "$(env_of 127.0.0.32)"
check "127.0.0.33 logged in for three seconds: set" "relay=set greeting=" "$(env_of 127.0.0.33)"
check "127.0.0.9 logged in, but the admin's 127.0.0.9:deny still drops it" dropped "$(env_of 127.0.0.9)"
check "127.0.1.5 logged in, but the admin's 127.0.1.:deny still drops it" dropped "$(env_of 127.0.1.5)"
check "127.0.2.5 logged in: RELAYCLIENT, and the admin's GREETING of 127.0.2. kept" "relay=set greeting=two" "$(env_of 127.0.2.5)"
check "127.0.0.40 logged in, but the admin's own rule for it (allow, no RELAYCLIENT) is kept" "relay= greeting=" "$(env_of 127.0.0.40)"
notgranted() { ! granted "$1"; }
if waitfor 10 notgranted 127.0.0.33; then ok "the grant of 127.0.0.33 ends: its rule goes"; else notok "the grant of 127.0.0.33 ends: its rule goes"; fi
check "and tcpserver no longer sets RELAYCLIENT for it" "relay= greeting=" "$(env_of 127.0.0.33)"
relayrevoke -d "$state" 127.0.2.5
waitfor 10 notgranted 127.0.2.5
check "a revoked 127.0.2.5 keeps its GREETING but loses RELAYCLIENT" "relay= greeting=two" "$(env_of 127.0.2.5)"

# the admin edits the file: compiled at once, and their deny wins over the grant
sed -i 's/^127\.0\.0\.9:deny$/127.0.0.9:deny\n127.0.0.:deny/' "$etc/tcp.smtp"
denied31() { grep -q '^# 127\.0\.0\.31: not added: line 3 denies it: 127\.0\.0\.:deny$' "$etc/tcp.smtp.cdb.rules"; }
if waitfor 10 denied31; then ok "an edit of the admin's file is compiled without a signal"; else notok "an edit of the admin's file is compiled" "$(cat "$etc/tcp.smtp.cdb.rules")"; fi
check "the admin's new 127.0.0.:deny drops 127.0.0.31 although it logged in" dropped "$(env_of 127.0.0.31)"
sed -i '/^127\.0\.0\.:deny$/d' "$etc/tcp.smtp"
waitfor 10 granted 127.0.0.31
check "and once removed, 127.0.0.31 relays again" "relay=set greeting=" "$(env_of 127.0.0.31)"

# the admin runs tcprules by hand, out of habit: relayexport puts the grants back
tcprules "$etc/tcp.smtp.cdb" "$etc/tcp.smtp.tmp" < "$etc/tcp.smtp"
relayed31() { [ "$(env_of 127.0.0.31)" = "relay=set greeting=" ]; }
if waitfor 10 relayed31; then ok "after a tcprules by hand, relayexport compiles the grants in again"
else notok "after a tcprules by hand, relayexport compiles the grants in again" "$(env_of 127.0.0.31)"; fi
checknogrep "relayexport gave no warning" 'warning|fatal' "$T/export.log"
