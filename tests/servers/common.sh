# Sourced by tests/servers/*.sh.  Each of those scripts runs one real
# POP3/IMAP server on loopback, logs in to it from distinct 127.0.0.x
# addresses (successfully, with wrong passwords, with adversarial user
# names, aborting), stops it, and leaves its logs in OUTDIR:
#
#   tests/servers/NAME.sh OUTDIR
#
# For every log form LOG it writes OUTDIR/LOG (verbatim, as the server or
# its logger wrote it) and OUTDIR/LOG.expect: one line per login that the
# server really granted, in log order, "SOURCE ADDR USER", USER with the
# bytes outside 0x21..0x7e and '%' written %XX.
#
# Exit codes: 0 done; 77 the server cannot run here (the reason is on
# stderr, "NAME: skip: REASON"); 100 usage; 111 anything else failed.

set -u
NSENTER=""
SRVDIR=$(cd "$(dirname "$0")" && pwd)
SRV=${0##*/}; SRV=${SRV%.sh}
W=""
stop_hooks=""

die() { echo "$SRV: fatal: $*" >&2; exit 111; }
srv_skip() { echo "$SRV: skip: $*" >&2; exit 77; }
info() { [ -n "${SRV_VERBOSE:-}" ] && echo "$SRV: info: $*" >&2; return 0; }

# Last registered, first run.
on_stop() { stop_hooks="$1; $stop_hooks"; }
srv_cleanup() {
  eval "$stop_hooks"
  stop_hooks=""
  [ -n "$W" ] && [ -z "${SRV_KEEP:-}" ] && rm -rf "$W"
}

# srv_begin OUTDIR: a private work directory $W, removed at exit.
srv_begin() {
  [ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 100; }
  OUT=$1
  mkdir -p "$OUT" || die "unable to create $OUT"
  OUT=$(cd "$OUT" && pwd)
  [ "$(id -u)" = 0 ] || srv_skip "needs root (private mounts, server users)"
  for c in tcpclient tcpserver multilog rsyslogd unshare perl; do
    command -v $c >/dev/null 2>&1 || srv_skip "$c is not installed"
  done
  unshare -m --propagation private true 2>/dev/null || srv_skip "cannot make a private mount namespace (unshare -m) here"
  W=$(mktemp -d "${TMPDIR:-/tmp}/poplock-$SRV.XXXXXX") || die "unable to create a temporary directory"
  chmod 755 "$W"
  trap 'srv_cleanup' EXIT
  trap 'exit 111' INT TERM HUP
}

# listening PORT: something listens on TCP PORT (read from /proc, in the
# server's network namespace if it has one).
listening() {
  local hex; hex=$(printf ':%04X ' "$1")
  ${NSENTER:-} cat /proc/net/tcp /proc/net/tcp6 2>/dev/null | awk -v h="$hex" '$4 == "0A" && index($2 " ", h) { f = 1 } END { exit !f }'
}

# freeport [PORT...]: a TCP port nothing listens on, none of PORT...
freeport() {
  local p n=0
  while [ $n -lt 50 ]; do
    p=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
    case " $* " in *" $p "*) ;; *) listening $p || { echo $p; return 0; } ;; esac
    n=$((n + 1))
  done
  die "no free port found"
}

# waitfor SECONDS CMD...: polls CMD every 0.05 s until it succeeds.
waitfor() {
  local n=$(( $1 * 20 )); shift
  while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n - 1)); done
  return 1
}

gone() { ! kill -0 "$1" 2>/dev/null; }

# stop_pid PID: TERM, then KILL after 5 s.  The pid need not be our child.
stop_pid() {
  [ -n "$1" ] || return 0
  kill -TERM "$1" 2>/dev/null || return 0
  waitfor 5 gone "$1" || { kill -KILL "$1" 2>/dev/null; waitfor 2 gone "$1"; }
  wait "$1" 2>/dev/null
  return 0
}

# ---- the expectation file ------------------------------------------------

