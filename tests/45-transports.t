#!/bin/bash
# The transports (doc/formats.html, "Transports"): every real server's
# syslog capture (tests/fixtures/*/[debian13-]*syslog) is sent again with
# logger(1) to the real programs that carry syslog lines to a file here:
#   socklog unix SOCKET into multilog t, svlogd -t, -tt, -ttt, svlogd
#   without stamps as socklog-conf sets up its mail directory, and a
#   plain file (the directories read as readlog follows them);
#   BusyBox syslogd -n -O FILE (a private /dev for its /dev/log), with the
#   host's name, and with "(none)", the name of a host never named;
#   rsyslogd (its own imuxsock socket, host name pop1) into files in
#   RSYSLOG_TraditionalFileFormat and RSYSLOG_FileFormat (RFC 3339), and
#   forwarded to a second rsyslogd over loopback UDP (omfwd's default
#   RFC 3164 form) and TCP (RSYSLOG_ForwardFormat), which stores each in
#   both templates with the sender's host name;
#   syslog-ng (Debian's syslog-ng-core, unpacked into a private root: it
#   conflicts with rsyslog) into files in its default format, with
#   doc/install-syslog.html's lines, and with ts-format(iso);
#   systemd-journald without systemd (private mount and pid namespaces,
#   its own /run and /dev), through its syslog socket, read back with
#   journalctl -D DIR -o short, short-iso, short-precise, short-iso-precise,
#   and followed by doc/install-syslog.html's journalctl -f into readlog -;
#   and Dovecot's own stderr captures (as multilog t kept them) through
#   journald's stdout stream (systemd-cat), as systemd takes a service's.
# rsyslogd, syslog-ng and journald are started once and given every
# capture in turn; socklog and BusyBox once per capture.
# For each capture and each transport, readlog -1 -n grants exactly what
# it grants on the capture read directly (source, address, user), and
# each grant's time is the transport's stamp, taken while the test ran:
# TZ is Europe/Berlin, so a UTC stamp read as local time (svlogd -tt and
# -ttt write UTC) would be an hour off; journald's grants are at the
# very seconds its journal recorded.  The lines of one run of a tag and
# pid go through one logger; for journald, which writes the sender's
# pid and not the one in the line, that logger runs with the line's pid
# (set with ns_last_pid in journald's pid namespace), as the server did.
# Then a message with a newline in it, the text after the newline a
# login line, through each: which transports keep it from being a line.
# FreeBSD's and Solaris' syslogd cannot run here: their lines are in
# tests/fixtures/transports, written from their source (README there).
. "$(dirname "$0")/lib.sh"
FX="$TOP/tests/fixtures"

for c in socklog svlogd multilog busybox logger unshare; do
  needcmd $c || { skip "transports" "$c is not installed (package/deps-test: socklog, runit, daemontools, busybox, util-linux)"; exit 0; }
done
isroot || { skip "transports" "needs root: BusyBox syslogd binds /dev/log in a private mount namespace"; exit 0; }
[ -f /usr/share/zoneinfo/Europe/Berlin ] || { skip "transports" "no zone file for Europe/Berlin (tzdata)"; exit 0; }
export TZ=Europe/Berlin

