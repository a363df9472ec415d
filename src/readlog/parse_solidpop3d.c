/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * Solid POP3 (solid-pop3d, formerly spop3d), from its own format strings
 * (0.15's, checked against its real logs in tests/fixtures/solid-pop3d):
 *
 *   connect from IP
 *   user USER authenticated - IP                  (built with logextend)
 *   mapped user USER authenticated - IP
 *   user USER authenticated through APOP - IP
 *   user USER authenticated                       (without logextend)
 *
 * The user (cut to 40 bytes) comes before the address, so the address is
 * what follows the last " - ", to the end of the line, and what precedes
 * that " - " must be " authenticated" (or " authenticated through
 * APOP"): the user "x authenticated - 203.0.113.66" logs in as
 * "user x authenticated - 203.0.113.66 authenticated - 127.0.0.37".
 * Without the address the login is joined to "connect from" (or
 * tcpserver's "ok") by pid.  "authentication failed ...", "session
 * ended" and "autologout" forget it.
 */

int parse_solidpop3d (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  long k ;
  addr a ;

  if ((n = lp_prefix(s, len, "connect from ")))
  {
    if (l->haspid && lp_addr(s + n, len - n, "", &a)) pidtab_put(p, l, fmt, l->pid, &a) ;
    return 0 ;
  }
  if (lp_prefix(s, len, "session ended") || lp_prefix(s, len, "autologout time elapsed"))
  {
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return 0 ;
  }
  if (lp_prefix(s, len, "authentication failed") || lp_prefix(s, len, "APOP authentication failed")
   || lp_prefix(s, len, "root login not allowed") || lp_prefix(s, len, "can't find APOP secret"))
  {
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return lp_refuse(why, "not a successful login") ;
  }
  if (!(n = lp_prefix(s, len, "user ")) && !(n = lp_prefix(s, len, "mapped user "))) return 0 ;
  s += n ; len -= n ;
  k = lp_rfind(s, len, " - ") ;
  if (k >= 0 && lp_addr(s + k + 3, len - k - 3, "", &a))
  {
    size_t e ;
    if (lp_suffix(s, k, " authenticated")) e = k - 14 ;
    else if (lp_suffix(s, k, " authenticated through APOP")) e = k - 27 ;
    else return lp_refuse(why, "no \"authenticated\" before the address") ;
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return lp_grant(out, l, &a, s, e, "solid-pop3d/pop3") ;
  }
  if (lp_suffix(s, len, " authenticated") || lp_suffix(s, len, " authenticated through APOP"))
  {
    long e = lp_rfind(s, len, " authenticated") ;
    if (!l->haspid) return lp_refuse(why, "no pid to find the address by") ;
    if (!lp_pidtake(p, l, fmt, l->pid, &a)) return lp_refuse(why, "no connection line with this pid") ;
    return lp_grant(out, l, &a, s, e, "solid-pop3d/pop3") ;
  }
  if (k >= 0 && lp_rfind(s, k, " authenticated") >= 0) return lp_refuse(why, "the address after \" - \" is not an address") ;
  return 0 ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_solidpop3d_tags[] =
{
  LOGIN_TAG("solid-pop3d", 0),
  LOGIN_TAG("spop3d", 0),
  LOGIN_TAG_TCPSERVER,
  LOGIN_TAG_END
} ;

char const parse_solidpop3d_sample[] =
  "Nov 23 21:30:00 mail solid-pop3d[4242]: user alice authenticated - 192.0.2.7" ;
