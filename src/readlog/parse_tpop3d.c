/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * tpop3d (syslog tag tpop3d) logs a login from the listening process,
 * when it has forked the session's child:
 *
 *   fork_child: [FD]USER(IP): began session for `USER' with AUTH; child PID is N   (1.5.1 on)
 *   fork_child: [FD]USER(IP): successfully authenticated with AUTH                 (1.3.5 to 1.5.0)
 *
 * [FD]USER(IP) is the connection's id string, which tpop3d rewrites to
 * that shape once a user is authenticated (before, it is [FD]IP/DOMAIN);
 * AUTH is the name of an authentication driver ("pam", "mysql+cache").
 * The user name stands before the address, so neither form is read from
 * the front.  The older one is read from its end: the last "): successfully
 * authenticated with " (a driver name holds none), and the address after
 * the last '(' before it.  The newer one ends in the child's pid and the
 * driver, with the user name between them and the address: what is left
 * is USER(IP): began session for `USER, the same name twice, which fits
 * only one way (a shorter name would put the real '(' inside its address,
 * a longer one would put its '(' inside the real address).
 *
 * The authcontext_new_* "began session" lines have no address.
 */

#define BEGAN "): began session for `"
#define WITH "' with "
#define CHILD "; child PID is "
#define AUTHED "): successfully authenticated with "

/* an authentication driver's name: letters, digits, '_', '-', '+' */
static int drivername (char const *s, size_t len)
{
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
       || c == '_' || c == '-' || c == '+')) return 0 ;
  }
  return 1 ;
}

/* s = USER(IP): began session for `USER, len bytes */
static int began (char const *s, size_t len, addr *a, size_t *userlen)
{
  size_t const fixed = 1 + (sizeof(BEGAN) - 1) ;
  /* an address literal is 2 to 45 bytes long ("::", mapped IPv6) */
  for (size_t iplen = 2 ; iplen <= 45 && fixed + iplen <= len ; iplen++)
  {
    size_t u ;
    if ((len - fixed - iplen) & 1) continue ;
    u = (len - fixed - iplen) >> 1 ;
    if (s[u] != '(') continue ;
    if (!lp_addrend(s + u + 1, iplen + sizeof(BEGAN) - 1, BEGAN, a)) continue ;
    if (memcmp(s, s + len - u, u)) continue ;
    *userlen = u ;
    return 1 ;
  }
  return 0 ;
}

int parse_tpop3d (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n, d ;
  long k, w ;
  addr a ;
  (void)fmt ; (void)p ;

  if (lp_prefix(s, len, "authcontext_new_user_pass: began session for ")
   || lp_prefix(s, len, "authcontext_new_apop: began session for "))
    return lp_refuse(why, "no address here: the fork_child line of the same login has it") ;
  if (!(n = lp_prefix(s, len, "fork_child: ["))) return 0 ;
  s += n ; len -= n ;
  d = lp_digits(s, len) ;
  if (!d || d == len || s[d] != ']') return 0 ;
  s += d + 1 ; len -= d + 1 ;

  k = lp_rfind(s, len, CHILD) ;
  if (k >= 0)
  {
    size_t c = k + sizeof(CHILD) - 1 ;
    if (c < len && lp_digits(s + c, len - c) == len - c)
    {
      size_t ulen ;
      w = lp_rfind(s, k, WITH) ;
      if (w < 0 || !drivername(s + w + sizeof(WITH) - 1, k - w - (sizeof(WITH) - 1)))
        return lp_refuse(why, "no driver name before the child's pid") ;
      if (!began(s, w, &a, &ulen))
        return lp_refuse(why, "not USER(ADDRESS): began session for `USER, the same name twice") ;
      return lp_grant(out, l, &a, s, ulen, "tpop3d/pop3") ;
    }
  }

  k = lp_rfind(s, len, AUTHED) ;
  if (k >= 0 && drivername(s + k + sizeof(AUTHED) - 1, len - k - (sizeof(AUTHED) - 1)))
  {
    long par = lp_rfind(s, k, "(") ;
    if (par < 0 || !lp_addrend(s + par + 1, k - par - 1, "", &a))
      return lp_refuse(why, "no (address) before \"): successfully authenticated\"") ;
    return lp_grant(out, l, &a, s, par, "tpop3d/pop3") ;
  }
  return 0 ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_tpop3d_tags[] =
{
  LOGIN_TAG("tpop3d", 0),
  LOGIN_TAG_END
} ;

char const parse_tpop3d_sample[] =
  "Nov 23 21:30:00 mail tpop3d[4242]: fork_child: [7]alice(192.0.2.7): began session for `alice' with pam; child PID is 4243" ;
