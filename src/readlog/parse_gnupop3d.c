/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * The old GNU pop3d (before it became Mailutils' pop3d):
 *
 *   gnu-pop3d[PID]: User USER logged in with mailbox MAILBOX from IP
 *
 * Versions of the same line without " from IP" exist, and MAILBOX is
 * made from USER: a user name holding " from IP" could then end the
 * line with an address of its choosing.  So USER and MAILBOX must be
 * single words (possibly quoted) and the line exactly these nine
 * words; anything else is refused.
 */

int parse_gnupop3d (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  static char const *const fixed[9] = { "User", 0, "logged", "in", "with", "mailbox", 0, "from", 0 } ;
  char const *s = l->msg ;
  size_t len = l->msglen, pos = 0 ;
  size_t ws[9], wl[9] ;
  unsigned int k = 0 ;
  char const *u ;
  size_t ulen ;
  addr a ;
  (void)fmt ; (void)p ;

  if (!lp_prefix(s, len, "User ")) return 0 ;
  while (pos <= len && k < 10)
  {
    long sp = lp_find(s + pos, len - pos, ' ') ;
    size_t e = sp < 0 ? len : pos + sp ;
    if (k == 9) return lp_refuse(why, "more words than GNU pop3d writes") ;
    ws[k] = pos ; wl[k] = e - pos ; k++ ;
    if (sp < 0) break ;
    pos = e + 1 ;
  }
  if (k != 9) return 0 ;
  for (unsigned int i = 0 ; i < 9 ; i++)
    if (fixed[i] && (wl[i] != strlen(fixed[i]) || !lp_prefix(s + ws[i], wl[i], fixed[i]))) return 0 ;
  if (!lp_addr(s + ws[8], wl[8], "", &a)) return lp_refuse(why, "from is not an address") ;
  u = s + ws[1] ; ulen = wl[1] ;
  if (ulen >= 2 && (u[0] == '\'' || u[0] == '`') && u[ulen-1] == '\'') { u++ ; ulen -= 2 ; }
  return lp_grant(out, l, &a, u, ulen, "gnu-pop3d/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_gnupop3d_tags[] =
{
  LOGIN_TAG("gnu-pop3d", 0),
  LOGIN_TAG_END
} ;

char const parse_gnupop3d_sample[] =
  "Nov 23 21:30:00 mail gnu-pop3d[4242]: User alice logged in with mailbox /var/spool/mail/alice from 192.0.2.7" ;
