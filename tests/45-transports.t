#!/bin/bash
# The transports (doc/formats.html, "How a line is read"): every real
# server's syslog capture (tests/fixtures/*/[debian13-]*syslog) is sent
# again, line by line, with logger(1) to the real programs that carry
# syslog lines to a file here:
#   socklog unix SOCKET into multilog t, svlogd -t, -tt, -ttt, and a plain file;
#   BusyBox syslogd -n -O FILE (a private /dev for its /dev/log), with the
#   host's name, and with "(none)", the name of a host never named.
# For each capture and each transport, readlog -1 -n grants exactly what
# it grants on the capture read directly (source, address, user), and
# each grant's time is the transport's stamp, taken while the test ran:
# TZ is Europe/Berlin, so a UTC stamp read as local time (svlogd -tt and
# -ttt write UTC) would be an hour off.  rsyslog is tests/61-rsyslog.t;
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

# replay FIXTURE SOCKET: each "STAMP HOST TAG[PID]: MSG" line of the
# capture sent to SOCKET as TAG with PID, as the server's syslog(3) did
replay() {
  sed -n -E 's/^([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8}) [^ ]+ ([^][ :]+)(\[([0-9]+)\])?: (.*)$/\2 \4|\5/p' "$1" |
  while IFS= read -r l; do
    tp=${l%%|*} msg=${l#*|} tag=${tp% *} pid=${tp#* }
    logger -u "$2" --size 8192 -p mail.info -t "$tag" ${pid:+--id=$pid} -- "$msg" || echo "logger failed: $l" >&2
  done
}

# grants FILE: what readlog -1 -n grants reading FILE, "SOURCE ADDR USER",
# sorted; the times go to $T/times
grants() {
  local st; st=$(newstate)
  "$TOP/readlog" -1 -n -d "$st" "$1" > "$T/g.out" 2> "$T/g.err"
  grep -v '^readlog: info: ' "$T/g.err" | sed 's/^/readlog: /'
  awk '{ print $4 }' "$T/g.out" > "$T/times"
  awk '{ print $2, $3, $5 }' "$T/g.out" | LC_ALL=C sort
}

# same NAME FILE: FILE grants what the capture does, at times in [t0, t1]
same() {
  local got bad
  got=$(grants "$2")
  if [ "$got" = "$want" ]; then ok "$1 grants exactly what the capture does ($(echo "$want" | grep -c .))"
  else notok "$1 grants exactly what the capture does" "$(diff <(echo "$want") <(echo "$got") | head -10)"; fi
  bad=$(awk -v a="$t0" -v b="$t1" '$1 < a || $1 > b' "$T/times" | head -3)
  [ -z "$bad" ] && ok "$1: every grant at the transport's time ($(wc -l < "$T/times"))" ||
    notok "$1: every grant at the transport's time" "run from $t0 to $t1, got: $bad"
}

# socklog unix SOCKET | tee: multilog t, svlogd -t, -tt, -ttt, a file
via_socklog() {
  local d=$1 f p
  mkdir -p "$d/multilog" "$d/svlogd-t" "$d/svlogd-tt" "$d/svlogd-ttt"
  for f in t tt ttt; do mkfifo "$d/fifo-$f"; done
  multilog t "$d/multilog" < "$d/fifo-t" & p="$!"
  svlogd -t "$d/svlogd-t" < "$d/fifo-tt" & p="$p $!"
  svlogd -tt "$d/svlogd-tt" < "$d/fifo-ttt" & p="$p $!"
  sh -c 'echo $$ > "$1"; exec socklog unix "$2"' sh "$d/socklog.pid" "$d/sock" 2> "$d/socklog.err" | tee "$d/fifo-t" "$d/fifo-tt" "$d/fifo-ttt" "$d/file" | svlogd -ttt "$d/svlogd-ttt" &
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
. "$d/replay.sh"
replay "$fix" /dev/log
sleep 0.2
kill \$p; wait \$p || :
EOF
  declare -f replay > "$d/replay.sh"
  unshare -m $ns sh "$d/run.sh" 2> "$d/busybox.err" || echo "busybox run failed: $(cat "$d/busybox.err")" >&2
}

n=0
for log in "$FX"/*/syslog "$FX"/*/debian13-syslog "$FX"/*/*-syslog.log; do
  [ -f "$log" ] && [ -f "${log%.log}.expect" ] || continue
  name=${log#"$FX"/}; n=$((n + 1))
  want=$(grants "$log")
  [ -n "$want" ] || { notok "$name: the capture read directly grants" "nothing"; continue; }
  d="$T/$n"; mkdir -p "$d"
  t0=$(date +%s)
  via_socklog "$d/socklog" "$log"
  via_busybox "$d/busybox" "$log" ""
  via_busybox "$d/none" "$log" -u
  t1=$(($(date +%s) + 1))
  same "$name: socklog into multilog t" "$d/socklog/multilog/current"
  same "$name: socklog into svlogd -t" "$d/socklog/svlogd-t/current"
  same "$name: socklog into svlogd -tt" "$d/socklog/svlogd-tt/current"
  same "$name: socklog into svlogd -ttt" "$d/socklog/svlogd-ttt/current"
  same "$name: socklog into a file" "$d/socklog/file"
  same "$name: BusyBox syslogd" "$d/busybox/messages"
  same "$name: BusyBox syslogd on a host named (none)" "$d/none/messages"
  # the shapes readlog was shown, so that a transport that changes is seen
  checkgrep "$name: socklog writes 'mail.info: ' and the stamp" '^mail\.info: [A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} ' "$d/socklog/file"
  checkgrep "$name: svlogd -tt writes its UTC stamp" '^[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9:]{8}\.[0-9]{5} mail\.info: ' "$d/socklog/svlogd-tt/current"
  checkgrep "$name: svlogd -ttt writes its UTC stamp" '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\.[0-9]{5} mail\.info: ' "$d/socklog/svlogd-ttt/current"
  checkgrep "$name: BusyBox writes 'HOST mail.info TAG'" '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} [^ ]+ mail\.info [^ ]+: ' "$d/busybox/messages"
  checkgrep "$name: BusyBox writes '(none)' for a host never named" '^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]{8} \(none\) mail\.info ' "$d/none/messages"
done
[ $n -gt 0 ] || notok "transports: the syslog captures" "none found in tests/fixtures"
