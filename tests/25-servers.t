#!/bin/bash
# 25-servers: real POP3/IMAP servers (tests/servers/NAME.sh) run on
# loopback; their fresh logs must hold exactly the logins the clients were
# granted, have the shape of the committed fixtures (tests/fixtures/NAME),
# and readlog's parsers (through tests/logtool) must find in them exactly
# those logins: none for failed logins, adversarial names or 203.0.113.66.
# The committed fixtures go through the same checks, so the parsers are
# tested on real data even where a server cannot run.

. "$(dirname "$0")/lib.sh"
S=$TOP/tests/servers
FX=$TOP/tests/fixtures
SERVERS="dovecot popa3d mailutils solid-pop3d"
. "$S/checks.sh"

# logof NAME.expect: the log it describes: NAME, or, where a login is
# spread over two logs (popa3d under tcpserver: the address in tcpserver's
# multilog, the user in popa3d's syslog), the files NAME.* one after the
# other, in name order
logof() {
  local base=${1%.expect} f
  if [ -f "$base" ]; then cat "$base"; return; fi
  for f in "$base".*; do
    case $f in *.expect|*.grants) ;; *) cat "$f" ;; esac
  done
}

for srv in $SERVERS; do
  # the committed fixtures
  n=0
  for e in "$FX/$srv"/*.expect; do
    [ -f "$e" ] || continue
    n=$((n + 1))
    log=${e%.expect}
    logof "$e" > "$T/log"
    checklog "$srv fixture ${log##*/}" "$srv" "$e" "$T/log"
  done
  [ $n = 0 ] && skip "$srv fixtures" "none committed in tests/fixtures/$srv"

  # a live capture
  if [ ! -x "$S/$srv.sh" ]; then
    skip "$srv live capture" "tests/servers/$srv.sh is missing"
    continue
  fi
  capture "$srv" || continue
  for e in "$T/$srv"/*.expect; do
    [ -f "$e" ] || { notok "$srv live capture wrote logs" "nothing in $T/$srv"; break; }
    form=${e%.expect}; form=${form##*/}
    logof "$e" > "$T/log"
    checklog "$srv live $form" "$srv" "$e" "$T/log"
    samelogins "$srv" "$form" "$e" "$FX/$srv/$FXPRE$form.expect"
  done
  for log in "$T/$srv"/*; do
    case $log in *.expect) continue ;; esac
    case $log in */tcpserver.syslog.trusted) continue ;; *.trusted) sametrusted "$srv" "${log##*/}" "${log%.trusted}" "$log"; continue ;; esac
    case $log in *.grants) samelogins "$srv" "${log##*/}" "$log" "$FX/$srv/$FXPRE${log##*/}"; continue ;; esac
    sameshape "$srv" "${log##*/}" "$log" "$FX/$srv/$FXPRE${log##*/}"
  done
done
