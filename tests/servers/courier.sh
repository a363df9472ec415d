#!/bin/bash
# tests/servers/courier.sh OUTDIR
#
# Runs the real Debian 12 Courier POP3/IMAP servers (courier-pop,
# courier-imap, courier-authlib with authuserdb) on 127.0.0.1, logs in
# from 127.0.0.41... with good and bad passwords and adversarial user
# names, stops everything, and leaves in OUTDIR:
#   courier-syslog.log          syslog, rsyslog's traditional file format
#   courier-syslog-rfc3339.log  the same messages, rsyslog 8's default format
#                               (what Debian 12's rsyslog.conf writes)
#   courier-pop3-multilog.log   couriertcpd + courierpop3login stderr under
#   courier-imap-multilog.log   multilog t (no courierlogger)
#   NAME.expect                 one line per login the server accepted, as
#                               seen by the client: SOURCE ADDR USER (USER
#                               with bytes outside 0x21..0x7e and '%' as %XX)
#   versions                    the package versions that ran
# Exit 0 done; 77 cannot run here (reason on stderr); anything else failed.
#
# Courier's servers conflict with the machine's (pop3-server), and have
# their paths compiled in (/etc/courier, /usr/lib/courier, /run/courier,
# /dev/log).  So the packages are unpacked with dpkg-deb into a private
# root, and everything runs in a private mount namespace (unshare -m) in
# which that root is overlaid on /etc and /usr, /run is a fresh tmpfs, and
# /dev is overlaid so that our own rsyslogd can own /dev/log.  Nothing of
# the machine's own mail or syslog setup is seen or changed.
#
# Debian packages are fetched with apt-get download, or taken from
# $POPLOCK_DEBS if that directory holds them.

set -u
PROG=courier.sh
PKGS="courier-base courier-pop courier-imap courier-authlib courier-authlib-userdb courier-authdaemon"
LIBS="libltdl7 libgamin0 libidn12 libcourier-unicode4 libgdbm6 libgnutls30 libpcre3"
MAILUID=64141 MAILGID=64141

ME=$(readlink -f "$0")
die() { echo "$PROG: fatal: $*" >&2; exit 111; }
cannot() { echo "$PROG: cannot run here: $*" >&2; exit 77; }

# --- client side: runs under tcpclient (network on fds 6 and 7), or under
# couriertls (cleartext on fds 0 and 1) -----------------------------------
# dialog pop3|imap USER PASS [abort]: writes "LOGIN-OK", "LOGIN-FAIL" or
# "ABORTED" to the file $DIALOG_RESULT.
rd() { IFS= read -r -t 10 line <&$RFD || return 1; line=${line%$'\r'}; }
wr() { printf '%s\r\n' "$1" >&$WFD; }
imapq() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
dialog() {
  local proto=$1 user=$2 pass=$3 mode=${4:-} r=NOREPLY
  exec 8>"$DIALOG_RESULT"
  rd || { echo NOGREETING >&8; return; }
  if [ "$proto" = pop3 ]; then
    wr "USER $user"; rd || { echo NOREPLY >&8; return; }
    [ "$mode" = abort ] && { echo ABORTED >&8; return; }
    wr "PASS $pass"; rd || { echo NOREPLY >&8; return; }
    case $line in
      +OK*) echo LOGIN-OK >&8; wr "STAT"; rd; wr "QUIT"; rd ;;
      *) echo LOGIN-FAIL >&8; wr "QUIT"; rd ;;
    esac
  else
    [ "$mode" = abort ] && { wr "a0 CAPABILITY"; rd; echo ABORTED >&8; return; }
    wr "a1 LOGIN $(imapq "$user") $(imapq "$pass")"
    while rd; do case $line in a1\ *) r=$line; break ;; esac; done
    case $r in
      "a1 OK"*) echo LOGIN-OK >&8; wr "a2 SELECT INBOX"
                while rd; do case $line in a2\ *) break ;; esac; done ;;
      *) echo LOGIN-FAIL >&8 ;;
    esac
    wr "a3 LOGOUT"
    while rd; do case $line in a3\ *) break ;; esac; done
  fi
}
case ${1:-} in
  --dialog) shift; RFD=6 WFD=7; dialog "$@"; exit 0 ;;
  --dialog-stdio) shift; RFD=0 WFD=1; dialog "$@"; exit 0 ;;
