/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * vm-pop3d, in the forms its versions write:
 *
 *   User 'USER' logged in from IP, nmsgs=N     (1.1.7f; also "APOP User ...")
 *   User USER logged in from IP                (one line, newer)
 *   Connect from IP                            (older: two lines, joined by pid)
 *   User USER logged in
 *
 * The one-line forms are read from the end (" from " and the address end
 * the line, or come right before 1.1.7f's ", nmsgs=DIGITS"); the
 * two-line form takes the address of the connect line (or of
 * tcpserver's "ok" line) with the same pid.  USER may be quoted, and is
 * USER@DOMAIN for a virtual domain.  1.1.7f's failure is "User 'USER' -
 * failed auth, from=IP".
 */

static size_t unquote (char const *s, size_t len, char const **u)
{
  *u = s ;
  if (len >= 2 && s[0] == '\'' && s[len-1] == '\'') { *u = s + 1 ; return len - 2 ; }
  return len ;
}

int parse_vmpop3d (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg, *u ;
  size_t len = l->msglen, n, ulen ;
  long k ;
  addr a ;

  if ((n = lp_prefix(s, len, "Connect from ")))
  {
    if (l->haspid && lp_addr(s + n, len - n, "", &a)) pidtab_put(p, l, fmt, l->pid, &a) ;
    return 0 ;
  }
  if (lp_prefix(s, len, "Authentication failed") || lp_prefix(s, len, "Failed ") || lp_prefix(s, len, "Bad login"))
  {
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return lp_refuse(why, "not a successful login") ;
  }
  if (!(n = lp_prefix(s, len, "User ")) && !(n = lp_prefix(s, len, "APOP User "))) return 0 ;
  s += n ; len -= n ;
  if (lp_rfind(s, len, "' - failed auth, from=") >= 0)
  {
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return lp_refuse(why, "not a successful login") ;
  }
  /* 1.1.7f: ", nmsgs=DIGITS" ends the line, after the address */
  k = lp_rfind(s, len, ", nmsgs=") ;
  if (k >= 0 && len - k > 8 && lp_digits(s + k + 8, len - k - 8) == len - k - 8) len = k ;
  if (lp_suffix(s, len, " logged in"))
  {
    ulen = unquote(s, len - 10, &u) ;
    if (!l->haspid) return lp_refuse(why, "no pid to find the address by") ;
    if (!lp_pidtake(p, l, fmt, l->pid, &a)) return lp_refuse(why, "no connection line with this pid") ;
    return lp_grant(out, l, &a, u, ulen, "vm-pop3d/pop3") ;
  }
  k = lp_rfind(s, len, " logged in from ") ;
  if (k < 0) return 0 ;
  if (!lp_addrend(s + k + 16, len - k - 16, "", &a)) return lp_refuse(why, "from is not an address") ;
  if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
  ulen = unquote(s, k, &u) ;
  return lp_grant(out, l, &a, u, ulen, "vm-pop3d/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_vmpop3d_tags[] =
{
  LOGIN_TAG("vm-pop3d", 0),
  LOGIN_TAG_TCPSERVER,
  LOGIN_TAG_END
} ;

char const parse_vmpop3d_sample[] =
  "Nov 23 21:30:00 mail vm-pop3d[4242]: User alice logged in from 192.0.2.7" ;
