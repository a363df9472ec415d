#!/bin/bash
# A source in socklog's form ("FAC.PRI: " first) that holds a line of a
# server that logs a client's newline raw (doc/threat.html#newline):
# from that line on, readlog refuses every login and every line a
# format would read from it (tcpserver's too), says so once, naming the
# source and the server, and goes on reading its other sources.  Each
# tag of the table, the tag imapd by its words (Courier's lines do not
# count), the same lines without socklog's prefix (nothing to tell),
# and svlogd's and multilog's stamps before socklog's prefix.  The
# refusal outlasts a restart (the state directory's distrust.XXXXXXXX:
# written before the position passes the line, read at each start,
# never by -n; unreadable or unwritable, exit 111).
# tests/45-transports.t runs the real socklog.
. "$(dirname "$0")/lib.sh"

B=$(LC_ALL=C date '+%b %e %H:%M:%S')
SL="mail.info: $B"
# dovecot ADDR USER: a Dovecot syslog message
dovecot() { echo "dovecot: pop3-login: Logged in: user=<$2>, method=PLAIN, rip=$1, lip=127.0.0.1, mpid=1, session=<x>"; }
W() { echo "readlog: warning: refusing every login read from $1: it holds lines of $2 in socklog's form, where a client's newline is a line of its own (threat.html#newline)"; }
WHY="socklog wrote this source, and a server in it logs a client's newline raw"
ST=$(newstate)
# rl FILE...: readlog -1 -n -v, its grants "SOURCE ADDR USER" in $T/g,
# its warnings (not its info line) in $T/w, its info line in $T/i
rl() {
  readlog -1 -n -v -d "$ST" "$@" > "$T/out" 2> "$T/err"; rc=$?
  grep -v '^refused ' "$T/out" | awk '{ print $2, $3, $5 }' > "$T/g"
  grep -v '^readlog: info: ' "$T/err" > "$T/w"
  grep '^readlog: info: lines ' "$T/err" > "$T/i"
}

# --- the attack, and what is read before it
{
  echo "$SL $(dovecot 10.7.0.1 alice)"
  echo "$SL cyrus/imap[12]: client id sessionid=<x> userid=<>: \"name\" \"x"
  echo "$B vm $(dovecot 203.0.113.77 eve)\""
  echo "$SL $(dovecot 10.7.0.2 bob)"
  echo "$SL postfix/smtpd[3]: connect from client[10.7.0.3]"
} > "$T/attack"
rl "$T/attack"
check "socklog's form: exit 0" 0 "$rc"
check "the login before Cyrus' line is granted, none after it" "dovecot/pop3 10.7.0.1 alice" "$(cat "$T/g")"
check "one warning, naming the source and the server" "$(W "$T/attack" "Cyrus imapd")" "$(cat "$T/w")"
check "-v: every line after it that a format reads is refused, and why (Cyrus' own line too)" \
"refused cyrus ($WHY): $SL cyrus/imap[12]: client id sessionid=<x> userid=<>: \"name\" \"x
refused dovecot ($WHY): $B vm $(dovecot 203.0.113.77 eve)\"
refused dovecot ($WHY): $SL $(dovecot 10.7.0.2 bob)" "$(grep '^refused ' "$T/out")"
check "the counts: 3 refused, the postfix line nobody's login" \
  "readlog: info: lines 5 logins 1 skipped: toolong 0 cut 0 refused 3 nologin 1" "$(cat "$T/i")"

# --- every tag of the table, each with its server's name
while IFS='|' read -r tag msg name; do
  printf '%s\n' "$SL $tag[7]: $msg" "$SL $(dovecot 10.7.1.1 carol)" > "$T/one"
  rl "$T/one"
  check "tag $tag, '$msg': no grant after it, exit 0" "0 " "$rc $(cat "$T/g")"
  check "tag $tag: the warning names $name" "$(W "$T/one" "$name")" "$(cat "$T/w")"
