/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * Cyrus IMAP 2.x to 3.10, imapd and pop3d:
 *
 *   TAG[PID]: login: HOST [IP] USER MECH[+TLS] User logged in[ SESSIONID=<...>]
 *
 * TAG is the listener's name in cyrus.conf's SERVICES (CYRUS_SERVICE,
 * master/service.c; any name: imap, pop3s, imap6, ...), or, with
 * imapd.conf's syslog_prefix (or $CYRUS_SYSLOG_PREFIX), "PREFIX/NAME"
 * (imap/global.c; Debian's packages use "cyrus").  imapd and pop3d
 * write the same words, so only the name tells POP from IMAP; a name
 * that says neither gives source "cyrus/other".  The tags read: the usual
 * names bare, "cyrus/" then any name, any prefix then "/" and a usual
 * name; a bare unusual name is any program's tag, and is not read.
 *
 * HOST is the client's resolved name, absent or written without the
 * space in some versions ("host[IP]").  The address comes before
 * anything the client chose, so it is read from the front: the message
 * must start with "login: ", then a host name, then "[" address "] ".
 * A failure is "badlogin: ...", never a login.
 */

enum { IMAP = 1, POP3, NAMED } ;

static char const *service (logline const *l, unsigned int fmt)
{
  char const *name = l->tag + 6 ;
  size_t len = l->taglen - 6 ;
  switch (lp_tagkind(l, fmt))
  {
    case IMAP : return "cyrus/imap" ;
    case POP3 : return "cyrus/pop3" ;
    case NAMED :
      /* "cyrus/" and the name cyrus.conf gives the listener */
      if (lp_find(name, len, '/') >= 0) return 0 ;
      if (lp_prefix(name, len, "imap")) return "cyrus/imap" ;
      if (lp_prefix(name, len, "pop")) return "cyrus/pop3" ;
      return "cyrus/other" ;
    default : return 0 ;
  }
}

static int hostchar (char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
    || c == '.' || c == '-' || c == '_' ;
}

int parse_cyrus (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n, i = 0 ;
  char const *source = service(l, fmt) ;
  long k, sp ;
  addr a ;
  (void)p ;

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

/* every tag this format reads: login_scan tries it on these lines only;
   the first entry a tag matches is its kind, so the rule "cyrus/" "*" comes last */
login_tag const parse_cyrus_tags[] =
{
  LOGIN_TAG("imap", IMAP),
  LOGIN_TAG("imaps", IMAP),
  LOGIN_TAG("imapd", IMAP),
  LOGIN_TAG("pop3", POP3),
  LOGIN_TAG("pop3s", POP3),
  LOGIN_TAG("pop3d", POP3),
  LOGIN_TAG("*/imap", IMAP),
  LOGIN_TAG("*/imaps", IMAP),
  LOGIN_TAG("*/imapd", IMAP),
  LOGIN_TAG("*/pop3", POP3),
  LOGIN_TAG("*/pop3s", POP3),
  LOGIN_TAG("*/pop3d", POP3),
  LOGIN_TAG("cyrus/*", NAMED),
  LOGIN_TAG_END
} ;

char const parse_cyrus_sample[] =
  "Nov 23 21:30:00 mail cyrus/imap[4242]: login: client.example.org [192.0.2.7] alice plaintext User logged in SESSIONID=<cyrus-4242-1700000000-1-123>" ;
