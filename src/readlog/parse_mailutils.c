/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * GNU Mailutils 3.x pop3d and imap4d (checked against 3.15's own logs,
 * tests/fixtures/mailutils):
 *
 *   pop3d[PID]: SID user `USER' logged in with mailbox `MBOX' (N messages)
 *   imap4d[PID]: SID user `USER' logged in (source: SOURCE)
 *
 * SID (with "logging { session-id yes; }") is mu_sid's: 8 characters of
 * [0-9A-Za-z], the second to sixth being the month, day, hour, minute
 * and second it was made.  Neither line has the client's address.  As a
 * daemon, with "acl { log from any; }", the server's parent writes
 *
 *   pop3d[PARENT]: SID ADDR
 *
 * and a child with another pid the rest of the session, so the address
 * is joined to the login by SID alone; on stderr (multilog) there is no
 * pid at all.  Under tcpserver (inetd mode) there is no address line
 * and no SID: the address is tcpserver's "ok PID ..." for the pid.
 *
 * USER comes from the client and may hold anything, but every line
 * starts with what the server writes (SID, "user `") and ends with it
 * (" messages)", "': authentication failed"), so a line is told by its
 * two ends; the address line is SID and an address literal, nothing
 * else.  A failure ("': authentication failed", "' nonexistent", "login
 * failed: ", ...) or the end of a session spends the SID: it is kept as
 * spent, and an address line for a SID already seen, live or spent, is
 * no line of the server's (it writes one per session; a client that
 * smuggles a newline into a logged name could write a second) and spends
 * it too.  A login in a spent session is refused, so a retry after a
 * failed password in the same connection grants nothing; nor does a
 * clash of two servers' SIDs, which mu_sid makes unlikely but possible.
 *
 * imap4d writes a name that failed as the client sent it, and an IMAP
 * literal may hold newlines.  On stderr each piece of the message is a
 * line of its own with the session's SID before it, so a failed LOGIN
 * writes any line a session can write (a login, the session's close,
 * ...) and its own failure ("' nonexistent") only after it: no line
 * there can only follow a real login, and an imap4d login without a
 * pid (stderr) never grants.  In syslog one message is one record
 * (rsyslog writes a newline as #012), but a message longer than
 * Mailutils' buffers goes out in pieces of at least 2048 bytes (8192
 * in inetd mode), each a record, cut where the buffer was full: a
 * piece can start and end where a client's name put a login's text.
 * Only the last piece is shorter, and it ends with the failure, so an
 * imap4d login line whose name is longer than MU_IMAP_USER_MAX, far
 * below a piece and above any account's name, never grants.  pop3d
 * reads a name from one line of at most 512 bytes, without spaces,
 * so neither can happen there.
 */

#define MU_IMAP_USER_MAX 256

/* the pidtab namespaces of SID keys, apart from the pids of this format */
#define LIVE(fmt) ((fmt) | 0x100)
#define SPENT(fmt) ((fmt) | 0x200)

static int b62 (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'A' && c <= 'Z') return c - 'A' + 10 ;
  if (c >= 'a' && c <= 'z') return c - 'a' + 36 ;
  return -1 ;
}

/*
 * "SID " at s: 1 and *key (the SID in base 62, below 2^48; the service in
 * bit 48), or 0.  Positions 1 to 5 are a month (0-11), a day (1-31), an
 * hour (0-23), a minute (0-59) and a second (0-60).
 */
static int sid_scan (char const *s, size_t len, int imap, uint64_t *key)
{
  static unsigned char const lo[8] = { 0, 0, 1, 0, 0, 0, 0, 0 } ;
  static unsigned char const hi[8] = { 61, 11, 31, 23, 59, 60, 61, 61 } ;
  uint64_t v = 0 ;
  if (len < 9 || s[8] != ' ') return 0 ;
  for (unsigned int i = 0 ; i < 8 ; i++)
  {
    int c = b62(s[i]) ;
    if (c < lo[i] || c > hi[i]) return 0 ;
    v = v * 62 + (unsigned int)c ;
  }
  *key = v | (uint64_t)!!imap << 48 ;
  return 1 ;
}

enum { POP3 = 1, IMAP } ;

static char const *service (logline const *l, unsigned int fmt)
{
  switch (lp_tagkind(l, fmt))
  {
    case POP3 : return "mailutils/pop3" ;
    case IMAP : return "mailutils/imap" ;
    default : return 0 ;
  }
}

enum { OTHER, LOGIN, FAILED, ENDED } ;

static int word (char c)
{
  return b62(c) >= 0 || c == '_' || c == '-' || c == '.' ;
}

