#!/bin/bash
# package/setup for real, end to end: on a copy of this tree whose
# conf-home and conf-state point into $T (a state directory that is not
# the default), in a private mount namespace whose /etc is a copy
# (useradd writes there; qmaild stands for the account qmail's
# installation makes), with an svscan of the test's own on a directory in
# $T (never /service).  It links readlog, Dovecot (its configuration in
# the private /etc) and the SMTP service (tcpserver, relaylock, Debian's
# qpsmtpd), waits until they stay up, and a real POP3 login opens
# relaying for exactly that address; the SMTP server's environment is
# tcpserver's and svscan's, none of the run script's settings, and its
# memory is softlimit's.  Then: a second run changes
# nothing, edited files are kept, -l rewrites readlog's sources and
# restarts it; and the errors, each word for word with its exit code: a
# missing account, a missing program, a service that crash-loops, an
# svscan directory nobody scans.
if [ "${1:-}" != --ns ] && [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null; then
  exec unshare -m --propagation private "$0" --ns
fi
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/smtp/common.sh"
echo '--- the run scripts doc/install-qmail.html shows are the shipped ones'
for s in smtpd pop3d-qmail readlog; do
  check "its $s/run is service/$s/run, less the comment" "$(grep -v '^# ' "$TOP/service/$s/run")" "$(docpre install-qmail.html $s-run)"
done
check "every shipped log/run is multilog as the one log account, poplocklog" "4 4" \
  "$(ls "$TOP"/service/*/log/run | wc -l) $(cat "$TOP"/service/*/log/run | grep -cx 'exec setuidgid poplocklog multilog t ./main')"
check "no shipped service has an env/ (the run scripts read conf/)" "" "$(cd "$TOP/service" && ls -d */env 2>/dev/null)"
isroot || { skip "package/setup" "needs root: it creates accounts, a state directory and services"; exit 0; }
[ "${1:-}" = --ns ] || { skip "package/setup" "cannot make a private mount namespace (unshare -m) here"; exit 0; }
for c in useradd svscan svstat svc multilog setuidgid softlimit tcpserver tcpclient tcprules tai64nlocal dovecot ss flock ps; do
  needcmd $c || { skip "package/setup" "$c is not installed (package/test installs it)"; exit 0; }
done

S=$T/s E=$T/s/etc-svc
mkdir -p "$S/src" "$S/etc"
(cd "$TOP" && tar --exclude=./.git --exclude=./tests/out -cf - .) | (cd "$S/src" && tar -xf -)
echo "$S/usr/local" > "$S/src/conf-home"
echo "$S/poplock-state" > "$S/src/conf-state"
cp -a /etc/. "$S/etc/" && mount --bind "$S/etc" /etc || { notok "a private copy of /etc"; exit 1; }
useradd -r -M -d /nonexistent -s /usr/sbin/nologin qmaild
qpsmtpd_setup qp qmaild || { skip "package/setup" "$SMTPD_WHY"; exit 0; }
bin=$S/usr/local/bin
setup() { PATH="$bin:$PATH" flock /tmp/poplock.make "$S/src/package/setup" "$@"; }

# Dovecot as doc/install-dovecot.html says (logging to stderr, no stamps
# of its own), on loopback ports, in /etc/dovecot/dovecot.conf: the
# service's run is the shipped "dovecot -F"
POP=$(freeport 14110); IMAP=$(freeport $((POP + 1))); SMTP=$(freeport $((IMAP + 1)))
D=$S/dovecot-data
mkdir -p "$D/dovecot/run" "$D/dovecot/lib" "$D/mail" && chown nobody:nogroup "$D/mail"
echo 'demo:{PLAIN}demo' > "$D/dovecot/passwd"
"$TOP/package/dovecot-conf" | sed -e "s|@DIR@|$D|g" -e "s|@POP3@|$POP|" -e "s|@IMAP@|$IMAP|" -e "s|@NAME@|poplock-$POP|" \
  > /etc/dovecot/dovecot.conf
# what an administrator edits in the SMTP service: loopback is every
# client here, so the rules leave relaying to relaylock; qpsmtpd stands
# for qmail-smtpd, and perl needs more than qmail-smtpd's 20 MB
mkdir -p "$E/smtpd/conf"
echo ':allow' > "$E/smtpd/tcp"
echo 127.0.0.1 > "$E/smtpd/conf/IP"
echo "$SMTP" > "$E/smtpd/conf/PORT"
echo "$SMTPD" > "$E/smtpd/conf/SMTPD"
echo "$SMTPD_SOFTLIMIT" > "$E/smtpd/conf/SOFTLIMIT"

mkdir -p "$S/svscan"
(cd / && PATH="$bin:$PATH" exec svscan "$S/svscan" > "$T/svscan.log" 2>&1) &
svscanpid=$!
on_exit "svc -dx $S/svscan/* $S/svscan/*/log 2>/dev/null; kill $svscanpid; sleep 1"
sv() { svstat "$S/svscan/$1" | sed -n 's/^[^:]*: \(up\) (pid [0-9]*) .*/\1/p'; }
has() { grep -Fqx -- "$1" "$2"; }
hasline() { if has "$2" "$3"; then ok "$1"; else notok "$1" "no line: $2" "in:" "$(cat "$3")"; fi; }

echo '--- the first run: readlog, dovecot, smtpd'
run setup -s "$S/svscan" -e "$E" readlog dovecot smtpd
check "exit 0" 0 "$rc"
check "nothing on stderr" "" "$(cat "$T/err")"
check "done is its last line" "package/setup: info: done" "$(tail -1 "$T/out")"
for l in "wrote $E/readlog/conf/STATEDIR: $S/poplock-state" "wrote $E/readlog/conf/SOURCES: $S/svscan/dovecot/log/main" \
         "wrote $E/smtpd/conf/STATEDIR: $S/poplock-state" "linked $E/smtpd into $S/svscan"; do
  hasline "it says: $l" "package/setup: info: $l" "$T/out"
done
check "conf/STATEDIR is conf-state's directory, not the default" "$S/poplock-state $S/poplock-state" \
  "$(cat "$E/readlog/conf/STATEDIR") $(cat "$E/smtpd/conf/STATEDIR")"
check "readlog's conf/SOURCES is Dovecot's log in the svscan directory given" "$S/svscan/dovecot/log/main" "$(cat "$E/readlog/conf/SOURCES")"
check "the files edited beforehand are kept" ":allow $SMTP $SMTPD" "$(cat "$E/smtpd/tcp") $(cat "$E/smtpd/conf/PORT") $(cat "$E/smtpd/conf/SMTPD")"
check "no service has an env/: the run scripts read conf/ themselves" "" "$(ls -d "$E"/*/env 2>/dev/null)"
for s in readlog dovecot smtpd; do
  check "service $s is linked into the svscan directory" "$E/$s" "$(readlink "$S/svscan/$s")"
done
check "the smtpd service's tcprules file is compiled (tcp.cdb)" yes "$([ -s "$E/smtpd/tcp.cdb" ] && echo yes)"
check "svstat: every service and its log is up once it said done" "up up up up up up" \
  "$(for s in readlog readlog/log dovecot dovecot/log smtpd smtpd/log; do sv $s; done | xargs)"
checkgrep "it creates the accounts poplock and poplocklog" '^poplocklog:' /etc/passwd
check "the state directory belongs to poplock, mode 0755" "poplock poplock 755" "$(stat -c '%U %G %a' "$S/poplock-state")"
check "each service's log/main belongs to the one log account, poplocklog" "poplocklog poplocklog poplocklog" \
  "$(for s in readlog dovecot smtpd; do stat -c %U "$E/$s/log/main"; done | xargs)"
missing=""
for p in readlog relaylock showallowed logpopauth-pre logpopauth-post relaygrant relayrevoke relaycheck; do
  [ "$(stat -c %a "$bin/$p" 2>/dev/null)" = 755 ] || missing="$missing $p"
done
check "it installs the programs into conf-home's bin, mode 755 (missing or wrong:$missing)" "" "$missing"

echo '--- a real login opens relaying'
login() { "$TOP/package/dialogue" "$1" "$POP" "USER demo" "PASS $2" QUIT | sed -n '/> PASS/{n;s/^  < //p;}'; }
allowed() { "$bin/showallowed" | grep -q "^$1[[:space:]]"; }
check "relay from 127.0.0.61 before any login is refused" 550 "$(rcptcode 127.0.0.61 "$SMTP")"
check "a wrong password from 127.0.0.62 is refused by Dovecot" "-ERR" "$(login 127.0.0.62 wrong | cut -c1-4)"
check "a POP3 login from 127.0.0.61" "+OK Logged in." "$(login 127.0.0.61 demo)"
waitfor 10 allowed 127.0.0.61 && ok "readlog records it: showallowed, with conf-state's directory compiled in, lists 127.0.0.61" ||
  notok "the login was not recorded" "$(tail -5 "$E/readlog/log/main/current" | tai64nlocal)"
check "relay from 127.0.0.61 is accepted" 250 "$(rcptcode 127.0.0.61 "$SMTP")"
check "relay from 127.0.0.62 (wrong password) is still refused" 550 "$(rcptcode 127.0.0.62 "$SMTP")"
rl=$E/readlog/log/main/current
checkgrep "readlog -v logs the grant to its multilog" \
  '^@[0-9a-f]{24} readlog: info: grant dovecot dovecot/pop3 127\.0\.0\.61 [0-9]{10} demo$' "$rl"
waitfor 5 grep -q 'refused dovecot .*rip=127\.0\.0\.62,' "$rl"
checkgrep "and the refused login, with the line Dovecot wrote (2.3: Disconnected, 2.4: Login aborted)" \
  '^@[0-9a-f]{24} readlog: info: refused dovecot \(not a successful login\): @[0-9a-f]{24} pop3-login: Info: (Disconnected|Login aborted).*user=<demo>.*rip=127\.0\.0\.62, ' "$rl"
checkgrep "relaylock -v logs the allow to the SMTP service's multilog" \
  '^@[0-9a-f]{24} relaylock: info: allow 127\.0\.0\.61 dovecot/pop3 demo [0-9]+s ago$' "$E/smtpd/log/main/current"
checkgrep "and the deny before the login" '^@[0-9a-f]{24} relaylock: info: deny 127\.0\.0\.61$' "$E/smtpd/log/main/current"

echo '--- what the SMTP server gets: the environment and the limits of the real qpsmtpd, during a connection'
# tcpserver is what supervise runs (softlimit execs it); its child is
# relaylock, which execs the server: /proc's environ is what the server
# was started with
tcpd=$(svstat "$S/svscan/smtpd" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p')
tcpclient -RHl0 127.0.0.1 "$SMTP" sh -c 'sleep 5' 2>/dev/null &
holder=$!
server() { for c in $(ps --ppid "${tcpd:-1}" -o pid=); do tr '\0' ' ' < /proc/$c/cmdline 2>/dev/null | grep -q qpsmtpd-tcpserver && echo $c; done; }
waitfor 5 eval '[ -n "$(server)" ]'
c=$(server)
if [ -n "$c" ] && tr '\0' '\n' < /proc/$c/environ > "$T/server.env"; then
  checkgrep "the server has tcpserver's variables" '^TCPREMOTEIP=127\.0\.0\.1$' "$T/server.env"
  sed 's/=.*//' "$T/server.env" | sort -u > "$T/server.names"
  tr '\0' '\n' < /proc/$svscanpid/environ | sed 's/=.*//' | sort -u > "$T/svscan.names"
  check "and besides svscan's, only tcpserver's (PROTO, TCP*): none of conf/ (IP, PORT, ACCOUNT...), no UID or GID" "" \
    "$(comm -23 "$T/server.names" "$T/svscan.names" | grep -v -x -e PROTO -e 'TCP[A-Z]*' | xargs)"
  if [ -n "${POPLOCK_SANITIZED:-}" ]; then skip "its memory is softlimit -m conf/SOFTLIMIT's" "under AddressSanitizer conf/SOFTLIMIT is ="
  else check "its memory is softlimit -m conf/SOFTLIMIT's (address space, data)" "200000000 200000000" \
    "$(awk '/^Max address space/ { a = $4 } /^Max data size/ { d = $4 } END { print a, d }' /proc/$c/limits)"; fi
else
  notok "the SMTP server's process under tcpserver ($tcpd) during a connection" "$(ps --ppid "${tcpd:-1}" -o pid=,args=)"
fi
kill $holder 2>/dev/null; wait $holder 2>/dev/null

echo '--- a second run changes nothing'
listing() {
  find "$S/svscan" "$E" "$S/usr" \( -name supervise -o -path '*/log/main' \) -prune -o -printf '%p %y %m %u %g %s %T@ %l\n' | sort
  stat -c '%n %U %G %a' "$S/poplock-state"
  grep -E '^(poplock|poplocklog|qmaild):' /etc/passwd /etc/group
}
listing > "$T/list1"
pids1=$(svstat "$S"/svscan/*)
sleep 1.1   # a file rewritten with the same content would show a new mtime
run setup -s "$S/svscan" -e "$E" readlog dovecot smtpd
check "exit 0, it says only that it is done" "0 package/setup: info: done" "$rc $(cat "$T/out" "$T/err")"
listing > "$T/list2"
if cmp -s "$T/list1" "$T/list2"; then ok "nothing changed (owners, modes, sizes, times, links, accounts)"
else notok "the second run changed something" "$(diff "$T/list1" "$T/list2" | head -20)"; fi
check "no service was restarted" "$(echo "$pids1" | sed 's/) [0-9]* seconds.*/)/')" "$(svstat "$S"/svscan/* | sed 's/) [0-9]* seconds.*/)/')"

