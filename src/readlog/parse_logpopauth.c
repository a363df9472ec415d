/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"
#include "escape.h"
#include "parse.h"

/*
 * Our own logpopauth-post, on stderr (under multilog: no host):
 *
 *   logpopauth-post: info: login ADDR USER
 *
 * ADDR in canonical form, USER with bytes outside 0x21..0x7e and '%'
 * written %XX ("-" for none).  Anything else is not its line: an address
 * not in canonical form, a bad escape or a byte USER cannot hold.
 */

int parse_logpopauth (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  static char user[1024] ;
  char const *s = l->msg ;
  size_t len = l->msglen, n, ulen ;
  char buf[ADDR_FMT] ;
  addr a ;
  (void)fmt ; (void)p ;

  if (!(n = lp_prefix(s, len, "info: login "))) return 0 ;
  s += n ; len -= n ;
  n = lp_addr(s, len, " ", &a) ;
  if (!n) return lp_refuse(why, "not an address followed by a space") ;
  if (addr_fmt(buf, &a) != n - 1 || memcmp(buf, s, n - 1)) return lp_refuse(why, "address not in canonical form") ;
  s += n ; len -= n ;
  if (!len) return lp_refuse(why, "no user") ;
  if (!user_scan(s, len, user, sizeof(user), &ulen)) return lp_refuse(why, "user not as logpopauth-post escapes it") ;
  /* a name too long for the buffer is given as unknown, not cut */
  return lp_grant(out, l, &a, user, ulen <= sizeof(user) ? ulen : 0, "logpopauth/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_logpopauth_tags[] =
{
  LOGIN_TAG("logpopauth-post", 0),
  LOGIN_TAG_END
} ;

char const parse_logpopauth_sample[] =
  "@400000006923a1b20c3d1e2f logpopauth-post: info: login 192.0.2.7 alice" ;
