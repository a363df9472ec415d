#!/bin/bash
# relayexport -6 with Debian's ucspi-tcp-ipv6 (unpacked into a private
# root: it replaces ucspi-tcp's tcpserver and tcprules), as the IPv6
# section of doc/tcprules.html runs it: a client over ::1 gets
# RELAYCLIENT after a grant of ::1 and not without, the admin's "::"
# prefix rules deny or lend their variables, IPv4 clients of the same
# tcpserver are served as without -6, and a line that tcprules would
# loop on never reaches it.
. "$(dirname "$0")/lib.sh"
what="relayexport -6 with ucspi-tcp-ipv6"
for c in apt-get dpkg-deb; do
  needcmd $c || { skip "$what" "$c is not installed"; exit 0; }
done
grep -q '^0\{31\}1 .* lo$' /proc/net/if_inet6 2>/dev/null || { skip "$what" "no IPv6 loopback here"; exit 0; }
f=""
[ -n "${POPLOCK_DEBS:-}" ] && f=$(ls "$POPLOCK_DEBS"/ucspi-tcp-ipv6_*.deb 2>/dev/null | head -1)
if [ -z "$f" ]; then
  mkdir "$T/debs"
  ( cd "$T/debs" && apt-get download ucspi-tcp-ipv6 ) > "$T/apt.out" 2>&1 ||
    { skip "$what" "apt-get download ucspi-tcp-ipv6 failed: $(tail -1 "$T/apt.out")"; exit 0; }
  f=$(ls "$T"/debs/ucspi-tcp-ipv6_*.deb | head -1)
fi
dpkg-deb -x "$f" "$T/v6root" || { notok "dpkg-deb -x $f"; exit 1; }
echo "# ucspi-tcp-ipv6 $(dpkg-deb -f "$f" Version)"
V6=$T/v6root/usr/bin

state=$(newstate)
etc="$T/etc"
mkdir "$etc"
cat > "$etc/tcp.smtp" <<'EOR'
# the admin's rules
127.0.0.9:deny
:allow
EOR

docblock() { docpre tcprules.html "$1" | sed -e "s|/var/lib/smtp-poplock|$state|g" -e "s|/etc/|$etc/|g"; }
docblock tcprules6-run | grep '^exec relayexport ' > "$T/export.sh"
grep -q '^exec relayexport .* -6 .* -R .* -x ' "$T/export.sh" || { notok "the IPv6 run script of doc/tcprules.html runs relayexport -6 -R -x" "$(cat "$T/export.sh")"; exit 1; }
# ucspi-tcp-ipv6's tcprules first in PATH, as the package puts it in /usr/bin
PATH="$V6:$PATH" sh "$T/export.sh" 2> "$T/export.log" &
export=$!
on_exit "kill $export 2>/dev/null"
waitfor 10 test -e "$etc/tcp.smtp.cdb" || { notok "relayexport compiled $etc/tcp.smtp.cdb" "$(cat "$T/export.log")"; exit 1; }

# the doc's tcpserver line, on ::1 and on 127.0.0.1 instead of 0 (every address)
smtpd=$(docblock tcprules6-smtpd | sed -e 's/^exec //' -e 's/ -u [0-9]* -g [0-9]* 0 25 qmail-smtpd$//')
check "doc/tcprules.html's IPv6 tcpserver line reads the compiled rules" "tcpserver -v -HR -x $etc/tcp.smtp.cdb" "$smtpd"
port6=12741 port4=12742
show='echo "relay=${RELAYCLIENT+set} greeting=${GREETING-} proto=$PROTO"'
$V6/$smtpd -l0 ::1 $port6 sh -c "$show" 2> "$T/tcpserver6.log" &
s6=$!
on_exit "kill $s6 2>/dev/null"
$V6/$smtpd -l0 127.0.0.1 $port4 sh -c "$show" 2> "$T/tcpserver4.log" &
s4=$!
on_exit "kill $s4 2>/dev/null"
up() { $V6/tcpclient -RHl0 "$1" "$2" true 2>/dev/null; }
waitfor 10 up ::1 $port6 || { notok "ucspi-tcp-ipv6's tcpserver did not start on ::1" "$(cat "$T/tcpserver6.log")"; exit 1; }
waitfor 10 up 127.0.0.1 $port4 || { notok "ucspi-tcp-ipv6's tcpserver did not start on 127.0.0.1" "$(cat "$T/tcpserver4.log")"; exit 1; }
env6() {  # what the program run by tcpserver printed to a client over ::1, or "dropped"
  local o; o=$($V6/tcpclient -RHl0 ::1 $port6 sh -c 'cat <&6' 2>/dev/null)
  echo "${o:-dropped}"
}
env4() {  # env4 SOURCE-IP: the same over IPv4, to the same tcpserver
  local o; o=$($V6/tcpclient -RHl0 -i "$1" 127.0.0.1 $port4 sh -c 'cat <&6' 2>/dev/null)
  echo "${o:-dropped}"
}
rules() { cat "$etc/tcp.smtp.cdb.rules"; }
has() { grep -qxF -- "$1" "$etc/tcp.smtp.cdb.rules"; }
hasnot() { ! grep -qF -- "$1" "$etc/tcp.smtp.cdb.rules"; }

echo '--- a client over ::1'
check "before any grant, ::1 gets no RELAYCLIENT" "relay= greeting= proto=TCP6" "$(env6)"
relaygrant -d "$state" -s 600 ::1
if waitfor 10 has '::1:allow,RELAYCLIENT=""'; then ok "a grant of ::1: its rule, in ucspi-tcp-ipv6's form"
else notok "a grant of ::1: its rule, in ucspi-tcp-ipv6's form" "$(rules)"; fi
check "::1 granted: tcpserver sets RELAYCLIENT" "relay=set greeting= proto=TCP6" "$(env6)"
relayrevoke -d "$state" ::1
waitfor 10 hasnot '::1:'
check "::1 revoked: RELAYCLIENT no longer set" "relay= greeting= proto=TCP6" "$(env6)"

