#!/bin/bash
# The real chains on loopback, the client perl's Net::POP3 from a distinct
# 127.0.0.x: tcpserver, logpopauth-pre (root), an authentication program
# that changes to the user's uid, logpopauth-post (as that uid), a POP3
# server on a real Maildir.
#  - mailfront's pop3front-auth with cvm's cvm-pwfile, pop3front-maildir
#    (Debian 12: mailfront and cvm are gone from Debian 13);
#  - the checkpassword interface, Debian 12 and 13: checkpw (Debian's;
#    the password in ~/Maildir/.password) behind tests/pop/popup, which
#    does qmail-popup's part (no front end that runs a checkpassword
#    program is packaged in Debian 13: no qmail-popup, no mailfront, and
#    Dovecot 2.4 dropped its checkpassword passdb), tests/pop/pop3d after;
#  - Dovecot's post-login script, logpopauth-post -D.
. "$(dirname "$0")/lib.sh"
PATH="$PATH:/usr/sbin:/sbin"

for p in logpopauth-pre logpopauth-post; do
  [ -x "$TOP/$p" ] || { notok "$p is not built"; exit 1; }
done
isroot || { skip "the real POP3 chain" "needs root: pop3front-auth and checkpw change to the user's uid"; exit 0; }
for c in tcpserver perl; do
  needcmd $c || { skip "the real POP3 chain" "$c is not installed (package/test installs it)"; exit 0; }
done
perl -MNet::POP3 -e 1 2>/dev/null || { skip "the real POP3 chain" "perl's Net::POP3 is missing"; exit 0; }

CVM=$(command -v cvm-pwfile)
UID_U=4242   # the POP user's uid: nobody else's

# the mail account: a password file for cvm-pwfile, a home, a Maildir
C="$T/chain"
mkdir -p "$C/home/Maildir/cur" "$C/home/Maildir/new" "$C/home/Maildir/tmp" "$C/fds"
printf 'From: a@example.org\nSubject: t\n\nhello\n' > "$C/home/Maildir/new/1000.1.test"
echo "alice:sekret:$UID_U:$UID_U:Alice:$C/home:/bin/false" > "$C/passwd"
chown -R $UID_U:$UID_U "$C/home" "$C/fds"
chmod 755 "$C"
export CVM_PWFILE_PATH="$C/passwd"

# the state directory: root's, mode 0700; the POP user cannot even look in
S="$C/state"
mkdir -m 700 "$S"

# server NAME PROG...: tcpserver on 127.0.0.1, port in $port, cwd $C (so
# the recorders it starts can be told from other tests' by their cwd),
# run by $WRAP if set
server() {
  local name=$1; shift
  ( cd "$C" && exec ${WRAP:-} tcpserver -1 -R -H -l0 127.0.0.1 0 "$@" ) > "$T/$name.port" 2> "$T/$name.log" &
  local pid=$!
  on_exit "kill $pid 2>/dev/null; wait $pid 2>/dev/null"
  waitfor 10 test -s "$T/$name.port" || return 1
  port=$(head -1 "$T/$name.port")
}

# pop FROM USER PASS: a POP3 session from 127.0.0.FROM: login, STAT, QUIT;
# prints "login ok N" (N messages) or "login failed"
pop() {
  perl -MNet::POP3 -e '
    my ($port, $from, $user, $pass) = @ARGV;
    my $p = Net::POP3->new("127.0.0.1", Port => $port, LocalAddr => $from, Timeout => 10)
      or die "no connection: $@\n";
    my $n = $p->login($user, $pass);
    if (defined $n) { my ($c) = $p->popstat; print "login ok $c\n" } else { print "login failed\n" }
    $p->quit;' "$port" "$1" "$2" "$3" 2>&1
}

# the recorders started from $C are all done (a zombie has no cwd)
norecorder() {
  local f p
  for f in /proc/[0-9]*/comm; do
    [ "$(cat "$f" 2>/dev/null)" = logpopauth-pre ] || continue
    p=${f%/comm}
    [ "$(readlink "$p/cwd" 2>/dev/null)" = "$C" ] && return 1
  done
  return 0
}

# grants ADDR [DIR]: the users granted for ADDR in the journal of DIR ($S)
grants() { awk -v a="$1" '$1 == "+" && $4 == a && NF == 7 { print $6 }' "${2:-$S}/journal" 2>/dev/null; }

# allowed ADDR [DIR]: what relaylock says of ADDR
allowed() {
  env -i PATH="$PATH" TCPREMOTEIP="$1" relaylock -d "${2:-$S}" \
    sh -c 'if [ "${RELAYCLIENT+x}" ]; then echo set:; else echo unset; fi' 2>&1
}