esac

# --- outer side: fetch and unpack, then enter the namespace -------------
if [ "${1:-}" != --inner ]; then
  [ $# = 1 ] || { echo "usage: $PROG OUTDIR" >&2; exit 100; }
  OUT=$(cd "$1" && pwd -P) || die "unable to use $1"
  case $OUT/ in
    /etc/*|/usr/*|/dev/*|/run/*) cannot "$OUT is under a tree this script overlays" ;;
  esac
  [ "$(id -u)" = 0 ] || cannot "needs root (mount namespace, setuid to the mail user)"
  for c in unshare dpkg-deb rsyslogd tcpclient multilog openssl perl; do
    command -v $c >/dev/null || cannot "no $c (Debian: rsyslog ucspi-tcp daemontools openssl)"
  done
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
  grep -qw overlay /proc/filesystems || cannot "the kernel has no overlay filesystem"
  unshare -m true 2>/dev/null || cannot "unshare -m is not permitted here"
  for l in $LIBS; do
    dpkg -s "$l" 2>/dev/null | grep -q '^Status: install ok installed' || cannot "package $l is not installed"
  done
  W=$OUT/work
  rm -rf "$W"; mkdir -p "$W/debs" "$W/root" || die "unable to create $W"
  chmod 755 "$OUT" "$W"
  cd "$W/debs" || die "unable to enter $W/debs"
  for p in $PKGS; do
    if [ -n "${POPLOCK_DEBS:-}" ] && ls "$POPLOCK_DEBS/${p}_"*.deb >/dev/null 2>&1; then
      cp "$POPLOCK_DEBS/${p}_"*.deb .
    else
      apt-get -q -o APT::Sandbox::User=root download "$p" >/dev/null 2>"$W/apt.err" ||
        cannot "apt-get download $p failed: $(tail -1 "$W/apt.err")"
    fi
  done
  : > "$OUT/versions"
  for d in *.deb; do
    dpkg-deb -x "$d" "$W/root" || die "unable to unpack $d"
    echo "$(dpkg-deb -f "$d" Package) $(dpkg-deb -f "$d" Version)" >> "$OUT/versions"
  done
  echo "rsyslog $(dpkg-query -W -f '${Version}' rsyslog)" >> "$OUT/versions"
  echo "daemontools $(dpkg-query -W -f '${Version}' daemontools)" >> "$OUT/versions"
  cd /
  exec unshare -m --propagation private bash "$ME" --inner "$OUT"
fi

# --- inner side: private mounts, servers, sessions -----------------------
OUT=$2 W=$2/work R=$2/work/root
cd "$W" || die "unable to enter $W"
for d in etc usr dev; do  # /run gets a tmpfs below
  mkdir -p "$W/up/$d" "$W/wk/$d"
  if [ $d = dev ]; then lower=/dev; else lower=$R/$d:/$d; fi
  mount -t overlay overlay -o "lowerdir=$lower,upperdir=$W/up/$d,workdir=$W/wk/$d" /$d ||
    cannot "unable to mount an overlay on /$d"
done
mount -t tmpfs tmpfs /dev/shm
mount -t tmpfs -o mode=755 tmpfs /run || die "unable to mount a tmpfs on /run"

# Stops the processes in this mount namespace but ourselves: they are all
# ours, as nothing else can have entered it.  Servers first, the loggers
# (rsyslogd, multilog) last, so that every line gets written.
myns=$(readlink /proc/$$/ns/mnt)
stopall() {
  local p c sig pass
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
trap 'stopall' EXIT

waitfor() { local n=$(( $1 * 20 )); shift; while [ $n -gt 0 ]; do "$@" && return 0; sleep 0.05; n=$((n-1)); done; return 1; }
listening() { grep -qi ":$(printf %04X "$1") 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6; }
freeport() {
  local p
  while :; do p=$(( 20000 + RANDOM % 30000 )); listening $p || { echo $p; return; }; done
}

# syslog: our own rsyslogd on /dev/log, writing two formats
cat > "$W/rsyslog.conf" <<EOF
global(workDirectory="$W")
module(load="imuxsock" SysSock.Name="/dev/log" SysSock.RateLimit.Interval="0")
*.* action(type="omfile" file="$W/syslog-trad.log" template="RSYSLOG_TraditionalFileFormat")
*.* action(type="omfile" file="$W/syslog-rfc3339.log" template="RSYSLOG_FileFormat")
EOF
rm -f /dev/log
rsyslogd -n -f "$W/rsyslog.conf" -i /run/rsyslogd.pid > "$W/rsyslogd.out" 2>&1 &
waitfor 10 test -S /dev/log || die "rsyslogd did not create /dev/log: $(cat "$W/rsyslogd.out")"

# users: authuserdb, numeric uid/gid that need no passwd entry
ADV1='LOGIN, user=x, ip=[203.0.113.66]'
ADV2='[203.0.113.66]'
ADV3='u, ip=[203.0.113.66], port=[143], protocol=IMAP'
ADV4=$'j\xc3\xb6rg'
mkdir -p "$W/home"
chmod 755 "$W/home"
: > /etc/courier/userdb; chmod 600 /etc/courier/userdb
adduser_() {   # NAME PASSWORD
  local h="$W/home/u$((++nusers))"
  mkdir -p "$h/Maildir/cur" "$h/Maildir/new" "$h/Maildir/tmp"
  chown -R $MAILUID:$MAILGID "$h"; chmod -R 700 "$h"
  printf '%s\tuid=%s|gid=%s|home=%s|mail=%s/Maildir|systempw=%s\n' \
    "$1" $MAILUID $MAILGID "$h" "$h" "$(openssl passwd -6 "$2")" >> /etc/courier/userdb
}
nusers=0
adduser_ alice alicepw
adduser_ bob bobpw
adduser_ "$ADV1" advpw
adduser_ "$ADV2" advpw
adduser_ "$ADV3" advpw
adduser_ "$ADV4" advpw
makeuserdb || die "makeuserdb failed"
cat > /etc/courier/authdaemonrc <<EOF
authmodulelist="authuserdb"
authmodulelistorig="authuserdb"
daemons=3
authdaemonvar=/run/courier/authdaemon
DEBUG_LOGIN=0
DEFAULTOPTIONS=""
LOGGEROPTS=""
EOF
mkdir -p /run/courier/authdaemon
chmod 750 /run/courier/authdaemon
/usr/sbin/courierlogger -name=authdaemond /usr/lib/courier/courier-authlib/authdaemond &
waitfor 10 test -S /run/courier/authdaemon/socket || die "authdaemond did not start"

# the servers, configured as Debian's init scripts do (set -a; . config),
# on loopback ports of our own
POP3_SYSLOG=$(freeport); IMAP_SYSLOG=$(freeport)
POP3_ML=$(freeport); IMAP_ML=$(freeport)
server() {   # pop3|imap|pop3s|imaps PORT LOGGER...
  local proto=$1 port=$2 tls; shift 2
  (
    set -a +u
    prefix=/usr exec_prefix=/usr sbindir=/usr/sbin bindir=/usr/bin libexecdir=/usr/lib/courier
    case $proto in
      pop3*) . /etc/courier/pop3d; . /etc/courier/pop3d-ssl
             login="/usr/lib/courier/courier/courierpop3login /usr/lib/courier/courier/courierpop3d" ;;
      imap*) . /etc/courier/imapd; . /etc/courier/imapd-ssl
             login="/usr/lib/courier/courier/imaplogin /usr/bin/imapd" ;;
    esac
    case $proto in
      pop3s) POP3_TLS=1 POP3_STARTTLS=NO POP3_TLS_REQUIRED=0 ;;
      imaps) IMAP_TLS=1 IMAP_STARTTLS=NO IMAP_TLS_REQUIRED=0
             IMAP_CAPABILITY=$IMAP_CAPABILITY_TLS ;;
    esac
    TLS_CACHEFILE=$W/tlscache.$proto
    case $proto in
      *s) tls="$COURIERTLS -server -tcpd -user=courier" ;;
      *) tls= ;;
    esac
    set +a
    cd /usr && exec "$@" /usr/sbin/couriertcpd -address=127.0.0.1 -maxprocs=20 -maxperip=20 \
      $TCPDOPTS $port $tls $login Maildir
  ) &
  waitfor 10 listening $port || die "$proto server on port $port did not start"
}
# pop3d-ssl and imapd-ssl: couriertls with a fresh self-signed certificate
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null || die "openssl req failed"
cat "$W/key.pem" "$W/cert.pem" > /etc/courier/pop3d.pem
cp /etc/courier/pop3d.pem /etc/courier/imapd.pem
chmod 600 /etc/courier/pop3d.pem /etc/courier/imapd.pem
POP3_SSL=$(freeport); IMAP_SSL=$(freeport)
# couriertls drops to the user courier: it lives in our /etc only
echo "courier:x:64140:64140:Courier:/nonexistent:/usr/sbin/nologin" >> /etc/passwd
echo "courier:x:64140:" >> /etc/group
server pop3 $POP3_SYSLOG /usr/sbin/courierlogger -name=pop3d
server pop3s $POP3_SSL /usr/sbin/courierlogger -name=pop3d-ssl
server imaps $IMAP_SSL /usr/sbin/courierlogger -name=imapd-ssl
server imap $IMAP_SYSLOG /usr/sbin/courierlogger -name=imapd
mkdir -p "$W/ml-pop3" "$W/ml-imap"
mkfifo "$W/fifo-pop3" "$W/fifo-imap"
multilog t "$W/ml-pop3" < "$W/fifo-pop3" &
multilog t "$W/ml-imap" < "$W/fifo-imap" &
exec 3>"$W/fifo-pop3" 4>"$W/fifo-imap"
server pop3 $POP3_ML env 2>&3
server imap $IMAP_ML env 2>&4
exec 3>&- 4>&-

# sessions: one source address each, in order, so that log order is this
# order.  The syslog and the multilog runs go on side by side.
session() {   # EXPECTFILE SOURCE PORT SRCADDR USER PASS [abort|tls]
  local ex=$1 src=$2 port=$3 ip=$4 user=$5 pass=$6 mode=${7:-} r
  local res="$W/result.$ip"
  rm -f "$res"
  if [ "$mode" = tls ]; then
    DIALOG_RESULT=$res tcpclient -RHl0 -i "$ip" 127.0.0.1 "$port" \
      env TLS_VERIFYPEER=NONE couriertls -remotefd=6 bash "$ME" --dialog-stdio "${src#*/}" "$user" "$pass" \
      2>>"$W/client.err"
  else
    DIALOG_RESULT=$res tcpclient -RHl0 -i "$ip" 127.0.0.1 "$port" \
      bash "$ME" --dialog "${src#*/}" "$user" "$pass" $mode 2>>"$W/client.err"
  fi
  r=$(cat "$res" 2>/dev/null)
  printf '%s %s %s -> %s\n' "$src" "$ip" "$user" "${r:-NORESULT}" >> "$ex.sessions"
  [ "$r" = LOGIN-OK ] && printf '%s %s %s\n' "$src" "$ip" "$(enc "$user")" >> "$ex"
}
enc() {   # %XX for bytes outside 0x21..0x7e and for '%'
  LC_ALL=C perl -e 'my $s = shift; $s =~ s/([^\x21-\x24\x26-\x7e])/sprintf("%%%02X", ord $1)/ge; print $s' -- "$1"
}
scenario() {   # EXPECTFILE POP3PORT IMAPPORT BASE (source addresses BASE+0..)
  local ex=$1 pp=$2 ip=$3 b=$4
  : > "$ex"; : > "$ex.sessions"
  session "$ex" courier/pop3 $pp 127.0.0.$((b+0)) alice alicepw
  session "$ex" courier/imap $ip 127.0.0.$((b+1)) bob bobpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+2)) alice wrongpw
  session "$ex" courier/imap $ip 127.0.0.$((b+3)) bob wrongpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+4)) "$ADV1" advpw
  session "$ex" courier/imap $ip 127.0.0.$((b+5)) "$ADV2" advpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+6)) "$ADV3" advpw
  session "$ex" courier/imap $ip 127.0.0.$((b+7)) "$ADV4" advpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+8)) "$ADV2" wrongpw
  session "$ex" courier/imap $ip 127.0.0.$((b+9)) "$ADV1" wrongpw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+10)) "nosuch, ip=[203.0.113.66]" x
  session "$ex" courier/pop3 $pp 127.0.0.$((b+11)) alice alicepw abort
  session "$ex" courier/imap $ip 127.0.0.$((b+12)) bob bobpw abort
  tcpclient -RHl0 -i 127.0.0.$((b+13)) 127.0.0.1 $pp true 2>>"$W/client.err"
  session "$ex" courier/imap $ip 127.0.0.$((b+14)) alice alicepw
  session "$ex" courier/pop3 $pp 127.0.0.$((b+15)) bob bobpw
}
tlsscenario() {   # EXPECTFILE POP3SPORT IMAPSPORT BASE
  local ex=$1 pp=$2 ip=$3 b=$4
  session "$ex" courier/pop3 $pp 127.0.0.$((b+0)) alice alicepw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+1)) bob bobpw tls
  session "$ex" courier/pop3 $pp 127.0.0.$((b+2)) bob wrongpw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+3)) "$ADV3" wrongpw tls
  session "$ex" courier/imap $ip 127.0.0.$((b+4)) "$ADV1" advpw tls
}
( scenario "$W/syslog.expect" $POP3_SYSLOG $IMAP_SYSLOG 41
  tlsscenario "$W/syslog.expect" $POP3_SSL $IMAP_SSL 81 ) &
scenario "$W/ml.expect" $POP3_ML $IMAP_ML 61
wait $!
cat "$W/syslog.expect.sessions" "$W/ml.expect.sessions" > "$OUT/courier-sessions.txt"
grep '^courier/pop3 ' "$W/ml.expect" > "$W/ml-pop3.expect"
grep '^courier/imap ' "$W/ml.expect" > "$W/ml-imap.expect"

# stop the servers, then the loggers, so that every line is written
sleep 1
stopall
trap - EXIT
cp "$W/syslog-trad.log" "$OUT/courier-syslog.log"
cp "$W/syslog-rfc3339.log" "$OUT/courier-syslog-rfc3339.log"
cp "$W/ml-pop3/current" "$OUT/courier-pop3-multilog.log"
cp "$W/ml-imap/current" "$OUT/courier-imap-multilog.log"
cp "$W/syslog.expect" "$OUT/courier-syslog.expect"
cp "$W/syslog.expect" "$OUT/courier-syslog-rfc3339.expect"
cp "$W/ml-pop3.expect" "$OUT/courier-pop3-multilog.expect"
cp "$W/ml-imap.expect" "$OUT/courier-imap-multilog.expect"
exit 0
