#!/bin/bash
# Lines an attacker can get into a log must never grant, and nothing may
# crash tests/logtool: other programs' lines carrying a POP login phrase
# (CVE-2001-1075, poprelayd and sendmail; CVE-2013-7176, fail2ban and a
# Postfix line), the right text under the wrong tag, user names that
# carry another server's success text, invalid and partial addresses, NUL
# and CR bytes, cut and overlong lines.
. "$(dirname "$0")/lib.sh"
L="$TOP/tests/logtool"

# nogrant WHAT: stdin through logtool grants nothing and exits 0
nogrant() {
  cat > "$T/in"
  "$L" < "$T/in" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" != 0 ] || [ -s "$T/err" ]; then notok "$1" "exit $rc" "$(cat "$T/err")"; return; fi
  if [ -s "$T/out" ]; then notok "$1" "granted: $(head -3 "$T/out")"; return; fi
  ok "$1"
}

echo '--- other programs quoting a login line'
D='imap-login: Login: user=<x>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, mpid=1, session=<x>'
echo "Nov 23 21:30:00 mail sendmail[123]: wA1B2c3: from=<$D>, size=1, class=0, nrcpts=1, relay=[203.0.113.66]" | nogrant "sendmail line with a dovecot Login in from="
echo "Nov 23 21:30:00 mail postfix/smtpd[123]: NOQUEUE: reject: RCPT from unknown[203.0.113.66]: 554 5.7.1 <x@y>: Relay access denied; from=<dovecot: $D> to=<x@y> proto=ESMTP helo=<x>" | nogrant "postfix reject line with dovecot: and Login in from= (CVE-2013-7176 class)"
echo 'Nov 23 21:30:00 mail sendmail[123]: wA1B2c3: from="POP login by user \"admin\" at (203.0.113.66) 203.0.113.66"@example.org, size=1' | nogrant "sendmail line with a qpopper phrase (CVE-2001-1075 class)"
echo 'Nov 23 21:30:00 mail postfix/cleanup[9]: 4711: warning: header Subject: pop3d: LOGIN, user=x, ip=[203.0.113.66], port=[1] from unknown[203.0.113.66]' | nogrant "postfix header warning with a courier LOGIN"
echo "Nov 23 21:30:00 mail eve: $D" | nogrant "logger -t eve with a dovecot login text"
echo "Nov 23 21:30:00 mail eve[77]: dovecot: $D" | nogrant "a tag 'eve' and 'dovecot:' in the message"
echo "Nov 23 21:30:00 mail imap-login: Info: Login: user=<x>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, mpid=1" | nogrant "imap-login tag with a syslog host (dovecot's tag in syslog is dovecot)"
echo "Nov 23 21:21:32 pop3(x imap-login: Info: Login: user=<z>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, )<18767><Jx+FLfhg8cV/AAAk>: Info: Disconnected: Logged out" | nogrant "dovecot log file: a user name with spaces cannot make a tag"
echo "Nov 23 21:21:32 pop3(x dovecot: imap-login: Login: user=<z>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, )<18767><J>: Info: Disconnected" | nogrant "dovecot log file: nor a host and a tag"
echo "@400000006b04ae9d2f891334 DEBUG: LOGIN, user=x, ip=[203.0.113.66], port=[1]" | nogrant "courier stderr: only INFO: lines"
echo "Nov 23 21:30:00 mail INFO: LOGIN, user=x, ip=[203.0.113.66], port=[1]" | nogrant "courier: an INFO tag with a syslog host is not courier's stderr"

echo "2026-11-23T21:30:00+00:00 vm eve[77] dovecot: $D" | nogrant "a colon-less tag 'eve' and 'dovecot:' in the message"
echo "2026-11-23T21:30:00+00:00 vm eve dovecot[1] $D" | nogrant "a colon-less tag is the first token only"
echo "@400000006b04ae9d2f891334 dovecot[1] $D" | nogrant "no colon-less tag without a syslog stamp and host"
echo "Nov 23 21:30:00 imap-login Info: Login: user=<x>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, mpid=1" | nogrant "a colon-less imap-login after a stamp is a host, not dovecot's tag"

echo '--- envelopes (socklog, svlogd, journalctl, BusyBox, FreeBSD, Solaris): read from the start only, once each'
# D is dovecot's text: each line below would grant if an envelope inside
# the message were read as the logger's
E='Nov 23 21:30:00'
S='2026-11-23_21:30:00.12345'
A='@400000006b04ae9d2f891334'
printf '%s\n' \
  "$E vm eve: mail.info: $E dovecot: $D" \
  "mail.info: $E eve: mail.info: $E dovecot: $D" \
  "$A mail.info: eve[1]: mail.info: dovecot: $D" \
  "$S mail.info: $E eve: $S mail.info: $E dovecot: $D" \
  "$S eve: $S dovecot: $D" \
  "mail.info: mail.info: $E dovecot: $D" \
  "$A $A dovecot: $D" \
  "$S $A mail.info: eve: dovecot: $D" \
  | nogrant "socklog, svlogd: a FAC.PRI: or a stamp in the message is message"
printf '%s\n' \
  "$E <mail.info> vm eve: <mail.info> vm dovecot: $D" \
  "$E <2.6> vm eve[1]: <2.6> vm dovecot: $D" \
  "$E vm <mail.info> dovecot: $D" \
  "<mail.info> $E vm dovecot: $D" \
  "<mail.info> dovecot: $D" \
  "$E <mail.info> <mail.info> vm dovecot: $D" \
  "$E <24.6> vm dovecot: $D" \
  "$E <2.8> vm dovecot: $D" \
  "$E <mail.bogus> vm dovecot: $D" \
  | nogrant "FreeBSD -v/-vv: <FAC.PRI> only after the stamp, before the host, once, with syslog's names"
