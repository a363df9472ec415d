#!/bin/bash
# tests/servers/cyrus.sh OUTDIR
#
# Runs the real Debian 12 Cyrus IMAP 3.6 servers (cyrus-imapd, cyrus-pop3d,
# cyrus-common; SASL auxprop sasldb) under Cyrus' own master on 127.0.0.1,
# logs in from 127.0.0.101... with good and bad passwords and adversarial
# user names, over plain and TLS (imaps, pop3s) services, stops
# everything, and leaves in OUTDIR:
#   cyrus-syslog.log          syslog, rsyslog's traditional file format
#   cyrus-syslog-rfc3339.log  the same messages, rsyslog 8's default format
#                             (what Debian 12's rsyslog.conf writes)
#   NAME.expect               one line per login the server accepted, as seen
#                             by the client: SOURCE ADDR USER (USER with bytes
#                             outside 0x21..0x7e and '%' as %XX)
#   cyrus-sessions.txt        every session and what the client saw
#   versions                  the package versions that ran
# Exit 0 done; 77 cannot run here (reason on stderr); anything else failed.
# Cyrus logs only through syslog(3): there is no stderr form to capture.
#
# cyrus-imapd and cyrus-pop3d conflict with the machine's servers
# (imap-server, pop3-server), and Cyrus' tools read /etc/imapd.conf, so
# the packages are unpacked with dpkg-deb into a private root, and
# everything runs in a private mount namespace (unshare -m) in which that
# root is overlaid on /etc and /usr, /run is a fresh tmpfs, and /dev is
# overlaid so that our own rsyslogd can own /dev/log.  The user "cyrus"
# exists only in that private /etc.  Nothing of the machine's own setup
# is seen or changed.
#
# Debian packages are fetched with apt-get download, or taken from
# $POPLOCK_DEBS if that directory holds them.  couriertls (courier-base,
# unpacked alongside) is the TLS client for the imaps/pop3s sessions, as
# openssl s_client cannot choose its source address.

set -u
PROG=cyrus.sh
ME=$(readlink -f "$0")
PKGS="cyrus-common cyrus-imapd cyrus-pop3d sasl2-bin courier-base"
LIBS="libclamav12 libical3 libxapian30 libzephyr4 libicu72 libjansson4 libpq5 libsasl2-2 libsasl2-modules libsasl2-modules-db libwrap0 libssl3 libcourier-unicode4 libidn12 libgnutls30 libgdbm6 libpcre3"

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
  [ "$(id -u)" = 0 ] || cannot "needs root (mount namespace, the cyrus user)"
  for c in unshare dpkg-deb rsyslogd tcpclient openssl perl; do
    command -v $c >/dev/null || cannot "no $c (Debian: rsyslog ucspi-tcp openssl)"
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

# the user cyrus, in our /etc only
echo "cyrus:x:64150:8:Cyrus:$W/cyrus:/usr/sbin/nologin" >> /etc/passwd
C=$W/cyrus
mkdir -p "$C/lib" "$C/spool" "$C/sieve" /run/cyrus/proc /run/cyrus/lock /run/cyrus/socket
chmod 755 "$C"
chown -R cyrus:mail /run/cyrus "$C"

# TLS for imaps/pop3s: a fresh self-signed certificate
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
  -keyout "$C/key.pem" -out "$C/cert.pem" 2>/dev/null || die "openssl req failed"
chown cyrus:mail "$C/key.pem" "$C/cert.pem"; chmod 600 "$C/key.pem"

# Debian's imapd.conf with our directories and SASL database
SERVERNAME=poplock-cyrus
sed -e "s#^configdirectory:.*#configdirectory: $C/lib#" \
    -e "s#^partition-default:.*#partition-default: $C/spool#" \
    -e "s#^partition-news:.*#partition-news: $C/news#" \
    -e "s#^newsspool:.*#newsspool: $C/newsspool#" \
    -e "s#^sievedir:.*#sievedir: $C/sieve#" \
    -e "s#^unixhierarchysep:.*#unixhierarchysep: yes#" \
    -e "s#^popminpoll:.*#popminpoll: 0#" /etc/imapd.conf > "$W/imapd.conf"
cat >> "$W/imapd.conf" <<EOF
servername: $SERVERNAME
sasl_auxprop_plugin: sasldb
sasl_sasldb_path: $C/sasldb2
sasl_mech_list: PLAIN LOGIN
tls_server_cert: $C/cert.pem
tls_server_key: $C/key.pem
EOF
cp "$W/imapd.conf" /etc/imapd.conf
/usr/lib/cyrus/bin/makedirs > "$W/makedirs.out" 2>&1 || die "makedirs failed: $(cat "$W/makedirs.out")"