# encuser STRING: bytes outside 0x21..0x7e and '%' as %XX.
encuser() {
  LC_ALL=C perl -e 'my $s = shift; $s =~ s/([^\x21-\x24\x26-\x7e])/sprintf("%%%02X", ord $1)/ge; print $s, "\n"' -- "$1"
}

# granted LOG SOURCE ADDR USER: the server granted a login; appended to
# every expectation file of this run (all forms see the same logins).
# A server script whose server logs a user name otherwise than it was
# sent (lowercased, sanitised, cut) defines canon_user NAME to say how.
EXPECT=""
granted() {
  local u=$3
  if declare -F canon_user >/dev/null; then u=$(canon_user "$u"); fi
  printf '%s %s %s\n' "$1" "$2" "$(encuser "$u")" >> "$EXPECT"
}

# ---- clients --------------------------------------------------------------

# client SRC PORT CHAT-ARGS...: connects from SRC to 127.0.0.1:PORT with
# ucspi-tcp's tcpclient (inside ns_start's network namespace if it has
# one) and runs tests/servers/chat over the connection.
# Its exit code: 0 the login was granted, 1 refused, 2 protocol error.
# An IPv6 SRC (::1) connects to [::1]:PORT with the tcpclient of Debian's
# ucspi-tcp-ipv6 (see tcpclient6).
TCPCLIENT6=""
client() {
  local src=$1 port=$2; shift 2
  case $src in
    *:*) $NSENTER "$TCPCLIENT6" -RHl0 -T5 -i "$src" ::1 "$port" "$SRVDIR/chat" "$@" 2>>"$W/chat.err" ;;
    *) $NSENTER tcpclient -RHl0 -T5 -i "$src" 127.0.0.1 "$port" "$SRVDIR/chat" "$@" 2>>"$W/chat.err" ;;
  esac
}

# tcpclient6: $TCPCLIENT6, IPv6-capable tcpclient from ucspi-tcp-ipv6,
# which conflicts with ucspi-tcp: unpacked under $W/ucspi6.
tcpclient6() {
  UNPACKROOT=$W/ucspi6 unpack ucspi-tcp-ipv6
  TCPCLIENT6=$W/ucspi6/usr/bin/tcpclient
  [ -x "$TCPCLIENT6" ] || die "no tcpclient in ucspi-tcp-ipv6"
  grep -q '^0\{31\}1 ' /proc/net/if_inet6 2>/dev/null || srv_skip "no IPv6 loopback (::1) here"
}

# login SOURCE SRC PORT PROTO ACTION USER PASS WANT: one login attempt
# (ACTION login or plain, see chat); WANT is ok or fail.  A granted login is recorded for the expectation file; a
# result other than WANT stops the run (the fixture would be a lie).
login() {
  local source=$1 src=$2 port=$3 proto=$4 action=$5 user=$6 pass=$7 want=$8 r
  client "$src" "$port" "$proto" "$action" "$user" "$pass"
  r=$?
  case $r in
    0) granted "$source" "$src" "$user"; [ "$want" = ok ] ;;
    1) [ "$want" = fail ] ;;
    *) false ;;
  esac || die "$proto $action from $src as '$user': chat exit $r, wanted $want (see $W/chat.err: $(tail -3 "$W/chat.err" 2>/dev/null | tr '\n' ' '))"
  info "$proto $src '$user' $want"
}

# ---- a private syslog ---------------------------------------------------

# The server's syslog(3) writes to /dev/log.  ns_start runs rsyslogd and
# the server inside a private mount namespace whose /dev is a copy of the
# few nodes they need, so /dev/log there is ours alone: the machine's own
# syslog (if any) is never touched.  rsyslogd writes two files:
# $W/syslog (Debian's default RSYSLOG_TraditionalFileFormat) and
# $W/syslog-iso (RSYSLOG_FileFormat, high-precision ISO 8601 stamps);
# and $W/syslog-trusted, each line with its sender's credentials first
# (doc/install-syslog.html#trusted's template, taken from the page):
# who really logs each server's lines (doc/readlog.html#trust).