printf '%s\n' \
  "$E vm mail.info eve: mail.info dovecot: $D" \
  "$E vm eve mail.info dovecot: $D" \
  "mail.info dovecot: $D" \
  "$E vm mail.info mail.info dovecot: $D" \
  "$E (none) mail.info eve: (none) mail.info dovecot: $D" \
  "$E (none) eve: $E (none) dovecot: $D" \
  "$E (nonex) dovecot: $D" \
  "$E vm mail.bogus dovecot: $D" \
  | nogrant "BusyBox: FAC.PRI only after the host, once; (none) the only host in parentheses"
printf '%s\n' \
  "$E vm eve[1]: [ID 702911 mail.info] dovecot: $D" \
  "$E vm dovecot: [ID 702911 mail.info] [ID 702911 mail.info] $D" \
  "$E vm dovecot: x [ID 702911 mail.info] $D" \
  "$A dovecot: [ID 702911 mail.info] $D" \
  "$E vm dovecot: [ID 702911 mail.bogus] $D" \
  "$E vm dovecot: [ID x mail.info] $D" \
  | nogrant "Solaris: [ID n FAC.PRI] only at the start of the message, once, after a syslog stamp"
printf '%s\n' \
  "$E vm dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<mail.info: $E dovecot: imap-login: Login: user=<a>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1,>, rip=127.0.0.5, lip=127.0.0.1" \
  "mail.info: $E dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<> [ID 1 mail.info] <mail.info> vm dovecot: imap-login: Login: user=<a>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1,>, rip=127.0.0.5, lip=127.0.0.1" \
  | nogrant "a failed login whose user name is an envelope and a login"
printf '%s\n' \
  "Nov 23 21:30:00.5x vm dovecot: $D" \
  "Nov 23 21:30:00. vm dovecot: $D" \
  "Nov 3  21:30:00 vm dovecot: $D" \
  "2026-11-23_21:30:00.1234 dovecot: $D" \
  "2026-11-23_21:30:00.123456 dovecot: $D" \
  | nogrant "broken stamps: no envelope, no tag"

echo '--- failed logins whose user name is another success line'
printf '%s\n' \
  'Nov 23 21:30:00 mail dovecot: imap-login: Disconnected (auth failed, 1 attempts in 2 secs): user=<x>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1, mpid=1>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1' \
  'Nov 23 21:30:00 mail dovecot: imap-login: Aborted login (auth failed, 1 attempts): user=<Login: user=<a>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1,>, rip=127.0.0.5, lip=127.0.0.1' \
  'Nov 23 21:30:00 mail pop3d: LOGIN FAILED, user=LOGIN, user=x, ip=[203.0.113.66], port=[1], ip=[::ffff:127.0.0.5], port=[2]' \
  'Nov 23 21:30:00 mail cyrus/imap[1]: badlogin: localhost [127.0.0.5] plaintext login: localhost [203.0.113.66] eve plaintext User logged in SASL(-13): authentication failure' \
  'Nov 23 21:30:00 mail imapd[1]: Login failed user=Login user=x host=[203.0.113.66] auth=x host=[127.0.0.5]' \
  'Nov 23 21:30:00 mail popa3d[1]: Authentication failed for x -- [203.0.113.66]' \
  'Nov 23 21:30:00 mail solid-pop3d[1]: authentication failed for user user x authenticated - 203.0.113.66 - 127.0.0.5' \
  'Nov 23 21:30:00 mail pop3d[1]: user `x'"'"' logged in with mailbox `y'"'"' (1 messages)'"'"': authentication failed' \
  'Nov 23 21:30:00 mail perdition[1]: Auth: 127.0.0.5:1->127.0.0.1:110 client-secure=plaintext authorisation_id=NONE authentication_id="x status=\"ok\"" server="1.1.1.1:110" protocol=POP3 server-secure=plaintext status="failed"' \
  'Nov 23 21:30:00 mail vpopmail[1]: vchkpw-pop3: password fail login [x] from 203.0.113.66' \
  | nogrant "failed logins never grant, whatever the user name says"
echo 'Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<x>, method=PLAIN, rip=203.0.113.66, lip=1.1.1.1>, method=PLAIN, rip=300.1.1.1, lip=127.0.0.1, mpid=1' | nogrant "dovecot: a bad rip is not replaced by one in the user name"
echo 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], port=[1], protocol=IMAP, ip=[300.1.1.1], port=[2], protocol=IMAP' | nogrant "courier: a bad ip is not replaced by one in the user name"
echo '@400000006b04ae9d2f891334 INFO: LOGIN, user=x, ip=[203.0.113.66], ip=[127.0.0.5]' | nogrant "courier old form: two ip= fields are refused"
echo 'Nov 23 21:30:00 mail popa3d[555]: Authentication passed for x -- [203.0.113.66] y' | nogrant "popa3d: no address of the user's without a connect line"
echo 'Nov 23 21:30:00 mail perdition: Auth:2.0.2.3-> status="ok"' | nogrant "perdition: Auth: without its space is not perdition's line (make fuzz, fuzz/regress)"