# the captures, in the order of the directories $T/1, $T/2, ...
caps=()
for log in "$FX"/*/syslog "$FX"/*/debian13-syslog "$FX"/*/*-syslog.log; do
  [ -f "$log" ] && [ -f "${log%.log}.expect" ] && caps+=("$log")
done
[ ${#caps[@]} -gt 0 ] || { notok "transports: the syslog captures" "none found in tests/fixtures"; exit 1; }
# and Dovecot's own stderr (log_path = /dev/stderr) as multilog t kept
# it, for journald's stdout stream: a service's stderr under systemd
ecaps=()
for log in "$FX"/dovecot/multilog "$FX"/dovecot/debian13-multilog; do
  [ -f "$log" ] && [ -f "$log.expect" ] && ecaps+=("$log")
done

# the capture's lines "STAMP HOST TAG[PID]: MSG" as "TAG PID|MSG"
LINE='s/^([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}) [^ ]+ ([^][ :]+)(\[([0-9]+)\])?: (.*)$/\2 \4|\5/p'
nsent() { sed -n -E "$LINE" "$1" | wc -l; }

# replay FIXTURE SOCKET [pid]: each line of the capture sent to SOCKET
# as TAG with PID, as the server's syslog(3) did, each run of lines of
# one tag and pid by one logger; with "pid" (in a pid namespace of its
# own) that logger runs as PID
replay() {
  sed -n -E "$LINE" "$1" | {
    key="" buf=""
    while IFS= read -r l; do
      if [ "${l%%|*}" = "$key" ]; then buf=$buf$'\n'${l#*|}; continue; fi
      if [ -n "$key" ]; then sendrun "$2" "$key" "$buf" "${3:-}"; fi
      key=${l%%|*} buf=${l#*|}
    done
    if [ -n "$key" ]; then sendrun "$2" "$key" "$buf" "${3:-}"; fi
  }
}
# sendrun SOCKET "TAG PID" LINES [pid]
sendrun() {
  local tag=${2% *} pid=${2#* }
  [ -n "$4" ] && [ -n "$pid" ] && echo $((pid - 1)) > /proc/sys/kernel/ns_last_pid
  logger -u "$1" --size 8192 -p mail.info -t "$tag" ${pid:+--id=$pid} <<< "$3" || echo "logger failed: $2" >&2
}

# grants FILE: what readlog -1 -n grants reading FILE, "SOURCE ADDR USER",
# sorted; the times go to $T/times.  -n writes nothing: one empty state
# directory serves every call
ST=$(newstate)
grants() {
  "$TOP/readlog" -1 -n -d "$ST" "$1" > "$T/g.out" 2> "$T/g.err"
  [ -s "$T/g.err" ] && grep -v '^readlog: info: ' "$T/g.err" | sed 's/^/readlog: /'
  awk -v t="$T/times" '{ print $4 > t; print $2, $3, $5 }' "$T/g.out" | LC_ALL=C sort
}

# same NAME FILE [WINDOW]: FILE grants what the capture does ($want, in
# $wantn lines), at times in [t0, t1], or in those of the file WINDOW ("T0 T1")
same() {
  local got bad a=$t0 b=$t1
  [ -n "${3:-}" ] && read -r a b < "$3"
  if [ ! -e "$2" ]; then notok "$1 grants exactly what the capture does" "no file $2"; return; fi
  : > "$T/times"
  got=$(grants "$2")
  if [ "$got" = "$want" ]; then ok "$1 grants exactly what the capture does ($wantn)"
  else notok "$1 grants exactly what the capture does" "$(diff <(echo "$want") <(echo "$got") | head -10)"; fi
  bad=$(awk -v a="$a" -v b="$b" '$1 < a || $1 > b { if (++n <= 3) print }' "$T/times")
  [ -z "$bad" ] && ok "$1: every grant at the transport's time ($wantn)" ||
    notok "$1: every grant at the transport's time" "run from $a to $b, got: $bad"
}

# A capture with lines of a server that logs a client's newline raw
# (doc/threat.html#newline: Mailutils imap4d, Cyrus imapd): in socklog's
# form readlog grants only what comes before the first of them (the
# capture's own grants up to that line), and says once that it refuses
# the rest.  rawsrv FIXTURE: that server, its first line's number
rawsrv() {
  local n
  n=$(grep -n -m1 -E '^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [^ ]+ (imap4d|cyrus/imap[a-z]*)(\[[0-9]+\])?: ' "$1" | cut -d: -f1)
  case $1 in */mailutils/*) raw="Mailutils imap4d" ;; */cyrus/*) raw="Cyrus imapd" ;; *) raw="" ;; esac
  rawat=$n
  [ -n "$raw" ] && [ -z "$n" ] && notok "$1: has a line of $raw" "none"
  [ -z "$raw" ] && [ -n "$n" ] && notok "$1: a line of a server that logs a client's newline raw, in a capture not known to hold one" "line $n"
  return 0
}
# viasocklog NAME FILE: same, or, for such a capture, what is said above
viasocklog() {
  local got before
  if [ -z "$raw" ]; then same "$@"; return; fi
  head -n $((rawat - 1)) "$log" > "$T/before"
  before=$(grants "$T/before")
  : > "$T/times"
  "$TOP/readlog" -1 -n -d "$ST" "$2" > "$T/g.out" 2> "$T/g.err"
  got=$(awk '{ print $2, $3, $5 }' "$T/g.out" | LC_ALL=C sort)
  check "$1 grants only the logins before $raw's first line ($(grep -c . <<< "$before") of $wantn)" "$before" "$got"
  check "$1: readlog says once that it refuses the rest" \
    "readlog: warning: refusing every login read from $2: it holds lines of $raw in socklog's form, where a client's newline is a line of its own (threat.html#newline)" \
    "$(grep -v '^readlog: info: ' "$T/g.err")"
}

# socklog unix SOCKET | tee: multilog t, svlogd -t, -tt, -ttt, svlogd
# without stamps selecting mail.* as socklog-conf's mail directory does,
# and a file
via_socklog() {
  local d=$1 f p
  mkdir -p "$d/multilog" "$d/svlogd-t" "$d/svlogd-tt" "$d/svlogd-ttt" "$d/svlogd"
  printf 's999999\nn5\n-*\n+mail.*\n' > "$d/svlogd/config"
  for f in t tt ttt plain; do mkfifo "$d/fifo-$f"; done
  multilog t "$d/multilog" < "$d/fifo-t" & p="$!"
  svlogd -t "$d/svlogd-t" < "$d/fifo-tt" & p="$p $!"
  svlogd -tt "$d/svlogd-tt" < "$d/fifo-ttt" & p="$p $!"
  svlogd "$d/svlogd" < "$d/fifo-plain" & p="$p $!"
  sh -c 'echo $$ > "$1"; exec socklog unix "$2"' sh "$d/socklog.pid" "$d/sock" 2> "$d/socklog.err" |
    tee "$d/fifo-t" "$d/fifo-tt" "$d/fifo-ttt" "$d/fifo-plain" "$d/file" | svlogd -ttt "$d/svlogd-ttt" &
  p="$p $!"
  waitfor 5 test -S "$d/sock" || { echo "socklog did not bind $d/sock: $(cat "$d/socklog.err")" >&2; return 1; }
  replay "$2" "$d/sock"
  sleep 0.2
  kill "$(cat "$d/socklog.pid")" 2>/dev/null
  wait $p
}

# BusyBox syslogd in a private mount namespace (its own /dev: /dev/log
# is its socket there) and, with -u, its own host name "(none)"
via_busybox() {
  local d=$1 fix=$2 ns=$3
  mkdir -p "$d/olddev"
  cat > "$d/run.sh" <<EOF
set -e
mount --make-rprivate /
mount --rbind /dev "$d/olddev"
mount -t tmpfs dev /dev
for f in null zero urandom random; do touch /dev/\$f; mount --bind "$d/olddev/\$f" /dev/\$f; done
[ "$ns" = -u ] && echo '(none)' > /proc/sys/kernel/hostname
busybox syslogd -n -O "$d/messages" & p=\$!
i=0; while [ ! -S /dev/log ] && [ \$i -lt 100 ]; do sleep 0.05; i=\$((i+1)); done
. "$T/fn.sh"
if [ -n "$fix" ]; then replay "$fix" /dev/log; else logger -u /dev/log -p mail.info -t imapd -- "\$HM"; fi
sleep 0.2
kill \$p; wait \$p || :
EOF
  unshare -m $ns bash "$d/run.sh" 2> "$d/busybox.err" || echo "busybox run failed: $(cat "$d/busybox.err")" >&2
}

# A message with a newline in it, the text after it a whole login line
# (doc/install-syslog.html, "A newline inside a message"): imapd's
# failure line, as a server that wrote a client's user name as it came
# would send it.  HX is the address only that text gives.
HX=203.0.113.77
HM="LOGIN FAILED, user=x
$(LC_ALL=C date '+%b %e %H:%M:%S') vm dovecot: pop3-login: Logged in: user=<eve>, method=PLAIN, rip=$HX, lip=127.0.0.1, mpid=1, session=<x>"
export HM
H=$T/newline; mkdir -p "$H"
sendhm() { logger -u "$1" -p mail.info -t imapd -- "$HM"; }
# what the shells of the private namespaces need
{ declare -p LINE; declare -f replay sendrun waitfor sendhm; } > "$T/fn.sh"

# cutnew OUT FILE N: once FILE has N lines more than at its last cut (10
# seconds at most), what it gained goes to OUT
declare -A cutat
hasnew() { [ "$(tail -c +$(($2 + 1)) "$1" 2>/dev/null | wc -l)" -ge "$3" ]; }
cutnew() {
  local off=${cutat[$2]:-0}
  waitfor 10 hasnew "$2" "$off" "$3"
  tail -c +$((off + 1)) "$2" > "$1" 2>/dev/null
  cutat[$2]=$((off + $(wc -c < "$1")))
}

# a free loopback port (TCP and UDP) from BASE up
freeport() {
  local p=$1
  while ss -Hltun "sport = :$p" | grep -q .; do p=$((p + 1)); done
  echo $p
}

# ---- rsyslogd: a sender and a receiver, started once -------------------
RS=$T/rsyslog
if needcmd rsyslogd && needcmd ss; then
  mkdir -p "$RS/send" "$RS/recv"
  P=$(freeport 15514)
  cat > "$RS/send/rsyslog.conf" <<EOF
global(workDirectory="$RS/send" localHostname="pop1")
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$RS/send/log")
mail.* action(type="omfile" file="$RS/trad" template="RSYSLOG_TraditionalFileFormat")
mail.* action(type="omfile" file="$RS/file" template="RSYSLOG_FileFormat")
mail.* action(type="omfwd" target="127.0.0.1" port="$P" protocol="udp")
mail.* action(type="omfwd" target="127.0.0.1" port="$P" protocol="tcp" template="RSYSLOG_ForwardFormat")
EOF
  cat > "$RS/recv/rsyslog.conf" <<EOF
global(workDirectory="$RS/recv")
module(load="imudp")
module(load="imtcp")
input(type="imudp" address="127.0.0.1" port="$P" ruleset="udp" rcvbufSize="4m")
input(type="imtcp" address="127.0.0.1" port="$P" ruleset="tcp")
ruleset(name="udp") {
  mail.* action(type="omfile" file="$RS/udp-trad" template="RSYSLOG_TraditionalFileFormat")
  mail.* action(type="omfile" file="$RS/udp-file" template="RSYSLOG_FileFormat")
}
ruleset(name="tcp") {
  mail.* action(type="omfile" file="$RS/tcp-trad" template="RSYSLOG_TraditionalFileFormat")
  mail.* action(type="omfile" file="$RS/tcp-file" template="RSYSLOG_FileFormat")
}
EOF
  for h in send recv; do
    rsyslogd -N1 -f "$RS/$h/rsyslog.conf" > "$RS/$h/n1" 2>&1
    check "rsyslogd -N1 takes the $h configuration without a word" "0:" "$?:$(grep -v 'config validation run' "$RS/$h/n1")"
  done
  rsyslogd -n -f "$RS/recv/rsyslog.conf" -i "$RS/recv/pid" > "$RS/recv/out" 2>&1 &
  rsrecv=$!
  on_exit "kill $rsrecv 2>/dev/null; wait $rsrecv 2>/dev/null"
  rsup() { ss -Hltn "sport = :$P" | grep -q . && ss -Hlun "sport = :$P" | grep -q .; }
  if waitfor 10 rsup; then
    rsyslogd -n -f "$RS/send/rsyslog.conf" -i "$RS/send/pid" > "$RS/send/out" 2>&1 &
    rssend=$!
    on_exit "kill $rssend 2>/dev/null; wait $rssend 2>/dev/null"
    waitfor 10 test -S "$RS/send/log" && ok "rsyslogd: a sender (imuxsock on its own socket) and a receiver (imudp, imtcp on 127.0.0.1:$P)" ||
      { notok "the sending rsyslogd did not come up" "$(cat "$RS/send/out")"; RS=""; }
  else
    notok "the receiving rsyslogd did not come up" "$(cat "$RS/recv/out")"; RS=""
  fi
else
  skip "rsyslog" "rsyslogd or ss is not installed (package/deps-test: rsyslog, iproute2)"; RS=""
fi

# ---- syslog-ng, unpacked into a private root, started once -------------
# The .deb from $POPLOCK_DEBS if it has it, else apt-get download; its
# libraries not in Debian's base are in package/deps-test-12, -13.
SN=$T/syslog-ng
if needcmd apt-get && needcmd dpkg-deb; then
  mkdir -p "$SN/root" "$SN/debs"
  f=""
  [ -n "${POPLOCK_DEBS:-}" ] && f=$(ls "$POPLOCK_DEBS"/syslog-ng-core_*.deb 2>/dev/null | head -1)
  if [ -z "$f" ]; then
    (cd "$SN/debs" && apt-get download syslog-ng-core) > "$SN/apt.out" 2>&1
    f=$(ls "$SN"/debs/syslog-ng-core_*.deb 2>/dev/null | head -1)
  fi
  if [ -z "$f" ]; then
    skip "syslog-ng" "apt-get download syslog-ng-core failed: $(tail -1 "$SN/apt.out")"; SN=""
  else
    dpkg-deb -x "$f" "$SN/root"
    export SNLIB="$SN/root/usr/lib/syslog-ng:$SN/root/usr/lib/x86_64-linux-gnu"
    sng=$SN/root/usr/sbin/syslog-ng
    mods=$(ls -d "$SN"/root/usr/lib/syslog-ng/[0-9]*.[0-9]* 2>/dev/null | head -1)
    missing=$(LD_LIBRARY_PATH=$SNLIB ldd "$sng" 2>&1 | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p' | tr '\n' ' ')
    if [ -n "$missing" ] || [ -z "$mods" ]; then
      [ -n "$mods" ] || missing="$missing(no module directory in usr/lib/syslog-ng)"
      skip "syslog-ng" "libraries missing (package/deps-test-12, -13 list them): $missing"; SN=""
    else
      # doc/install-syslog.html's lines, its file here and nogroup for
      # poplock, after Debian's s_src and f_mail (on a socket of its own)
      cat > "$SN/syslog-ng.conf" <<EOF
@version: ${mods##*/}
options { keep-hostname(no); use-dns(no); dns-cache(no); };
source s_src { unix-dgram("$SN/log"); };
filter f_mail { facility(mail); };
destination d_default { file("$SN/default"); };
destination d_iso { file("$SN/iso" ts-format(iso)); };
log { source(s_src); filter(f_mail); destination(d_default); destination(d_iso); };
EOF
      docpre install-syslog.html syslog-ng-conf |
        sed -e "s|/var/log/smtp-poplock/mail.log|$SN/smtp-poplock/mail.log|" -e 's/group("poplock")/group("nogroup")/' >> "$SN/syslog-ng.conf"
      grep -q "$SN/smtp-poplock/mail.log" "$SN/syslog-ng.conf" || notok "doc/install-syslog.html has the block syslog-ng-conf"
      ln -s smtp-poplock/mail.log "$SN/doc"
      LD_LIBRARY_PATH=$SNLIB "$sng" -F --no-caps -f "$SN/syslog-ng.conf" --module-path="$mods" \
        --persist-file="$SN/persist" --pidfile="$SN/pid" --control="$SN/ctl" > "$SN/out" 2>&1 &
      sngpid=$!
      on_exit "kill $sngpid 2>/dev/null; wait $sngpid 2>/dev/null"
      waitfor 10 test -S "$SN/log" &&
        ok "syslog-ng $(dpkg-deb -f "$f" Version) runs from its private root, on its own socket" ||
        { notok "syslog-ng did not come up" "$(cat "$SN/out")"; SN=""; }
    fi
  fi
