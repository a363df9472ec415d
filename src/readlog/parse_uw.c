/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * UW ipop3d / imapd (c-client), from their format strings:
 *
 *   Login user=USER host=HOST [IP]
 *   Authenticated user=USER host=HOST [IP]       (SASL)
 *   Auth user=USER host=HOST [IP] nmsgs=N/M      (ipop3d)
 *   APOP user=USER host=HOST [IP] nmsgs=N/M
 *
 * HOST is the resolved name, or absent ("host=[IP]").  The user name is
 * written as sent and comes first; the address is the bracketed one at
 * the end (after an optional " nmsgs=N/M"), with " host=" before it.
 * Solaris' syslogd may put "[ID n facility.level] " before the message.
 * "Login failed ...", "AUTHENTICATE ... failure" are not logins.
 */

enum { POP3 = 1, IMAP } ;

static char const *service (logline const *l, unsigned int fmt)
{
  switch (lp_tagkind(l, fmt))
  {
    case POP3 : return "uw/pop3" ;
    case IMAP : return "uw/imap" ;
    default : return 0 ;
  }
}

int parse_uw (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  static char const *const keys[] = { "Login user=", "Authenticated user=", "Auth user=", "APOP user=", 0 } ;
  char const *s = l->msg ;
  size_t len = l->msglen, n = 0, d ;
  char const *source = service(l, fmt) ;
  long br, h ;
  addr a ;
  (void)p ;

  if (!source) return 0 ;
  if (lp_prefix(s, len, "[ID "))
  {
    long e = lp_find(s, len, ']') ;
    if (e < 0 || (size_t)e + 1 >= len || s[e+1] != ' ') return 0 ;
    s += e + 2 ; len -= e + 2 ;
  }
  if (lp_prefix(s, len, "Login failed") || lp_prefix(s, len, "AUTHENTICATE ")
   || lp_prefix(s, len, "Failed ")) return lp_refuse(why, "not a successful login") ;
  for (unsigned int i = 0 ; keys[i] && !n ; i++) n = lp_prefix(s, len, keys[i]) ;
  if (!n) return 0 ;
  s += n ; len -= n ;
  /* " nmsgs=N/M" at the end */
  h = lp_rfind(s, len, " nmsgs=") ;
  if (h >= 0 && !lp_suffix(s, len, "]"))
  {
    size_t i = h + 7 ;
    d = lp_digits(s + i, len - i) ;
    if (d && i + d + 1 < len && s[i+d] == '/' && lp_digits(s + i + d + 1, len - i - d - 1) == len - i - d - 1)
      len = h ;
  }
  if (!lp_suffix(s, len, "]")) return lp_refuse(why, "no [address] at the end") ;
  br = lp_rfind(s, len, "[") ;
  if (br < 0) return lp_refuse(why, "no [address] at the end") ;
  if (!lp_addrend(s + br + 1, len - br - 1, "]", &a)) return lp_refuse(why, "[address] is not an address") ;
  h = lp_rfind(s, br, " host=") ;
  if (h < 0) return lp_refuse(why, "no host= field") ;
  for (long i = h + 6 ; i < br ; i++)
  {
    char c = s[i] ;
    if (i == br - 1 && c == ' ') break ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_'))
      return lp_refuse(why, "host= is not a host name") ;
  }
  return lp_grant(out, l, &a, s, h, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_uw_tags[] =
{
  LOGIN_TAG("ipop3d", POP3),
  LOGIN_TAG("ipop3sd", POP3),
  LOGIN_TAG("pop3s", POP3),
  LOGIN_TAG("ipop2d", POP3),
  LOGIN_TAG("imapd", IMAP),
  LOGIN_TAG("imapsd", IMAP),
  LOGIN_TAG("imaps", IMAP),
  LOGIN_TAG_END
} ;

char const parse_uw_sample[] =
  "Nov 23 21:30:00 mail imapd[4242]: Login user=alice host=client.example.org [192.0.2.7]" ;
