/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "fmt.h"

/*
 * GNU Mailutils 3.x pop3d and imap4d, from their format strings:
 *
 *   pop3d[PID]: user `USER' logged in with mailbox `MBOX' (N messages)
 *   imap4d[PID]: user `USER' logged in (source: SOURCE)
 *
 * Neither line has the client's address: under tcpserver (inetd mode)
 * it comes from tcpserver's "ok PID ..." line for the same pid.
 * "user `USER': authentication failed", "session ended ..." and
 * tcpserver's "deny PID" forget the pid.
 */

static char const *service (logline const *l)
{
  if (lp_tag(l, "pop3d") || lp_tag(l, "gnu-pop3d")) return "mailutils/pop3" ;
  if (lp_tag(l, "imap4d") || lp_tag(l, "gnu-imap4d")) return "mailutils/imap" ;
  return 0 ;
}

int fmt_mailutils (logline const *l, unsigned int fmt, pidtab *p, login *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source ;
  long e ;
  addr a ;

  if (lp_tcpserver(l, fmt, p)) return 0 ;
  if (!(source = service(l))) return 0 ;
  if (lp_prefix(s, len, "session ended") || lp_prefix(s, len, "session terminat") || lp_prefix(s, len, "session timed out"))
  {
    if (l->haspid) pidtab_drop(p, fmt, l->pid) ;
    return 0 ;
  }
  if (!(n = lp_prefix(s, len, "user `"))) return 0 ;
  s += n ; len -= n ;
  if (lp_suffix(s, len, "': authentication failed"))
  {
    if (l->haspid) pidtab_drop(p, fmt, l->pid) ;
    return lp_refuse(why, "not a successful login") ;
  }
  if (source[10] == 'p')
  {
    if (!lp_suffix(s, len, " messages)") && !lp_suffix(s, len, " message)")) return 0 ;
    e = lp_rfind(s, len, "' logged in with mailbox `") ;
  }
  else
  {
    if (!lp_suffix(s, len, ")")) return 0 ;
    e = lp_rfind(s, len, "' logged in (source: ") ;
  }
  if (e < 0) return 0 ;
  if (!l->haspid) return lp_refuse(why, "no pid to find the address by") ;
  if (!lp_pidtake(p, fmt, l->pid, l->time, &a)) return lp_refuse(why, "no connection line with this pid") ;
  return lp_grant(out, l, &a, s, e, source) ;
}

char const fmt_mailutils_sample[] =
  "tcpserver: ok 4242 0:192.0.2.1:110 :192.0.2.7::41234\n"
  "Nov 23 21:30:00 mail pop3d[4242]: user `alice' logged in with mailbox `mbox:/var/mail/alice' (3 messages)" ;
