/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"
#include "timescan.h"
#include "parse.h"

/*
 * Dovecot's login processes, 1.x and 2.x (and its proxy, below).  Up to 2.3 the message is
 * "Login: user=<U>, ...", from 2.4 on "Logged in: user=<U>, ..." (and
 * a failure "Login aborted: REASON (CODE): user=<U>, ..."):
 *
 *   log_path file (2.x)  STAMP imap-login: Info: Login: user=<U>, method=M, rip=IP, lip=IP, ...
 *   log_path file (1.x)  dovecot: STAMP Info: imap-login: Login: user=<U>, ...
 *   syslog               STAMP HOST dovecot[PID]: imap-login: Login: user=<U>, ...
 *   stderr, multilog     @TAI64N [STAMP] imap-login: [Info: ]Login: user=<U>, ...
 *
 * Dovecot writes the user name as the client sent it (only control
 * characters are replaced), and it comes first: "x>, method=PLAIN,
 * rip=203.0.113.66, lip=" is a name a client can choose.  What follows
 * the name is Dovecot's own (method, rip, lip, mpid, TLS or secured,
 * session=<base64>): nothing there holds ", rip=", so the last ", rip="
 * of the line is the one Dovecot wrote, and it must be followed by the
 * address and ", lip=".  "Aborted login", "Disconnected" and the like
 * are other messages, never logins.  The tag imap-login or pop3-login
 * is only found in Dovecot's own files and on its stderr, which have no
 * host: a line with a host and that tag is no line of Dovecot's.
 */

/*
 * The address and the user, from the end as for a login: the last
 * ", rip=" followed by the address and ", lip=" and an address; *gt is
 * the end of user=<...>, the last ">" before that.  0 with *why set if
 * not.
 */
static int tail (char const *s, size_t len, addr *a, long *gt, char const **why)
{
  addr b ;
  size_t n ;
  long rip = lp_rfind(s, len, ", rip=") ;
  if (rip < 0) return lp_refuse(why, "no rip= field") ;
  n = lp_addr(s + rip + 6, len - rip - 6, ", lip=", a) ;
  if (!n) return lp_refuse(why, "rip is not an address followed by \", lip=\"") ;
  if (!lp_addr(s + rip + 6 + n, len - rip - 6 - n, ", ", &b)
   && !lp_addr(s + rip + 6 + n, len - rip - 6 - n, "", &b))
    return lp_refuse(why, "lip is not an address") ;
  *gt = lp_rfind(s, rip, ">") ;
  if (*gt < 0) return lp_refuse(why, "no end of user=<") ;
  return 1 ;
}

/* " (D.DDD secs)" or " (D.DDD secs, N reconnects)" ends s (2.3.13 and later) */
static int secs (char const *s, size_t len)
{
  size_t d ;
  long o = lp_rfind(s, len, " (") ;
  if (o < 0 || s[len-1] != ')') return 0 ;
  s += o + 2 ; len -= o + 3 ;
  d = lp_digits(s, len) ;
  if (!d || d + 4 > len || s[d] != '.' || lp_digits(s + d + 1, 3) != 3) return 0 ;
  s += d + 4 ; len -= d + 4 ;
  if (!(d = lp_prefix(s, len, " secs"))) return 0 ;
  s += d ; len -= d ;
  if (!len) return 1 ;
  if (!(d = lp_prefix(s, len, ", "))) return 0 ;
  s += d ; len -= d ;
  d = lp_digits(s, len) ;
  return d && d < len && len - d == 11 && !memcmp(s + d, " reconnects", 11) ;
}

/* "HOST:PORT[/DESTUSER]" then " (master M)" if any, no other space (2.0-2.3.12) */
static int older (char const *s, size_t len)
{
  long sp = lp_find(s, len, ' ') ;
  if (!len || sp == 0) return 0 ;
  if (sp < 0) return 1 ;
  s += sp ; len -= sp ;
  return lp_prefix(s, len, " (master ") && len > 10 && s[len-1] == ')'
    && lp_find(s + 9, len - 9, ' ') < 0 && lp_find(s + 9, len - 10, ')') < 0 ;
}

/* a syslog host's bytes, and the brackets of "[::1]:143" */
static int hostchar (char c)
{
  return logline_hostchar((unsigned char)c) || c == '[' || c == ']' ;
}

/*
 * A proxy's (or director's) login, written after the backend accepted
 * the LOGIN, AUTHENTICATE or PASS (imap-proxy.c, pop3-proxy.c call
 * client_proxy_finish_destroy_client on the backend's OK):
 *
 *   2.0-2.3.12  proxy(U): started proxying to HOST:PORT[/DESTUSER][ (master M)]: user=<U>, ..., rip=IP, lip=IP, ...
 *   2.3.13-2.3  proxy(U,IP:PORT): Started proxying to HOST ... (D.DDD secs[, N reconnects]): user=<U>, ...
 *   2.4         proxy(U,HOST:PORT): Started proxying to remote host ... (D.DDD secs...): user=<U>, ...
 *
 * U, the client's name, is there twice: the one in "proxy(" is taken up
 * to its first ',' or ')' (a name holding one grants nothing), so what
 * follows it is Dovecot's, and it must be the name user=<...> holds,
 * ending where the address read from the end says.  "Login failed" and
 * the other proxy messages are no logins.
 */