rsyslog_conf() {
  mkdir -p "$W/rsyslog.spool"
  {
    cat <<EOF
global(workDirectory="$W/rsyslog.spool")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0" SysSock.Annotate="on" SysSock.ParseTrusted="on")
*.*	action(type="omfile" file="$W/syslog" template="RSYSLOG_TraditionalFileFormat")
*.*	action(type="omfile" file="$W/syslog-iso" template="RSYSLOG_FileFormat")
EOF
    sed -n '/<pre id="rsyslog-trusted">/,/<\/pre>/p' "$SRVDIR/../../doc/install-syslog.html" | sed -n '/^template(/,/^}/p'
    echo "*.*	action(type=\"omfile\" file=\"$W/syslog-trusted\" template=\"poplock-trusted\")"
  } > "$W/rsyslog.conf"
}

# ns_start CMD...: starts rsyslogd, then CMD, in the private namespace;
# their pids land in $W/rsyslogd.pid and $W/server.pid.
#   NS_NET=1     the namespace also has its own network (unshare -n), with
#                only its loopback: servers that insist on a port of their
#                own (110) or on every interface get it without touching
#                the machine's; client connects from inside (nsenter).
#   NS_SETUP=SH  shell commands run inside first (bind mounts of private
#                /etc files, ...); $W is set for them.
NS_NET=0 NS_SETUP=: NSPID=""
ns_start() {
  local flags=-m
  if [ "$NS_NET" = 1 ]; then
    flags=-mn
    unshare -mn true 2>/dev/null || srv_skip "cannot make a private network namespace (unshare -n) here"
  fi
  rsyslog_conf
  rm -f "$W/rsyslogd.pid" "$W/server.pid"
  unshare $flags --propagation private bash -c '
    set -e
    W=$1 NS_NET=$2 NS_SETUP=$3; shift 3
    if [ "$NS_NET" = 1 ]; then ip link set lo up; fi
    d=$(mktemp -d "$W/dev.XXXXXX"); chmod 755 "$d"
    mkdir -p "$d/pts" "$d/shm"
    for n in null zero full random urandom tty; do
      : > "$d/$n"; mount --bind "/dev/$n" "$d/$n"
    done
    ln -s /proc/self/fd "$d/fd"
    ln -s /proc/self/fd/0 "$d/stdin"; ln -s /proc/self/fd/1 "$d/stdout"; ln -s /proc/self/fd/2 "$d/stderr"
    mount --rbind "$d" /dev
    eval "$NS_SETUP"
    rsyslogd -n -f "$W/rsyslog.conf" -i "$W/rsyslogd.pidfile" &
    echo $! > "$W/rsyslogd.pid"
    n=0; while [ ! -S /dev/log ] && [ $n -lt 100 ]; do sleep 0.05; n=$((n+1)); done
    [ -S /dev/log ]
    "$@" &
    echo $! > "$W/server.pid"
    wait
  ' ns "$W" "$NS_NET" "$NS_SETUP" "$@" >>"$W/ns.out" 2>&1 &
  NSPID=$!
  on_stop "ns_stop"
  waitfor 10 test -s "$W/server.pid" || die "the private namespace did not start: $(tail -3 "$W/ns.out")"
  [ "$NS_NET" = 1 ] && NSENTER="nsenter --net=/proc/$NSPID/ns/net"
  return 0
}

# ns_netpids: the processes in our network namespace, but its first
# (a server that daemonised itself, its children)
ns_netpids() {
  local me p; me=$(readlink "/proc/$NSPID/ns/net") || return 0
  for p in /proc/[0-9]*; do
    [ "${p#/proc/}" = "$NSPID" ] && continue
    [ "$(readlink "$p/ns/net" 2>/dev/null)" = "$me" ] && echo "${p#/proc/}"
  done
  return 0
}