# the mailfront chain (Debian 12: mailfront and cvm are gone from Debian 13)
if needcmd pop3front-auth && needcmd pop3front-maildir && needcmd cvm-pwfile; then
  INNER="pop3front-maildir $C/home/Maildir"
  if ! server pop logpopauth-pre -d "$S" pop3front-auth "$CVM" logpopauth-post $INNER; then
    notok "tcpserver with the chain came up" "$(cat "$T/pop.log")"; exit 1
  fi

  echo "--- a login with the right password"
  check "127.0.0.51: POP3 login as alice, one message" "login ok 1" "$(pop 127.0.0.51 alice sekret)"
  waitfor 10 test -s "$S/journal"
  check "127.0.0.51: granted, as alice" "alice" "$(grants 127.0.0.51)"
  checkgrep "the record: source logpopauth/pop3, dur 0, a crc" \
    '^\+ [0-9]+ 0 127\.0\.0\.51 logpopauth/pop3 alice [0-9a-f]{8}$' "$S/journal"
  check "the state directory is still root's, mode 0700" "root 700" "$(stat -c '%U %a' "$S")"
  check "the journal is root's: the POP user wrote nothing there" "root" "$(stat -c %U "$S/journal")"
  checkgrep "post ran as the POP user (pop3front-maildir served)" 'pop3front-maildir\[[0-9]+\]: \+OK 1 ' "$T/pop.log"
  checknogrep "nothing from logpopauth on the server's stderr" 'logpopauth' "$T/pop.log"

  echo "--- a wrong password"
  check "127.0.0.52: wrong password refused" "login failed" "$(pop 127.0.0.52 alice wrong)"
  check "127.0.0.53: unknown user refused" "login failed" "$(pop 127.0.0.53 mallory sekret)"
  if waitfor 10 norecorder; then
    check "127.0.0.52: no grant once its recorder is done" "" "$(grants 127.0.0.52)"
    check "127.0.0.53: no grant once its recorder is done" "" "$(grants 127.0.0.53)"
  else
    notok "the recorders of the failed logins ended with their sessions"
  fi
  check "exactly one grant in all" "1" "$(grep -c '^+ ' "$S/journal")"

  echo "--- what relaylock and showallowed say"
  if [ -x "$TOP/relaylock" ]; then
    check "relaylock: 127.0.0.51 may relay" "set:" "$(allowed 127.0.0.51)"
    check "relaylock: 127.0.0.52 may not" "unset" "$(allowed 127.0.0.52)"
  else
    skip "relaylock: 127.0.0.51 may relay, .52 not" "relaylock is not built yet"
  fi
  if [ -x "$TOP/showallowed" ]; then
    showallowed -d "$S" > "$T/show" 2>&1
    checkgrep "showallowed: 127.0.0.51 (alice)" '127\.0\.0\.51.*alice' "$T/show"
    checknogrep "showallowed: not 127.0.0.52" '127\.0\.0\.52' "$T/show"
  else
    skip "showallowed: 127.0.0.51, not .52" "showallowed is not built yet"
  fi

  echo "--- the POP server inherits no descriptor our programs added (pre with -k: a pidfd too)"
  # the inner program lists its descriptors, then serves; sockets and pipes
  # are named by kind only (their inode differs per connection), and the
  # server's log file by its role
  cat > "$C/listfds" <<'EOF'
#!/usr/bin/perl
# listfds OUT NAME PROG...: writes this process's descriptors to OUT, then execs PROG
my ($out, $name, @prog) = @ARGV;
opendir my $d, "/proc/self/fd" or die "listfds: /proc/self/fd: $!\n";
my $own = fileno $d;
my @l;
for my $fd (sort { $a <=> $b } grep { /^\d+$/ && $_ != $own } readdir $d) {
  my $t = readlink("/proc/self/fd/$fd") // '?';
  $t =~ s/^(socket|pipe|anon_inode):.*/$1/;
  $t =~ s/\Q$name\E\.log$/SERVER.log/;
  push @l, "$fd $t\n";
}
closedir $d;
open my $o, '>', $out or die "listfds: $out: $!\n";
print $o @l;
close $o;
exec { $prog[0] } @prog or die "listfds: $prog[0]: $!\n";
EOF
  chmod 755 "$C/listfds"
  if server with logpopauth-pre -k -d "$S" pop3front-auth "$CVM" logpopauth-post "$C/listfds" "$C/fds/with" with $INNER &&
     check "with our programs: login ok" "login ok 1" "$(pop 127.0.0.54 alice sekret)" &&
     server without pop3front-auth "$CVM" "$C/listfds" "$C/fds/without" without $INNER &&
     check "without our programs: login ok" "login ok 1" "$(pop 127.0.0.55 alice sekret)"; then
    if [ -s "$C/fds/with" ] && [ -s "$C/fds/without" ]; then
      check "the same descriptors with and without logpopauth-pre/post" \
        "$(cat "$C/fds/without")" "$(cat "$C/fds/with")"
    else
      notok "the inner program listed its descriptors" "$(ls -l "$C/fds")"
    fi
    waitfor 10 sh -c "grep -q ' 127\.0\.0\.54 ' '$S/journal'"
    check "with the listing inner program: 127.0.0.54 granted too" "alice" "$(grants 127.0.0.54 | sort -u)"
  fi