echo '--- dovecot: a newline in a user name (tests/fixtures/dovecot/README)'
# the mail process writes the name raw; dovecot's log process makes the
# text after the newline a line of its own, under the mail process's
# "pop3: Error: " (or imap's): a Login: that dovecot's login process never wrote
N='Login: user=<z>, method=PLAIN, rip=203.0.113.66, lip=127.0.0.1, mpid=1, session=<x>)<30857><2omGbvhg+dx/AAAn>: '
for lvl in 'Error: ' 'Info: ' 'Warning: ' ''; do
  for p in pop3 imap; do
    for l in pop3-login imap-login; do
      printf '%s\n' \
        "Nov 23 21:39:42 $p: $lvl$l: $N" \
        "Nov 23 21:39:50 vm dovecot: $p: $lvl$l: $N" \
        "@400000006b04b2b729c5f264 Nov 23 21:39:57 $p: $lvl$l: $N" \
        "@400000006b04b2b729c5f264 $p: $lvl$l: $N" \
        | nogrant "dovecot: '$p: $lvl$l: Login: ...' in the log file, syslog, multilog"
    done
  done
done

echo '--- mailutils daemon mode: the address line and the login, joined by session id'
Q="'"
MA='Nov 23 21:37:43 vm imap4d[18071]: 2ANLbiI8 127.0.0.41'
MOK="Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 user \`bob$Q logged in (source: system)"
printf '%s\n' "$MA" "$MOK" | "$L" > "$T/out"
check "the address line and the login grant (control)" "mailutils mailutils/imap 127.0.0.41" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' "$MA" "$MOK" "$MOK" | "$L" > "$T/out"
check "one address line grants one login" 1 "$(grep -c . "$T/out")"
printf '%s\n' "$MA" "Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 user \`a$Q 203.0.113.66 ip=[203.0.113.66] \`2ANLbiI9 203.0.113.66$Q logged in (source: system)" | "$L" > "$T/out"
check "a user name with quotes and addresses: the address line's address" "mailutils mailutils/imap 127.0.0.41" "$(cut -d' ' -f1-3 "$T/out")"
# (the lines of one host: a join never crosses hosts, tests/22-joins)
printf '%s\n' "$MA" 'Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 login failed: x' 'Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 203.0.113.66' "$MOK" \
  | nogrant "mailutils: a newline in a failed name cannot give the session another address"
printf '%s\n' "$MA" 'Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 203.0.113.66' "$MOK" \
  | nogrant "mailutils: a second address line for a session id spends it"
printf '%s\n' "$MA" 'Nov 23 21:37:43 vm imap4d[18071]: 2ANLbiI8 127.0.0.41' "$MOK" \
  | nogrant "mailutils: even the same address twice"
printf '%s\n' "$MOK" | nogrant "mailutils: a login without an address line"
printf '%s\n' 'Nov 23 21:37:43 vm imap4d[18071]: 2ANLbiI7 127.0.0.41' 'Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI7 login failed: 2ANLbiI8 203.0.113.66' "$MOK" \
  | nogrant "mailutils: a session id and an address inside a user name"
printf '%s\n' "${MA/imap4d/pop3d}" "$MOK" | nogrant "mailutils: pop3d's session id is not imap4d's"
printf '%s\n' "${MA/imap4d/eve}" "$MOK" | nogrant "mailutils: the address line under another tag"
printf '%s\n' "${MA/]: /]: x }" "$MOK" | nogrant "mailutils: the address line after other text"
printf '%s\n' "$MA" "${MOK/imap4d/eve}" | nogrant "mailutils: the login under another tag"
for sid in 2ZNLbiI8 2AWLbiI8 2A0LbiI8 2ANObiI8 2ANLyiI8 2ANLbzI8 2ANLbiI 2ANLbiI8x 2ANL-iI8 2ANL.iI8; do
  printf '%s\n' "${MA/2ANLbiI8/$sid}" "${MOK/2ANLbiI8/$sid}" | nogrant "mailutils: '$sid' is not a session id mu_sid writes"
done
for bad in '127.0.0.41 x' '127.0.0.41:110' ' 127.0.0.41' '[127.0.0.41]' '127.0.0.41.5'; do
  printf '%s\n' "${MA/127.0.0.41/$bad}" "$MOK" | nogrant "mailutils: address line '2ANLbiI8 $bad'"
done
printf '%s\n' 'Nov 23 10:00:00 vm pop3d[70]: 2ANLbhI0 127.0.0.31' \
  "Nov 23 12:00:00 vm pop3d[81]: 2ANLbhI0 user \`alice$Q logged in with mailbox \`/var/mail/alice$Q (0 messages)" \
  | nogrant "mailutils: an address line two hours before the login"
for fail in "user \`alice$Q: authentication failed" "user \`alice$Q nonexistent" \
  "user \`alice$Q tried to log in within the minimum allowed delay" "APOP failed for \`alice$Q" \
  'session ended for no user'; do
  printf '%s\n' 'Nov 23 21:37:43 vm pop3d[70]: 2ANLbhI0 127.0.0.31' "Nov 23 21:37:43 vm pop3d[81]: 2ANLbhI0 $fail" \
    "Nov 23 21:37:44 vm pop3d[81]: 2ANLbhI0 user \`alice$Q logged in with mailbox \`/var/mail/alice$Q (0 messages)" \
    | nogrant "mailutils: no login in the session after '$fail'"
done
printf '%s\n' 'Nov 23 21:37:43 vm pop3d[70]: 2ANLbhI0 127.0.0.31' \
  "Nov 23 21:37:43 vm pop3d[81]: 2ANLbhI0 user \`x$Q logged in with mailbox \`y$Q (1 messages)$Q: authentication failed" \
  | nogrant "mailutils: a failed name ending in a login's text"