echo '--- files the administrator edited'
echo "$S/svscan/dovecot/log/main $S/mail.log" > "$E/readlog/conf/SOURCES"
run setup -s "$S/svscan" -e "$E" readlog
check "readlog alone, conf/SOURCES edited: exit 0, done" "0 package/setup: info: done" "$rc $(cat "$T/out" "$T/err")"
check "conf/SOURCES is kept" "$S/svscan/dovecot/log/main $S/mail.log" "$(cat "$E/readlog/conf/SOURCES")"
rpid() { svstat "$S/svscan/readlog" | sed -n 's/.*(pid \([0-9]*\)).*/\1/p'; }
before=$(rpid)
run setup -l "$S/svscan/dovecot/log/main" -l "$S/other.log" -s "$S/svscan" -e "$E" readlog
check "-l: exit 0; conf/SOURCES rewritten, readlog restarted, up again" "0
package/setup: info: wrote $E/readlog/conf/SOURCES: $S/svscan/dovecot/log/main $S/other.log
package/setup: info: restarted $S/svscan/readlog: its conf/ changed
package/setup: info: done" "$rc
$(cat "$T/out" "$T/err")"
check "readlog runs with the new sources (a new pid)" "new" "$([ -n "$(rpid)" ] && [ "$(rpid)" != "$before" ] && echo new)"
checkgrep "and says the one it cannot read yet" "readlog: warning: unable to read $S/other.log, watching for it: No such file or directory" \
  "$E/readlog/log/main/current"
