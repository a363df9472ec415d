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

# normalise's argument for a log form: syslog files have a host name
hostarg() { case $1 in *syslog*) echo host ;; esac; }

# logof NAME.expect: the log it describes: NAME, or, where a login is
# spread over two logs (popa3d under tcpserver: the address in tcpserver's
# multilog, the user in popa3d's syslog), the files NAME.* one after the
# other, in name order
logof() {
  local base=${1%.expect} f
  if [ -f "$base" ]; then cat "$base"; return; fi
  for f in "$base".*; do
    case $f in *.expect) ;; *) cat "$f" ;; esac
  done
}

# logtool's logins as "SOURCE ADDR USER", sorted, duplicates kept
parsed() { "$TOP/tests/logtool" < "$1" | awk '{ print $2, $3, $5 }' | LC_ALL=C sort; }

# checklog WHAT SERVER NAME.expect: the log's own logins and the parsers'
# logins against NAME.expect
checklog() {
  local what=$1 srv=$2 e=$3
  logof "$e" > "$T/log"
  check "$what: the log records exactly the granted logins, in order" \
    "$(cat "$e")" "$("$S/logins" "$srv" < "$T/log")"
  if [ -x "$TOP/tests/logtool" ]; then
    parsed "$T/log" > "$T/parsed"
    check "$what: logtool finds exactly the granted logins" \
      "$(LC_ALL=C sort "$e")" "$(cat "$T/parsed")"
    # no login ever came from the address in the adversarial names
    checknogrep "$what: logtool never grants 203.0.113.66" '^[^ ]+ 203\.0\.113\.66 ' "$T/parsed"
  else
    skip "$what: logtool finds exactly the granted logins" "tests/logtool is not built"
    skip "$what: logtool never grants 203.0.113.66" "tests/logtool is not built"
  fi
}

for srv in $SERVERS; do
  # the committed fixtures
  n=0
  for e in "$FX/$srv"/*.expect; do
    [ -f "$e" ] || continue
    n=$((n + 1))
    log=${e%.expect}
    checklog "$srv fixture ${log##*/}" "$srv" "$e"
  done
  [ $n = 0 ] && skip "$srv fixtures" "none committed in tests/fixtures/$srv"

  # a live capture
  if [ ! -x "$S/$srv.sh" ]; then
    skip "$srv live capture" "tests/servers/$srv.sh is missing"
    continue
  fi
  "$S/$srv.sh" "$T/$srv" > "$T/$srv.out" 2> "$T/$srv.err"
  rc=$?
  if [ $rc = 77 ]; then
    skip "$srv live capture" "$(sed -n 's/^[^:]*: skip: //p' "$T/$srv.err" | head -1)"
    continue
  fi
  if [ $rc != 0 ]; then
    notok "$srv live capture" "exit $rc" "$(tail -5 "$T/$srv.err")"
    continue
  fi
  ok "$srv live capture"
  for e in "$T/$srv"/*.expect; do
    [ -f "$e" ] || { notok "$srv live capture wrote logs" "nothing in $T/$srv"; break; }
    form=${e%.expect}; form=${form##*/}
    checklog "$srv live $form" "$srv" "$e"
    if [ -f "$FX/$srv/$form.expect" ]; then
      check "$srv live $form: the same logins as the fixture" "$(cat "$FX/$srv/$form.expect")" "$(cat "$e")"
    else
      notok "$srv live $form: a fixture to compare with" "no tests/fixtures/$srv/$form.expect"
    fi
  done
  for log in "$T/$srv"/*; do
    case $log in *.expect) continue ;; esac
    form=${log##*/}
    if [ ! -f "$FX/$srv/$form" ]; then
      notok "$srv live $form: a fixture to compare with" "no tests/fixtures/$srv/$form"
      continue
    fi
    h=$(hostarg "$form")
    "$S/normalise" $h < "$FX/$srv/$form" > "$T/fx.norm"
    "$S/normalise" $h < "$log" > "$T/live.norm"
    if cmp -s "$T/fx.norm" "$T/live.norm"; then
      ok "$srv live $form: the same shape as the fixture"
    else
      notok "$srv live $form: the same shape as the fixture" "$(diff "$T/fx.norm" "$T/live.norm" | head -10)"
    fi
  done
done