echo '--- IPv4 clients of the same tcpserver: as without -6'
relaygrant -d "$state" -s 600 127.0.0.31
relaygrant -d "$state" -s 600 127.0.0.9
waitfor 10 has '127.0.0.31:allow,RELAYCLIENT=""'
check "127.0.0.31 granted: set (looked up by its dotted quad, not ::ffff:)" "relay=set greeting= proto=TCP" "$(env4 127.0.0.31)"
check "127.0.0.32, not granted: not set" "relay= greeting= proto=TCP" "$(env4 127.0.0.32)"
check "127.0.0.9 granted, but the admin's 127.0.0.9:deny still drops it" dropped "$(env4 127.0.0.9)"

echo '--- the admin'"'"'s prefix rules for ::1: "::" lends its variables, or denies'
relaygrant -d "$state" -s 600 ::1
sed -i 's/^:allow$/:::allow,GREETING="six"\n:allow/' "$etc/tcp.smtp"
if waitfor 10 has '::1:allow,GREETING="six",RELAYCLIENT=""'; then ok "the prefix :: of ::1 found, its GREETING kept in the rule added"
else notok "the prefix :: of ::1 found, its GREETING kept in the rule added" "$(rules)"; fi
check "::1: RELAYCLIENT and the admin's GREETING" "relay=set greeting=six proto=TCP6" "$(env6)"
check "127.0.0.31 is not under the prefix ::" "relay=set greeting= proto=TCP" "$(env4 127.0.0.31)"
sed -i 's/^:::allow,GREETING="six"$/:::deny/' "$etc/tcp.smtp"
if waitfor 10 has '# ::1: not added: line 3 denies it: :::deny'; then ok "the admin's ::: deny keeps ::1 out, saying so"
else notok "the admin's ::: deny keeps ::1 out, saying so" "$(rules)"; fi
check "::1, granted but under the admin's :::deny: dropped" dropped "$(env6)"
sed -i '/^:::deny$/d' "$etc/tcp.smtp"
waitfor 10 has '::1:allow,RELAYCLIENT=""'
check "the deny removed: ::1 relays again" "relay=set greeting= proto=TCP6" "$(env6)"

echo '--- tcpserver'"'"'s text for an address with a single zero group'
relaygrant -d "$state" -s 600 2001:db8:0:1:1:1:1:1
if waitfor 10 has '2001:db8::1:1:1:1:1:allow,RELAYCLIENT=""'; then ok "2001:db8:0:1:1:1:1:1 is written as tcpserver writes it: 2001:db8::1:1:1:1:1"
else notok "2001:db8:0:1:1:1:1:1 is written as tcpserver writes it" "$(rules)"; fi
check "ucspi-tcp-ipv6's tcprulescheck finds it under that TCPREMOTEIP" 'rule 2001:db8::1:1:1:1:1:
set environment variable RELAYCLIENT=
allow connection' "$(TCPREMOTEIP=2001:db8::1:1:1:1:1 $V6/tcprulescheck "$etc/tcp.smtp.cdb")"
checknogrep "relayexport gave no warning so far" 'warning|fatal' "$T/export.log"

echo '--- a line ucspi-tcp-ipv6'"'"'s tcprules would loop on'
kill $export; wait $export 2>/dev/null
cp "$etc/tcp.smtp.cdb" "$T/cdb.before"
echo '10.1.,deny' >> "$etc/tcp.smtp"
run env PATH="$V6:$PATH" timeout 20 relayexport -1 -6 -d "$state" -R "$etc/tcp.smtp" -x "$etc/tcp.smtp.cdb"
check "relayexport -1 -6: refused before tcprules runs, exit 100 (not a hang)" 100 "$rc"
check "one warning naming the line" "relayexport: warning: invalid line 4 in $etc/tcp.smtp: tcprules would refuse it; $etc/tcp.smtp.cdb is left as it was" "$(cat "$T/err")"
check "the rules cdb is left as it was" same "$(cmp -s "$T/cdb.before" "$etc/tcp.smtp.cdb" && echo same)"
sed -i '$d' "$etc/tcp.smtp"

echo '--- -6 with ucspi-tcp'"'"'s own tcprules'
mkdir "$T/plain"
if needcmd tcprules && ! printf '::1:allow\n' | tcprules "$T/plain/x.cdb" "$T/plain/x.tmp" 2>/dev/null; then
  relaygrant -d "$state" -s 600 2001:db8::7
  run timeout 20 relayexport -1 -6 -d "$state" -R "$etc/tcp.smtp" -x "$etc/tcp.smtp.cdb"
  check "a new IPv6 grant: tcprules refuses, exit 100" 100 "$rc"
  check "tcprules's line, then relayexport's warning: -6 needs ucspi-tcp-ipv6's tcprules" 'tcprules: fatal: unable to parse this line: ::1:allow,RELAYCLIENT=""'"
relayexport: warning: tcprules refused the rules made from $etc/tcp.smtp; $etc/tcp.smtp.cdb is left as it was (with -6, tcprules must be ucspi-tcp-ipv6's)" \
    "$(cat "$T/err")"
  check "the rules cdb is left as it was" same "$(cmp -s "$T/cdb.before" "$etc/tcp.smtp.cdb" && echo same)"
else
  skip "-6 with ucspi-tcp's tcprules" "the tcprules installed here is not ucspi-tcp's"
fi
