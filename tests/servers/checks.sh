# Sourced by tests/2*-servers*.t (after lib.sh): the checks every captured
# log gets, committed fixture or live capture.  $S is tests/servers.
# A test may set NOGRANT to name its check that no login comes from
# 203.0.113.66 (the address in the adversarial user names).

# logtool's logins as "SOURCE ADDR USER", sorted, duplicates kept; the
# log is one machine's (logtool -j: tcpserver's lines are its host's)
parsed() { "$TOP/tests/logtool" -j "$(loghost "$1")" < "$1" | awk '{ print $2, $3, $5 }' | LC_ALL=C sort; }

# checklog WHAT SERVER EXPECT LOG: the log's own logins (tests/servers/
# logins) and the parsers' (tests/logtool) against EXPECT, or, where a
# form grants fewer logins than the server did by design, against the
# NAME.grants beside NAME.expect
checklog() {
  local what=$1 srv=$2 e=$3 log=$4 g=${3%.expect}.grants which="the granted logins"
  check "$what: the log records exactly the granted logins, in order" \
    "$(cat "$e")" "$("$S/logins" "$srv" < "$log")"
  if [ -f "$g" ]; then which="the logins of ${g##*/}"; else g=$e; fi
  if [ -x "$TOP/tests/logtool" ]; then
    parsed "$log" > "$T/parsed"
    check "$what: logtool finds exactly $which" \
      "$(LC_ALL=C sort "$g")" "$(cat "$T/parsed")"
    # no login ever came from the address in the adversarial names (nor
    # from one that holds it, ::ffff:203.0.113.66)
    checknogrep "$what: ${NOGRANT:-logtool never grants 203.0.113.66}" \
      '^[^ ]+ [^ ]*203\.0\.113\.66' "$T/parsed"
  else
    skip "$what: logtool finds exactly the granted logins" "tests/logtool is not built"
    skip "$what: ${NOGRANT:-logtool never grants 203.0.113.66}" "tests/logtool is not built"
  fi
}

# shape SERVER FORM < LOG: tests/servers/normalise's shape of a log (with
# the syslog host name out where FORM is a syslog), without Cyrus' lines
# whose number depends on timing (its periodic checkpoints, its shutdown:
# a service that gets the stop signal before master passes it on says it
# came from an "unexpected process")
shape() {
  local h=""
  case $2 in *syslog*) h=host ;; esac
  # (PAM's unix_chkpwd writes lines of its own, or not, as the machine's
  # PAM stack has it: they are not the server's)
  if [ "$1" = cyrus ]; then
    grep -Ev 'cyrus/(master|ctl_cyrusdb)\[|: graceful shutdown( initiated by unexpected process .*)?$|cyrus/pop3s?\[[0-9]+\]: counts: '
  else
    cat
  fi | grep -v ' unix_chkpwd\[[0-9]*\]: ' | "$S/normalise" $h
}

# samelogins SERVER FORM EXPECT FXEXPECT: a live capture's logins are
# the committed fixture's
samelogins() {
  if [ -f "$4" ]; then
    check "$1 live $2: the same logins as the fixture" "$(cat "$4")" "$(cat "$3")"
  else
    notok "$1 live $2: a fixture to compare with" "no ${4#$TOP/}"
  fi
}

# sameshape SERVER FORM LOG FXLOG: a live capture has the committed
# fixture's shape
sameshape() {
  if [ ! -f "$4" ]; then
    notok "$1 live $2: a fixture to compare with" "no ${4#$TOP/}"
    return 0
  fi
  shape "$1" "$2" < "$4" > "$T/fx.norm"
  shape "$1" "$2" < "$3" > "$T/live.norm"
  if cmp -s "$T/fx.norm" "$T/live.norm"; then
    ok "$1 live $2: the same shape as the fixture"
  else
    notok "$1 live $2: the same shape as the fixture" "$(diff "$T/fx.norm" "$T/live.norm" | head -10)"
  fi
}

# The committed captures of this system's Debian release: Debian 12's
# are named FORM, another release's debianN-FORM (tests/fixtures/README)
release=$(. /etc/os-release 2>/dev/null && echo "${VERSION_ID:-}")
case $release in 12) FXPRE="" ;; *) FXPRE="debian$release-" ;; esac

# capture SERVER: runs tests/servers/SERVER.sh into $T/SERVER (its
# output in $T/SERVER.out and .err); says ok, skip (its exit 77) or not
# ok, and returns 0 only for ok
capture() {
  local rc
  "$S/$1.sh" "$T/$1" > "$T/$1.out" 2> "$T/$1.err"
  rc=$?
  if [ $rc = 77 ]; then
    skip "$1 live capture" "$(sed -n 's/^[^:]*: skip: //p' "$T/$1.err" | head -1)"
    return 1
  fi
  if [ $rc != 0 ]; then
    notok "$1 live capture" "exit $rc" "$(tail -5 "$T/$1.err")"
    return 1
  fi
  ok "$1 live capture"
}

# sametrusted SRV FORM LOG TRUSTED [TRUST]: the lines rsyslogd wrote with
# their senders first (rsyslog_conf), read as rsyslog:TRUSTED under the
# default trust rules (or TRUST, ",trust=..." items), grant what LOG
# grants read plainly: who sends the server's login lines is what
# doc/readlog.html#trust says
sametrusted() {
  local srv=$1 form=$2 log=$3 tr=$4 rules=${5:-} want got
  want=$("$TOP/readlog" -1 -n "$log" 2>/dev/null | awk '{ print $2, $3, $5 }' | LC_ALL=C sort)
  got=$("$TOP/readlog" -1 -n -v "rsyslog:$tr$rules" 2> "$T/trusted.err" | awk '$1 != "refused" { print $2, $3, $5 }' | LC_ALL=C sort)
  if [ -n "$want" ] && [ "$want" = "$got" ]; then
    ok "$srv live $form: read with its senders, under ${rules:+the rules $rules, not }the default trust rules, it grants the same ($(grep -c . <<< "$want"))"
  else
    notok "$srv live $form: read with its senders, under the default trust rules, it grants the same" \
      "$(diff <(echo "$want") <(echo "$got") | head -5)" "$(grep 'untrusted' "$T/trusted.err" | head -3)"
  fi
}