else
  skip "syslog-ng" "needs apt-get and dpkg-deb to unpack syslog-ng-core"; SN=""
fi

# every capture through rsyslog and syslog-ng, each cut from the files
n=0
for log in "${caps[@]}"; do
  n=$((n + 1)); d=$T/$n; mkdir -p "$d"
  k=$(nsent "$log")
  a=$(date +%s)
  [ -n "$RS" ] && replay "$log" "$RS/send/log"
  [ -n "$SN" ] && replay "$log" "$SN/log"
  if [ -n "$RS" ]; then
    for f in trad file udp-trad udp-file tcp-trad tcp-file; do cutnew "$d/rsyslog-$f" "$RS/$f" "$k"; done
  fi
  if [ -n "$SN" ]; then
    for f in default doc iso; do cutnew "$d/syslog-ng-$f" "$SN/$f" "$k"; done
  fi
  echo "$a $(($(date +%s) + 1))" > "$d/window-rs"
done
# and the message with a newline
if [ -n "$RS" ]; then
  sendhm "$RS/send/log"
  for f in trad file udp-trad udp-file tcp-trad tcp-file; do cutnew "$H/rsyslog-$f" "$RS/$f" 1; done
  kill $rssend $rsrecv; wait $rssend $rsrecv 2>/dev/null
  # (8.2504 tells of its omfwd workers ending, at debug level 7)
  check "neither rsyslogd said a word but debug" "" "$(cat "$RS/send/out" "$RS/recv/out" | grep -v '^rsyslog internal message (7,')"
