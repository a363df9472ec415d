#!/bin/bash
# readlog's rsyslog: sources (doc/readlog.html#rsyslog): a real rsyslogd
# with doc/install-syslog.html's configuration (imuxsock's trusted
# properties, written first on every line by the template poplock-trusted),
# private (-f, -i, -n, its own work directory) in a private mount
# namespace whose /dev/log is its socket, and a real Dovecot logging
# through syslog(3): its login is granted under the default trust
# rules; the same login line sent with logger by nobody, and with
# logger -t dovecot by root, is refused and counted untrusted; so is a
# whole forged line, trusted fields and all, sent where rsyslog has no
# credentials (UDP); and a path that holds what looks like a field does
# not end its field (csv quoting).
. "$(dirname "$0")/lib.sh"

D='pop3-login: Login: user=<alice>, method=PLAIN, rip=ADDR, lip=127.0.0.1, mpid=7, session=<x>'

# --- usage
checkrun "an rsyslog: source without a file: exit 100" 100 'readlog: fatal: invalid rsyslog source: rsyslog:,trust=_UID=0' readlog -n rsyslog:,trust=_UID=0
checkrun "an rsyslog: source of a journal: exit 100" 100 'readlog: fatal: invalid rsyslog source: rsyslog:journal:' readlog -n rsyslog:journal:
checkrun "a trust rule on a field rsyslog does not write (no '_'): exit 100" 100 'readlog: fatal: invalid trust rule in rsyslog:/x,trust=UID=0' readlog -n rsyslog:/x,trust=UID=0

