#!/bin/bash
# 26-servers-courier-cyrus: the real Courier and Cyrus POP3/IMAP servers
# (tests/servers/courier.sh, cyrus.sh) run on loopback; their fresh logs
# must hold exactly the logins the clients were granted, have the shape of
# the committed fixtures (tests/fixtures/courier, cyrus), and readlog's
# parsers (through tests/logtool) must find in them exactly those logins:
# none for failed logins, adversarial user names or 203.0.113.66.  The
# committed fixtures go through the same checks, so the parsers meet real
# data even where the servers cannot run.

. "$(dirname "$0")/lib.sh"
S=$TOP/tests/servers
FX=$TOP/tests/fixtures

. "$S/checks.sh"
NOGRANT="logtool grants nothing to 203.0.113.66"

for srv in courier cyrus; do
  n=0
  for e in "$FX/$srv"/*.expect; do
    [ -f "$e" ] || continue
    n=$((n + 1))
    name=${e%.expect}
    checklog "$srv fixture ${name##*/}" $srv "$e" "$name.log"
  done
  [ $n = 0 ] && notok "$srv fixtures" "none committed in tests/fixtures/$srv"

  mkdir -p "$T/$srv"
  capture "$srv" || continue
  for fe in "$FX/$srv/$FXPRE"*.expect; do
    form=$(basename "$fe" .expect)
    # Debian 12's are the ones with no release in their name
    case $form in debian[0-9]*) [ -z "$FXPRE" ] && continue ;; esac
    form=${form#"$FXPRE"}
    # sessions-*: captured by the script's POPLOCK_HELD run (issue 20),
    # which this capture is not
    case $form in sessions-*) continue ;; esac
    name=$T/$srv/$form
    if [ ! -f "$name.log" ] || [ ! -f "$name.expect" ]; then
      notok "$srv live $form" "the capture wrote no $form.log and $form.expect"
      continue
    fi
    check "$srv live $form: as many success lines as granted logins" \
      "$(grep -c . "$name.expect")" "$("$S/logins" $srv < "$name.log" | grep -c .)"
    checklog "$srv live $form" $srv "$name.expect" "$name.log"
    samelogins $srv "$form" "$name.expect" "$fe"
    sameshape $srv "$form" "$name.log" "$FX/$srv/$FXPRE$form.log"
  done
  # Cyrus runs as the test's own cyrus account (tests/servers/cyrus.sh,
  # uid 64150), not as Debian's system one: that uid in place of _UID=0-999
  rules=""
  [ $srv = cyrus ] && rules=",trust=_UID=64150,trust=_COMM=imapd:pop3d,trust=_TRANSPORT=syslog:journal:stdout"
  if [ -f "$T/$srv/$srv-syslog.trusted" ]; then
    sametrusted $srv "$srv-syslog" "$T/$srv/$srv-syslog.log" "$T/$srv/$srv-syslog.trusted" "$rules"
  else
    notok "$srv live: rsyslogd wrote the lines with their senders" "no $srv-syslog.trusted"
  fi
done
