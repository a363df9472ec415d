/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "fmt.h"

/*
 * Cyrus IMAP 2.x and 3.x, imapd and pop3d:
 *
 *   TAG[PID]: login: HOST [IP] USER MECH[+TLS] User logged in[ SESSIONID=<...>]
 *
 * TAG is the service name from cyrus.conf (imap, imaps, pop3, pop3s;
 * older setups imapd, pop3d; Debian prefixes "cyrus/").  HOST is the
 * client's resolved name, absent or written without the space in some
 * versions ("host[IP]").  The address comes before anything the client
 * chose, so it is read from the front: the message must start with
 * "login: ", then a host name, then "[" address "] ".  A failure is
 * "badlogin: ...", never a login.
 */

static char const *service (logline const *l)
{
  static char const *const imap[] = { "imap", "imaps", "imapd", "cyrus/imap", "cyrus/imaps", "cyrus/imapd", 0 } ;
  static char const *const pop3[] = { "pop3", "pop3s", "pop3d", "cyrus/pop3", "cyrus/pop3s", "cyrus/pop3d", 0 } ;
  for (unsigned int i = 0 ; imap[i] ; i++) if (lp_tag(l, imap[i])) return "cyrus/imap" ;
  for (unsigned int i = 0 ; pop3[i] ; i++) if (lp_tag(l, pop3[i])) return "cyrus/pop3" ;
  return 0 ;
}

static int hostchar (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '.' || c == '-' || c == '_' ;
}

int fmt_cyrus (logline const *l, unsigned int fmt, pidtab *p, login *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n, i = 0 ;
  char const *source = service(l) ;
  long k, sp ;
  addr a ;
  (void)fmt ; (void)p ;

  if (!source) return 0 ;
  if (lp_prefix(s, len, "badlogin: ")) return lp_refuse(why, "not a successful login") ;
  if (!(n = lp_prefix(s, len, "login: "))) return 0 ;
  s += n ; len -= n ;
  while (i < len && hostchar(s[i])) i++ ;
  if (i < len && s[i] == ' ' && i) i++ ;
  if (i >= len || s[i] != '[') return lp_refuse(why, "no [address] after the host name") ;
  i++ ;
  n = lp_addr(s + i, len - i, "] ", &a) ;
  if (!n) return lp_refuse(why, "[address] is not an address") ;
  s += i + n ; len -= i + n ;
  k = lp_rfind(s, len, " User logged in") ;
  if (k < 0) return lp_refuse(why, "no \"User logged in\"") ;
  sp = lp_rfind(s, k, " ") ;  /* before the mechanism */
  if (sp < 0) return lp_refuse(why, "no mechanism") ;
  return lp_grant(out, l, &a, s, sp, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
char const fmt_cyrus_tags[] = "imap\0imaps\0imapd\0cyrus/imap\0cyrus/imaps\0cyrus/imapd\0pop3\0pop3s\0pop3d\0cyrus/pop3\0cyrus/pop3s\0cyrus/pop3d\0" ;

char const fmt_cyrus_sample[] =
  "Nov 23 21:30:00 mail cyrus/imap[4242]: login: client.example.org [192.0.2.7] alice plaintext User logged in SESSIONID=<cyrus-4242-1700000000-1-123>" ;
