#!/bin/bash
# The service directories of service/ (readlog, dovecot, smtpd) under a
# real s6-svscan with s6-log, then under a real runsvdir with svlogd, as
# doc/supervisors.html says: run scripts unchanged, the doc's log/run,
# the settings in conf/ and tcp.  A real POP3 login to Dovecot opens
# relaying through tcpserver + relaylock + qpsmtpd for that address
# only; the loggers' directories hold the lines with their stamps; the
# doc's commands take readlog down and up, restart and signal it, and
# take it away.  Everything is in $T: the supervisors run in a private
# mount namespace whose passwd, group and /etc/dovecot are copies.
. "$(dirname "$0")/lib.sh"
what="the service directories under s6 and runit"
isroot || { skip "$what" "needs root: the run scripts change accounts, Dovecot starts as root"; exit 0; }
for c in unshare mount dovecot tcpserver tcpclient tcprules make softlimit setuidgid \
         s6-svscan s6-svscanctl s6-svc s6-svstat s6-log s6-setuidgid runsvdir runsv sv svlogd chpst; do
  needcmd $c || { skip "$what" "$c is not installed (package/deps-test: s6, runit, daemontools, ucspi-tcp, dovecot)"; exit 0; }
done
[ -r /usr/share/perl5/Qpsmtpd/TcpServer.pm ] || { skip "$what" "qpsmtpd is not installed (package/test installs it)"; exit 0; }
[ -d /etc/dovecot ] || { skip "$what" "no /etc/dovecot to mount the demo's configuration on"; exit 0; }

docblock() { docpre supervisors.html "$1"; }

# the accounts the service directories name, in copies of passwd and
# group that only the supervisors' namespace sees
cp /etc/passwd /etc/group "$T/"
id=60800
for a in poplock poplocklog; do
  while getent passwd $id >/dev/null || getent group $id >/dev/null; do id=$((id + 1)); done
  echo "$a:x:$id:$id::/nonexistent:/usr/sbin/nologin" >> "$T/passwd"
  echo "$a:x:$id:" >> "$T/group"
  eval "uid_$a=$id"
  id=$((id + 1))
done

# setup SUP POP3 IMAP SMTP: the service directories in $T/SUP/etc-svc,
# linked into the scan directory $T/SUP/scan, as package/setup does
setup() {
  local sup=$1 pop3=$2 imap=$3 smtp=$4 S=$T/$1 s acct
  for p in $pop3 $imap $smtp; do
    ! up $p || { notok "$sup: port $p is free before the services start" "something listens on 127.0.0.1:$p"; return 1; }
  done
  mkdir -p "$S/etc-svc" "$S/scan" "$S/etc-dovecot" "$S/state"
  # Dovecot's and qpsmtpd's configuration: the demo's (its service directories are not used)
  "$TOP/package/demo-setup" "$S/demo" $pop3 $imap $smtp > "$S/demo-setup.out" 2>&1 ||
    { notok "$sup: package/demo-setup" "$(cat "$S/demo-setup.out")"; return 1; }
  cp "$S/demo/dovecot/dovecot.conf" "$S/etc-dovecot/dovecot.conf"
  chown $uid_poplock:$uid_poplock "$S/state"; chmod 755 "$S/state"
  for s in dovecot readlog smtpd; do
    cp -Rp "$TOP/service/$s" "$S/etc-svc/$s"
    # the doc's log/run for this supervisor, as the one log account
    docblock $sup-logrun > "$S/etc-svc/$s/log/run"
    mkdir "$S/etc-svc/$s/log/main"
    chown $uid_poplocklog "$S/etc-svc/$s/log/main"
  done
  # the administrator's settings
  echo "$S/etc-svc/dovecot/log/main" > "$S/etc-svc/readlog/conf/SOURCES"
  echo "$S/state" > "$S/etc-svc/readlog/conf/STATEDIR"
  echo "$S/state" > "$S/etc-svc/smtpd/conf/STATEDIR"
  echo 127.0.0.1 > "$S/etc-svc/smtpd/conf/IP"
  echo $smtp > "$S/etc-svc/smtpd/conf/PORT"
  echo nobody > "$S/etc-svc/smtpd/conf/ACCOUNT"
  echo "$TOP/package/qpsmtpd-tcpserver $S/demo/qpsmtpd" > "$S/etc-svc/smtpd/conf/SMTPD"
  # qpsmtpd is perl: more than qmail-smtpd's 20 MB
  echo "$SMTPD_SOFTLIMIT" > "$S/etc-svc/smtpd/conf/SOFTLIMIT"
  # every client here is on 127.: the shipped 127.:allow,RELAYCLIENT="" would let them all relay
  echo ':allow' > "$S/etc-svc/smtpd/tcp"
  (cd "$S/etc-svc/smtpd" && make -s) || { notok "$sup: make in the smtpd service (tcp.cdb)"; return 1; }
  for s in dovecot readlog smtpd; do ln -s "$S/etc-svc/$s" "$S/scan/$s"; done
}