fi
if [ -n "$SN" ]; then
  sendhm "$SN/log"
  for f in default doc iso; do cutnew "$H/syslog-ng-$f" "$SN/$f" 1; done
  kill $sngpid; wait $sngpid 2>/dev/null
  # (4.8 looks for its smart-multi-line.fsm in /usr/share, not in its root)
  check "syslog-ng said nothing but that" "" "$(grep -v '] smart-multi-line: ' "$SN/out")"
fi

# ---- systemd-journald, in its own mount and pid namespaces -------------
# Started by tests/journald.sh (shared with 48-journal.t): its /run a
# directory of the test's (the journal in run/log/journal, its sockets
# in run/systemd/journal), its /dev a private one, its settings in
# /run/systemd/journald.conf.d, its own messages in $J/journald.out.
# The namespace's shell replays every capture and cuts the journal
# after each (journalctl's cursors), in each -o form.
J=$T/journal
jd=/lib/systemd/systemd-journald
if [ -x "$jd" ] && needcmd journalctl; then
  mkdir -p "$J"
  n=0
  for log in "${caps[@]}"; do n=$((n + 1)); echo "$n $(nsent "$log") $log"; done > "$J/caps"
  n=0
  for log in "${ecaps[@]}"; do n=$((n + 1)); mkdir -p "$T/e$n"; echo "e$n $(grep -c . "$log") $log"; done > "$J/ecaps"
  cat > "$J/ns.sh" <<'EOF'
J=$1 T=$2 jd=$3 ST=$4 R=$5
. "$T/fn.sh"
. "$R/tests/journald.sh"
jd_start "$jd" || exit 111
p=$jdpid
jc() { journalctl --no-pager -q -D "$J/run/log/journal" SYSLOG_FACILITY=2 "$@"; }
jnew() { kill -0 $p 2>/dev/null || return 0; [ "$(jc ${c:+"--after-cursor=$c"} -o cat | wc -l)" -ge "$1" ]; }
# doc/install-syslog.html's service: journalctl -f (its cursor in a
# file) into readlog - (here readlog -1 -n: what it would grant); its
# journalctl line is the guide's, with -D
follow() {  # follow NAME OPTION...
  local name=$1; shift
  sh -c 'echo $$ > "$1/follow.pid"; exec journalctl --no-pager -D "$1/run/log/journal" '"$*" sh "$J" |
    "$TOP/readlog" -1 -n -d "$ST" - > "$J/$name.out" 2> "$J/$name.err"
}
FOLLOW="-f -q -n all -o short-iso --cursor-file=$J/follow.cursor"
follow follow $FOLLOW & fp=$!
c=""
while read -r n k log; do
  kill -0 $p 2>/dev/null || { echo "journald is gone: $(cat "$J/journald.out")" >&2; exit 111; }
  a=$(date +%s)
  replay "$log" /run/systemd/journal/dev-log pid
  waitfor 10 jnew "$k"
  for f in short short-iso short-precise short-iso-precise short-unix short-full short-monotonic; do
    jc ${c:+"--after-cursor=$c"} -o $f > "$T/$n/journalctl-$f"
  done
  c=$(jc -n 1 -o export | sed -n 's/^__CURSOR=//p')
  echo "$a $(($(date +%s) + 1))" > "$T/$n/window-journal"
