#!/bin/bash
# dovecot.sh OUTDIR: Debian's dovecot-pop3d and dovecot-imapd (2.3 or 2.4) on
# loopback, in a private configuration (its own base_dir, state_dir,
# users), run five times, once per log form (the last two a proxy before
# a backend):
#   logfile       log_path = a file
#   syslog        log_path = syslog, through a private rsyslogd
#                 (also syslog-iso: the same run, RSYSLOG_FileFormat)
#   multilog      log_path = /dev/stderr, dovecot -F under multilog t
#   proxy-logfile a proxy: a second dovecot whose passdb sends every login
#                 to a backend dovecot (proxy=y, nopassword: the backend
#                 checks the password); the sessions go to the proxy, and
#                 this is its log_path file
#   proxy-backend the backend's log_path file from the same run (its
#                 login_trusted_networks holds the proxy's address: it
#                 logs the client's address the proxy forwards)
#   proxy-multilog the proxy again, log_path = /dev/stderr, dovecot -F
#                 under multilog t (its backend's log not kept)
#                 (proxy-*.grants: the logins readlog grants there)
# DOVECOT_FORMS, if set, names the runs to make (default: all five, in
# the order above), e.g. DOVECOT_FORMS="proxy-logfile proxy-multilog".
# See common.sh for what OUTDIR gets.

. "$(dirname "$0")/common.sh"
. "$SRVDIR/sessions.sh"
srv_begin "$@"
command -v dovecot >/dev/null 2>&1 || srv_skip "dovecot is not installed (apt-get install dovecot-pop3d dovecot-imapd)"
[ -x /usr/lib/dovecot/pop3 ] && [ -x /usr/lib/dovecot/imap ] || srv_skip "dovecot-pop3d or dovecot-imapd is not installed"
id dovenull >/dev/null 2>&1 && id dovecot >/dev/null 2>&1 || srv_skip "the dovecot and dovenull users are missing (dovecot-core's postinst makes them)"

NAME=dovecot ADVOK=1 PLAIN=1 ADVBYTES=1 V6=1
tcpclient6
# How dovecot's login process writes a name on its Login: line
# (str_sanitize(name, 80)): control bytes become '?', and a longer name
# is cut to 77 bytes and "...".
canon_user() {
  LC_ALL=C perl -e '$_ = shift; s/[\x00-\x1f]/?/g; $_ = substr($_, 0, 77) . "..." if length > 80; print' -- "$1"
}
# Mail belongs to an uid no one else has; its home is ours.
MAILUID=65534 MAILGID=65534
mkdir -p "$W/home" && chown $MAILUID:$MAILGID "$W/home"
cat > "$W/passwd" <<EOF
alice:{PLAIN}alice-pw
bob:{PLAIN}bob-pw
EOF

# Dovecot 2.4 has a syntax of its own: conf writes the same settings in
# the syntax of the Dovecot installed here
case $(dovecot --version) in 1.*|2.[0-3].*) V24="" ;; *) V24=1 ;; esac

# conf FORM LOGPATH [ROLE]: the whole configuration; nothing from
# /etc/dovecot.  ROLE backend: also trusts the proxy's address (127.0.0.1)
# to forward its client's; ROLE proxy: every login goes to the backend on
# $BPOP3PORT or $BIMAPPORT of 127.0.0.1, which checks the password.
conf() {
  local form=$1 logpath=$2 role=${3:-} l=address
  [ -n "$V24" ] && l=listen
  mkdir -p "$W/$form.run" "$W/$form.state"
  {
    [ -n "$V24" ] && printf 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n'
    cat <<EOF
base_dir = $W/$form.run
state_dir = $W/$form.state
protocols = pop3 imap
listen = 127.0.0.1, ::1
ssl = no
auth_mechanisms = plain login
# any byte in a user name: the adversarial names must reach the log
auth_username_chars =
auth_failure_delay = 0
log_path = $logpath
syslog_facility = mail
EOF
    [ "$role" = backend ] && echo "login_trusted_networks = 127.0.0.1"
    # Debian's default %Lu (2.4: %{user | lower}) lowercases names; keep
    # them as sent, so that the adversarial names keep their capitals
    # ("Login:") in the log.  Every other name (the adversarial ones)
    # has the password $ADVPASS.
    if [ "$role" = proxy ] && [ -n "$V24" ]; then cat <<EOF
auth_allow_cleartext = yes
auth_username_format = %{user}
passdb static {
  fields {
    proxy = yes
    host = 127.0.0.1
    port = $BIMAPPORT
    nopassword = yes
  }
}
protocol pop3 {
  passdb static {
    fields {
      port = $BPOP3PORT
    }
  }
}
EOF
    elif [ "$role" = proxy ]; then cat <<EOF
disable_plaintext_auth = no
auth_username_format = %u
passdb {
  driver = static
  args = proxy=y host=127.0.0.1 port=%{if;%s;eq;pop3;$BPOP3PORT;$BIMAPPORT} nopassword=y
}
EOF
    elif [ -n "$V24" ]; then cat <<EOF
auth_allow_cleartext = yes
auth_username_format = %{user}
mail_driver = maildir
mail_path = ~/Maildir
passdb passwd-file {
  passwd_file_path = $W/passwd
  default_password_scheme = PLAIN
}
passdb static {
  password = $ADVPASS
  username_filter = !alice !bob
}
userdb static {
  fields {
    uid = $MAILUID
    gid = $MAILGID
    home = $W/home
  }
}
EOF
    else cat <<EOF
disable_plaintext_auth = no
auth_username_format = %u
mail_location = maildir:~/Maildir
pop3_uidl_format = %08Xu%08Xv
passdb {
  driver = passwd-file
  args = scheme=PLAIN $W/passwd
}
passdb {
  driver = static
  args = password=$ADVPASS
  username_filter = !alice !bob
}
userdb {
  driver = static
  args = uid=$MAILUID gid=$MAILGID home=$W/home
}
EOF
    fi
    cat <<EOF
service pop3-login {
  inet_listener pop3 {
    $l = 127.0.0.1, ::1
    port = $POP3PORT
  }
  inet_listener pop3s {
    port = 0
  }
}
service imap-login {
  inet_listener imap {
    $l = 127.0.0.1, ::1
    port = $IMAPPORT
  }
  inet_listener imaps {
    port = 0
  }
}
EOF
  } > "$W/$form.conf"
  dovecot -c "$W/$form.conf" -n > "$W/$form.conf.n" 2>&1 || die "dovecot rejects its configuration: $(head -5 "$W/$form.conf.n")"
}

