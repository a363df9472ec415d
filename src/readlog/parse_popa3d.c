/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * popa3d logs the user but not the address:
 *
 *   popa3d[PID]: Authentication passed for USER
 *
 * The address comes from an earlier line of the same process: its own
 * "Session from IP" when it runs standalone, or tcpserver's
 * "ok PID LOCAL REMOTE" when tcpserver runs it (tcpserver's child execs
 * popa3d, whose parent process keeps that pid and does the logging).
 * A failed authentication forgets the connection; tcpserver's "end PID"
 * closes it at its time (login.h, pidtab).  A patched
 * popa3d writes "Authentication passed for USER -- [IP]": the address
 * ends the line, after the user, and is read from the end.
 */

int parse_popa3d (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  addr a ;

  if ((n = lp_prefix(s, len, "Session from ")))
  {
    if (!l->haspid) return 0 ;
    if (lp_addr(s + n, len - n, "", &a)) pidtab_put(p, l, fmt, l->pid, &a) ;
    return 0 ;
  }
  if (lp_prefix(s, len, "Authentication failed for ")
   || lp_prefix(s, len, "Didn't attempt authentication"))
  {
    if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
    return lp_refuse(why, "not a successful login") ;
  }
  if (!(n = lp_prefix(s, len, "Authentication passed for "))) return 0 ;
  s += n ; len -= n ;
  if (lp_suffix(s, len, "]"))
  {
    long k = lp_rfind(s, len, " -- [") ;
    if (k >= 0 && lp_addrend(s + k + 5, len - k - 5, "]", &a))
    {
      if (l->haspid) lp_piddrop(p, l, fmt, l->pid) ;
      return lp_grant(out, l, &a, s, k, "popa3d/pop3") ;
    }
  }
  if (!l->haspid) return lp_refuse(why, "no pid to find the address by") ;
  if (!lp_pidtake(p, l, fmt, l->pid, &a)) return lp_refuse(why, "no connection line with this pid") ;
  return lp_grant(out, l, &a, s, len, "popa3d/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_popa3d_tags[] =
{
  LOGIN_TAG("popa3d", 0),
  LOGIN_TAG_TCPSERVER,
  LOGIN_TAG_END
} ;

char const parse_popa3d_sample[] =
  "Nov 23 21:30:00 mail popa3d[4242]: Authentication passed for alice -- [192.0.2.7]" ;