echo '--- mailutils: failed names that write imap4d lines (tests/fixtures/mailutils/README)'
# on stderr a newline in a failed LOGIN's name starts a line of its own
# with the session id: the login's line, even the session's close, come
# before the failure's own end
ML='@400000006b04b232208927ac imap4d: 2ANLbiI8 127.0.0.41'
MN='@400000006b04b23220fe7ebc imap4d: 2ANLbiI8'
printf '%s\n' "$ML" "$MN user \`bob$Q logged in (source: system)" | nogrant "mailutils: imap4d on stderr: a login line grants nothing"
printf '%s\n' "$ML" "$MN user \`nosuch" "$MN user \`x$Q logged in (source: system)" "$MN zz$Q nonexistent" \
  | nogrant "mailutils: imap4d on stderr: the issue's failed name"
printf '%s\n' "$ML" "$MN user \`x$Q logged in (source: system)" "$MN session terminating for user: x" "$MN zz$Q nonexistent" \
  | nogrant "mailutils: imap4d on stderr: a forged login and close"
printf '%s\n' '@400000006b04b2321acc8ad4 pop3d: 2ANLbiT8 127.0.0.31' \
  "@400000006b04b2321b28acc4 pop3d: 2ANLbiT8 user \`alice$Q logged in with mailbox \`/var/mail/alice$Q (0 messages)" | "$L" > "$T/out"
check "pop3d on stderr still grants (control: a POP3 name holds no newline)" "mailutils mailutils/pop3 127.0.0.31" "$(cut -d' ' -f1-3 "$T/out")"
# in syslog a message longer than Mailutils' buffer comes in records of
# 2048 bytes or more, cut where the buffer was full: one can end with
# a login's text; only the last, which ends with the failure, is shorter
long=$(printf "user \`x$Q logged in (source: system)#0122ANLbiI8 %.0s" $(seq 1 50))
printf '%s\n' "$MA" "Nov 23 21:37:43 vm imap4d[18505]: 2ANLbiI8 user \`nosuchP#0122ANLbiI8 ${long}user \`x$Q logged in (source: system)" \
  | nogrant "mailutils: imap4d in syslog: a record cut from a long failed name"
printf '%s\n' '@400000006b04b233377457ac tcpserver: ok 18827 0:127.0.0.1:143 :127.0.0.41::33329' \
  "Nov 23 21:37:45 vm imap4d[18827]: ${long}user \`x$Q logged in (source: system)" \
  | nogrant "mailutils: imap4d in inetd mode: a record cut from a long failed name"
u=$(printf 'a%.0s' $(seq 1 256))
printf '%s\n' "$MA" "${MOK/bob/$u}" | "$L" > "$T/out"
check "imap4d in syslog: a 256-byte name still grants (control)" "mailutils mailutils/imap 127.0.0.41" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' "$MA" "${MOK/bob/${u}a}" | nogrant "mailutils: imap4d in syslog: a 257-byte name does not"

echo '--- solid-pop3d: the address after the last " - ", " authenticated" right before it'
printf '%s\n' 'Nov 23 21:35:32 vm solid-pop3d[5]: connect from 127.0.0.37' \
  'Nov 23 21:35:32 vm solid-pop3d[5]: user x authenticated - 203.0.113.66 authenticated - 127.0.0.37' | "$L" > "$T/out"
check "the real line of the user 'x authenticated - 203.0.113.66' grants 127.0.0.37 (control)" \
  "solid-pop3d solid-pop3d/pop3 127.0.0.37" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' 'Nov 23 21:35:32 vm solid-pop3d[5]: user x authenticated - 203.0.113.66 y - 127.0.0.37' \
  'Nov 23 21:35:32 vm solid-pop3d[6]: user x authenticated - 203.0.113.66 not found' \
  'Nov 23 21:35:32 vm solid-pop3d[7]: session ended for user x authenticated - 203.0.113.66 - 127.0.0.37' \
  'Nov 23 21:35:32 vm solid-pop3d[8]: authentication failed: no such user: x authenticated - 203.0.113.66 - 127.0.0.37' \
  'Nov 23 21:35:32 vm solid-pop3d[9]: APOP authentication failed for user x authenticated - 203.0.113.66 - 127.0.0.37' \
  | nogrant "solid-pop3d: other lines ending in ' - ADDR', whatever the name says"

echo '--- courier 4.x: "ip=[IP], protocol=IMAP" without port=, read from the end, one ip= only'
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[192.0.2.7], protocol=IMAP' | "$L" > "$T/out"
check "courier 4.x: the old IMAP form grants (control)" "courier courier/imap 192.0.2.7" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], ip=[192.0.2.7], protocol=IMAP' \
  'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[192.0.2.7], protocol=IMAP, y, ip=[203.0.113.66]' \
  'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], protocol=IMAP, ip=[192.0.2.7], protocol=IMAP' \
  | nogrant "courier 4.x: a user name with a second ip= leaves doubt"
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN FAILED, user=x, ip=[203.0.113.66], protocol=IMAP' \
  'Nov 23 21:30:00 mail imapd: LOGOUT, user=x, ip=[203.0.113.66], protocol=IMAP' \
  'Nov 23 21:30:00 mail imapd: DISCONNECTED, user=x, ip=[203.0.113.66], protocol=IMAP' \
  | nogrant "courier 4.x: failures and other lines in the old form"
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], protocol=' \
  'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], protoc' \
  'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.6' \
  'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], protocol=imap' \
  | nogrant "courier 4.x: cut lines and a protocol Courier does not write"
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[203.0.113.66], protocol=IMAP, starttls=1' \
  'Nov 23 21:30:00 mail pop3d: LOGIN, user=x, ip=[203.0.113.66], stls=1' \
  | nogrant "courier: stls=1 and starttls=1 only after port= (the versions that write them write it)"