done < "$J/caps"
sleep 1
kill "$(cat "$J/follow.pid")"; wait $fp
# readlog's own journal source on the same entries (trust=none: the
# captures are replayed by the test's shell, not sent by the servers;
# 48-journal.t checks the trust rules)
"$R/readlog" -1 -n -d "$ST" "journal:dir=$J/run/log/journal,SYSLOG_FACILITY=2,trust=none" > "$J/native.out" 2> "$J/native.err"
# restarted, it resumes after the cursor: nothing new, nothing again
follow again $FOLLOW & fp=$!
sleep 1
kill "$(cat "$J/follow.pid")"; wait $fp
# the sender's uid is journald's, not the sender's to say: a login line
# sent by nobody and one by root, and _UID=0 shows root's only
D='pop3-login: Logged in: user=<u>, method=PLAIN, rip=ADDR, lip=127.0.0.1, mpid=1, session=<x>'
# Dovecot's stderr lines (their multilog stamps taken off) through
# journald's stdout stream, as systemd gives a service's stderr to it
c=$(jc -n 1 -o export | sed -n 's/^__CURSOR=//p')
jcs() { journalctl --no-pager -q -D "$J/run/log/journal" _TRANSPORT=stdout "$@"; }
jsnew() { [ "$(jcs ${cs:+"--after-cursor=$cs"} -o cat | wc -l)" -ge "$1" ]; }
cs=""
while read -r n k log; do
  a=$(date +%s)
  sed 's/^@[0-9a-f]\{24\} //' "$log" | systemd-cat -t dovecot
  waitfor 10 jsnew "$k"
  for f in short short-iso short-precise short-iso-precise short-unix; do
    jcs ${cs:+"--after-cursor=$cs"} -o $f > "$T/$n/journalctl-$f"
  done
  cs=$(jcs -n 1 -o export | sed -n 's/^__CURSOR=//p')
  echo "$a $(($(date +%s) + 1))" > "$T/$n/window-journal"
done < "$J/ecaps"
# the message with a newline, in each form
sendhm /run/systemd/journal/dev-log
waitfor 5 jnew 1
for f in short short-iso short-precise short-iso-precise; do
  jc ${c:+"--after-cursor=$c"} -o $f > "$T/newline/journalctl-$f"
done
setuidgid nobody logger -u /run/systemd/journal/dev-log -p mail.info -t dovecot -- "${D/ADDR/127.0.0.92}"
logger -u /run/systemd/journal/dev-log -p mail.info -t dovecot -- "${D/ADDR/127.0.0.93}"
waitfor 5 sh -c 'journalctl -D "$1/run/log/journal" -o cat | grep -q 127.0.0.93' sh "$J"
journalctl --no-pager -q -D "$J/run/log/journal" -o short-iso > "$J/uid-all"
journalctl --no-pager -q -D "$J/run/log/journal" -o short-iso _UID=0 > "$J/uid-0"
kill $p; wait $p
EOF
  timeout 300 unshare -m -p --fork --mount-proc bash "$J/ns.sh" "$J" "$T" "$jd" "$ST" "$TOP" 2> "$J/ns.err"
  rc=$?
  if [ $rc = 0 ] && [ -s "$T/1/journalctl-short" ]; then
    ok "systemd-journald ran without systemd, in its own mount and pid namespaces"
    # the service of doc/install-syslog.html, followed while every capture went by
    n=0; for log in "${caps[@]}"; do n=$((n + 1)); cat "$T/$n/journalctl-short-iso"; done > "$J/all-short-iso"
    "$TOP/readlog" -1 -n -d "$ST" "$J/all-short-iso" > "$J/all.out" 2> "$J/all.err"
    LC_ALL=C sort "$J/all.out" > "$J/all.sorted"; LC_ALL=C sort "$J/follow.out" > "$J/follow.sorted"
    if cmp -s "$J/all.sorted" "$J/follow.sorted"; then
      ok "journalctl -f -o short-iso into readlog -: the grants of every capture's lines read from a file ($(wc -l < "$J/all.out"))"
    else notok "journalctl -f -o short-iso into readlog -: the grants of every capture's lines read from a file" \
      "$(diff "$J/all.sorted" "$J/follow.sorted" | head -10)" "$(cat "$J/ns.err" "$J/follow.err")"; fi
    check "and readlog said nothing else" "" "$(grep -v '^readlog: info: ' "$J/follow.err")"
    LC_ALL=C sort "$J/native.out" > "$J/native.sorted"
    if [ -s "$J/native.sorted" ] && cmp -s "$J/all.sorted" "$J/native.sorted"; then
      ok "readlog journal: on the same entries: the same grants ($(wc -l < "$J/native.out")), at the same times"
    else notok "readlog journal: on the same entries: the same grants, at the same times" \
      "$(diff "$J/all.sorted" "$J/native.sorted" | head -10)" "$(cat "$J/native.err")"; fi
    # stopped (SIGTERM), systemd 257's journalctl saves its cursor and
    # resumes after it; 252's saves none and reads all again (-n all)
    if [ -s "$J/follow.cursor" ]; then
      check "journalctl saved its cursor when stopped, and restarted gives nothing again" ":" "$(cat "$J/again.out"):$(grep -v '^readlog: info: ' "$J/again.err")"
    elif [ -s "$J/follow.sorted" ]; then
      check "journalctl saved no cursor when stopped: restarted, it reads all again, the same grants at their own times" \
        "$(cat "$J/follow.sorted")" "$(LC_ALL=C sort "$J/again.out")"
    else
      notok "journalctl -f gave readlog nothing" "$(cat "$J/ns.err")"
    fi
    checkgrep "journald took the login line logger sent as nobody" 'rip=127\.0\.0\.92,' "$J/uid-all"
    checknogrep "journalctl _UID=0 shows only root's: not the line nobody sent" 'rip=127\.0\.0\.92,' "$J/uid-0"
    checkgrep "and root's is there" 'rip=127\.0\.0\.93,' "$J/uid-0"
  else
    notok "systemd-journald in a private namespace" "exit $rc" "$(cat "$J/ns.err" "$J/journald.out" 2>/dev/null | head -10)"; J=""
  fi
