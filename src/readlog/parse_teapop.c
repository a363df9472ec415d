/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * teapop, from the pattern its users run with pop-before-smtp:
 *
 *   teapop[PID]: Successful login for USER ... [IP]
 *
 * The user comes first; the bracketed address ends the line and is
 * read from the end.
 */

int parse_teapop (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  long br, sp ;
  addr a ;
  (void)fmt ; (void)p ;

  if (lp_prefix(s, len, "Failed login") || lp_prefix(s, len, "Unsuccessful login"))
    return lp_refuse(why, "not a successful login") ;
  if (!(n = lp_prefix(s, len, "Successful login for "))) return 0 ;
  s += n ; len -= n ;
  br = lp_rfind(s, len, " [") ;
  if (br < 0 || !lp_addrend(s + br + 2, len - br - 2, "]", &a)) return lp_refuse(why, "no [address] at the end") ;
  sp = lp_find(s, br, ' ') ;
  return lp_grant(out, l, &a, s, sp < 0 ? (size_t)br : (size_t)sp, "teapop/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_teapop_tags[] =
{
  LOGIN_TAG("teapop", 0),
  LOGIN_TAG_END
} ;

char const parse_teapop_sample[] =
  "Nov 23 21:30:00 mail teapop[4242]: Successful login for alice@example.org from client.example.org [192.0.2.7]" ;
