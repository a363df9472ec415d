/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * cucipop writes one line per finished session of a logged-in user:
 *
 *   cucipop[PID]: USER IP D, D (D), D (D)
 *
 * The counts after the address are cucipop's, so the line is read from
 * the end: exactly those five numbers, and the address before them.
 */

static int isnum (char const *s, size_t len) { return len && lp_digits(s, len) == len ; }

int parse_cucipop (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  /* the words after the address: "D," "D" "(D)," "D" "(D)" */
  char const *s = l->msg ;
  size_t len = l->msglen, end = len ;
  size_t ws[6], we[6] ;
  addr a ;
  (void)fmt ; (void)p ;

  for (unsigned int k = 0 ; k < 6 ; k++)
  {
    long sp = lp_rfind(s, end, " ") ;
    if (sp < 0) return 0 ;
    ws[k] = sp + 1 ; we[k] = end ; end = sp ;
  }
  /* ws[0] "(D)", ws[1] "D", ws[2] "(D),", ws[3] "D", ws[4] "D,", ws[5] the address */
  if (!(we[0] - ws[0] >= 3 && s[ws[0]] == '(' && s[we[0]-1] == ')' && isnum(s + ws[0] + 1, we[0] - ws[0] - 2))) return 0 ;
  if (!isnum(s + ws[1], we[1] - ws[1])) return 0 ;
  if (!(we[2] - ws[2] >= 4 && s[ws[2]] == '(' && s[we[2]-2] == ')' && s[we[2]-1] == ',' && isnum(s + ws[2] + 1, we[2] - ws[2] - 3))) return 0 ;
  if (!isnum(s + ws[3], we[3] - ws[3])) return 0 ;
  if (!(we[4] - ws[4] >= 2 && s[we[4]-1] == ',' && isnum(s + ws[4], we[4] - ws[4] - 1))) return 0 ;
  if (!lp_addrend(s + ws[5], we[5] - ws[5], "", &a)) return lp_refuse(why, "not an address before the counts") ;
  return lp_grant(out, l, &a, s, end, "cucipop/pop3") ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_cucipop_tags[] =
{
  LOGIN_TAG("cucipop", 0),
  LOGIN_TAG_END
} ;

char const parse_cucipop_sample[] =
  "Nov 23 21:30:00 mail cucipop[4242]: alice 192.0.2.7 3, 0 (0), 2 (4711)" ;