else
  skip "journald" "$jd or journalctl is not there (package systemd)"; J=""
fi

# ---- each capture: socklog, BusyBox, then every transport checked -----
n=0
for log in "${caps[@]}"; do
  name=${log#"$FX"/}; n=$((n + 1)); d=$T/$n
  want=$(grants "$log")
  wantn=$(grep -c . <<< "$want")
  [ -n "$want" ] || { notok "$name: the capture read directly grants" "nothing"; continue; }
  t0=$(date +%s)
  via_socklog "$d/socklog" "$log"
  via_busybox "$d/busybox" "$log" ""
  via_busybox "$d/none" "$log" -u
  t1=$(($(date +%s) + 1))
  # the log directories read as readlog follows them (SOURCES names them)
  rawsrv "$log"
  viasocklog "$name: socklog into multilog t" "$d/socklog/multilog"
  viasocklog "$name: socklog into svlogd -t" "$d/socklog/svlogd-t"
  viasocklog "$name: socklog into svlogd -tt" "$d/socklog/svlogd-tt"
  viasocklog "$name: socklog into svlogd -ttt" "$d/socklog/svlogd-ttt"
  viasocklog "$name: socklog into svlogd, no stamps, config '-* +mail.*' (socklog-conf's mail)" "$d/socklog/svlogd"
  viasocklog "$name: socklog into a file" "$d/socklog/file"
  same "$name: BusyBox syslogd" "$d/busybox/messages"
  same "$name: BusyBox syslogd on a host named (none)" "$d/none/messages"
  # the shapes readlog was shown, so that a transport that changes is seen
  checkgrep "$name: socklog writes 'mail.info: ' and the stamp" '^mail\.info: [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} ' "$d/socklog/file"
  checkgrep "$name: svlogd -tt writes its UTC stamp" '^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9:]{8}\.[0-9]{5} mail\.info: ' "$d/socklog/svlogd-tt/current"
  checkgrep "$name: svlogd -ttt writes its UTC stamp" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{5} mail\.info: ' "$d/socklog/svlogd-ttt/current"
  checkgrep "$name: BusyBox writes 'HOST mail.info TAG'" '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} [^ ]+ mail\.info [^ ]+: ' "$d/busybox/messages"
  checkgrep "$name: BusyBox writes '(none)' for a host never named" '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} \(none\) mail\.info ' "$d/none/messages"

  k=$(nsent "$log")
  stamp='[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8}'
  iso='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}'
  if [ -n "$RS" ]; then
    same "$name: rsyslog, RSYSLOG_TraditionalFileFormat" "$d/rsyslog-trad" "$d/window-rs"
    same "$name: rsyslog, RSYSLOG_FileFormat" "$d/rsyslog-file" "$d/window-rs"
    same "$name: rsyslog forwarded over UDP, stored traditional" "$d/rsyslog-udp-trad" "$d/window-rs"
    same "$name: rsyslog forwarded over UDP, stored RSYSLOG_FileFormat" "$d/rsyslog-udp-file" "$d/window-rs"
    same "$name: rsyslog forwarded over TCP (RSYSLOG_ForwardFormat), stored traditional" "$d/rsyslog-tcp-trad" "$d/window-rs"
    same "$name: rsyslog forwarded over TCP (RSYSLOG_ForwardFormat), stored RSYSLOG_FileFormat" "$d/rsyslog-tcp-file" "$d/window-rs"
    check "$name: every rsyslog file has each of the $k lines once" "$k $k $k $k $k $k" \
      "$(for f in trad file udp-trad udp-file tcp-trad tcp-file; do printf '%s ' "$(wc -l < "$d/rsyslog-$f")"; done | sed 's/ $//')"
    checkgrep "$name: rsyslog's traditional file: 'Mmm dd hh:mm:ss pop1 TAG'" "^$stamp pop1 [^ ]+: " "$d/rsyslog-trad"
    checkgrep "$name: RSYSLOG_FileFormat: RFC 3339 with microseconds and the zone" "^$iso\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} pop1 [^ ]+: " "$d/rsyslog-file"
    checkgrep "$name: forwarded over UDP, the receiver keeps the sender's name pop1" "^$stamp pop1 [^ ]+: " "$d/rsyslog-udp-trad"
    checkgrep "$name: forwarded over UDP in RFC 3164 form: whole seconds, the receiver's zone" "^$iso[+-][0-9]{2}:[0-9]{2} pop1 [^ ]+: " "$d/rsyslog-udp-file"
    checkgrep "$name: forwarded over TCP in RFC 3339 form: the sender's microseconds" "^$iso\.[0-9]{6}[+-][0-9]{2}:[0-9]{2} pop1 [^ ]+: " "$d/rsyslog-tcp-file"
  fi
  if [ -n "$SN" ]; then
    same "$name: syslog-ng, its default file format" "$d/syslog-ng-default" "$d/window-rs"
    same "$name: syslog-ng, doc/install-syslog.html's lines (newlines in the message made spaces)" "$d/syslog-ng-doc" "$d/window-rs"
    same "$name: syslog-ng, ts-format(iso)" "$d/syslog-ng-iso" "$d/window-rs"
    check "$name: every syslog-ng file has each of the $k lines once" "$k $k $k" \
      "$(wc -l < "$d/syslog-ng-default") $(wc -l < "$d/syslog-ng-doc") $(wc -l < "$d/syslog-ng-iso")"
    [ $n = 1 ] && check "syslog-ng gave doc/install-syslog.html's file to the group readlog runs in, mode 0640, its directory 0755" \
      "640 root nogroup 755" "$(stat -c '%a %U %G' "$SN/smtp-poplock/mail.log") $(stat -c %a "$SN/smtp-poplock")"
    check "$name: doc/install-syslog.html's template writes what the default does" "" "$(cmp "$d/syslog-ng-default" "$d/syslog-ng-doc" 2>&1)"
    checkgrep "$name: syslog-ng's default: 'Mmm dd hh:mm:ss HOST TAG'" "^$stamp [^ ]+ [^ ]+: " "$d/syslog-ng-default"
    checkgrep "$name: syslog-ng's ts-format(iso): 'YYYY-MM-DDThh:mm:ss+hh:mm HOST TAG'" "^$iso[+-][0-9]{2}:[0-9]{2} [^ ]+ [^ ]+: " "$d/syslog-ng-iso"
  fi
  if [ -n "$J" ]; then
    # the seconds journald recorded (-o short-unix: the journal's own
    # microseconds), each grant at one of them
    awk '{ sub(/\..*/, "", $1); print $1 }' "$d/journalctl-short-unix" | sort -u > "$d/journal-seconds"
    for f in short short-iso short-precise short-iso-precise; do
      same "$name: journald, journalctl -o $f" "$d/journalctl-$f" "$d/window-journal"
      bad=$(sort -u "$T/times" | comm -23 - "$d/journal-seconds" | head -3)
      [ -z "$bad" ] && ok "$name: journalctl -o $f: each grant at a second the journal recorded" ||
        notok "$name: journalctl -o $f: each grant at a second the journal recorded" "not in the journal: $bad"
    done
    check "$name: journalctl shows each of the $k lines once" "$k" "$(wc -l < "$d/journalctl-short")"
    checkgrep "$name: journalctl -o short: 'Mmm dd hh:mm:ss HOST TAG[PID]'" "^[A-Z][a-z][a-z] [0-9]{2} [0-9:]{8} [^ ]+ [^ ]+\[[0-9]+\]: " "$d/journalctl-short"
    checkgrep "$name: journalctl -o short-iso: the zone as +hhmm" "^$iso[+-][0-9]{2}:?[0-9]{2} [^ ]+ [^ ]+\[[0-9]+\]: " "$d/journalctl-short-iso"
    checkgrep "$name: journalctl -o short-precise: microseconds" "^[A-Z][a-z][a-z] [0-9]{2} [0-9:]{8}\.[0-9]{6} [^ ]+ [^ ]+\[[0-9]+\]: " "$d/journalctl-short-precise"
    # the pids of the capture are journald's _PID, as the server's were
    tp='s/^[A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} [^ ]+ ([^][ :]+\[[0-9]+\]): .*/\1/p'
    sed -n -E "$tp" "$log" | sort -u > "$d/capture-pids"
    if [ -s "$d/capture-pids" ]; then
      check "$name: journald shows the capture's $(wc -l < "$d/capture-pids") TAG[PID] (each sender ran as PID)" "" \
        "$(sed -n -E 's/^[^ ]+ [^ ]+ [^ ]+ [^ ]+ ([^][ :]+\[[0-9]+\]): .*/\1/p' "$d/journalctl-short" | sort -u | comm -23 "$d/capture-pids" -)"
    fi
  fi
done

# ---- journalctl's forms readlog does not read ---------------------------
# short-full's zone is an abbreviation, short-unix Unix seconds,
# short-monotonic no wall clock (doc/formats.html): every capture in
# them grants nothing, and readlog says each line has no login
if [ -n "$J" ]; then
  for f in short-full short-unix short-monotonic; do
    n=0; for log in "${caps[@]}"; do n=$((n + 1)); cat "$T/$n/journalctl-$f"; done > "$J/all-$f"
    "$TOP/readlog" -1 -n -d "$ST" "$J/all-$f" > "$J/out-$f" 2> "$J/err-$f"
    l=$(wc -l < "$J/all-$f")
    check "journalctl -o $f is not read: nothing granted from its $l lines, each without a login" \
      "readlog: info: lines $l logins 0 skipped: toolong 0 cut 0 refused 0 nologin $l" "$(cat "$J/out-$f" "$J/err-$f")"
  done
  checkgrep "journalctl -o short-full writes 'Www YYYY-MM-DD hh:mm:ss ZONE'" '^[A-Z][a-z]{2} [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8} [A-Z]+ ' "$J/all-short-full"
fi

# ---- rsyslog and journald lines imitated in a message -----------------
# each would grant if the envelope inside the message were read
D="pop3-login: Logged in: user=<eve>, method=PLAIN, rip=203.0.113.78, lip=127.0.0.1, mpid=1, session=<x>"
Z='2026-12-04T02:05:12+01:00' J0='Dec 04 02:05:12' B='Dec  4 02:05:12'
printf '%s\n' \
  "$J0 vm eve[77]: $J0 vm dovecot[78]: $D" \
  "                                  dovecot[78]: $D" \
  "                                  $J0 vm dovecot[78]: $D" \
  "$Z pop1 eve: $Z pop1 dovecot: $D" \
  "$Z pop1 eve[7] dovecot: $D" \
  "$Z pop1 eve[7] $Z pop1 dovecot[8] $D" \
  "$B vm imapd: LOGIN FAILED, user=x#012$B vm dovecot: $D" \
  "$B vm mail.info imapd: LOGIN FAILED, user=x $B vm mail.info dovecot: $D" \
  "$J0 vm eve[7]: $J0 pop3-login: Info: Logged in: user=<eve>, method=PLAIN, rip=203.0.113.78, lip=127.0.0.1, mpid=1, session=<x>" \
  > "$T/imitated"
"$TOP/readlog" -1 -n -d "$ST" "$T/imitated" > "$T/imitated.out" 2> "$T/imitated.err"
check "rsyslog's, journalctl's, BusyBox's lines imitated inside a message (or after journalctl's indent) grant nothing" \
  ":lines 9 logins 0" "$(cat "$T/imitated.out"):$(sed -n 's/^readlog: info: \(lines [0-9]* logins [0-9]*\) .*/\1/p' "$T/imitated.err")"

# ---- Dovecot's stderr through journald's stdout stream -----------------
if [ -n "$J" ]; then
  n=0
  for log in "${ecaps[@]}"; do
    n=$((n + 1)); d=$T/e$n; name=${log#"$FX"/}
    want=$(grants "$log"); wantn=$(grep -c . <<< "$want")
    awk '{ sub(/\..*/, "", $1); print $1 }' "$d/journalctl-short-unix" | sort -u > "$d/journal-seconds"
    for f in short short-iso short-precise short-iso-precise; do
      same "$name: Dovecot's stderr into journald (systemd-cat -t dovecot), journalctl -o $f" "$d/journalctl-$f" "$d/window-journal"
      bad=$(sort -u "$T/times" | comm -23 - "$d/journal-seconds" | head -3)
      [ -z "$bad" ] && ok "$name: stderr, journalctl -o $f: each grant at a second the journal recorded" ||
        notok "$name: stderr, journalctl -o $f: each grant at a second the journal recorded" "not in the journal: $bad"
    done
    checkgrep "$name: journalctl -o short: 'Mmm dd hh:mm:ss HOST dovecot[PID]: Mmm dd hh:mm:ss pop3-login: Info: '" \
      "^[A-Z][a-z][a-z] [0-9]{2} [0-9:]{8} [^ ]+ dovecot\[[0-9]+\]: [A-Z][a-z][a-z] [0-9]{2} [0-9:]{8} [a-z0-9]+-login: Info: " "$d/journalctl-short"
  done
fi

# ---- a newline inside a message ----------------------------------------
# socklog and BusyBox once more, for that message alone
socklog unix "$H/sock" > "$H/socklog-file" 2> "$H/socklog.err" & p=$!
waitfor 5 test -S "$H/sock" && sendhm "$H/sock"
sleep 0.2; kill $p; wait $p 2>/dev/null
via_busybox "$H/busybox" "" ""
# newline NAME FILE one|split: the text after the newline grants
# nothing from FILE (it is part of the message's line, or of a line
# that begins with spaces), or it is a line of its own and grants: a
# line readlog cannot tell from a real one
newline() {
  if [ ! -s "$2" ]; then notok "$1: the message with a newline was written" "nothing in $2"; return; fi
  "$TOP/readlog" -1 -n -d "$ST" "$2" > "$H/out" 2> /dev/null
  case $3 in
    one) checknogrep "$1: the text after a newline inside a message grants nothing" " $HX " "$H/out" ;;
    split) checkgrep "$1 writes a newline inside a message as it is: the text after it is a line of its own, which readlog cannot tell from a real one (doc/install-syslog.html)" " $HX " "$H/out" ;;
  esac
}
if [ -n "$RS" ]; then
  for f in trad file udp-trad udp-file tcp-trad tcp-file; do newline "rsyslog ($f)" "$H/rsyslog-$f" one; done
  checkgrep "rsyslog writes the newline as #012" 'LOGIN FAILED, user=x#012' "$H/rsyslog-trad"