printf '%s\n' 'Nov 23 21:30:00 mail imapd: LOGIN, user=x, ip=[192.0.2.7], port=[4], protocol=IMAP, starttls=1' | "$L" > "$T/out"
check "courier 5.2.6+: starttls=1 after port= still grants (control)" "courier courier/imap 192.0.2.7" "$(cut -d' ' -f1-3 "$T/out")"

echo '--- vm-pop3d 1.1.7f: "logged in from IP, nmsgs=N", the address right before the last nmsgs='
V='Nov 23 21:30:00 mail vm-pop3d[5]:'
printf '%s\n' "$V User 'x' logged in from 192.0.2.7, nmsgs=2" | "$L" > "$T/out"
check "vm-pop3d 1.1.7f: the login grants (control)" "vm-pop3d vm-pop3d/pop3 192.0.2.7" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' "$V User 'x' - failed auth, from=203.0.113.66" \
  "$V User 'x' logged in from 203.0.113.66, nmsgs=1' - failed auth, from=192.0.2.7" \
  "$V APOP User 'x' logged in from 203.0.113.66, nmsgs=1' - failed auth, from=192.0.2.7" \
  | nogrant "vm-pop3d 1.1.7f: a failed auth, whatever its user name says"
printf '%s\n' "$V Connect from 203.0.113.66" "$V User 'x' - failed auth, from=203.0.113.66" "$V User 'x' logged in" \
  | nogrant "vm-pop3d 1.1.7f: a failed auth forgets the connection"
printf '%s\n' "$V User 'x' logged in from 203.0.113.66, nmsgs=" "$V User 'x' logged in from 203.0.113.66, nms" \
  "$V User 'x' logged in from 203.0.113.66, nmsgs=1x" "$V User 'x' logged in from 203.0.113.66, nmsgs=1, nmsgs=2" \
  "$V User 'x' logged in from localhost, nmsgs=0" "$V User 'x' logged in from 203.0.113.66 , nmsgs=0" \
  | nogrant "vm-pop3d 1.1.7f: cut lines, a second nmsgs=, and no address"
printf '%s\n' "$V Session ended for user: 'x' from 203.0.113.66, nmsgs=3, ndel=0" "$V Session ended for no user from 203.0.113.66" \
  "Nov 23 21:30:00 mail eve[5]: User 'x' logged in from 203.0.113.66, nmsgs=2" \
  | nogrant "vm-pop3d 1.1.7f: session ends and another tag"

echo '--- dovecot proxy/director: proxy(U) and user=<U> agree, Dovecot'"'"'s text between, the address from the last rip='
P='Nov 23 21:30:00 mail dovecot: imap-login:'
PT=', method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, TLS, session=<AbCd>'
printf '%s\n' "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs): user=<x>$PT" "$P proxy(x): started proxying to 10.0.0.2:143: user=<x>$PT" | "$L" > "$T/out"
check "dovecot proxy: 2.3.13+ and 2.0-2.3.12 success lines grant (control)" "dovecot dovecot/imap 192.0.2.7
dovecot dovecot/imap 192.0.2.7" "$(cut -d' ' -f1-3 "$T/out")"
A=', method=PLAIN, rip=203.0.113.66, lip=192.0.2.1'
printf '%s\n' \
  "$P proxy(x): started proxying to h:1: user=<x): Login failed to 10.0.0.2:143: NO: user=<x): started proxying to h:1: user=<x>$A" \
  "$P proxy(x,h:1): Started proxying to h (0.001 secs): user=<x,10.0.0.2:143): Login failed to <10.0.0.2> (0.010 secs): NO: user=<x,h:1): Started proxying to h (0.001 secs): user=<x>$A" \
  "$P proxy(x): Login failed to 10.0.0.2:143: started proxying to 1.1.1.1:1: user=<x>$A" \
  "$P proxy(x,10.0.0.2:143): Login failed to <10.0.0.2> (0.010 secs): Started proxying to <1.1.1.1> (0.001 secs): user=<x>$A" \
  | nogrant "dovecot proxy: failed proxy logins whose user name holds the success text"
printf '%s\n' \
  "$P proxy(x): started proxying to 10.0.0.2:143: user=<y>$A" \
  "$P proxy(xy): started proxying to 10.0.0.2:143: user=<y>$A" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs): user=<xx>$A" \
  "$P proxy(): started proxying to 10.0.0.2:143: user=<>$A" \
  | nogrant "dovecot proxy: proxy(U) and user=<U> must be one name"
printf '%s\n' \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2>: user=<x>$A" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.01 secs): user=<x>$A" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs, x reconnects): user=<x>$A" \
  "$P proxy(x): started proxying to 10.0.0.2:143 now: user=<x>$A" \
  "$P proxy(x): started proxying to 10.0.0.2:143 (master m) x: user=<x>$A" \
  "$P proxy(x): started proxying to : user=<x>$A" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs): user=<x>, method=PLAIN, rip=203.0.113.66" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs): user=<x>, method=PLAIN, rip=203.0.113.6" \
  "$P proxy(x,10.0.0.2:143): Started proxying to <10.0.0.2> (0.012 secs): user=<x" \
  "$P proxy(x,10.0.0.2:143): Started proxying" \
  "$P proxy(x,10.0.0.2 143): Started proxying to <10.0.0.2> (0.012 secs): user=<x>$A" \
  "$P proxy(x): Started proxying to 10.0.0.2:143: user=<x>$A" \
  "$P proxy(x,10.0.0.2:143): started proxying to <10.0.0.2> (0.012 secs): user=<x>$A" \
  | nogrant "dovecot proxy: not Dovecot's text, cut lines, each form's own capital"
