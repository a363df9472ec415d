/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * Qualcomm qpopper (popper, qpopper, in.qpopper), two lines of its own:
 *
 *   (vVERSION) POP login by user "USER" at (HOST) IP [pop_log.c:NNN]
 *   Stats: USER D D D D [HOST] IP
 *
 * The first is written at login (with LOG_LOGIN), the second when a
 * logged-in session ends.  Both have the user first, so both are read
 * from the end: the address is the last word (before qpopper's
 * "[file.c:line]" if there), and what precedes it is qpopper's.
 */

static int isnum (char const *s, size_t len) { return len && lp_digits(s, len) == len ; }

int parse_qpopper (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  long sp ;
  addr a ;
  (void)fmt ; (void)p ;

  if ((n = lp_prefix(s, len, "Stats: ")))
  {
    /* the last six words, from the end: ws[i]..we[i] */
    size_t ws[6], we[6], end, first ;
    unsigned int k = 0 ;
    s += n ; len -= n ; end = len ;
    while (k < 6)
    {
      sp = lp_rfind(s, end, " ") ;
      if (sp < 0) break ;
      ws[k] = sp + 1 ; we[k] = end ; end = sp ; k++ ;
    }
    if (k < 5) return lp_refuse(why, "too few fields in Stats:") ;
    if (!lp_addrend(s + ws[0], we[0] - ws[0], "", &a)) return lp_refuse(why, "Stats: address is not an address") ;
    first = isnum(s + ws[1], we[1] - ws[1]) ? 1 : 2 ;
    if (first + 4 > k) return lp_refuse(why, "too few fields in Stats:") ;
    for (size_t i = first ; i < first + 4 ; i++)
      if (!isnum(s + ws[i], we[i] - ws[i])) return lp_refuse(why, "Stats: counts are not numbers") ;
    return lp_grant(out, l, &a, s, ws[first + 3] - 1, "qpopper/pop3") ;
  }
  if (len && s[0] == '(' && (sp = lp_find(s, len, ')')) > 0 && (size_t)sp + 1 < len && s[sp+1] == ' ')
  {
    s += sp + 2 ; len -= sp + 2 ;
  }
  if (!(n = lp_prefix(s, len, "POP login by user \""))) return 0 ;
  s += n ; len -= n ;
  if (lp_suffix(s, len, "]"))
  {
    sp = lp_rfind(s, len, " [") ;
    if (sp < 0) return lp_refuse(why, "bad [file:line]") ;
    len = sp ;
  }
  sp = lp_rfind(s, len, " ") ;
  if (sp < 1 || !lp_addrend(s + sp + 1, len - sp - 1, "", &a)) return lp_refuse(why, "last word is not an address") ;
  if (s[sp-1] != ')') return lp_refuse(why, "no (host) before the address") ;
  {
    long at = lp_rfind(s, sp, "\" at (") ;
    if (at < 0) return lp_refuse(why, "no \" at (host)") ;
    return lp_grant(out, l, &a, s, at, "qpopper/pop3") ;
  }
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_qpopper_tags[] =
{
  LOGIN_TAG("popper", 0),
  LOGIN_TAG("qpopper", 0),
  LOGIN_TAG("in.qpopper", 0),
  LOGIN_TAG("in.popper", 0),
  LOGIN_TAG_END
} ;

char const parse_qpopper_sample[] =
  "Nov 23 21:30:00 mail in.qpopper[4242]: (v4.0.9) POP login by user \"alice\" at (client.example.org) 192.0.2.7 [pop_log.c:244]" ;