started() { listening "$POP3PORT" && listening "$IMAPPORT"; }

for form in ${DOVECOT_FORMS:-logfile syslog multilog proxy-logfile proxy-multilog}; do
  POP3PORT=$(freeport); IMAPPORT=$(freeport $POP3PORT)
  EXPECT=$W/$form.expect; : > "$EXPECT"
  case $form in
    logfile)
      conf $form "$W/logfile"
      ml_start "$W/logfile.stderr" dovecot -F -c "$W/$form.conf"
      waitfor 10 started || die "dovecot did not start: $(cat "$W/logfile" "$W/logfile.stderr/current" 2>/dev/null | tail -5)"
      sessions
      ml_stop
      keep "$W/logfile" logfile ;;
    syslog)
      conf $form syslog
      ns_start dovecot -F -c "$W/$form.conf"
      waitfor 10 started || die "dovecot did not start under syslog: $(tail -5 "$W/syslog" "$W/ns.out" 2>/dev/null)"
      sessions
      ns_stop
      keep "$W/syslog" syslog
      keep "$W/syslog-iso" syslog-iso ;;
    multilog)
      conf $form /dev/stderr
      ml_start "$W/multilog" dovecot -F -c "$W/$form.conf"
      waitfor 10 started || die "dovecot did not start under multilog: $(tail -5 "$W/multilog/current" 2>/dev/null)"
      sessions
      ml_stop
      keep "$W/multilog/current" multilog ;;
    proxy-logfile|proxy-multilog)
      # the backend on ports of its own, then the proxy on the sessions'
      BPOP3PORT=$(freeport $POP3PORT $IMAPPORT); BIMAPPORT=$(freeport $POP3PORT $IMAPPORT $BPOP3PORT)
      POP3PORT=$BPOP3PORT IMAPPORT=$BIMAPPORT conf $form.backend "$W/$form.backend.log" backend
      if [ $form = proxy-logfile ]; then conf $form "$W/proxy-logfile" proxy; else conf $form /dev/stderr proxy; fi
      ml_start "$W/$form.backend.stderr" dovecot -F -c "$W/$form.backend.conf"
      BACKENDPID=$MLPID BACKENDLOGPID=$MLLOGPID
      on_stop 'stop_pid $BACKENDPID'
      waitfor 10 listening "$BPOP3PORT" && waitfor 10 listening "$BIMAPPORT" || die "the backend dovecot did not start: $(tail -5 "$W/$form.backend.log" 2>/dev/null)"
      ml_start "$W/$form.stderr" dovecot -F -c "$W/$form.conf"
      waitfor 10 started || die "the proxy dovecot did not start: $(tail -5 "$W/proxy-logfile" "$W/$form.stderr/current" 2>/dev/null)"
      # no names with a newline, a tab or UTF-8 (ADVBYTES): the proxy
      # passes the name on in USER or LOGIN, and a newline there makes the
      # backend log a login of the name's first line that the client was
      # refused (seen on 2.3.19)
      ADVBYTES=0 sessions
      ml_stop
      stop_pid $BACKENDPID
      waitfor 5 gone "$BACKENDLOGPID" || stop_pid "$BACKENDLOGPID"
      if [ $form = proxy-logfile ]; then
        keep "$W/proxy-logfile" proxy-logfile
        keep "$W/$form.backend.log" proxy-backend
      else
        keep "$W/$form.stderr/current" proxy-multilog
      fi
      # readlog reads the name in "proxy(" up to its first ',' or ')'
      # (doc/formats.html): it grants no login of a name holding one
      awk '$3 !~ /[,)]/' "$EXPECT" > "$OUT/$form.grants" || die "unable to write $OUT/$form.grants" ;;
  esac
done
exit 0