printf '%s\n' "Nov 23 21:30:00 mail eve: imap-login: proxy(x): started proxying to 10.0.0.2:143: user=<x>$A" \
  "Nov 23 21:30:00 mail imap-login: proxy(x): started proxying to 10.0.0.2:143: user=<x>$A" \
  "Nov 23 21:30:00 mail dovecot: imap-login: Disconnected: user=<proxy(x): started proxying to 10.0.0.2:143: user=<x>$A" \
  | nogrant "dovecot proxy: another tag, a host with imap-login, the text inside another message's user name"

# the shapes real proxies wrote (tests/fixtures/dovecot/*proxy-logfile):
# a wrong password through the proxy, and the end of a proxied session,
# each with a name that holds the success text of the other form
N23='x,127.0.0.1:1): Started proxying to <127.0.0.1> (0.001 secs): user=<x'
N24='x,127.0.0.1:1): Started proxying to remote host (0.001 secs): user=<x'
F=', method=PLAIN, rip=203.0.113.66, lip=127.0.0.1, session=<AbCd>'
printf '%s\n' \
  "Dec 04 03:30:02 pop3-login: Info: Disconnected: Aborted login by logging out (proxy dest auth failed): user=<$N23>$F" \
  "Dec 04 03:30:02 pop3-login: Info: proxy($N23,127.0.0.1:1): Disconnected by server (0s idle, in=1, out=1): user=<$N23>$F" \
  "Dec 04 03:33:28 pop3-login: Info: Login aborted: Logged out (proxy dest authentication failure, 1/1 successful auths in 0 secs) (proxy_dest_auth_failed): user=<$N24>$F" \
  "Dec 04 03:33:28 imap-login: Info: proxy($N24,127.0.0.1:1): Disconnected by server (0s idle, in=1, out=1): user=<$N24>$F" \
  | nogrant "dovecot proxy: 2.3's and 2.4's proxy failures and session ends, a name holding the success text"

echo '--- tcpserver through logger -t NAME: "tcpserver: " first in the message, under any tag but tcpserver'
OKL='Nov 23 21:30:38 vm popa3d: tcpserver: ok 5740 0:127.0.0.1:110 :127.0.0.31::48499'
PA='Nov 23 21:30:39 vm popa3d[5740]: Authentication passed for alice'
printf '%s\n' "$OKL" "$PA" | "$L" > "$T/out"
check "logger -t popa3d: tcpserver's ok line joins popa3d's login (control)" "popa3d popa3d/pop3 127.0.0.31" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' "${OKL/popa3d:/anyname[77]:}" "$PA" | "$L" > "$T/out"
check "logger -t anyname with a pid (journalctl): the same join (control)" "popa3d popa3d/pop3 127.0.0.31" "$(cut -d' ' -f1-3 "$T/out")"
printf '%s\n' "${OKL/popa3d:/tcpserver:}" "$PA" | nogrant "tcpserver: tcpserver: ok ...: tcpserver's tag with its prefix twice is no tcpserver line"
printf '%s\n' "${OKL/tcpserver: ok/x tcpserver: ok}" "${OKL/tcpserver: ok/tcpserver:  ok}" "${OKL/tcpserver: ok/tcpserver:ok}" \
  "${OKL/tcpserver: ok/Tcpserver: ok}" "${OKL/tcpserver: ok/tcpserver: tcpserver: ok}" "$PA" \
  | nogrant "logger: tcpserver's prefix only first in the message, exactly, once"
printf '%s\n' "${OKL% *}" "$PA" | nogrant "logger: an ok line cut before its remote field opens nothing"
printf '%s\n' "${OKL%:*}" "$PA" | nogrant "logger: an ok line cut before its port opens nothing"
printf '%s\n' "${OKL/ 5740 / 5740x }" "${OKL/ 5740 / }" "$PA" | nogrant "logger: an ok line without tcpserver's pid opens nothing"
printf '%s\n' "${OKL/ vm / vm2 }" "$PA" | nogrant "logger: the ok line of another syslog host joins nothing"
printf '%s\n' "$OKL" 'Nov 23 21:30:38 vm popa3d: tcpserver: end 5740 status 0' "${PA/:39 /:40 }" | nogrant "logger: tcpserver's end line through logger closes the connection"
printf '%s\n' "$OKL" 'Nov 23 21:30:38 vm popa3d: tcpserver: deny 5740 0:127.0.0.1:110 :127.0.0.31::48499' "${PA/:39 /:40 }" | nogrant "logger: tcpserver's deny line through logger closes the connection"
printf '%s\n' "$PA" "$OKL" | nogrant "logger: an ok line after the login joins nothing"
printf '%s\n' "$OKL" 'Nov 23 21:30:39 vm popa3d[5740]: Authentication failed for alice' 'Nov 23 21:30:39 vm popa3d[5740]: Authentication passed for tcpserver: ok 5740 0:127.0.0.1:110 :203.0.113.66::1' \
  | nogrant "logger: a failed login forgets the connection, and a user name with tcpserver's text opens none"
printf '%s\n' 'Nov 23 21:30:38 vm popa3d: tcpserver: ok 5740 0:127.0.0.1:110 :203.0.113.66::48499 x' "$PA" | nogrant "logger: text after tcpserver's remote field opens nothing"
printf '%s\n' 'Nov 23 21:30:38 vm cucipop[9]: tcpserver: ok 5740 0:127.0.0.1:110 :203.0.113.66::1 192.0.2.7 0, 0 (0), 0 (0)' "$PA" | "$L" > "$T/out"
check "logger: a cucipop user named like tcpserver's ok line opens no connection (cucipop's counters end its line): only cucipop's own login" \
  "cucipop cucipop/pop3 192.0.2.7" "$(cut -d' ' -f1-3 "$T/out")"

