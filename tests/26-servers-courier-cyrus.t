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

# logins SERVER < LOG: the test's own reading of its own captures, with
# patterns anchored at both ends of the line (both servers write the user
# name before the fields that follow it): "SOURCE ADDR USER", log order.
# It checks that a capture holds the logins its .expect says; it is not
# the parser under test.
cat > "$T/logins" <<'PERLEND'
use strict;
my $srv = shift;
my $stamp = qr/(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d |\d{4}-\d\d-\d\dT\S+ )\S+ /;
my $ip = qr/[0-9a-fA-F.:]+/;
sub enc { my $s = shift; $s =~ s/([^\x21-\x24\x26-\x7e])/sprintf("%%%02X", ord $1)/ge; $s }
sub out { my ($src, $a, $u) = @_; $a =~ s/^::ffff:(\d+\.\d+\.\d+\.\d+)$/$1/i; print "$src $a ", enc($u), "\n" }
while (my $l = <STDIN>) {
  chomp $l;
  if ($srv eq 'courier') {
    if ($l =~ /^$stamp(pop3d|imapd)(?:-ssl)?: LOGIN, user=(.*), ip=\[($ip)\], port=\[\d+\](, protocol=IMAP)?$/) {
      out("courier/" . ($1 eq 'pop3d' ? 'pop3' : 'imap'), $3, $2) if ($1 eq 'imapd') == defined $4;
    } elsif ($l =~ /^\@[0-9a-f]{24} INFO: LOGIN, user=(.*), ip=\[($ip)\], port=\[\d+\](, protocol=IMAP)?$/) {
      out("courier/" . (defined $3 ? 'imap' : 'pop3'), $2, $1);
    }
  } elsif ($srv eq 'cyrus') {
    out("cyrus/$1", $2, $3)
      if $l =~ /^${stamp}cyrus\/(pop3|imap)s?\[\d+\]: login: (?:[^\s\[]\S* )?\[($ip)\] (.+) \S+ User logged in SESSIONID=<[^>]*>$/;
  }
}
PERLEND
logins() { perl "$T/logins" "$1"; }

# logtool's logins as "SOURCE ADDR USER", sorted, duplicates kept
parsed() { "$TOP/tests/logtool" < "$1" | awk '{ print $2, $3, $5 }' | LC_ALL=C sort; }

# the shape of a log: tests/servers/normalise (stamps, host names, pids,
# ports, numbers out; lines sorted), without the lines whose number
# depends on timing (Cyrus' periodic checkpoints and its shutdown)
shape() {
  grep -Ev 'cyrus/(master|ctl_cyrusdb)\[|: graceful shutdown$|cyrus/pop3s?\[[0-9]+\]: counts: ' "$1" |
    "$S/normalise" host
}

checklog() {   # WHAT SERVER NAME: NAME.log against NAME.expect
  local what=$1 srv=$2 log=$3.log ex=$3.expect
  check "$what: the log records exactly the granted logins, in order" \
    "$(cat "$ex")" "$(logins "$srv" < "$log")"
  if [ -x "$TOP/tests/logtool" ]; then
    check "$what: logtool finds exactly the granted logins" \
      "$(LC_ALL=C sort "$ex")" "$(parsed "$log")"
    check "$what: logtool grants nothing to 203.0.113.66" "" \
      "$("$TOP/tests/logtool" < "$log" | awk '$3 ~ /203\.0\.113\.66/')"
  else
    skip "$what: logtool finds exactly the granted logins" "tests/logtool is not built"
  fi
}

for srv in courier cyrus; do
  n=0
  for e in "$FX/$srv"/*.expect; do
    [ -f "$e" ] || continue
    n=$((n + 1))
    name=${e%.expect}
    checklog "$srv fixture ${name##*/}" $srv "$name"
  done
  [ $n = 0 ] && notok "$srv fixtures" "none committed in tests/fixtures/$srv"

  mkdir -p "$T/$srv"
  "$S/$srv.sh" "$T/$srv" > "$T/$srv.out" 2> "$T/$srv.err"
  rc=$?
  if [ $rc = 77 ]; then
    skip "$srv live capture" "$(sed -n 's/^[^:]*: cannot run here: //p' "$T/$srv.err" | head -1)"
    continue
  fi
  if [ $rc != 0 ]; then
    notok "$srv live capture" "exit $rc" "$(tail -5 "$T/$srv.err")"
    continue
  fi
  ok "$srv live capture"
  for fe in "$FX/$srv"/*.expect; do
    form=$(basename "$fe" .expect)
    name=$T/$srv/$form
    if [ ! -f "$name.log" ] || [ ! -f "$name.expect" ]; then
      notok "$srv live $form" "the capture wrote no $form.log and $form.expect"
      continue
    fi
    check "$srv live $form: as many success lines as granted logins" \
      "$(grep -c . "$name.expect")" "$(logins $srv < "$name.log" | grep -c .)"
    checklog "$srv live $form" $srv "$name"
    check "$srv live $form: the same logins as the fixture" "$(cat "$fe")" "$(cat "$name.expect")"
    shape "$FX/$srv/$form.log" > "$T/fx.norm"
    shape "$name.log" > "$T/live.norm"
    if cmp -s "$T/fx.norm" "$T/live.norm"; then
      ok "$srv live $form: the same shape as the fixture"
    else
      notok "$srv live $form: the same shape as the fixture" "$(diff "$T/fx.norm" "$T/live.norm" | head -10)"
    fi
  done
done
