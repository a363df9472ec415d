/* ISC license. */

/*
 * genlog: a realistic mixed mail-server syslog for the readlog
 * benchmark, the same bytes for the same arguments on any machine.
 *
 *   bench/genlog LINES SEED START SPAN > file
 *
 * LINES lines in traditional syslog form, stamped from START (Unix
 * seconds, local time as rsyslog writes it) over SPAN seconds.  About
 * 6.5% are successful logins, in the shapes of the real captures in
 * tests/fixtures/{dovecot,courier,cyrus}; the rest is what a mail host
 * logs around them: postfix, Dovecot and Courier sessions, failed logins
 * (which fail2ban's filter looks for), cron, sshd, the kernel.
 */

#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <time.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>

#define USAGE "genlog lines seed start span"

static uint64_t rng ;

/* xorshift64*: tiny, and the same sequence everywhere */
static uint32_t rnd (uint32_t n)
{
  rng ^= rng >> 12 ; rng ^= rng << 25 ; rng ^= rng >> 27 ;
  return (uint32_t)((rng * 0x2545F4914F6CDD1DULL) >> 32) % n ;
}

static char const *const users[] = { "alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "info", "sales", "postmaster" } ;
#define NUSERS (sizeof(users) / sizeof(*users))
static char const *const hosts[] = { "mail.example.org", "mx1.example.net", "smtp.example.com", "relay.example.de", "unknown" } ;
#define NHOSTS (sizeof(hosts) / sizeof(*hosts))

/* a client from a pool of 8192: most IPv4, one in eight IPv6 */
static void client (char *s, size_t n, int *is6)
{
  uint32_t k = rnd(8192) ;
  *is6 = (k & 7) == 7 ;
  if (*is6) snprintf(s, n, "2001:db8:%x::%x", k >> 8, (k & 255) + 1) ;
  else snprintf(s, n, "%u.%u.%u.%u", 100 + (k >> 12), 64 + ((k >> 8) & 15), (k >> 3) & 255, 10 + (k & 7) * 20 + (k >> 11 & 1)) ;
}

static void sess (char *s)
{
  static char const b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/" ;
  for (unsigned int i = 0 ; i < 16 ; i++) s[i] = b64[rnd(64)] ;
  s[16] = 0 ;
}

static void qid (char *s)
{
  static char const hex[] = "0123456789ABCDEF" ;
  for (unsigned int i = 0 ; i < 10 ; i++) s[i] = hex[rnd(16)] ;
  s[10] = 0 ;
}

int main (int argc, char const *const *argv)
{
  uint64_t lines, seed, start, span ;
  char line[1024] ;
  PROG = "genlog" ;
  if (argc < 5) strerr_dieusage(100, USAGE) ;
  if (!uint640_scan(argv[1], &lines) || !uint640_scan(argv[2], &seed)
   || !uint640_scan(argv[3], &start) || !uint640_scan(argv[4], &span)) strerr_dieusage(100, USAGE) ;
  rng = seed * 2654435761ULL + 88172645463325252ULL ;
  for (uint64_t i = 0 ; i < lines ; i++)
  {
    time_t t = (time_t)(start + i * span / (lines ? lines : 1)) ;
    struct tm tm ;
    char stamp[32], ip[48], ss[17], q[11] ;
    char const *u = users[rnd(NUSERS)] ;
    unsigned int pid = 1000 + rnd(30000) ;
    uint32_t k = rnd(1000) ;
    int is6, n ;
    size_t m ;
    localtime_r(&t, &tm) ;
    m = strftime(stamp, sizeof stamp, "%b %e %H:%M:%S mail", &tm) ;
    stamp[m] = 0 ;
    client(ip, sizeof ip, &is6) ;
    sess(ss) ; qid(q) ;
    if (k < 220)
      n = snprintf(line, sizeof line, "%s postfix/smtpd[%u]: connect from %s[%s]", stamp, pid, hosts[rnd(NHOSTS)], ip) ;
    else if (k < 400)
      n = snprintf(line, sizeof line, "%s postfix/smtpd[%u]: disconnect from %s[%s] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5", stamp, pid, hosts[rnd(NHOSTS)], ip) ;
    else if (k < 450)
      n = snprintf(line, sizeof line, "%s postfix/smtpd[%u]: NOQUEUE: reject: RCPT from unknown[%s]: 554 5.7.1 <%s@example.org>: Relay access denied; from=<spam@example.biz> to=<%s@example.org> proto=ESMTP helo=<User>", stamp, pid, ip, u, u) ;
    else if (k < 530)
      n = snprintf(line, sizeof line, "%s postfix/qmgr[%u]: %s: from=<%s@example.org>, size=%u, nrcpt=1 (queue active)", stamp, pid, q, u, 800 + rnd(90000)) ;
    else if (k < 600)
      n = snprintf(line, sizeof line, "%s postfix/cleanup[%u]: %s: message-id=<%u.%s@example.org>", stamp, pid, q, rnd(100000000), ss) ;
    else if (k < 680)
      n = snprintf(line, sizeof line, "%s postfix/smtp[%u]: %s: to=<%s@example.net>, relay=mx.example.net[192.0.2.25]:25, delay=0.%u, delays=0.01/0/0.1/0.2, dsn=2.0.0, status=sent (250 2.0.0 Ok: queued as %s)", stamp, pid, q, u, rnd(10), q) ;
    else if (k < 700)
      n = snprintf(line, sizeof line, "%s postfix/local[%u]: %s: to=<%s@example.org>, relay=local, delay=0.05, delays=0.02/0.01/0/0.02, dsn=2.0.0, status=sent (delivered to maildir)", stamp, pid, q, u) ;
    /* Dovecot, as in tests/fixtures/dovecot/syslog */
    else if (k < 720)
      n = snprintf(line, sizeof line, "%s dovecot: pop3-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=%u, session=<%s>", stamp, u, ip, pid, ss) ;
    else if (k < 740)
      n = snprintf(line, sizeof line, "%s dovecot: imap-login: Login: user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, mpid=%u, TLS, session=<%s>", stamp, u, ip, pid, ss) ;
    else if (k < 780)
      n = snprintf(line, sizeof line, "%s dovecot: imap(%s)<%u><%s>: Disconnected: Logged out in=%u out=%u deleted=0 expunged=0 trashed=0 hdr_count=0 hdr_bytes=0 body_count=0 body_bytes=0", stamp, u, pid, ss, rnd(2000), rnd(90000)) ;
    else if (k < 800)
      n = snprintf(line, sizeof line, "%s dovecot: pop3(%s)<%u><%s>: Disconnected: Logged out top=0/0, retr=%u/%u, del=0/0, size=%u", stamp, u, pid, ss, rnd(5), rnd(40000), rnd(40000)) ;
    else if (k < 815)
      n = snprintf(line, sizeof line, "%s dovecot: pop3-login: Disconnected: Aborted login by logging out (auth failed, 1 attempts in 2 secs): user=<%s>, method=PLAIN, rip=%s, lip=192.0.2.1, session=<%s>", stamp, u, ip, ss) ;
    else if (k < 825)
      n = snprintf(line, sizeof line, "%s dovecot: auth: pam_unix(dovecot:auth): authentication failure; logname= uid=0 euid=0 tty=dovecot ruser=%s rhost=%s", stamp, u, ip) ;
    else if (k < 835)
      n = snprintf(line, sizeof line, "%s dovecot: imap-login: Disconnected: Connection closed (no auth attempts in 0 secs): user=<>, rip=%s, lip=192.0.2.1, TLS handshaking: Connection closed, session=<%s>", stamp, ip, ss) ;
    /* Courier, as in tests/fixtures/courier/courier-syslog.log */
    else if (k < 850)
      n = snprintf(line, sizeof line, "%s %s: Connection, ip=[%s%s], port=[%u]", stamp, k & 1 ? "pop3d" : "imapd", is6 ? "" : "::ffff:", ip, 1024 + rnd(60000)) ;
    else if (k < 860)
      n = snprintf(line, sizeof line, "%s pop3d: LOGIN, user=%s, ip=[%s%s], port=[%u]", stamp, u, is6 ? "" : "::ffff:", ip, 1024 + rnd(60000)) ;
    else if (k < 865)
      n = snprintf(line, sizeof line, "%s imapd: LOGIN, user=%s, ip=[%s%s], port=[%u], protocol=IMAP", stamp, u, is6 ? "" : "::ffff:", ip, 1024 + rnd(60000)) ;
    else if (k < 875)
      n = snprintf(line, sizeof line, "%s pop3d: LOGOUT, user=%s, ip=[%s%s], port=[%u], top=0, retr=0, rcvd=12, sent=39, time=%u", stamp, u, is6 ? "" : "::ffff:", ip, 1024 + rnd(60000), rnd(30)) ;
    /* Cyrus, as in tests/fixtures/cyrus/cyrus-syslog.log */
    else if (k < 885)
      n = snprintf(line, sizeof line, "%s cyrus/%s[%u]: login: [%s] %s plaintext User logged in SESSIONID=<cyrus-%u-%u-1-%u>", stamp, k & 1 ? "pop3" : "imap", pid, ip, u, rnd(2000000000), pid, rnd(2000000000)) ;
    else if (k < 890)
      n = snprintf(line, sizeof line, "%s cyrus/imap[%u]: badlogin: [%s] plaintext (%s) [SASL(-13): authentication failure: checkpass failed]", stamp, pid, ip, u) ;
    else if (k < 900)
      n = snprintf(line, sizeof line, "%s cyrus/imap[%u]: accepted connection", stamp, pid) ;
    /* the rest of the host */
    else if (k < 930)
      n = snprintf(line, sizeof line, "%s sshd[%u]: Failed password for invalid user %s from %s port %u ssh2", stamp, pid, u, ip, 1024 + rnd(60000)) ;
    else if (k < 950)
      n = snprintf(line, sizeof line, "%s CRON[%u]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)", stamp, pid) ;
    else if (k < 975)
      n = snprintf(line, sizeof line, "%s kernel: [%u.%06u] [UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:52:54:00:65:43:21:08:00 SRC=%s DST=192.0.2.1 LEN=44 TOS=0x00 PREC=0x00 TTL=%u ID=%u PROTO=TCP SPT=%u DPT=23 WINDOW=1024 RES=0x00 SYN URGP=0", stamp, rnd(9000000), rnd(1000000), is6 ? "198.51.100.9" : ip, 30 + rnd(200), rnd(65536), 1024 + rnd(60000)) ;
    else
      n = snprintf(line, sizeof line, "%s systemd[1]: Started session-%u.scope - Session %u of User %s.", stamp, rnd(100000), rnd(100000), u) ;
    if (n < 0 || (size_t)n >= sizeof line) strerr_dief1x(100, "line too long") ;
    line[n++] = '\n' ;
    if (buffer_put(buffer_1, line, n) < 0) strerr_diefu1sys(111, "write to stdout") ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