echo '--- invalid and partial addresses in every format'
"$L" -L > "$T/formats"
for bad in 300.1.1.1 1.2.3 1.2.3.4.5 01.2.3.4 1.2.3.45a fe80::1%eth0 ::ffff:1.2.3.4.5 1:2:3:4:5:6:7:8:9 ::ffff:300.1.1.1 '' 1.2.3.4/24; do
  while read -r f; do
    "$L" -s "$f" | sed "s|192\.0\.2\.7|$bad|g" > "$T/in"
    nogrant "$f: address '$bad' refused" < "$T/in"
  done < "$T/formats"
done

echo '--- every sample, quoted by another program or under another tag'
while read -r f; do
  "$L" -s "$f" | sed 's/^/Nov 23 21:30:00 mail sendmail[99]: x: from=</; s/$/>/' | nogrant "$f: sample inside a sendmail line"
  "$L" -s "$f" | sed -E 's/^((@[0-9a-f]+ )?([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} )?(mail )?)[^ ]+: /\1eve: /' | nogrant "$f: sample under the tag eve"
  # cyrus/ then any name is Cyrus' (a listener's name): its longer tags are below
  [ "$f" = cyrus ] ||
  "$L" -s "$f" | sed -E 's/^((@[0-9a-f]+ )?([A-Z][a-z]{2} [ 0-9][0-9] [0-9:]{8} )?(mail )?)([^ []+)/\1\5x/' | nogrant "$f: sample under a longer tag"
done < "$T/formats"

echo '--- NUL, CR, cut and long lines'
S='Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<x>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=1'
printf '%s\n' "$S" | "$L" > "$T/out"; check "the untouched line grants (control)" "dovecot dovecot/imap 127.0.0.5" "$(cut -d' ' -f1-3 "$T/out")"
printf 'Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<x\0>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=1\n' | nogrant "NUL byte in a login line"
printf '%s\r\n' "$S" | nogrant "CR at the end of a login line"
printf 'Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<x\r>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=1\n' | nogrant "CR inside a login line"
for cut in 60 70 80 85 90; do printf '%s\n' "${S:0:$cut}" | nogrant "line cut after $cut bytes"; done
printf '%s' "$S" | nogrant "last line without its newline"
long=$(head -c 20000 /dev/zero | tr '\0' a)
printf 'Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1, mpid=1\n' "$long" | nogrant "20000-byte login line is dropped whole"
{ printf 'Nov 23 21:30:00 mail dovecot: imap-login: Login: user=<%s' "$long"; printf '>, method=PLAIN, rip=127.0.0.5, lip=127.0.0.1\n%s\n' "$S"; } | "$L" > "$T/out"
check "the line after a dropped overlong line is read" 1 "$(grep -c '127\.0\.0\.5' "$T/out")"
head -c 3000000 /dev/zero | tr '\0' x | nogrant "3 MB without a newline"

echo '--- random bytes, and everything above under valgrind'
head -c 200000 /dev/urandom > "$T/random"
nogrant "200 kB of random bytes" < "$T/random"
if needcmd valgrind; then
  { cat "$T/random"; "$L" -L | while read -r f; do "$L" -s "$f"; "$L" -s "$f" | sed 's|192\.0\.2\.7|fe80::1%eth0|'; done; printf '%s\r\n' "$S"; } > "$T/vg.in"
  valgrind -q --error-exitcode=99 "$L" -v < "$T/vg.in" > /dev/null 2> "$T/vg.err"; rc=$?
  check "valgrind finds no memory error (exit $rc)" 0 "$rc"
else
  skip "logtool under valgrind" "valgrind is not installed (apt package valgrind)"
fi

echo '--- tpop3d: user names around the address in its id string'
# tpop3d writes "fork_child: [FD]USER(IP): began session for `USER' with
# AUTH; child PID is N": the name twice, the address between.  tp USER
# IP: the line as tpop3d writes it for USER logged in from IP.
tp() { printf 'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]%s(%s): began session for `%s'"'"' with pam; child PID is 4242\n' "$1" "$2" "$1"; }
for u in 'x(203.0.113.66): began session for `x' \
         'x(203.0.113.66): began session for `x(203.0.113.66): began session for `x' \
         '(203.0.113.66): began session for `' \
         'a(203.0.113.66)' '(203.0.113.66' "x' with pam; child PID is 1" \
         "x(203.0.113.66): began session for \`x' with pam; child PID is 1" \
         '): began session for `(203.0.113.66' '(::ffff:203.0.113.66)' ''; do
  tp "$u" 192.0.2.9 | "$L" > "$T/out"
  check "tpop3d: user '$u' grants the address tpop3d wrote" "192.0.2.9" "$(cut -d' ' -f3 "$T/out")"
done
printf '%s\n' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): began session for `v'"'"' with pam; child PID is 4242' \
  | nogrant "tpop3d: two different names around the address are no line of tpop3d's"
printf '%s\n' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): began session for `u'"'"' with pam; child PID is 4242 x' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): began session for `u'"'"' with p m; child PID is 4242' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): began session for `u'"'"' with pam; child PID is ' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: 7]u(203.0.113.66): began session for `u'"'"' with pam; child PID is 4242' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66 ): successfully authenticated with pam' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): successfully authenticated with pam x' \
  'Nov 23 21:30:00 mail tpop3d[601]: authcontext_new_user_pass: began session for `u(203.0.113.66)'"'"' with pam; uid 1, gid 1' \
  'Nov 23 21:30:00 mail tpop3d[601]: connection_do: client `[8]192.0.2.62/x'"'"': username `u'"'"': fork_child: [7]u(203.0.113.66): successfully authenticated with pam' \
  'Nov 23 21:30:00 mail tpop3d[601]: fork_child: [7]u(203.0.113.66): began session for `u'"'"' with pa' \
  | nogrant "tpop3d: a changed end, a cut line, another message, no [fd]"