# ns_stop: the server first (and in a network namespace every other
# process but rsyslogd), then rsyslogd (which flushes on TERM).
ns_stop() {
  [ -n "$NSPID" ] || return 0
  local p r
  stop_pid "$(cat "$W/server.pid" 2>/dev/null)"
  if [ "$NS_NET" = 1 ]; then
    r=$(cat "$W/rsyslogd.pid" 2>/dev/null)
    for p in $(ns_netpids); do [ "$p" = "$r" ] || stop_pid "$p"; done
  fi
  sleep 0.3
  stop_pid "$(cat "$W/rsyslogd.pid" 2>/dev/null)"
  stop_pid "$NSPID"
  NSPID="" NSENTER=""
}

# ---- stderr under multilog --------------------------------------------

# ml_start DIR CMD...: CMD's stdout and stderr go to multilog t DIR, as a
# daemontools service's log/run would have it.  $MLPID is CMD's pid.
ml_start() {
  local dir=$1; shift
  mkdir -p "$dir"
  rm -f "$W/ml.fifo"; mkfifo "$W/ml.fifo"
  multilog t "$dir" < "$W/ml.fifo" &
  MLLOGPID=$!
  "$@" > "$W/ml.fifo" 2>&1 < /dev/null &
  MLPID=$!
  on_stop "ml_stop"
}

ml_stop() {
  [ -n "${MLPID:-}" ] || return 0
  stop_pid "$MLPID"
  # multilog ends at end of input, once every writer is gone
  waitfor 5 gone "$MLLOGPID" || stop_pid "$MLLOGPID"
  wait "$MLLOGPID" 2>/dev/null
  MLPID=""
}

# keep SRCFILE NAME: copies a log to OUTDIR/NAME with this run's
# expectations beside it.
keep() {
  cat "$1" > "$OUT/$2" || die "unable to copy $1"
  cat "$EXPECT" > "$OUT/$2.expect" || die "unable to copy $EXPECT"
  # and the same lines with their senders (rsyslog_conf), as NAME.trusted
  if [ "$1" = "$W/syslog" ] && [ -f "$W/syslog-trusted" ]; then
    cat "$W/syslog-trusted" > "$OUT/$2.trusted" || die "unable to copy $W/syslog-trusted"
  fi
  return 0
}

# ---- servers that conflict with the machine's -----------------------------

# unpack PKG...: the Debian packages' files under $W/root, or $UNPACKROOT
# (dpkg-deb -x; no maintainer scripts run).  The .deb files are taken from $POPLOCK_DEBS
# if that directory has them, else fetched with apt-get download.
unpack() {
  local p f root=${UNPACKROOT:-$W/root}
  mkdir -p "$root" "$W/debs"
  for p in "$@"; do
    f=""
    [ -n "${POPLOCK_DEBS:-}" ] && f=$(ls "$POPLOCK_DEBS/${p}_"*.deb 2>/dev/null | head -1)
    if [ -z "$f" ]; then
      ( cd "$W/debs" && apt-get download "$p" ) >>"$W/apt.out" 2>&1 ||
        srv_skip "apt-get download $p failed: $(tail -1 "$W/apt.out")"
      f=$(ls "$W/debs/${p}_"*.deb 2>/dev/null | head -1)
    fi
    [ -n "$f" ] || srv_skip "no .deb for $p"
    dpkg-deb -x "$f" "$root" || die "dpkg-deb -x $f failed"
    echo "$p $(dpkg-deb -f "$f" Version)" >> "$W/versions"
  done
}