static int proxy (logline const *l, char const *s, size_t len, char const *source, loginok *out, char const **why)
{
  size_t i = 6, k, ulen ;
  long gt, e ;
  int newer ;
  addr a ;
  while (i < len && s[i] != ',' && s[i] != ')') i++ ;
  if (i == len || i == 6) return 0 ;
  ulen = i - 6 ;
  newer = s[i] == ',' ;
  if (newer)
  {
    for (i++ ; i < len && hostchar(s[i]) ; i++) ;
    if (!(k = lp_prefix(s + i, len - i, "): Started proxying to ")))
      return lp_prefix(s + i, len - i, "): ") ? lp_refuse(why, "not a successful login") : 0 ;
  }
  else if (!(k = lp_prefix(s + i, len - i, "): started proxying to ")))
    return lp_prefix(s + i, len - i, "): ") ? lp_refuse(why, "not a successful login") : 0 ;
  i += k ;
  if (!tail(s, len, &a, &gt, why)) return 0 ;
  e = gt - (long)ulen - 8 ;
  if (e < (long)i || memcmp(s + e, ": user=<", 8) || memcmp(s + e + 8, s + 6, ulen))
    return lp_refuse(why, "proxy(USER) and user=<USER> disagree") ;
  /* what lies between is Dovecot's: a host (2.x), or ends with the time it took (2.3.13 on) */
  if (newer ? !secs(s + i, e - i) || lp_rfind(s + i, e - i, ": ") >= 0 : !older(s + i, e - i))
    return lp_refuse(why, "not Dovecot's text after started proxying") ;
  return lp_grant(out, l, &a, s + 6, ulen, source) ;
}

enum { DOVECOT = 1, LOGINPROC } ;

static char const *process (char const *s, size_t len, size_t *n)
{
  if ((*n = lp_prefix(s, len, "imap-login"))) return "dovecot/imap" ;
  if ((*n = lp_prefix(s, len, "pop3-login"))) return "dovecot/pop3" ;
  return 0 ;
}

int parse_dovecot (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source ;
  logline ll = *l ;
  long gt ;
  addr a ;
  (void)p ;

  if (lp_tagkind(l, fmt) == DOVECOT)
  {
    int64_t t ;
    /* 1.x writes its own stamp after the tag */
    n = rfc3164_scan(s, len, l->now, &t) ;
    if (!n) n = iso8601_scan(s, len, &t) ;
    if (n && n < len && s[n] == ' ')
    {
      if (ll.time < 0) ll.time = t ;
      s += n + 1 ; len -= n + 1 ;
    }
    n = lp_prefix(s, len, "Info: ") ; s += n ; len -= n ;
    source = process(s, len, &n) ;
    if (!source || !lp_prefix(s + n, len - n, ": ")) return 0 ;
    s += n + 2 ; len -= n + 2 ;
  }
  else
  {
    source = process(l->tag, l->taglen, &n) ;
    if (!source || n != l->taglen) return 0 ;
    /* only syslog writes a host, and to syslog Dovecot's tag is "dovecot" */
    if (l->host) return 0 ;
  }
  n = lp_prefix(s, len, "Info: ") ; s += n ; len -= n ;
  if (len > 6 && s[0] == 'p' && lp_prefix(s, len, "proxy(")) return proxy(&ll, s, len, source, out, why) ;
  if (!(n = lp_prefix(s, len, "Login: ")) && !(n = lp_prefix(s, len, "Logged in: ")))
  {
    if (lp_prefix(s, len, "Aborted login") || lp_prefix(s, len, "Disconnected")
     || lp_prefix(s, len, "Login aborted") || lp_prefix(s, len, "Authenticate ")
     || lp_prefix(s, len, "auth failed"))
      return lp_refuse(why, "not a successful login") ;
    return 0 ;
  }
  s += n ; len -= n ;
  if (!(n = lp_prefix(s, len, "user=<"))) return lp_refuse(why, "no user=< field") ;
  s += n ; len -= n ;
  if (!tail(s, len, &a, &gt, why)) return 0 ;
  return lp_grant(out, &ll, &a, s, gt, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_dovecot_tags[] =
{
  LOGIN_TAG("dovecot", DOVECOT),
  LOGIN_TAG("imap-login", LOGINPROC),
  LOGIN_TAG("pop3-login", LOGINPROC),
  LOGIN_TAG_END
} ;

char const parse_dovecot_sample[] =
  "Nov 23 21:30:00 imap-login: Info: Login: user=<alice>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, mpid=4242, secured, session=<AbCdEf0123456789>" ;