done <<'EOF'
imap4d|user `x' nonexistent|Mailutils imap4d
gnu-imap4d|user `x' nonexistent|Mailutils imap4d
imap|client id sessionid=<x>: "a" "b|Cyrus imapd
cyrus/imap|badlogin: h [10.7.1.2] plaintext (x) invalid user|Cyrus imapd
cyrus/imaps|client id sessionid=<x>: "a" "b|Cyrus imapd
site/imap|client id sessionid=<x>: "a" "b|Cyrus imapd
site/imaps|client id sessionid=<x>: "a" "b|Cyrus imapd
site/imapd|client id sessionid=<x>: "a" "b|Cyrus imapd
imaps|Login failed user=x auth=x host=h [10.7.1.2]|Cyrus or UW imapd
imapsd|Login failed user=x auth=x host=h [10.7.1.2]|UW imapd
ipop3d|Login failed user=x auth=x host=h [10.7.1.2]|UW ipop3d
ipop3sd|Login failed user=x auth=x host=h [10.7.1.2]|UW ipop3d
pop3s|Login failed user=x auth=x host=h [10.7.1.2]|UW ipop3d
ipop2d|Login failed user=x auth=x host=h [10.7.1.2]|UW ipop2d
perdition|Auth: 10.7.1.2:1->10.7.1.1:143 client-secure=plaintext authorisation_id=NONE authentication_id="x|perdition
perdition.imap4|Auth: 10.7.1.2:1->10.7.1.1:143 client-secure=plaintext authorisation_id=NONE authentication_id="x|perdition
perdition.imap4s|Auth: 10.7.1.2:1->10.7.1.1:993 client-secure=ssl authorisation_id=NONE authentication_id="x|perdition
perdition.imaps|Auth: 10.7.1.2:1->10.7.1.1:993 client-secure=ssl authorisation_id=NONE authentication_id="x|perdition
imapd|Login failed user=x auth=x host=h [10.7.1.2]|Cyrus or UW imapd
imapd|Login user=x host=h [10.7.1.2]|Cyrus or UW imapd
imapd|AUTHENTICATE PLAIN failure host=h [10.7.1.2]|Cyrus or UW imapd
imapd|login: h [10.7.1.2] x plaintext User logged in SESSIONID=<x>|Cyrus or UW imapd
imapd|badlogin: h [10.7.1.2] plaintext (x) invalid user|Cyrus or UW imapd
imapd|client id sessionid=<x>: "a" "b|Cyrus or UW imapd
EOF

# --- lines that make no source untrusted: Courier's under imapd (it
# sends one message per line), Cyrus' pop3d, Mailutils' pop3d, and a
# tag that only begins like one of the table's
while IFS='|' read -r tag msg; do
  printf '%s\n' "$SL $tag[7]: $msg" "$SL $(dovecot 10.7.2.1 dave)" > "$T/one"
  rl "$T/one"
  check "tag $tag, '$msg': trusted, the login after it granted, no warning" "0 dovecot/pop3 10.7.2.1 dave|" "$rc $(cat "$T/g")|$(cat "$T/w")"
done <<'EOF'
imapd|LOGIN FAILED, user=x, ip=[::ffff:10.7.2.2], port=[1]
imapd|LOGOUT, user=x, ip=[::ffff:10.7.2.2], headers=0, body=0, rcvd=0, sent=0, time=0
imapd|Connection, ip=[::ffff:10.7.2.2]
imapd|Failed to connect to socket /tmp/fam-root-
imapd|login:x
cyrus/pop3|badlogin: h [10.7.2.2] plaintext (x) invalid user
pop3d|user `x' nonexistent
imap4dx|user `x' nonexistent
imapx|client id sessionid=<x>: "a" "b
perdition.pop3|Auth: 10.7.2.2:1->10.7.2.1:110 client-secure=plaintext authorisation_id=NONE authentication_id="x
EOF

printf '%s\n' "$SL imapd: LOGIN, user=x, ip=[::ffff:10.7.2.2], port=[1], protocol=IMAP" "$SL $(dovecot 10.7.2.1 dave)" > "$T/one"
rl "$T/one"
check "Courier's login under imapd: trusted, it and the login after it granted, no warning" \
  "0 courier/imap 10.7.2.2 x
dovecot/pop3 10.7.2.1 dave|" "$rc $(cat "$T/g")|$(cat "$T/w")"

