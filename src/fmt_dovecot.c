/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "timescan.h"
#include "fmt.h"

/*
 * Dovecot's login processes, 1.x and 2.x.  Up to 2.3 the message is
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

static char const *process (char const *s, size_t len, size_t *n)
{
  if ((*n = lp_prefix(s, len, "imap-login"))) return "dovecot/imap" ;
  if ((*n = lp_prefix(s, len, "pop3-login"))) return "dovecot/pop3" ;
  return 0 ;
}

int fmt_dovecot (logline const *l, unsigned int fmt, pidtab *p, login *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source ;
  logline ll = *l ;
  long rip, gt ;
  addr a, b ;
  (void)fmt ; (void)p ;

  if (lp_tag(l, "dovecot"))
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
  rip = lp_rfind(s, len, ", rip=") ;
  if (rip < 0) return lp_refuse(why, "no rip= field") ;
  n = lp_addr(s + rip + 6, len - rip - 6, ", lip=", &a) ;
  if (!n) return lp_refuse(why, "rip is not an address followed by \", lip=\"") ;
  if (!lp_addr(s + rip + 6 + n, len - rip - 6 - n, ", ", &b)
   && !lp_addr(s + rip + 6 + n, len - rip - 6 - n, "", &b))
    return lp_refuse(why, "lip is not an address") ;
  gt = lp_rfind(s, rip, ">") ;
  if (gt < 0) return lp_refuse(why, "no end of user=<") ;
  return lp_grant(out, &ll, &a, s, gt, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
char const fmt_dovecot_tags[] = "dovecot\0imap-login\0pop3-login\0" ;

char const fmt_dovecot_sample[] =
  "Nov 23 21:30:00 imap-login: Info: Login: user=<alice>, method=PLAIN, rip=192.0.2.7, lip=192.0.2.1, mpid=4242, secured, session=<AbCdEf0123456789>" ;