# etc_users NAME:PASSWORD:UID...: private /etc/passwd, shadow and group in
# $W/etc with these users added (home /nonexistent, each in a
# group of its own); NS_SETUP then mounts them over the machine's inside
# the namespace only.  Names may hold anything but ':' and newline.
etc_users() {
  local e n pw u salt
  mkdir -p "$W/etc"
  # passwd and group as the machine has them (system users, groups);
  # shadow only with ours: nothing in the namespace needs the machine's
  cp /etc/passwd /etc/group "$W/etc/" || die "unable to copy /etc/passwd"
  : > "$W/etc/shadow"
  for e in "$@"; do
    n=${e%%:*}; e=${e#*:}; pw=${e%%:*}; u=${e#*:}
    salt=$(printf '%s' "$n$u" | md5sum | cut -c1-16)
    printf '%s:x:%s:%s::/nonexistent:/usr/sbin/nologin\n' "$n" "$u" "$u" >> "$W/etc/passwd"
    printf '%s:%s:19000:0:99999:7:::\n' "$n" "$(perl -e 'print crypt($ARGV[0], "\$6\$$ARGV[1]\$")' "$pw" "$salt")" >> "$W/etc/shadow"
    printf 'g%s:x:%s:\n' "$u" "$u" >> "$W/etc/group"
  done
  chmod 644 "$W/etc/passwd" "$W/etc/group"; chmod 640 "$W/etc/shadow"
  NS_SETUP="$NS_SETUP; for f in passwd shadow group; do mount --bind \"\$W/etc/\$f\" /etc/\$f; done"
}

# pam_mail SERVICE USER...: for a server unpacked under $W/root that
# checks passwords with PAM and reads /var/mail: a private copy of
# /etc/pam.d with the package's SERVICE file, and in the namespace a
# private /var/mail with an empty mailbox for each USER (NS_SETUP).
pam_mail() {
  local svc=$1 u; shift
  mkdir -p "$W/pam.d"
  cp -a /etc/pam.d/. "$W/pam.d/"
  cp "$W/root/etc/pam.d/$svc" "$W/pam.d/$svc"
  NS_SETUP="$NS_SETUP
mount --bind \"\$W/pam.d\" /etc/pam.d
mkdir -p /var/mail; mount -t tmpfs -o mode=1777 tmpfs /var/mail"
  for u in "$@"; do
    NS_SETUP="$NS_SETUP
: > '/var/mail/$u'; chown '$u' '/var/mail/$u'; chmod 600 '/var/mail/$u'"
  done
}

# ---- servers with their paths compiled in: a private root ------------------

# Courier's and Cyrus' servers conflict with the machine's (pop3-server,
# imap-server) and have their paths compiled in (/etc, /usr/lib, /run,
# /dev/log).  Their scripts unpack the packages with dpkg-deb into a
# private root, then run themselves again ("SCRIPT --inner OUTDIR") in a
# private mount namespace (unshare -m) in which that root is overlaid on
# /etc and /usr, /run is a fresh tmpfs, and /dev is overlaid so that our
# own rsyslogd owns /dev/log (see rsyslog_conf for the files it writes).
# Nothing of the machine's own mail or syslog setup is seen or changed.
# Their work directory $W is OUTDIR/work.

# root_enter OUTDIR: (outside) checks that the programs $ROOT_CMDS are
# installed, unpacks $ROOT_PKGS, checks that every library their programs
# need is there (package/deps-test-RELEASE installs them), writes
# OUTDIR/versions (with the installed $ROOT_TOOLS too), and runs this
# script again inside the namespace.  Does not return.
root_enter() {
  local c l
  [ $# = 1 ] || { echo "usage: $0 OUTDIR" >&2; exit 100; }
  OUT=$(cd "$1" && pwd -P) || die "unable to use $1"
  case $OUT/ in
    /etc/*|/usr/*|/dev/*|/run/*) srv_skip "$OUT is under a tree this script overlays" ;;
  esac
  [ "$(id -u)" = 0 ] || srv_skip "needs root (mount namespace, server users)"
  for c in unshare dpkg-deb rsyslogd perl $ROOT_CMDS; do
    command -v $c >/dev/null || srv_skip "$c is not installed"
  done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
  grep -qw overlay /proc/filesystems || srv_skip "the kernel has no overlay filesystem"
  unshare -m true 2>/dev/null || srv_skip "unshare -m is not permitted here"
  W=$OUT/work
  rm -rf "$W"; mkdir -p "$W" || die "unable to create $W"
  chmod 755 "$OUT" "$W"
  unpack $ROOT_PKGS
  l=$(root_missing)
  [ -z "$l" ] || srv_skip "libraries missing (package/deps-test-RELEASE lists their packages): $l"
  sort "$W/versions" > "$OUT/versions"
  for l in $ROOT_TOOLS; do echo "$l $(dpkg-query -W -f '${Version}' "$l")" >> "$OUT/versions"; done
  c=$(readlink -f "$0")
  cd /
  exec unshare -m --propagation private bash "$c" --inner "$OUT"
}

# root_missing: the shared libraries that the programs unpacked in
# $W/root need and neither that root nor the machine has
root_missing() {
  local libpath f
  libpath=$(find "$W/root" -name '*.so*' -printf '%h\n' | sort -u | tr '\n' :)
  find "$W/root/usr/sbin" "$W/root/usr/bin" "$W/root/usr/lib" -type f -perm -u+x 2>/dev/null |
    while read -r f; do
      LD_LIBRARY_PATH=$libpath ldd "$f" 2>/dev/null | sed -n 's/^[[:space:]]*\([^ ]*\) => not found.*/\1/p'
    done | sort -u | tr '\n' ' ' | sed 's/ $//'
}

# root_mounts OUTDIR: (inside) the overlays and tmpfs, our rsyslogd on
# /dev/log; everything started in the namespace is stopped at exit.
root_mounts() {
  local d lower
  OUT=$1 W=$1/work
  cd "$W" || die "unable to enter $W"
  for d in etc usr dev; do  # /run gets a tmpfs below
    mkdir -p "$W/up/$d" "$W/wk/$d"
    if [ $d = dev ]; then lower=/dev; else lower=$W/root/$d:/$d; fi
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$W/up/$d,workdir=$W/wk/$d" /$d ||
      srv_skip "unable to mount an overlay on /$d"
  done
  mount -t tmpfs tmpfs /dev/shm
  mount -t tmpfs -o mode=755 tmpfs /run || die "unable to mount a tmpfs on /run"
  trap 'stopall' EXIT
  rsyslog_conf
  rm -f /dev/log
  rsyslogd -n -f "$W/rsyslog.conf" -i /run/rsyslogd.pid > "$W/rsyslogd.out" 2>&1 &
  waitfor 10 test -S /dev/log || die "rsyslogd did not create /dev/log: $(cat "$W/rsyslogd.out")"
}

# stopall: (inside) stops the processes in this mount namespace but
# ourselves: they are all ours, as nothing else can have entered it.
# Servers first, the loggers (rsyslogd, multilog) last, so that every
# line gets written.
stopall() {
  local p c sig pass myns; myns=$(readlink /proc/$$/ns/mnt)
  for pass in servers loggers; do
    for sig in TERM KILL; do
      for p in /proc/[0-9]*; do
        p=${p#/proc/}
        [ "$p" = $$ ] && continue
        [ "$(readlink /proc/$p/ns/mnt 2>/dev/null)" = "$myns" ] || continue
        c=$(cat /proc/$p/comm 2>/dev/null)
        case $pass:$c in servers:rsyslogd|servers:multilog|servers:rs:*|servers:in:*) continue ;; esac
        kill -$sig $p 2>/dev/null
      done
      [ $sig = TERM ] && sleep 0.5
    done
  done
}

# root_stop NAME: (inside) stops everything (after a second for the last
# lines), then keeps the syslog in OUTDIR as NAME-syslog.log (rsyslog's
# traditional file format) and NAME-syslog-rfc3339.log (rsyslog 8's
# default), each with $W/syslog.expect beside it, and NAME-syslog.trusted
# (who sent each line: rsyslog_conf)
root_stop() {
  sleep 1
  stopall
  trap - EXIT
  cp "$W/syslog" "$OUT/$1-syslog.log"
  cp "$W/syslog-iso" "$OUT/$1-syslog-rfc3339.log"
  cp "$W/syslog-trusted" "$OUT/$1-syslog.trusted" 2>/dev/null
  cp "$W/syslog.expect" "$OUT/$1-syslog.expect"
  cp "$W/syslog.expect" "$OUT/$1-syslog-rfc3339.expect"
}

# session EXPECTFILE SOURCE PORT SRCADDR USER PASS [abort|tls]: (inside)
# one session with tests/servers/dialog, from SRCADDR to 127.0.0.1:PORT,
# over TLS with couriertls (openssl s_client cannot choose its source
# address).  What the client saw goes to EXPECTFILE.sessions, a granted
# login to EXPECTFILE.
session() {
  local ex=$1 src=$2 port=$3 ip=$4 user=$5 pass=$6 mode=${7:-} r
  local res="$W/result.$ip"
  rm -f "$res"
  if [ "$mode" = tls ]; then
    DIALOG_RESULT=$res tcpclient -RHl0 -i "$ip" 127.0.0.1 "$port" \
      env TLS_VERIFYPEER=NONE couriertls -remotefd=6 "$SRVDIR/dialog" --stdio "${src#*/}" "$user" "$pass" \
      2>>"$W/client.err"
  else
    DIALOG_RESULT=$res tcpclient -RHl0 -i "$ip" 127.0.0.1 "$port" \
      "$SRVDIR/dialog" "${src#*/}" "$user" "$pass" $mode 2>>"$W/client.err"
  fi
  r=$(cat "$res" 2>/dev/null)
  printf '%s %s %s -> %s\n' "$src" "$ip" "$user" "${r:-NORESULT}" >> "$ex.sessions"
  [ "$r" = LOGIN-OK ] && printf '%s %s %s\n' "$src" "$ip" "$(encuser "$user")" >> "$ex"
}

# held_scenario EXPECTFILE SOURCE PORT BASE: (inside) the IMAP sessions
# of sessions.sh's held_sessions (POPLOCK_HELD: how a session's end is
# logged), through dialog, from 127.0.0.BASE up: held 3 s then LOGOUT;
# held 3 s then dropped; from one address alice held 4 s and bob in and
# out 1 s into it; last alice still open when the server is stopped.
# Granted logins go to EXPECTFILE in log order.
held_scenario() {
  local ex=$1 src=$2 port=$3 b=$4 a pa
  : > "$ex"; : > "$ex.sessions"
  DIALOG_HOLD=3 session "$ex" $src $port 127.0.0.$b bob bobpw hold
  DIALOG_HOLD=3 session "$ex" $src $port 127.0.0.$((b+1)) bob bobpw drop
  a=127.0.0.$((b+2))
  rm -f "$W/held.$b"
  DIALOG_HOLD=4 DIALOG_RESULT=$W/held.$b tcpclient -RHl0 -i $a 127.0.0.1 $port "$SRVDIR/dialog" imap alice alicepw hold 2>>"$W/client.err" & pa=$!
  waitfor 10 test -s "$W/held.$b" || die "imap hold from $a: no login"
  sleep 1
  : > "$ex.b"; : > "$ex.b.sessions"
  session "$ex.b" $src $port $a bob bobpw
  wait $pa
  [ "$(cat "$W/held.$b")" = LOGIN-OK ] && [ -s "$ex.b" ] || die "two sessions from $a: $(cat "$W/held.$b" "$ex.b.sessions")"
  printf '%s %s alice\n' $src $a >> "$ex"; cat "$ex.b" >> "$ex"
  cat "$ex.b.sessions" >> "$ex.sessions"; echo "$src $a alice -> LOGIN-OK (held)" >> "$ex.sessions"
  a=127.0.0.$((b+3))
  rm -f "$W/held.open.$b"
  DIALOG_HOLD=20 DIALOG_RESULT=$W/held.open.$b tcpclient -RHl0 -i $a 127.0.0.1 $port "$SRVDIR/dialog" imap alice alicepw hold 2>>"$W/client.err" &
  waitfor 10 test -s "$W/held.open.$b" || die "imap hold from $a: no login"
  [ "$(cat "$W/held.open.$b")" = LOGIN-OK ] || die "imap hold from $a: login refused"
  printf '%s %s alice\n' $src $a >> "$ex"; echo "$src $a alice -> LOGIN-OK (open at the stop)" >> "$ex.sessions"
  sleep 1
}