check "a POP3 login after the restart still opens relaying" "+OK Logged in. 250" \
  "$(login 127.0.0.63 demo) $(waitfor 10 allowed 127.0.0.63; rcptcode 127.0.0.63 "$SMTP")"

echo '--- what is missing stops it before anything is linked (111)'
fresh() { rm -rf "$S/e" "$S/sv"; mkdir -p "$S/e/smtpd/conf"; echo "$SMTPD" > "$S/e/smtpd/conf/SMTPD"; echo "$SMTPD_SOFTLIMIT" > "$S/e/smtpd/conf/SOFTLIMIT"; }
fresh; echo poplock-nosuch > "$S/e/smtpd/conf/ACCOUNT"
run setup -l "$S/mail.log" -s "$S/sv" -e "$S/e" readlog smtpd
check "an account conf/ACCOUNT names that does not exist" \
  "111 package/setup: fatal: unable to find account poplock-nosuch, which $S/e/smtpd/conf/ACCOUNT names: create it or edit $S/e/smtpd/conf/ACCOUNT" \
  "$rc $(cat "$T/err")"
check "nothing is linked, not even readlog" "" "$(ls "$S/sv" 2>&1 | grep -v 'No such file')"
check "nor done said" "" "$(grep done "$T/out")"
fresh; echo "$S/no/qmail-smtpd -x" > "$S/e/smtpd/conf/SMTPD"
run setup -s "$S/sv" -e "$S/e" smtpd
check "the SMTP server conf/SMTPD names is not there" \
  "111 package/setup: fatal: unable to find program $S/no/qmail-smtpd, which $S/e/smtpd/conf/SMTPD names: install it or edit $S/e/smtpd/conf/SMTPD" \
  "$rc $(cat "$T/err")"