else
  skip "the real POP3 chain with mailfront" "pop3front-auth, pop3front-maildir or cvm-pwfile is not installed (mailfront, cvm: Debian 12 only)"
fi

echo "--- the checkpassword chain: popup, Debian's checkpw, logpopauth-post"
# checkpw finds the user with getpwnam: tcpserver runs in a private mount
# namespace whose /etc/passwd is a copy with the user "carol" added
if ! needcmd checkpw || ! needcmd unshare; then
  skip "the checkpassword chain" "checkpw or unshare is not installed (package/test installs checkpw)"
else
  K="$C/checkpw"
  UID_K=4243
  mkdir -p "$K/home/Maildir/cur" "$K/home/Maildir/new" "$K/home/Maildir/tmp"
  printf 'From: a@example.org\nSubject: t\n\nhello\n' > "$K/home/Maildir/new/1000.2.test"
  printf 'From: a@example.org\nSubject: u\n\nhello\n' > "$K/home/Maildir/cur/1000.3.test:2,S"
  echo carols-pw > "$K/home/Maildir/.password"
  chmod 600 "$K/home/Maildir/.password"
  chown -R $UID_K:$UID_K "$K/home"
  { cat /etc/passwd; echo "carol:x:$UID_K:$UID_K:Carol:$K/home:/bin/sh"; } > "$K/passwd"
  printf '#!/bin/sh\nmount --bind "%s" /etc/passwd || exit 111\nexec "$@"\n' "$K/passwd" > "$K/ns"
  chmod 755 "$K/ns" "$K"
  S2="$K/state"
  mkdir -m 700 "$S2"
  WRAP="unshare -m --propagation private $K/ns"
  if ! server checkpw logpopauth-pre -d "$S2" "$TOP/tests/pop/popup" pop.test checkpw logpopauth-post "$TOP/tests/pop/pop3d" Maildir; then
    notok "tcpserver with the checkpassword chain came up" "$(cat "$T/checkpw.log")"
  else
    check "127.0.0.56: POP3 login as carol through checkpw, two messages" "login ok 2" "$(pop 127.0.0.56 carol carols-pw)"
    waitfor 10 test -s "$S2/journal"
    check "127.0.0.56: granted, as carol" "carol" "$(grants 127.0.0.56 "$S2")"
    checkgrep "the record: source logpopauth/pop3, dur 0, a crc" \
      '^\+ [0-9]+ 0 127\.0\.0\.56 logpopauth/pop3 carol [0-9a-f]{8}$' "$S2/journal"
    checkgrep "checkpw ran the server as carol, in her home" "^pop3d: info: login carol uid $UID_K, 2 messages\$" "$T/checkpw.log"
    check "the journal is root's: carol wrote nothing there" "root 700" "$(stat -c %U "$S2/journal") $(stat -c %a "$S2")"
    check "127.0.0.57: wrong password refused by checkpw" "login failed" "$(pop 127.0.0.57 carol wrong)"
    check "127.0.0.58: unknown user refused by checkpw" "login failed" "$(pop 127.0.0.58 mallory carols-pw)"
    if waitfor 10 norecorder; then
      check "127.0.0.57: no grant once its recorder is done" "" "$(grants 127.0.0.57 "$S2")"
      check "127.0.0.58: no grant once its recorder is done" "" "$(grants 127.0.0.58 "$S2")"
    else
      notok "the recorders of the failed checkpw logins ended with their sessions"
    fi
    check "exactly one grant in all" "1" "$(grep -c '^+ ' "$S2/journal")"
    if [ -x "$TOP/relaylock" ]; then
      check "relaylock: 127.0.0.56 may relay" "set:" "$(allowed 127.0.0.56 "$S2")"
      check "relaylock: 127.0.0.57 may not" "unset" "$(allowed 127.0.0.57 "$S2")"
    fi
    checknogrep "nothing from logpopauth on the server's stderr" 'logpopauth' "$T/checkpw.log"
    check "the machine's /etc/passwd was not touched" "" "$(grep '^carol:' /etc/passwd)"
  fi
  WRAP=""
