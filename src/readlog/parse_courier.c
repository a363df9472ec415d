/* ISC license. */

#include "login.h"
#include "loginparse.h"
#include "parse.h"

/*
 * Courier-IMAP / Courier POP3.  The login programs write to stderr
 *
 *   INFO: LOGIN, user=U, ip=[IP], port=[PORT], protocol=IMAP   (imaplogin)
 *   INFO: LOGIN, user=U, ip=[IP], port=[PORT]                  (courierpop3login)
 *
 * (some versions add ", stls=1"; 5.2.6 and later end an IMAP login made
 * after STARTTLS with ", starttls=1"; old ones, Courier-IMAP 4.x among
 * them: "LOGIN, user=U, ip=[IP]" and "LOGIN, user=U, ip=[IP],
 * protocol=IMAP"), which courierlogger sends
 * to syslog under the program's name (imapd, imapd-ssl, pop3d, pop3d-ssl,
 * courierpop3login, ...), and which multilog takes as it is, with no tag
 * but "INFO".  The user name comes first and is written as the client
 * sent it, so the fields are read from the end: the line must end with
 * Courier's own "], port=[DIGITS]" (then ", protocol=PROTO" if any),
 * and the address is what stands between the last ", ip=[" and that.  "LOGIN FAILED, ..." is never a login.
 */

enum { POP3 = 1, IMAP, LOGGER } ;

static int tagok (logline const *l, unsigned int fmt, unsigned int *kind, char const **proto)
{
  switch (*kind = lp_tagkind(l, fmt))
  {
    case POP3 : *proto = "courier/pop3" ; return 1 ;
    case IMAP : *proto = "courier/imap" ; return 1 ;
    /* stderr under multilog: the level is the only tag, and there is no host */
    case LOGGER : *proto = "courier" ; return !l->host && !l->haspid ;
    default : return 0 ;
  }
}

/* ", protocol=PROTO" ends s: its offset, or -1 */
static long protocol (char const *s, size_t len, char const **source)
{
  long p = lp_rfind(s, len, ", protocol=") ;
  char const *v ;
  size_t vlen ;
  if (p < 0) return -1 ;
  v = s + p + 11 ; vlen = len - p - 11 ;
  if (!vlen) return -1 ;
  for (size_t i = 0 ; i < vlen ; i++)
    if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9'))) return -1 ;
  if (lp_prefix(v, vlen, "POP3")) *source = "courier/pop3" ;
  else if (lp_prefix(v, vlen, "IMAP")) *source = "courier/imap" ;
  return p ;
}

/* "], port=[DIGITS]" ends s: the offset of its "]", or -1 */
static long port (char const *s, size_t len)
{
  long p = lp_rfind(s, len, "], port=[") ;
  if (p < 0 || !len || s[len-1] != ']') return -1 ;
  if (!lp_digits(s + p + 9, len - p - 9) || lp_digits(s + p + 9, len - p - 9) != len - p - 10) return -1 ;
  return p ;
}

int parse_courier (logline const *l, unsigned int fmt, pidtab *p, loginok *out, char const **why)
{
  char const *s = l->msg ;
  size_t len = l->msglen, n ;
  char const *source ;
  long ip, pt, end ;
  int tls = 0 ;
  unsigned int kind ;
  addr a ;
  (void)p ;

  if (!tagok(l, fmt, &kind, &source)) return 0 ;
  if (kind != LOGGER) { n = lp_prefix(s, len, "INFO: ") ; s += n ; len -= n ; }
  if (lp_prefix(s, len, "LOGIN FAILED")) return lp_refuse(why, "not a successful login") ;
  if (!(n = lp_prefix(s, len, "LOGIN, user="))) return 0 ;
  s += n ; len -= n ;

  /* from the end: [", starttls=1"], [", stls=1"], [", protocol=PROTO"], "], port=[N]" or "]" */
  if (lp_suffix(s, len, ", starttls=1")) { len -= 12 ; tls = 1 ; }
  if (lp_suffix(s, len, ", stls=1")) { len -= 8 ; tls = 1 ; }
  end = protocol(s, len, &source) ;
  if (end >= 0) len = end ;
  /* Courier's IMAP login always names its protocol; its POP3 one may not */
  else if (kind == LOGGER) source = "courier/pop3" ;
  pt = port(s, len) ;
  if (pt >= 0)
  {
    ip = lp_rfind(s, pt, ", ip=[") ;
    if (ip < 0) return lp_refuse(why, "no ip= field") ;
    if (!lp_addr(s + ip + 6, pt - ip - 6, "", &a)) return lp_refuse(why, "ip is not an address") ;
  }
  /* the versions that write stls= or starttls= all write port= */
  else if (tls) return lp_refuse(why, "no port= field before stls= or starttls=") ;
  else
  {
    /* the old form (Courier-IMAP 4.x: "ip=[IP], protocol=IMAP", POP3
       "ip=[IP]") ends with the address; a second ", ip=[" would leave
       doubt about which one Courier wrote */
    ip = lp_rfind(s, len, ", ip=[") ;
    if (ip < 0) return lp_refuse(why, "no ip= field") ;
    if (lp_rfind(s, ip, ", ip=[") >= 0) return lp_refuse(why, "more than one ip= field") ;
    if (!lp_addrend(s + ip + 6, len - ip - 6, "]", &a)) return lp_refuse(why, "ip is not an address") ;
  }
  return lp_grant(out, l, &a, s, ip, source) ;
}

/* every tag this format reads: login_scan tries it on these lines only */
login_tag const parse_courier_tags[] =
{
  LOGIN_TAG("pop3d", POP3),
  LOGIN_TAG("pop3d-ssl", POP3),
  LOGIN_TAG("courierpop3login", POP3),
  LOGIN_TAG("courierpop3d", POP3),
  LOGIN_TAG("pop3login", POP3),
  LOGIN_TAG("imapd", IMAP),
  LOGIN_TAG("imapd-ssl", IMAP),
  LOGIN_TAG("imaplogin", IMAP),
  LOGIN_TAG("courierimaplogin", IMAP),
  LOGIN_TAG("courierimapd", IMAP),
  LOGIN_TAG("INFO", LOGGER),
  LOGIN_TAG_END
} ;

char const parse_courier_sample[] =
  "Nov 23 21:30:00 mail imapd: LOGIN, user=alice, ip=[::ffff:192.0.2.7], port=[41234], protocol=IMAP" ;