if needcmd qmail-popup; then
  skip "a program the run script runs is not in PATH" "qmail-popup is installed here"
else
  fresh
  run setup -s "$S/sv" -e "$S/e" pop3d-qmail
  check "a program the run script runs is not in PATH (qmail-popup, which Debian does not package)" \
    "111 package/setup: fatal: unable to find program qmail-popup in PATH, which $S/e/pop3d-qmail/run runs: install it or put its directory in PATH" \
    "$rc $(cat "$T/err")"
fi
fresh
run env PATH=/usr/sbin:/usr/bin:/sbin:/bin flock /tmp/poplock.make "$S/src/package/setup" -l "$S/mail.log" -s "$S/sv" -e "$S/e" readlog
check "conf-home's bin not in PATH" \
  "111 package/setup: fatal: unable to find program readlog in PATH, which $S/e/readlog/run runs: it is in $bin, which must be in PATH (svscan's too)" \
  "$rc $(cat "$T/err")"
fresh
run setup -s "$S/sv" -e "$S/e" readlog smtpd
check "readlog with no source (no -l, no POP service): 100" \
  "100 package/setup: fatal: readlog has no source to read: give -l SOURCE (a log file or multilog directory), or name dovecot or pop3d-qmail with it" \
  "$rc $(cat "$T/err")"