fi

echo "--- Dovecot: logpopauth-post as a post-login script (the address in \$IP)"
dovecot_skip() { skip "Dovecot post-login" "$1"; }
if ! needcmd dovecot || ! [ -x /usr/lib/dovecot/pop3 ] || ! [ -x /usr/lib/dovecot/script-login ]; then
  dovecot_skip "dovecot-pop3d is not installed"
elif ! id dovenull >/dev/null 2>&1 || ! id dovecot >/dev/null 2>&1; then
  dovecot_skip "the dovecot and dovenull users are missing"
else
  D="$T/dovecot"
  mkdir -p "$D/run" "$D/state" "$D/home/Maildir/new" "$D/home/Maildir/cur" "$D/home/Maildir/tmp"
  chown -R $UID_U:$UID_U "$D/home"
  echo 'alice:{PLAIN}alice-pw' > "$D/passwd"
  dport=$(perl -MIO::Socket::INET -e 'print IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1:0")->sockport')
  # Dovecot 2.4 refuses 2.3's syntax: the same settings in each, then
  # the services, where only two words differ
  case $(dovecot --version 2>/dev/null) in
  1.*|2.[0-3].*) addr=address vsz=0; cat > "$D/dovecot.conf" <<EOF
base_dir = $D/run
state_dir = $D/state
protocols = pop3
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_failure_delay = 0
log_path = /dev/stderr
log_timestamp =
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN $D/passwd
}
userdb {
  driver = static
  args = uid=$UID_U gid=$UID_U home=$D/home
}
EOF
  ;;
  *) addr=listen vsz=unlimited; cat > "$D/dovecot.conf" <<EOF
dovecot_config_version = 2.4.0
dovecot_storage_version = 2.4.0
base_dir = $D/run
state_dir = $D/state
protocols = pop3
listen = 127.0.0.1
ssl = no
auth_allow_cleartext = yes
auth_failure_delay = 0
log_path = /dev/stderr
log_timestamp = ""
mail_driver = maildir
mail_path = ~/Maildir
passdb passwd-file {
  passwd_file_path = $D/passwd
  default_password_scheme = PLAIN
}
userdb static {
  fields {
    uid = $UID_U
    gid = $UID_U
    home = $D/home
  }
}
EOF
  ;;
  esac
  cat >> "$D/dovecot.conf" <<EOF
service pop3-login {
  inet_listener pop3 {
    $addr = 127.0.0.1
    port = $dport
  }
  inet_listener pop3s {
    port = 0
  }
}
service pop3 {
  executable = pop3 pop3-postlogin
}
service pop3-postlogin {
  executable = script-login -d $TOP/logpopauth-post -D
  # no address-space limit: under make sanitize, ASan reserves terabytes of it
  vsz_limit = $vsz
  unix_listener pop3-postlogin {
  }
}
EOF
  if ! dovecot -c "$D/dovecot.conf" -n > "$D/conf.n" 2>&1; then
    dovecot_skip "this dovecot refuses the configuration: $(grep -m1 -i 'error\|fatal' "$D/conf.n")"
  else
    dovecot -F -c "$D/dovecot.conf" 2> "$D/log" &
    dpid=$!
    on_exit "kill $dpid 2>/dev/null; wait $dpid 2>/dev/null"
    port=$dport
    if waitfor 10 sh -c "perl -MIO::Socket::INET -e 'IO::Socket::INET->new(\"127.0.0.1:$dport\") or exit 1'"; then
      check "Dovecot: POP3 login from 127.0.0.62 through the post-login script" "login ok 0" "$(pop 127.0.0.62 alice alice-pw)"
      check "Dovecot: a wrong password" "login failed" "$(pop 127.0.0.63 alice wrong)"
      kill $dpid; wait $dpid 2>/dev/null
      checkgrep "Dovecot: post's line, from \$IP, as Dovecot logs a script's stderr" \
        '^pop3-postlogin: Error: logpopauth-post: info: login 127\.0\.0\.62 alice$' "$D/log"
      checknogrep "Dovecot: no line for the wrong password" '127\.0\.0\.63' <(grep logpopauth "$D/log")
      checknogrep "Dovecot: no warning from post" 'logpopauth-post: (warning|fatal)' "$D/log"
    else
      notok "Dovecot started" "$(tail -5 "$D/log")"
    fi
  fi
fi
