# Sourced by tests/3?-*.t after tests/lib.sh: helpers for the SMTP-side
# tests.  Servers listen on port 0 (the kernel picks a free one; tcpserver
# -1 says which), so tests running side by side never collide.

SMTPDIR="$TOP/tests/smtp"

# rec TYPE TIME DUR ADDR SOURCE USER: one record line (tests/smtp/record)
rec() { "$SMTPDIR/record" "$@"; }

# startserver NAME TCPSERVER ADDR PROG...: runs TCPSERVER -1 -R -H ADDR 0
# PROG... in the background, its stderr in $T/NAME.err; sets port_NAME.
# Returns 1 if it did not come up.
startserver() {
  local name=$1 bin=$2 addr=$3; shift 3
  "$bin" -1 -R -H -l0 "$addr" 0 "$@" > "$T/$name.port" 2> "$T/$name.err" &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  waitfor 10 test -s "$T/$name.port" || return 1
  eval "port_$name=\$(head -1 \"\$T/\$name.port\")"
}

# relayflag TCPCLIENT SOURCE SERVERADDR PORT: what the inner program of a
# test server printed ("set:VALUE" or "unset")
relayflag() {
  "$1" -R -H -l0 -i "$2" "$3" "$4" sh -c 'cat <&6' 2>&1
}

# qpsmtpd_setup NAME [ACCOUNT]: a configuration for Debian's qpsmtpd in $T/NAME
# (package/qpsmtpd-conf: relaying only with RELAYCLIENT set, mail for
# example.org, messages queued into $T/NAME/Maildir), and in $SMTPD the
# command tcpserver runs it with for one connection; returns 1 (with
# $SMTPD_WHY) where qpsmtpd cannot run
qpsmtpd_setup() {
  SMTPD_WHY=""
  [ -r /usr/share/perl5/Qpsmtpd/TcpServer.pm ] || { SMTPD_WHY="qpsmtpd is not installed (package/test installs it)"; return 1; }
  mkdir -p "$T/$1" && "$TOP/package/qpsmtpd-conf" "$T/$1" example.org ${2:+"$2"} ||
    { SMTPD_WHY="package/qpsmtpd-conf failed"; return 1; }
  SMTPD="$TOP/package/qpsmtpd-tcpserver $T/$1"
}