/* what the message says, by its two ends; for LOGIN, the user */
static int classify (char const *s, size_t len, int imap, size_t *ulen)
{
  size_t n ;
  long e ;
  if (lp_prefix(s, len, "session ended") || lp_prefix(s, len, "session terminat")
   || lp_prefix(s, len, "session timed out")) return ENDED ;
  if (lp_prefix(s, len, "login failed: ") || lp_prefix(s, len, "APOP failed for `")
   || lp_prefix(s, len, "error authenticating user `")
   || lp_prefix(s, len, "error getting identity info for user `")) return FAILED ;
  if (!(n = lp_prefix(s, len, "user `")))
    return lp_suffix(s, len, " authentication failed") ? FAILED : OTHER ;
  if (lp_suffix(s, len, "': authentication failed") || lp_suffix(s, len, "' nonexistent")
   || lp_suffix(s, len, "' tried to log in within the minimum allowed delay")) return FAILED ;
  s += n ; len -= n ;
  if (imap)
  {
    /* "' logged in (source: S)", S the name of an auth module */
    if (!lp_suffix(s, len, ")")) return OTHER ;
    len-- ;
    while (len && word(s[len-1])) len-- ;
    if (!lp_suffix(s, len, "' logged in (source: ") || s[len] == ')') return OTHER ;
    *ulen = len - 21 ;
    return LOGIN ;
  }
  /* "' logged in with mailbox `M' (N messages)": M holds the user name too */
  if (lp_suffix(s, len, " messages)")) len -= 10 ;
  else if (lp_suffix(s, len, " message)")) len -= 9 ;
  else return OTHER ;
  n = 0 ;
  while (n < len && s[len-1-n] >= '0' && s[len-1-n] <= '9') n++ ;
  if (!n || !lp_suffix(s, len - n, "' (")) return OTHER ;
  e = lp_rfind(s, len - n - 3, "' logged in with mailbox `") ;
  if (e < 0) return OTHER ;
  *ulen = e ;
  return LOGIN ;
}

/* why an imap4d login line cannot be trusted in its form, or 0 */
static char const *untrusted (logline const *l, int imap, size_t ulen)
{
  if (!imap) return 0 ;
  if (!l->haspid) return "imap4d on stderr: a failed name can write this line" ;
  if (ulen > MU_IMAP_USER_MAX) return "imap4d: a name this long can be a piece of a longer message" ;
  return 0 ;
}

int parse_mailutils (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  static addr const none = ADDR_ZERO ;
  char const *s = l->msg ;
  size_t len = l->msglen, ulen = 0 ;
  char const *source ;
  uint64_t key = 0 ;
  int imap, hassid, what ;
  addr a ;

  if (!(source = service(l, fmt))) return 0 ;
  imap = source[10] == 'i' ;
  hassid = sid_scan(s, len, imap, &key) ;
  if (hassid)
  {
    s += 9 ; len -= 9 ;
    if (lp_addr(s, len, "", &a))
    {
      if (pidtab_forget(p, l, LIVE(fmt), key) + pidtab_forget(p, l, SPENT(fmt), key))
        pidtab_put(p, l, SPENT(fmt), key, &none) ;
      else pidtab_put(p, l, LIVE(fmt), key, &a) ;
      return 0 ;
    }
  }
  what = classify(s, len, imap, &ulen) ;
  if (what == OTHER) return 0 ;
  if (l->haspid && what != LOGIN) lp_piddrop(p, l, fmt, l->pid) ;
  if (hassid)
  {
    /* spent is whatever its time: a doubt about the order of two lines keeps it spent */
    int spent = pidtab_forget(p, l, SPENT(fmt), key) > 0 ;
    int live = lp_keytake(p, l, LIVE(fmt), key, &a) ;
    pidtab_forget(p, l, LIVE(fmt), key) ;
    pidtab_put(p, l, SPENT(fmt), key, &none) ;
    if (what == FAILED) return lp_refuse(why, "not a successful login") ;
    if (what == ENDED) return 0 ;
    if (spent) return lp_refuse(why, "a login in a session that failed, ended or had two address lines") ;
    if (live)
    {
      char const *no = untrusted(l, imap, ulen) ;
      if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
      if (no) return lp_refuse(why, no) ;
      return lp_grant(out, l, &a, s + 6, ulen, source) ;
    }
  }
  else
  {
    if (what == FAILED) return lp_refuse(why, "not a successful login") ;
    if (what == ENDED) return 0 ;
  }
  /* no address line for the SID, or no SID: inetd mode, tcpserver's pid */
  if (!l->haspid) return lp_refuse(why, hassid ? "no address line with this session id" : "no pid to find the address by") ;
  if (!lp_pidtake(p, l, fmt, l->pid, &a)) return lp_refuse(why, "no connection line with this pid") ;
  if (untrusted(l, imap, ulen)) return lp_refuse(why, untrusted(l, imap, ulen)) ;
  return lp_grant(out, l, &a, s + 6, ulen, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_mailutils_tags[] =
{
  LOGIN_TAG("pop3d", POP3),
  LOGIN_TAG("gnu-pop3d", POP3),
  LOGIN_TAG("imap4d", IMAP),
  LOGIN_TAG("gnu-imap4d", IMAP),
  LOGIN_TAG_TCPSERVER,
  LOGIN_TAG_END
} ;

char const parse_mailutils_sample[] =
  "Nov 23 21:30:00 mail pop3d[4241]: 2ANLbhI0 192.0.2.7\n"
  "Nov 23 21:30:00 mail pop3d[4242]: 2ANLbhI0 user `alice' logged in with mailbox `/var/mail/alice' (3 messages)" ;