# insidens CMD...: execs CMD with the private passwd, group and /etc/dovecot, and $TOP
# first in PATH (run in the background, $! is then the pid of CMD)
insidens() {
  exec unshare -m --propagation private sh -c '
    mount --bind "$1/passwd" /etc/passwd && mount --bind "$1/group" /etc/group &&
      mount --bind "$2" /etc/dovecot || exit 111
    shift 2; exec "$@"' sh "$T" "$S/etc-dovecot" env PATH="$TOP:$PATH" "$@"
}

up() { tcpclient -RHl0 127.0.0.1 "$1" true 2>/dev/null; }
relay() { rcptcode "$1" "$smtp"; }
login() { "$TOP/package/dialogue" "$1" "$pop3" "USER demo" "PASS $2" QUIT | sed -n '/> PASS/{n;s/^  < //p;}'; }
allowed() { "$TOP/showallowed" -d "$S/state" | grep -q "^$1[[:space:]]"; }
# processes whose command line names this run's directory
ours() { ps -eo args= | grep -F -e "$S/" | grep -v -e grep -e 'ps -eo'; }

# scenario SUP STAMP-REGEXP LATE SVSTAT: the checks both supervisors
# pass (LATE: the status of a service linked while it runs, 7 seconds
# later; SVSTAT: what daemontools' svstat says of a service); the
# supervisor-specific commands are the functions st (status of a
# directory: up or down), ctl (down, up, term, usr1, of a directory),
# add (make the supervisor see the scan directory's links), remove (rm a
# link and take its service away), stop (the whole tree)
scenario() {
  local sup=$1 stamp=$2 p1 p2 now extra
  waitfor 30 up $pop3 && waitfor 10 up $smtp &&
    ok "$sup: dovecot and the SMTP service come up" ||
    { notok "$sup: services did not come up" "$(cat "$S/scanner.log"; tail -5 "$S"/etc-svc/*/log/main/current 2>/dev/null)"; return 1; }
  local down=""
  for d in dovecot dovecot/log readlog readlog/log smtpd smtpd/log; do
    waitfor 10 eval "[ \"\$(st \"\$S/scan/$d\")\" = up ]" || down="$down $d"
  done
  check "$sup: the three services and their loggers are up (not up:$down)" "" "$down"
  check "$sup: what daemontools' svstat says of a service: $4" "$4" "$(svstat "$S/scan/smtpd" 2>&1 | sed -e 's/^[^:]*: //' -e 's/ (pid .*//')"

  # a link made while the supervisor runs
  mkdir "$S/etc-svc/extra"
  printf '#!/bin/sh\nexec sleep 3599\n' > "$S/etc-svc/extra/run"; chmod 755 "$S/etc-svc/extra/run"
  ln -s "$S/etc-svc/extra" "$S/scan/extra"
  sleep 7
  check "$sup: a service linked while it runs, 7 seconds later: $3" "$3" "$(x=$(st "$S/scan/extra"); echo "${x:-not started}")"
  add
  waitfor 10 eval '[ "$(st "$S/scan/extra")" = up ]' && ok "$sup: after the doc's command to scan, it runs" || notok "$sup: the new service did not start" "$(st "$S/scan/extra")"
  extra=$(pid "$S/scan/extra")

  check "$sup: relay from 127.0.0.21 before any login is refused" 550 "$(relay 127.0.0.21)"
  check "$sup: a wrong password from 127.0.0.22 is refused by dovecot" "-ERR" "$(login 127.0.0.22 wrong | cut -c1-4)"
  t=$(date +%s)
  check "$sup: POP3 login from 127.0.0.21 succeeds" "+OK Logged in." "$(login 127.0.0.21 demo)"
  waitfor 10 allowed 127.0.0.21 && ok "$sup: readlog records the login, from the logger's directory" ||
    notok "$sup: readlog did not record the login" "$(tail -5 "$S/etc-svc/readlog/log/main/current" 2>&1)" "$(tail -3 "$S/etc-svc/dovecot/log/main/current" 2>&1)"
  check "$sup: relay from 127.0.0.21 is accepted" 250 "$(relay 127.0.0.21)"
  check "$sup: relay from 127.0.0.22 (failed login) is still refused" 550 "$(relay 127.0.0.22)"
  now=$("$TOP/showallowed" -m -d "$S/state" | awk '$1 == "127.0.0.21" { print $3 }')
  if [ -n "$now" ] && [ "$now" -ge "$t" ] && [ "$now" -le "$(( $(date +%s) + 1 ))" ]; then
    ok "$sup: the login is recorded at the time it was made (not ahead of it)"
  else notok "$sup: the login's time" "login at $t or after, recorded $now, now $(date +%s)"; fi
  checkgrep "$sup: Dovecot's login line is in its logger's directory, with the logger's stamp" \
    "^$stamp .*(Login|Logged in): user=<demo>.*rip=127\.0\.0\.21" "$S/etc-svc/dovecot/log/main/current"
  checkgrep "$sup: tcpserver's lines are in the SMTP service's logger's directory" \
    "^$stamp tcpserver: ok [0-9]+ .*:127\.0\.0\.21::" "$S/etc-svc/smtpd/log/main/current"

  # readlog under the supervisor's commands
  ctl down "$S/scan/readlog"
  waitfor 10 eval '[ "$(st "$S/scan/readlog")" = down ]' && ok "$sup: readlog taken down" || notok "$sup: readlog taken down" "$(st "$S/scan/readlog")"
  check "$sup: POP3 login from 127.0.0.23 while readlog is down" "+OK Logged in." "$(login 127.0.0.23 demo)"
  ctl up "$S/scan/readlog"
  waitfor 10 allowed 127.0.0.23 && ok "$sup: readlog, up again, picks up the login made while it was down" ||
    notok "$sup: the login made while readlog was down was not recorded"
  p1=$(pid "$S/scan/readlog")
  ctl term "$S/scan/readlog"
  newpid() { p2=$(pid "$S/scan/readlog"); [ "${p2:-0}" -gt 0 ] 2>/dev/null && [ "$p2" != "$p1" ]; }
  waitfor 10 newpid && ok "$sup: readlog restarted by SIGTERM (a new pid)" || notok "$sup: readlog restarted" "$p1 -> $(pid "$S/scan/readlog")"
  # a SIGHUP before the new readlog takes it would kill it (the default
  # action, as for any daemon just started): wait until it has it
  # caught or blocked (skalibs' selfpipe blocks it and reads a signalfd)
  hupcaught() {
    local c b
    c=$(sed -n 's/^SigCgt:[[:space:]]*//p' "/proc/$p2/status" 2>/dev/null)
    b=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$p2/status" 2>/dev/null)
    [ -n "$c" ] && [ -n "$b" ] && [ $(( (0x$c | 0x$b) & 1 )) = 1 ]
  }
  waitfor 10 hupcaught || notok "$sup: the new readlog catches SIGHUP" "$(grep '^Sig' "/proc/$p2/status" 2>&1)"
  ctl hup "$S/scan/readlog"
  sleep 0.5
  check "$sup: readlog is still the same process after SIGHUP" "$p2" "$(pid "$S/scan/readlog")"
  check "$sup: POP3 login from 127.0.0.24" "+OK Logged in." "$(login 127.0.0.24 demo)"
  waitfor 10 allowed 127.0.0.24 && ok "$sup: and it is recorded after the SIGHUP" || notok "$sup: the login after SIGHUP was not recorded"
  ctl usr1 "$S/scan/readlog"
  counters() { grep -Eq "^$stamp readlog: info: lines [0-9]+ logins [1-9][0-9]* " "$S/etc-svc/readlog/log/main/current"; }
  waitfor 10 counters && ok "$sup: SIGUSR1: readlog's counters, in its logger's directory with its stamp" ||
    notok "$sup: SIGUSR1: readlog's counters" "$(tail -3 "$S/etc-svc/readlog/log/main/current")"
  check "$sup: relay from 127.0.0.21 is still accepted after all that" 250 "$(relay 127.0.0.21)"

  remove readlog
  gone() { ! ours | grep -q "readlog -v -d $S/state"; }
  waitfor 15 gone && ok "$sup: the readlog service taken away: its process is gone" || notok "$sup: readlog is still running" "$(ours)"
  check "$sup: the other services still run" "up up" "$(st "$S/scan/dovecot") $(st "$S/scan/smtpd")"

  # run execs dovecot -F: the supervised process is Dovecot's master
  dovecotpid=$(pid "$S/scan/dovecot")
  [ -n "$dovecotpid" ] && [ -n "$extra" ] || notok "$sup: the supervisor tells the pids of Dovecot and of the new service" "dovecot '$dovecotpid', new '$extra'"
  stop
  alldone() { [ -z "$(ours)" ] && ! up $smtp && ! up $pop3 && ! kill -0 "${extra:-none}" 2>/dev/null && ! kill -0 "${dovecotpid:-none}" 2>/dev/null; }
  waitfor 20 alldone && ok "$sup: stopping the supervisor stops every service and logger (Dovecot, tcpserver, the loggers, the new service)" ||
    notok "$sup: left running" "$(ours)" "dovecot master ${dovecotpid:-?}, extra $extra" "$(ps -o pid,ppid,stat,args -p "${dovecotpid:-1},$extra")"
}