echo '--- uw: a login line with no "[" before its final "]" (make fuzz found a read out of bounds: readlog died of it)'
printf '%s\n' 'imapd: Login user=2.0.2.7]' | nogrant "uw: no [address], only its ] at the end"
printf '%s\n' 'Dec  3 18:00:00 mail imapd[4242]: Login user=2.0.2.7]' | nogrant "uw: the same through syslog"
printf '%s\n' 'Dec  3 18:00:00 mail imapd[4242]: Login user=2.0.2.7]' > "$T/uw.log"
checkrun "readlog reads it and goes on" 0 'readlog: info: lines 1 logins 0 skipped: toolong 0 cut 0 refused 1 nologin 0' readlog -1 -n "$T/uw.log"
echo '--- cyrus: any listener name under cyrus/, any prefix before a usual name (syslog_prefix)'
# grantsas WHAT SOURCE: stdin grants exactly one login, from SOURCE, of 192.0.2.9 for alice
grantsas() {
  "$L" > "$T/out" 2> "$T/err"; local rc=$?
  if [ "$rc" != 0 ] || [ -s "$T/err" ]; then notok "$1" "exit $rc" "$(cat "$T/err")"; return; fi
  check "$1" "cyrus $2 192.0.2.9 1795469400 alice" "$(cat "$T/out")"
}
C='login: [192.0.2.9] alice plaintext User logged in SESSIONID=<cyrus-1-2-3>'
for t in cyrus/imap6:cyrus/imap cyrus/imaps-v6:cyrus/imap cyrus/pop3-internal:cyrus/pop3 cyrus/pops:cyrus/pop3 \
         cyrus/sieve:cyrus/other cyrus/lmtpunix:cyrus/other mail/imap:cyrus/imap site-a/pop3s:cyrus/pop3 cyrus/x/imap:cyrus/imap; do
  echo "Nov 23 21:30:00 mail ${t%%:*}[1]: $C" | grantsas "cyrus: tag ${t%%:*} is source ${t#*:}" "${t#*:}"
done
for t in imap6 pop3x eve /imap cyrusx/imapx cyrus-imap cyrus mail/imap6 imap/eve dovecot; do
  echo "Nov 23 21:30:00 mail $t[1]: $C" | nogrant "cyrus: tag '$t' is not Cyrus' (a bare unusual name is any program's)"
done
echo "Nov 23 21:30:00 mail cyrus/[1]: $C" | nogrant "cyrus: an empty listener name"
printf '%s\n' \
  'Nov 23 21:30:00 mail cyrus/imap6[1]: badlogin: [127.0.0.5] plaintext login: [203.0.113.66] eve plaintext User logged in' \
  'Nov 23 21:30:00 mail cyrus/imap6[1]: login: [127.0.0.5 login: [203.0.113.66] eve plaintext User logged in' \
  'Nov 23 21:30:00 mail cyrus/pop3x[1]: x login: [203.0.113.66] eve plaintext User logged in' \
  | nogrant "cyrus: a new listener name reads the line as the usual names do"

echo '--- vchkpw: the service names vchkpw writes, and no other'
for n in pop3s:vchkpw/pop3 imaps:vchkpw/imap 2110:vchkpw/other; do
  echo "Nov 23 21:30:00 mail vpopmail[1]: vchkpw-${n%%:*}: (PLAIN) login success x@y:192.0.2.9" > "$T/in"
  check "vchkpw: vchkpw-${n%%:*} is source ${n#*:}" "vchkpw ${n#*:} 192.0.2.9 1795469400 x@y" "$("$L" < "$T/in" 2>&1)"
done
for n in smtp smtps submission webmail pop3x eve 0110 123456 '' 'pop3 x' 'imap:' ; do
  echo "Nov 23 21:30:00 mail vpopmail[1]: vchkpw-$n: (PLAIN) login success x@y:192.0.2.9" | nogrant "vchkpw: vchkpw-'$n' is not a service vchkpw logs as a POP or IMAP login"
done
printf '%s\n' \
  'Nov 23 21:30:00 mail vpopmail[1]: vchkpw-pop3s: password fail vchkpw-pop3: (PLAIN) login success x@y:203.0.113.66' \
  'Nov 23 21:30:00 mail vpopmail[1]: vchkpw-imaps: system password fail x vchkpw-pop3: system password login success x:203.0.113.66' \
  'Nov 23 21:30:00 mail vpopmail[1]: vchkpw-smtp: (PLAIN) login success vchkpw-pop3: (PLAIN) login success x@y:203.0.113.66' \
  'Nov 23 21:30:00 mail vpopmail[1]: vchkpw-webmail: (PLAIN) login success x@y:203.0.113.66' \
  'Nov 23 21:30:00 mail eve[1]: vchkpw-pop3s: (PLAIN) login success x@y:203.0.113.66' \
  'Nov 23 21:30:00 mail vpopmail[1]: x vchkpw-imaps: (PLAIN) login success x@y:203.0.113.66' \
  | nogrant "vchkpw: a failure, an SMTP or webmail line or another tag carrying a new service name's success"