# --- the prefix read exactly, on lines written here
now=$(LC_ALL=C date '+%b %e %H:%M:%S')
P='_PID="7" _UID="0" _GID="0"'
{
  echo "$P _COMM=\"log\" _EXE=\"/usr/lib/dovecot/log\" $now vm dovecot: ${D/ADDR/127.0.0.11}"
  # no prefix: a line rsyslog did not write with the template
  echo "$now vm dovecot: ${D/ADDR/127.0.0.12}"
  # empty fields: a message without credentials
  echo "_PID=\"\" _UID=\"\" _GID=\"\" _COMM=\"\" _EXE=\"\" $now vm dovecot: ${D/ADDR/127.0.0.13}"
  # a command name holding a doubled quote and what looks like the next field
  echo "$P _COMM=\"x\"\" _EXE=\"\"/usr/lib/dovecot/log\" _EXE=\"/bin/sh\" $now vm dovecot: ${D/ADDR/127.0.0.14}"
  # a quote not doubled, a letter in a number: not the template's, and
  # no syslog line (where its text begins is unknown): nobody's login
  echo "$P _COMM=\"log\" x\" _EXE=\"/usr/lib/dovecot/log\" $now vm dovecot: ${D/ADDR/127.0.0.15}"
  echo "_PID=\"7\" _UID=\"0x\" _GID=\"0\" _COMM=\"log\" _EXE=\"/usr/lib/dovecot/log\" $now vm dovecot: ${D/ADDR/127.0.0.16}"
  # the fields in the text the sender chose, after the real ones
  echo "_PID=\"7\" _UID=\"1000\" _GID=\"1000\" _COMM=\"sh\" _EXE=\"/bin/sh\" $now vm dovecot: $P _COMM=\"log\" _EXE=\"/usr/lib/dovecot/log\" $now vm dovecot: ${D/ADDR/127.0.0.17}"
} > "$T/file"
run readlog -1 -n -v "rsyslog:$T/file"
check "the defaults: the prefix's fields, in their places, decide; the rest refused, said and counted" "0
dovecot dovecot/pop3 127.0.0.11 X alice
refused dovecot (untrusted _UID missing): $(sed -n 2p "$T/file")
refused dovecot (untrusted _UID missing): $(sed -n 3p "$T/file")
refused dovecot (untrusted _COMM x\"\" _EXE=\"\"/usr/lib/dovecot/log): $(sed -n 4p "$T/file")
refused dovecot (untrusted _UID 1000): $(sed -n 7p "$T/file")
readlog: info: lines 7 logins 1 skipped: toolong 0 cut 0 refused 4 nologin 2 untrusted 4" \
  "$rc
$(sed -E 's/^(dovecot dovecot\/pop3 [^ ]+) [0-9]+/\1 X/' "$T/out")
$(cat "$T/err")"
run readlog -1 -n -v "rsyslog:$T/file,trust=_EXE=/usr/lib/dovecot/log"
check "trust=_EXE=/usr/lib/dovecot/log: that rule only; a command name holding it is not the executable" \
  "127.0.0.11:refused dovecot (untrusted _EXE /bin/sh): $(sed -n 4p "$T/file")" \
  "$(awk '$1 == "dovecot" { print $3 }' "$T/out" | paste -sd' '):$(grep 127.0.0.14 "$T/out")"
run readlog -1 -n "rsyslog:$T/file,trust=none"
check "trust=none: every syslog line granted, as from a syslog file (the prefix is read all the same; the last line's login is inside its message)" "127.0.0.11 127.0.0.12 127.0.0.13 127.0.0.14" \
  "$(cut -d' ' -f3 "$T/out" | paste -sd' ')"
run readlog -1 -n "$T/file"
check "the same file as a plain source: only the line without the prefix is a syslog line" "0:127.0.0.12" "$rc:$(cut -d' ' -f3 "$T/out")"

# relaycheck takes the source as readlog does: its file's position
S=$(newstate)
run readlog -1 -d "$S" "rsyslog:$T/file,trust=none"
run relaycheck -d "$S" -F dovecot "rsyslog:$T/file,trust=none"
checkgrep "relaycheck: an rsyslog: source's position is its file's" "^ok source rsyslog:$T/file,trust=none: read to its end, " "$T/out"

# --- the per-server defaults (doc/readlog.html#trust), on lines in the
# shape tests/servers' runs saw: who sends each server's login line
pre() { echo "_PID=\"9\" _UID=\"$1\" _GID=\"8\" _COMM=\"$2\" _EXE=\"/usr/sbin/$2\" $now vm"; }
{
  # Mailutils pop3d: the session's address as root, the login as the
  # user; the same from a program named otherwise.  pop3d is Courier's
  # and Cyrus' tag too: their rules do not refuse these lines
  echo "$(pre 0 pop3d) pop3d[28553]: 2B3ICOMq 127.0.0.20"
  echo "$(pre 1001 pop3d) pop3d[28636]: 2B3ICOMq user \`alice' logged in with mailbox \`/var/mail/alice' (0 messages)"
  echo "$(pre 0 pop3d) pop3d[28553]: 2B3ICOMr 127.0.0.25"
  echo "$(pre 1001 logger) pop3d[28637]: 2B3ICOMr user \`alice' logged in with mailbox \`/var/mail/alice' (0 messages)"
  # Courier's through courierlogger, root's; a user's program of that name
  echo "$(pre 0 courierlogger) pop3d: LOGIN, user=alice, ip=[::ffff:127.0.0.21], port=[52445]"
  echo "$(pre 1001 courierlogger) pop3d: LOGIN, user=alice, ip=[::ffff:127.0.0.22], port=[52445]"
  # solid-pop3d: root's only
  echo "$(pre 0 solid-pop3d) solid-pop3d[30256]: user alice authenticated - 127.0.0.23"
  echo "$(pre 1001 solid-pop3d) solid-pop3d[30257]: user alice authenticated - 127.0.0.24"
} > "$T/servers"
run readlog -1 -n -v -F mailutils,courier,cyrus,solid-pop3d "rsyslog:$T/servers"
check "the defaults: Mailutils' pop3d as a user, Courier's courierlogger and solid-pop3d as root granted; the others refused" "0
mailutils mailutils/pop3 127.0.0.20 alice
refused courier (untrusted _UID 1001)
courier courier/pop3 127.0.0.21 alice
refused courier (untrusted _UID 1001)
solid-pop3d solid-pop3d/pop3 127.0.0.23 alice
refused solid-pop3d (untrusted _UID 1001)" \
  "$rc
$(sed -E -e 's/^(refused [^)]*\)).*/\1/' -e 's/^([a-z0-9-]+ [^ ]+ [^ ]+) [0-9]+ /\1 /' "$T/out")"

# --- the real rsyslogd and Dovecot
for c in rsyslogd dovecot logger unshare setpriv ss tcpclient; do
  needcmd $c || { skip "rsyslog's trusted properties" "$c is not installed (package/deps-test: rsyslog, dovecot-pop3d, util-linux, iproute2, ucspi-tcp)"; exit 0; }
done
isroot || { skip "rsyslog's trusted properties" "needs root: a private mount namespace for /dev/log"; exit 0; }
[ -x /usr/lib/dovecot/log ] || { skip "rsyslog's trusted properties" "no /usr/lib/dovecot/log"; exit 0; }

R=$T/rs
mkdir -p "$R/dovecot/run" "$R/dovecot/lib" "$R/mail" "$R/spool" "$R/log" "$R/st"
chmod 755 "$R/st"
chown nobody:nogroup "$R/mail"
echo 'demo:{PLAIN}demo' > "$R/dovecot/passwd"
PP=$(freeport 21530); PI=$(freeport $((PP + 1))); PU=$(freeport $((PI + 1)))
"$TOP/package/dovecot-conf" | sed -e "s|@DIR@|$R|g" -e "s|@POP3@|$PP|" -e "s|@IMAP@|$PI|" -e '/^instance_name/d' \
  -e 's|^log_path = .*|log_path = syslog|' -e '/^log_timestamp/d' > "$R/dovecot/dovecot.conf"
# the guide's lines, the file and its group this test's; and UDP on
# loopback into the same file: messages that come with no credentials
{
  echo "global(workDirectory=\"$R/spool\")"
  docpre install-syslog.html rsyslog-trusted | sed -e "s|/var/log/smtp-poplock/mail.log|$R/log/mail.log|" -e 's|fileGroup="poplock"|fileGroup="nogroup"|'
  echo 'module(load="imudp")'
  echo "input(type=\"imudp\" address=\"127.0.0.1\" port=\"$PU\")"
} > "$R/rsyslog.conf"
grep -q 'SysSock.ParseTrusted="on"' "$R/rsyslog.conf" && grep -q 'template="poplock-trusted"' "$R/rsyslog.conf" ||
  { notok "doc/install-syslog.html has the block rsyslog-trusted" "$(cat "$R/rsyslog.conf")"; exit 1; }
# an executable named log in a directory whose name looks like the end
# of a field and the start of another: $F/log is
# .../x" _EXE="/usr/lib/dovecot/log
F="$R/x\" _EXE=\"/usr/lib/dovecot"
mkdir -p "$F" && cp "$(command -v logger)" "$F/log"

cat > "$R/ns.sh" <<'EOS'
R=$1 PP=$2 PU=$3 TOP=$4 D=$5 F=$6
[ -n "$R" ] && [ -d "$R" ] || exit 100
pids=""
trap 'kill $pids 2>/dev/null; wait' EXIT
dev=$(mktemp -d "$R/dev.XXXXXX") || exit 111
chmod 755 "$dev"
for n in null zero full random urandom tty; do : > "$dev/$n"; mount --bind "/dev/$n" "$dev/$n" || exit 111; done
mount --rbind "$dev" /dev || exit 111
rsyslogd -n -f "$R/rsyslog.conf" -i "$R/rsyslogd.pid" > "$R/rsyslogd.out" 2>&1 & pids="$pids $!"
n=0; while [ ! -S /dev/log ] && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
dovecot -F -c "$R/dovecot/dovecot.conf" > "$R/dovecot.out" 2>&1 & pids="$pids $!"
n=0; while ! ss -Hltn "sport = :$PP" | grep -q . && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
"$TOP/package/dialogue" 127.0.0.91 "$PP" "USER demo" "PASS demo" QUIT > "$R/pop3.out"
# each sender stays a second, so that rsyslog finds its /proc entry
{ echo "${D/ADDR/127.0.0.92}"; sleep 1; } | setpriv --reuid 65534 --regid 65534 --clear-groups logger -p mail.info -t dovecot
{ echo "${D/ADDR/127.0.0.93}"; sleep 1; } | logger -p mail.info -t dovecot
{ echo "${D/ADDR/127.0.0.94}"; sleep 1; } | setpriv --reuid 65534 --regid 65534 --clear-groups "$F/log" -p mail.info -t dovecot
{ echo "${D/ADDR/127.0.0.95}"; sleep 1; } | "$F/log" -p mail.info -t dovecot
# a whole line of the template's, as a sender with no credentials writes it
setpriv --reuid 65534 --regid 65534 --clear-groups logger -d -n 127.0.0.1 -P "$PU" -p mail.info -t dovecot -- \
  "_PID=\"7\" _UID=\"0\" _GID=\"0\" _COMM=\"log\" _EXE=\"/usr/lib/dovecot/log\" $(LC_ALL=C date '+%b %e %H:%M:%S') vm dovecot: ${D/ADDR/127.0.0.96}"
n=0; while ! grep -q 'rip=127\.0\.0\.96,' "$R/log/mail.log" 2>/dev/null && [ $n -lt 200 ]; do sleep 0.05; n=$((n+1)); done
n=0; while ! grep -q 'rip=127\.0\.0\.91,' "$R/log/mail.log" 2>/dev/null && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done
EOS
timeout 60 unshare -m --propagation private bash "$R/ns.sh" "$R" "$PP" "$PU" "$TOP" "$D" "$F"
checkgrep "a real Dovecot, logging to syslog(3): the POP3 login from 127.0.0.91 succeeds" '^  < \+OK Logged in' "$R/pop3.out"
checkgrep "rsyslog wrote Dovecot's login with its log process's trusted properties first" \
  '^_PID="[0-9]+" _UID="0" _GID="0" _COMM="log" _EXE="/usr/lib/dovecot/log" [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} [^ ]+ dovecot: pop3-login: Log(in|ged in): user=<demo>, .*rip=127\.0\.0\.91,' "$R/log/mail.log"
checkgrep "a path holding a quote: its quote doubled (csv)" \
  '^_PID="[0-9]+" _UID="0" _GID="0" _COMM="log" _EXE="[^ ]*/x"" _EXE=""/usr/lib/dovecot/log" .*rip=127\.0\.0\.95,' "$R/log/mail.log"
checkgrep "the UDP message: every field empty, the forged ones in its text" \
  '^_PID="" _UID="" _GID="" _COMM="" _EXE="" .* dovecot:? _PID="7" _UID="0" .*rip=127\.0\.0\.96,' "$R/log/mail.log"
chown nobody "$R/st"
run setpriv --reuid 65534 --regid 65534 --clear-groups "$TOP/readlog" -1 -v -d "$R/st" "rsyslog:$R/log/mail.log"
check "readlog (as nobody) grants Dovecot's own login, exit 0" "0:dovecot/pop3 127.0.0.91 demo" \
  "$rc:$(sed -n 's/^readlog: info: grant dovecot \(dovecot\/pop3 127\.0\.0\.91\) [0-9]* /\1 /p' "$T/err")"
sed -E 's/^readlog: info: refused dovecot \((untrusted _[A-Z]+)[^)]*\): .*rip=(127\.0\.0\.9[0-9]),.*/\2 \1/;t;d' "$T/err" | sort > "$T/refused"
check "refused, as untrusted: nobody's logger (_UID), root's logger -t dovecot (_COMM), nobody's program named log (_UID), the UDP line (_UID missing)" \
  "127.0.0.92 untrusted _UID
127.0.0.93 untrusted _COMM
127.0.0.94 untrusted _UID
127.0.0.96 untrusted _UID" "$(grep -v 127.0.0.95 "$T/refused")"
checkgrep "-v says the UDP line's _UID is missing" 'refused dovecot \(untrusted _UID missing\): _PID="" .*rip=127\.0\.0\.96,' "$T/err"
checkgrep "the counters: 4 refused as untrusted" 'lines [0-9]+ logins 2 .* refused 4 nologin [0-9]+ untrusted 4$' "$T/err"
check "root's program named log passes the defaults (_UID=0, _COMM=log): root needs no forged line" "127.0.0.91 127.0.0.95" \
  "$("$TOP/tests/storetool" scan "$R/st" | cut -d' ' -f1 | sort | paste -sd' ')"
run readlog -1 -n -v "rsyslog:$R/log/mail.log,trust=_UID=0,trust=_EXE=/usr/lib/dovecot/log"
check "with trust=_EXE=/usr/lib/dovecot/log, only Dovecot's login; the path that holds '\" _EXE=\"/usr/lib/dovecot/log' is refused" \
  "dovecot dovecot/pop3 127.0.0.91 demo" "$(awk '$1 == "dovecot" { print $1, $2, $3, $5 }' "$T/out")"
checkgrep "said: untrusted _EXE, its value's first 32 bytes" '^refused dovecot \(untrusted _EXE /[^)]*\): _PID="[0-9]*" _UID="0" .*rip=127\.0\.0\.95,' "$T/out"