echo '--- s6: s6-svscan, s6-log'
S=$T/s6 pop3=12810 imap=12843 smtp=12825
if setup s6 $pop3 $imap $smtp; then
  insidens s6-svscan "$S/scan" > "$S/scanner.log" 2>&1 &
  scanner=$!
  on_exit "s6-svscanctl -t $S/scan 2>/dev/null; sleep 1; kill $scanner 2>/dev/null"
  st() { s6-svstat -o up "$1" 2>/dev/null | sed 's/^true$/up/; s/^false$/down/'; }
  pid() { s6-svstat -o pid "$1" 2>/dev/null; }
  ctl() { case $1 in down) s6-svc -d "$2" ;; up) s6-svc -u "$2" ;; term) s6-svc -t "$2" ;; hup) s6-svc -h "$2" ;; usr1) s6-svc -1 "$2" ;; esac; }
  remove() { rm "$S/scan/$1" && s6-svscanctl -an "$S/scan"; }
  add() { s6-svscanctl -a "$S/scan"; }
  stop() { s6-svscanctl -t "$S/scan"; }
  scenario s6 '@4000[0-9a-f]{20}' "not started" "unable to open supervise/ok: file does not exist"
  # the label of Dovecot's login line, on daemontools' scale, less the time of the login
  l=$(grep -m1 -E '(Login|Logged in): user=<demo>.*rip=127\.0\.0\.21' "$S/etc-svc/dovecot/log/main/current")
  off=$(( 16#${l:1:16} - 16#4000000000000000 - 10 - t ))
  if [ "$off" -ge 26 ] && [ "$off" -le 29 ]; then ok "s6: s6-log t's label is 27 seconds ahead of daemontools' scale (true TAI)"
  else notok "s6: s6-log t's label, 27 seconds ahead of daemontools' scale" "login at $t, label ${l:0:25}: $off seconds ahead"; fi
  wait $scanner; rc=$?
  check "s6: s6-svscan exits 0 after s6-svscanctl -t" 0 "$rc"
fi

echo '--- runit: runsvdir, svlogd'
S=$T/runit pop3=12910 imap=12943 smtp=12925
if setup runit $pop3 $imap $smtp; then
  insidens runsvdir "$S/scan" > "$S/scanner.log" 2>&1 &
  scanner=$!
  on_exit "kill -HUP $scanner 2>/dev/null"
  # sv takes a name without a slash as one of /etc/service: always a path here
  st() { sv status "$1" 2>/dev/null | sed -n 's/^run: .*/up/p; s/^down: .*/down/p' | head -1; }
  pid() { sv status "$1" 2>/dev/null | sed -n 's/^run: [^(]*(pid \([0-9]*\)).*/\1/p'; }
  ctl() { case $1 in down) sv down "$2" ;; up) sv up "$2" ;; term) sv term "$2" ;; hup) sv hup "$2" ;; usr1) sv 1 "$2" ;; esac >/dev/null; }
  remove() { rm "$S/scan/$1"; }
  add() { :; }
  stop() { kill -HUP $scanner; }
  scenario runit '[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{5}' up up
  l=$(grep -m1 -E '(Login|Logged in): user=<demo>.*rip=127\.0\.0\.21' "$S/etc-svc/dovecot/log/main/current")
  ts=${l%% *}
  off=$(( $(date -u -d "${ts%_*} ${ts#*_}" +%s) - t ))
  if [ "$off" -ge 0 ] && [ "$off" -le 2 ]; then ok "runit: svlogd -tt's stamp is UTC"
  else notok "runit: svlogd -tt's stamp is UTC" "login at $t, stamp $ts: $off seconds off"; fi
  wait $scanner; rc=$?
  check "runit: runsvdir exits 111 after SIGHUP, as runsvdir(8) says" 111 "$rc"
fi
