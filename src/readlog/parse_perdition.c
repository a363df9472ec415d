/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * perdition (POP3/IMAP proxy), from its format strings (2.x):
 *
 *   Auth: FROM->TO client-secure=S authorisation_id=A authentication_id="USER"
 *     server="HOST:PORT" protocol=PROTO server-secure=S status="ok"
 *
 * and from the older form "Auth: IP->IP user="USER" server="..."
 * port="..." status="ok"".  FROM (the client's address, with ":PORT" in
 * 2.x) comes first, before anything the client chose, and is read from
 * the front; status="ok" must end the line.
 */

/* "ADDR", "ADDR:PORT" (IPv4) or "[ADDR]:PORT", the whole of s */
static int from (char const *s, size_t len, addr *a)
{
  long c ;
  if (addr_parse(s, len, a)) return 1 ;
  if (len && s[0] == '[')
  {
    long b = lp_find(s, len, ']') ;
    if (b < 0 || (size_t)b + 1 >= len || s[b+1] != ':') return 0 ;
    if (lp_digits(s + b + 2, len - b - 2) != len - b - 2 || (size_t)b + 2 == len) return 0 ;
    return addr_parse(s + 1, b - 1, a) ;
  }
  c = lp_rfind(s, len, ":") ;
  if (c <= 0 || (size_t)c + 1 == len || lp_digits(s + c + 1, len - c - 1) != len - c - 1) return 0 ;
  if (lp_find(s, c, ':') >= 0) return 0 ;  /* a bare IPv6 address and a port cannot be told apart */
  return addr_parse(s, c, a) ;
}

int parse_perdition (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source = "perdition/pop3" ;
  long arrow, k ;
  addr a ;
  (void)fmt ; (void)p ;

  /* perdition writes "Auth: " and one space, whatever the version */
  if (!(n = lp_prefix(s, len, "Auth: "))) return 0 ;
  s += n ; len -= n ;
  if (!lp_suffix(s, len, " status=\"ok\"")) return lp_refuse(why, "status is not \"ok\"") ;
  arrow = lp_rfind(s, lp_find(s, len, ' ') < 0 ? len : (size_t)lp_find(s, len, ' '), "->") ;
  if (arrow <= 0 || !from(s, arrow, &a)) return lp_refuse(why, "FROM is not an address") ;
  k = lp_rfind(s, len, " protocol=") ;
  if (k >= 0 && (lp_prefix(s + k + 10, len - k - 10, "IMAP") )) source = "perdition/imap" ;
  else if (k < 0 && l->taglen > 10 && lp_prefix(l->tag + 10, l->taglen - 10, "imap")) source = "perdition/imap" ;
  {
    char const *u = s ;
    size_t ulen = 0 ;
    long q = lp_find(s, len, '"') ;
    if (q >= 0)
    {
      long e = lp_rfind(s, len, "\" server=\"") ;
      if (e > q) { u = s + q + 1 ; ulen = e - q - 1 ; }
    }
    return lp_grant(out, l, &a, u, ulen, source) ;
  }
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_perdition_tags[] =
{
  LOGIN_TAG("perdition", 0),
  LOGIN_TAG("perdition.pop3", 0),
  LOGIN_TAG("perdition.pop3s", 0),
  LOGIN_TAG("perdition.imap4", 0),
  LOGIN_TAG("perdition.imap4s", 0),
  LOGIN_TAG("perdition.imaps", 0),
  LOGIN_TAG_END
} ;

char const parse_perdition_sample[] =
  "Nov 23 21:30:00 mail perdition.pop3[4242]: Auth: 192.0.2.7:41234->192.0.2.1:110 client-secure=plaintext authorisation_id=NONE authentication_id=\"alice\" server=\"10.0.0.5:110\" protocol=POP3 server-secure=plaintext status=\"ok\"" ;