# users, in sasldb (realm = servername, the one Cyrus asks SASL for)
# (Cyrus lowers user names, and refuses 8-bit ones: jörg only fails)
ADV1='[203.0.113.66]'
ADV2='x [203.0.113.66] plaintext user logged in'
ADV3='login: localhost [203.0.113.66] eve'
ADV4=$'j\xc3\xb6rg'
ADV5='203.0.113.66'
mkpass() { printf '%s' "$2" | saslpasswd2 -p -c -f "$C/sasldb2" -u $SERVERNAME "$1" || die "saslpasswd2 $1 failed"; }
mkpass alice alicepw
mkpass bob bobpw
mkpass "$ADV1" advpw
mkpass "$ADV2" advpw
mkpass "$ADV3" advpw
mkpass "$ADV4" advpw
mkpass "$ADV5" advpw
chown cyrus:mail "$C/sasldb2"; chmod 640 "$C/sasldb2"

POP3=$(freeport); IMAP=$(freeport); POP3S=$(freeport); IMAPS=$(freeport)
cat > /etc/cyrus.conf <<EOF
START {
	recover		cmd="/usr/sbin/cyrus ctl_cyrusdb -r"
}
SERVICES {
	imap		cmd="imapd -U 30" listen="127.0.0.1:$IMAP" prefork=0 maxchild=20
	imaps		cmd="imapd -s -U 30" listen="127.0.0.1:$IMAPS" prefork=0 maxchild=20
	pop3		cmd="pop3d -U 30" listen="127.0.0.1:$POP3" prefork=0 maxchild=20
	pop3s		cmd="pop3d -s -U 30" listen="127.0.0.1:$POP3S" prefork=0 maxchild=20
}
EVENTS {
	checkpoint	cmd="/usr/sbin/cyrus ctl_cyrusdb -c" period=30
}
EOF
/usr/lib/cyrus/bin/master -C /etc/imapd.conf -M /etc/cyrus.conf -p /run/cyrus/master.pid > "$W/master.out" 2>&1 &
for p in $IMAP $IMAPS $POP3 $POP3S; do
  waitfor 20 listening $p || die "cyrus master did not listen on $p: $(cat "$W/master.out")"
done

# sessions: one source address each, in order, so that log order is this order
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
scenario() {   # EXPECTFILE POP3PORT IMAPPORT POP3SPORT IMAPSPORT BASE
  local ex=$1 pp=$2 ip=$3 pps=$4 ips=$5 b=$6
  : > "$ex"; : > "$ex.sessions"
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+0)) alice alicepw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+1)) bob bobpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+2)) alice wrongpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+3)) bob wrongpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+4)) "$ADV1" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+5)) "$ADV2" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+6)) "$ADV3" advpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+7)) "$ADV4" advpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+19)) "$ADV5" advpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+8)) "$ADV2" wrongpw
  session "$ex" cyrus/imap $ip 127.0.0.$((b+9)) "$ADV3" wrongpw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+10)) "nosuch [203.0.113.66]" x
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+11)) alice alicepw abort
  session "$ex" cyrus/imap $ip 127.0.0.$((b+12)) bob bobpw abort
  tcpclient -RHl0 -i 127.0.0.$((b+13)) 127.0.0.1 $pp true 2>>"$W/client.err"
  session "$ex" cyrus/imap $ip 127.0.0.$((b+14)) alice alicepw
  session "$ex" cyrus/pop3 $pp 127.0.0.$((b+15)) bob bobpw
  session "$ex" cyrus/pop3 $pps 127.0.0.$((b+16)) alice alicepw tls
  session "$ex" cyrus/imap $ips 127.0.0.$((b+17)) bob bobpw tls
  session "$ex" cyrus/imap $ips 127.0.0.$((b+18)) alice wrongpw tls
}
scenario "$W/syslog.expect" $POP3 $IMAP $POP3S $IMAPS 101
cp "$W/syslog.expect.sessions" "$OUT/cyrus-sessions.txt"

# stop the servers, then the logger, so that every line is written
sleep 1
stopall
trap - EXIT
cp "$W/syslog-trad.log" "$OUT/cyrus-syslog.log"
cp "$W/syslog-rfc3339.log" "$OUT/cyrus-syslog-rfc3339.log"
cp "$W/syslog.expect" "$OUT/cyrus-syslog.expect"
cp "$W/syslog.expect" "$OUT/cyrus-syslog-rfc3339.expect"
exit 0