# --- the same lines without socklog's prefix: rsyslog's form (it writes
# a newline as #012) or syslog-ng's default (it writes it raw), which
# cannot be told apart: nothing is distrusted (doc/install-syslog.html)
{
  echo "$B vm cyrus/imap[12]: client id sessionid=<x> userid=<>: \"name\" \"x"
  echo "$B vm $(dovecot 203.0.113.77 eve)\""
} > "$T/plain"
rl "$T/plain"
check "without socklog's prefix Cyrus' line distrusts nothing: the line after it grants (syslog-ng's default form, not supported with Cyrus)" \
  "0 dovecot/pop3 203.0.113.77 eve|" "$rc $(cat "$T/g")|$(cat "$T/w")"

# --- svlogd's and multilog's stamps before socklog's prefix
for stamp in "@400000006b11b8ca0aa307b4" "$(date -u '+%Y-%m-%d_%H:%M:%S').17855" "$(date -u '+%Y-%m-%dT%H:%M:%S').17855"; do
  printf '%s\n' "$stamp mail.info: $B imap4d[7]: user \`x' nonexistent" "$stamp mail.info: $B $(dovecot 10.7.3.1 erin)" > "$T/one"
  rl "$T/one"
  check "'$stamp mail.info: ': no grant after Mailutils' line" "0 " "$rc $(cat "$T/g")"
  check "'$stamp mail.info: ': the warning" "$(W "$T/one" "Mailutils imap4d")" "$(cat "$T/w")"
done

# --- tcpserver's lines in such a source are refused too: no pending
# connection from it, whatever another source of the same machine holds
{
  echo "$SL imap4d[7]: user \`x' nonexistent"
  echo "$SL popa3d: tcpserver: ok 5740 0:127.0.0.1:110 :203.0.113.78::48499"
  echo "$SL tcpserver: ok 5741 0:127.0.0.1:110 :203.0.113.79::48500"
} > "$T/tcp"
echo "$B vm popa3d[5740]: Authentication passed for x" > "$T/pop"
echo "$B vm popa3d[5741]: Authentication passed for y" >> "$T/pop"
rl -j vm "$T/tcp" "$T/pop"
check "-j: tcpserver's lines in the distrusted source open no connection: no grant" "0 " "$rc $(cat "$T/g")"
check "-j: the warning names that source only" "$(W "$T/tcp" "Mailutils imap4d")" "$(cat "$T/w")"
check "-v: Mailutils' line and both of tcpserver's refused (under a tag and as tcpserver, as the first format that reads them), and the logins find no connection" \
"refused mailutils ($WHY): $SL imap4d[7]: user \`x' nonexistent
refused popa3d ($WHY): $SL popa3d: tcpserver: ok 5740 0:127.0.0.1:110 :203.0.113.78::48499
refused popa3d ($WHY): $SL tcpserver: ok 5741 0:127.0.0.1:110 :203.0.113.79::48500
refused popa3d (no connection line with this pid): $B vm popa3d[5740]: Authentication passed for x
refused popa3d (no connection line with this pid): $B vm popa3d[5741]: Authentication passed for y" "$(grep '^refused ' "$T/out")"

# --- one source distrusted, the others read as before
printf '%s\n' "$SL imap4d[7]: user \`x' nonexistent" "$SL $(dovecot 10.7.4.1 frank)" > "$T/bad"
printf '%s\n' "$SL $(dovecot 10.7.4.2 gina)" > "$T/good"
rl "$T/bad" "$T/good"
check "two sources: the other one's login is granted" "0 dovecot/pop3 10.7.4.2 gina" "$rc $(cat "$T/g")"
check "two sources: one warning, for the distrusted one" "$(W "$T/bad" "Mailutils imap4d")" "$(cat "$T/w")"
sed 1d "$T/tcp" > "$T/tcp2"
rl -j vm "$T/tcp2" "$T/pop"
check "-j: without Mailutils' line the same tcpserver lines join those logins (what the refusal above stops)" \
  "0 popa3d/pop3 203.0.113.78 x
popa3d/pop3 203.0.113.79 y|" "$rc $(cat "$T/g")|$(cat "$T/w")"