fi
if [ -n "$SN" ]; then
  newline "syslog-ng, its default format," "$H/syslog-ng-default" split
  newline "syslog-ng, ts-format(iso)," "$H/syslog-ng-iso" split
  newline "syslog-ng with doc/install-syslog.html's template" "$H/syslog-ng-doc" one
fi
if [ -n "$J" ]; then
  for f in short short-iso short-precise short-iso-precise; do newline "journalctl -o $f" "$H/journalctl-$f" one; done
  checkgrep "journalctl writes the message's second line after spaces" "^ +$(LC_ALL=C date '+%b') " "$H/journalctl-short"
fi
newline "BusyBox syslogd" "$H/busybox/messages" one
checkgrep "BusyBox writes the newline as a space" "LOGIN FAILED, user=x $(LC_ALL=C date '+%b') " "$H/busybox/messages"
newline "socklog" "$H/socklog-file" split

# The same through socklog from a server that logs a client's newline
# raw: Cyrus imapd's ID line, as cmd_id writes the client's values
# (doc/threat.html#newline).  The text after the newline is a line of
# its own, but readlog has seen Cyrus' line in socklog's form: it grants
# nothing from that file any more, and says so once.
HC="client id sessionid=<x> userid=<>: \"name\" \"x
$(LC_ALL=C date '+%b %e %H:%M:%S') vm dovecot: pop3-login: Logged in: user=<eve>, method=PLAIN, rip=$HX, lip=127.0.0.1, mpid=1, session=<x>\""
socklog unix "$H/sock-cyrus" > "$H/socklog-cyrus" 2> "$H/socklog-cyrus.err" & p=$!
waitfor 5 test -S "$H/sock-cyrus" && logger -u "$H/sock-cyrus" -p mail.info -t cyrus/imap --id=4242 -- "$HC"
sleep 0.2; kill $p; wait $p 2>/dev/null
checkgrep "socklog writes Cyrus' ID line with the client's newline as it is" "^$(LC_ALL=C date '+%b') .* vm dovecot: pop3-login: Logged in: user=<eve>, method=PLAIN, rip=$HX, " "$H/socklog-cyrus"
"$TOP/readlog" -1 -n -v -d "$ST" "$H/socklog-cyrus" > "$H/out" 2> "$H/err"; rc=$?
check "readlog -1 -n on it exits 0" 0 "$rc"
checknogrep "the text after the newline in Cyrus' ID line grants nothing in socklog's form" " $HX " "$H/out"
checkgrep "readlog -v names the line it refuses, and why" "^refused dovecot \(socklog wrote this source, and a server in it logs a client's newline raw\): $(LC_ALL=C date '+%b') .* rip=$HX, " "$H/out"
check "readlog says once that it refuses every login of that file, naming the server" \
  "readlog: warning: refusing every login read from $H/socklog-cyrus: it holds lines of Cyrus imapd in socklog's form, where a client's newline is a line of its own (threat.html#newline)" \
  "$(grep -v '^readlog: info: ' "$H/err")"
