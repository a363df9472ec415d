/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * vpopmail's vchkpw (the checkpassword of qmail-pop3d with vpopmail),
 * with tag vpopmail:
 *
 *   vchkpw-pop3: login [USER@DOMAIN] from IP          (vchkpw: in old versions)
 *   vchkpw-pop3: (PLAIN) login success USER@DOMAIN:IP
 *   vchkpw-pop3: system password login success USER:IP  (an /etc/passwd user)
 *
 * The name after "vchkpw-" is vchkpw's from TCPLOCALPORT (vchkpw.c):
 * pop3 (110), pop3s (995), imap (143), imaps (993); smtp (25), smtps
 * (465), submission (587) are SMTP AUTH, not read; webmail is a POP or
 * IMAP login from the webmail host (127.0.0.1), whose address is not
 * the client's, not read; any other port is its number ("vchkpw-2110",
 * the protocol guessed from the program vchkpw runs): source
 * vchkpw/other.  A name vchkpw never writes is not read.
 *
 * The user comes first; the address ends the line, after the last
 * " from " or the last ':' (that second form is IPv4 only: an IPv6
 * address has colons of its own).  "password fail", "vpopmail user not
 * found" and the other vchkpw messages are not logins.
 */

/* the source of the name at s, its ": " included in *n (with "vchkpw-"), or 0 */
static char const *service (char const *s, size_t len, size_t *n)
{
  static char const *const names[] = { "pop3", "vchkpw/pop3", "pop3s", "vchkpw/pop3", "imap", "vchkpw/imap", "imaps", "vchkpw/imap", 0 } ;
  size_t d = lp_digits(s, len), k ;
  if (d && d <= 5 && s[0] != '0' && (k = lp_prefix(s + d, len - d, ": "))) { *n += d + k ; return "vchkpw/other" ; }
  for (unsigned int i = 0 ; names[i] ; i += 2)
    if ((d = lp_prefix(s, len, names[i])) && (k = lp_prefix(s + d, len - d, ": "))) { *n += d + k ; return names[i+1] ; }
  return 0 ;
}

int parse_vchkpw (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source = "vchkpw/pop3" ;
  long k ;
  addr a ;
  (void)fmt ; (void)p ;

  if ((n = lp_prefix(s, len, "vchkpw-")))
  {
    if (!(source = service(s + n, len - n, &n))) return 0 ;
  }
  else if (!(n = lp_prefix(s, len, "vchkpw: "))) return 0 ;
  s += n ; len -= n ;
  if ((n = lp_prefix(s, len, "login [")))
  {
    s += n ; len -= n ;
    k = lp_rfind(s, len, "] from ") ;
    if (k < 0 || !lp_addrend(s + k + 7, len - k - 7, "", &a)) return lp_refuse(why, "from is not an address") ;
    return lp_grant(out, l, &a, s, k, source) ;
  }
  if (len && s[0] == '(')
  {
    long e = lp_find(s, len, ')') ;
    if (e < 0 || (size_t)e + 1 >= len || s[e+1] != ' ') return 0 ;
    s += e + 2 ; len -= e + 2 ;
  }
  if ((n = lp_prefix(s, len, "login success ")) || (n = lp_prefix(s, len, "system password login success ")))
  {
    s += n ; len -= n ;
    k = lp_rfind(s, len, ":") ;
    if (k < 0 || !lp_addrend(s + k + 1, len - k - 1, "", &a) || a.is6) return lp_refuse(why, "no IPv4 address after the last ':'") ;
    return lp_grant(out, l, &a, s, k, source) ;
  }
  if (lp_prefix(s, len, "password fail") || lp_prefix(s, len, "vpopmail user not found")
   || lp_prefix(s, len, "login fail") || lp_prefix(s, len, "system password fail")
   || lp_prefix(s, len, "system user")) return lp_refuse(why, "not a successful login") ;
  return 0 ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_vchkpw_tags[] =
{
  LOGIN_TAG("vpopmail", 0),
  LOGIN_TAG_END
} ;

char const parse_vchkpw_sample[] =
  "Nov 23 21:30:00 mail vpopmail[4242]: vchkpw-pop3: login [alice@example.org] from 192.0.2.7" ;
