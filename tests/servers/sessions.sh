# Sourced by tests/servers/*.sh: the client sessions every server gets,
# each from its own source address.  The caller sets:
#   NAME       source prefix: NAME/pop3, NAME/imap
#   POP3PORT   port of the POP3 server ("" if none)
#   IMAPPORT   port of the IMAP server ("" if none)
#   ADVOK      1 if the server accepts adversarial names (they then log in
#              with password $ADVPASS), 0 if it cannot have such users
#   POP3ADV, IMAPADV  arrays: the names that log in when ADVOK=1 (default
#              ADV1 ADV2 and ADV1 ADV3)
#   POP3FAIL   array: more names to try with a wrong password (default none)
#   V6         1: also logins from ::1, and a failed one, last (a server
#              may delay an address's logins after a failure: dovecot's
#              anvil does); the caller has run tcpclient6
#   PLAIN      1 if the server offers SASL PLAIN (AUTH / AUTHENTICATE)
#   ADVBYTES   1 if the server takes any byte in a user name through SASL
#              PLAIN: names with a tab, a newline, UTF-8 then log in too
#   ADDRBASE   first source address's last octet (default 31)
#   POPLOCK_HELD  if set (not in the tests' runs): held_sessions instead
#              (the groundwork of issue 20, tests/fixtures/*/sessions-*)
# Demo users: alice/alice-pw and bob/bob-pw (the server script creates
# them).  Every login's result is checked; a granted one is recorded.

# User names an attacker picks to make some other server's success line
# out of a failure line (dovecot, courier, cyrus/popa3d/UW shapes).
ADV1='Login: user=<a>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1,'
ADV2='x [203.0.113.66]'
ADV3='ip=[203.0.113.66]'
ADVPASS=adv-pw
# A newline: servers that split log lines there give the rest a line of
# its own, with their own prefix before it.
ADVNL=$'N\npop3-login: Login: user=<z>, method=PLAIN, rip=203.0.113.66, lip=127.0.0.1, mpid=1, session=<x>'
ADVTAB=$'tab\there [203.0.113.66]'
ADVUTF=$'caf\xc3\xa9'

sessions() {
  local n=${ADDRBASE:-31} a u
  if [ -n "${POPLOCK_HELD:-}" ]; then held_sessions; return; fi
  [ -n "${POP3ADV+x}" ] || POP3ADV=("$ADV1" "$ADV2")
  [ -n "${IMAPADV+x}" ] || IMAPADV=("$ADV1" "$ADV3")
  next() { a=127.0.0.$n; n=$((n + 1)); }
  # try PROTO ACTION USER PASS WANT
  try() {
    local port=$POP3PORT; [ "$1" = imap ] && port=$IMAPPORT
    login "$NAME/$1" $a "$port" "$@"
  }
  if [ -n "$POP3PORT" ]; then
    next; try pop3 login alice alice-pw ok
    next; try pop3 login alice wrong-pw fail
    next; try pop3 login nosuchuser any-pw fail
    next; try pop3 login "$ADV1" wrong-pw fail
    next; try pop3 login "$ADV3" wrong-pw fail
    for u in ${POP3FAIL+"${POP3FAIL[@]}"}; do next; try pop3 login "$u" wrong-pw fail; done
    if [ "$ADVOK" = 1 ]; then
      for u in "${POP3ADV[@]}"; do next; try pop3 login "$u" "$ADVPASS" ok; done
    fi
    if [ "$PLAIN" = 1 ]; then
      next; try pop3 plain bob bob-pw ok
    fi
    if [ "${ADVBYTES:-0}" = 1 ]; then
      next; try pop3 plain "$ADVNL" "$ADVPASS" ok
      next; try pop3 plain "$ADVTAB" "$ADVPASS" ok
      next; try pop3 plain "$ADVNL" wrong-pw fail
    fi
    next; try pop3 failclose "$ADV1" wrong-pw fail
    if [ "${V6:-0}" = 1 ]; then
      a=::1; try pop3 login alice alice-pw ok
    fi
    next; client $a "$POP3PORT" pop3 abort || die "pop3 abort from $a"
    next; client $a "$POP3PORT" pop3 abortuser "$ADV3" || die "pop3 abortuser from $a"
  fi
  if [ -n "$IMAPPORT" ]; then
    next; try imap login bob bob-pw ok
    next; try imap login bob wrong-pw fail
    next; try imap login "$ADV1" wrong-pw fail
    next; try imap login "$ADV2" wrong-pw fail
    if [ "$ADVOK" = 1 ]; then
      for u in "${IMAPADV[@]}"; do next; try imap login "$u" "$ADVPASS" ok; done
    fi
    if [ "$PLAIN" = 1 ]; then
      next; try imap plain alice alice-pw ok
    fi
    if [ "${ADVBYTES:-0}" = 1 ]; then
      next; try imap plain "$ADVNL" "$ADVPASS" ok
      next; try imap plain "$ADVUTF" "$ADVPASS" ok
      next; try imap plain "$ADVTAB" wrong-pw fail
    fi
    next; try imap failclose "$ADV3" wrong-pw fail
    if [ "${V6:-0}" = 1 ]; then
      a=::1; try imap login bob bob-pw ok; try imap login "$ADV1" wrong-pw fail
    fi
    next; client $a "$IMAPPORT" imap abort || die "imap abort from $a"
    next; client $a "$IMAPPORT" imap abortuser "$ADV1" || die "imap abortuser from $a"
  fi
  return 0
}

# held_sessions: how the server logs the end of an IMAP session, from
# ADDRBASE (31) up: bob held open 3 s, then LOGOUT; bob held 3 s, then
# the connection dropped (no LOGOUT); from one address, alice held 4 s
# and, 1 s into it, bob logging in and out; last, alice's session still
# open when the server script stops the server (its end is the server's
# stop).  The logins are recorded in log order.
held_sessions() {
  local n=${ADDRBASE:-31} a pa ra rb
  [ -n "$IMAPPORT" ] || return 0
  a=127.0.0.$n
  CHAT_HOLD=3 login "$NAME/imap" $a "$IMAPPORT" imap hold bob bob-pw ok
  a=127.0.0.$((n + 1))
  CHAT_HOLD=3 login "$NAME/imap" $a "$IMAPPORT" imap drop bob bob-pw ok
  a=127.0.0.$((n + 2))
  rm -f "$W/held.a"
  CHAT_HOLD=4 CHAT_RESULT=$W/held.a client $a "$IMAPPORT" imap hold alice alice-pw & pa=$!
  waitfor 10 test -s "$W/held.a" || die "imap hold from $a: no login"
  sleep 1
  client $a "$IMAPPORT" imap login bob bob-pw; rb=$?
  wait $pa; ra=$?
  [ $ra = 0 ] && [ $rb = 0 ] || die "two sessions from $a: chat exits $ra and $rb (see $W/chat.err)"
  granted "$NAME/imap" $a alice; granted "$NAME/imap" $a bob
  a=127.0.0.$((n + 3))
  rm -f "$W/held.open"
  CHAT_HOLD=20 CHAT_RESULT=$W/held.open client $a "$IMAPPORT" imap hold alice alice-pw &
  waitfor 10 test -s "$W/held.open" || die "imap hold from $a: no login"
  [ "$(cat "$W/held.open")" = ok ] || die "imap hold from $a: login refused"
  granted "$NAME/imap" $a alice
  sleep 1
  return 0
}