check "after each, nothing linked" "" "$(ls "$S/sv" 2>&1 | grep -v 'No such file')"
run setup -l "$S/mail.log" -s "$S/sv" -e "$S/e" smtpd
check "-l without readlog: 100" "100 package/setup: fatal: -l names readlog's sources: name readlog too" "$rc $(cat "$T/err")"
run setup -l "$S/a log" -s "$S/sv" -e "$S/e" readlog
check "a source with a blank (conf/SOURCES is split on blanks): 100" "100 package/setup: fatal: a path with a blank cannot be used: \"$S/a log\"" "$rc $(cat "$T/err")"
run setup -w 2s -s "$S/sv" -e "$S/e" readlog
check "-w not a number of seconds: 100" "100 package/setup: fatal: invalid value for -w: \"2s\"" "$rc $(cat "$T/err")"

echo '--- a service that does not stay up (111, and the end of its log)'
# its own svscan; smtpd on the port the first one holds: tcpserver
# cannot bind, exits, and supervise starts it again every second
fresh; mkdir -p "$S/sv"
echo 127.0.0.1 > "$S/e/smtpd/conf/IP"; echo "$SMTP" > "$S/e/smtpd/conf/PORT"
(cd / && PATH="$bin:$PATH" exec svscan "$S/sv" > "$T/svscan2.log" 2>&1) &
sv2=$!
on_exit "svc -dx $S/sv/* $S/sv/*/log 2>/dev/null; kill $sv2 2>/dev/null"
run setup -w 8 -s "$S/sv" -e "$S/e" smtpd
check "exit 111, no done" "111 " "$rc $(grep done "$T/out")"
first=$(head -1 "$T/err")
case $first in
  "package/setup: fatal: service smtpd in $S/sv does not stay up: "*" starts in 8 seconds, svstat says: "*) ok "it names the service: $first" ;;
  *) notok "the first line names the service" "$(cat "$T/err")" ;;
esac
n=$(echo "$first" | sed -n 's/.*stay up: \([0-9]*\) starts in.*/\1/p')
check "it saw it restart" yes "$([ "${n:-0}" -ge 2 ] && echo yes)"
check "then the last lines of its log, each tcpserver's reason, with readable times" "" \
  "$(sed 1d "$T/err" | grep -Ev '^package/setup: smtpd'"'"'s log: [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:.]+ tcpserver: fatal: unable to bind: address already used$')"
check "up to 5 of them" yes "$(l=$(sed 1d "$T/err" | wc -l); [ "$l" -ge 1 ] && [ "$l" -le 5 ] && echo yes)"
svc -dx "$S/sv/smtpd" "$S/sv/smtpd/log"; kill $sv2

echo '--- an svscan directory nobody scans'
fresh
run setup -w 2 -l "$S/mail.log" -s "$S/sv2" -e "$S/e" readlog
check "exit 111, each service and its log named" "111 package/setup: fatal: service readlog in $S/sv2 is not supervised after 2 seconds: is svscan running on $S/sv2?
package/setup: fatal: service readlog/log in $S/sv2 is not supervised after 2 seconds: is svscan running on $S/sv2?" "$rc $(cat "$T/err")"