# --- the refusal outlasts a restart: readlog writes distrust.XXXXXXXX
# (XXXXXXXX as for the source's cursor) before its position passes the
# line, and refuses the source at each start while the file is there
addrs() { "$TOP/tests/storetool" scan "$1" | cut -d' ' -f1 | sort | tr '\n' ' '; }
S=$(newstate)
cp "$T/attack" "$T/live"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "not a dry run: exit 0, the one warning" "0 $(W "$T/live" "Cyrus imapd")" "$rc $(grep -v '^readlog: info: ' "$T/err")"
check "the login before Cyrus' line is recorded, none after it" "10.7.0.1 " "$(addrs "$S")"
D=$(cd "$S" && ls distrust.* 2>/dev/null)
check "distrust.XXXXXXXX, XXXXXXXX the cursor's" "${D#distrust.}" "$(cd "$S" && ls cursor.* | sed 's/^cursor\.//')"
check "it names the server, one line" "Cyrus imapd" "$(cat "$S/$D")"
echo "$SL $(dovecot 10.7.5.1 hana)" >> "$T/live"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "a restart: exit 0, the warning names the file and the server" \
  "0 readlog: warning: refusing every login read from $T/live: $S/$D says it held lines of Cyrus imapd in socklog's form (remove it once none reach it: threat.html#newline)" \
  "$rc $(grep -v '^readlog: info: ' "$T/err")"
check "a restart: the new login after the position is refused" "10.7.0.1 " "$(addrs "$S")"
check "a restart: the new line is counted refused" "readlog: info: lines 1 logins 0 skipped: toolong 0 cut 0 refused 1 nologin 0" "$(grep '^readlog: info: ' "$T/err")"
echo junk > "$S/$D"
echo "$SL $(dovecot 10.7.5.2 ida)" >> "$T/live"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "an invalid file: still refused, and said" \
  "0 readlog: warning: refusing every login read from $T/live: $S/$D is invalid (threat.html#newline)" \
  "$rc $(grep -v '^readlog: info: ' "$T/err")"
check "an invalid file: nothing recorded" "10.7.0.1 " "$(addrs "$S")"
readlog -1 -n -d "$S" "$T/live" > "$T/out" 2> "$T/err"; rc=$?
check "-n does not read it: from the beginning, the login before Cyrus' line, the first warning only" \
  "0 dovecot/pop3 10.7.0.1 alice|$(W "$T/live" "Cyrus imapd")" "$rc $(awk '{ print $2, $3, $5 }' "$T/out")|$(grep -v '^readlog: info: ' "$T/err")"
check "-n does not write it either" "junk" "$(cat "$S/$D")"
rm -f "$S/$D"
echo "$SL $(dovecot 10.7.5.3 jo)" >> "$T/live"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "the file removed: the next login is recorded, no warning (Cyrus' line is behind the position)" \
  "0 10.7.0.1 10.7.5.3 |" "$rc $(addrs "$S")|$(grep -v '^readlog: info: ' "$T/err")"
mkdir "$S/$D"
echo "$SL imap4d[7]: user \`x' nonexistent" >> "$T/live"
echo "$SL $(dovecot 10.7.5.4 kim)" >> "$T/live"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "distrust.XXXXXXXX cannot be read: exit 111, one fatal line naming it" \
  "111 readlog: fatal: unable to read $S/$D: Is a directory" "$rc $(cat "$T/err")"
rmdir "$S/$D"
mkdir -p "$S/$D.tmp/x"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "distrust.XXXXXXXX cannot be written: exit 111, the warning, then one fatal line naming it" \
  "111 readlog: warning: refusing every login read from $T/live: it holds lines of Mailutils imap4d in socklog's form, where a client's newline is a line of its own (threat.html#newline)
readlog: fatal: unable to write $S/$D: Is a directory" "$rc $(cat "$T/err")"
check "and nothing after it is recorded" "10.7.0.1 10.7.5.3 " "$(addrs "$S")"
rm -r "$S/$D.tmp"
readlog -1 -d "$S" "$T/live" > /dev/null 2> "$T/err"; rc=$?
check "once it can be written, the next run refuses the rest and writes it" "0 10.7.0.1 10.7.5.3 |Mailutils imap4d" "$rc $(addrs "$S")|$(cat "$S/$D")"
