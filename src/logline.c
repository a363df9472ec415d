/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"
#include "timescan.h"

/*
 * The prefix is written by the logger (multilog, syslogd, the server's
 * own log file code), never by a client, so it is read from the start
 * of the line, field by field.  The tag is the first token after the
 * stamps and host: text further on, whatever it says, is message.
 */

static size_t token (char const *s, size_t len)
{
  size_t n = 0 ;
  while (n < len && s[n] != ' ') n++ ;
  return n ;
}

/*
 * A syslog host name or address.  Checked, because a server's own log
 * file has a stamp and no host: "STAMP pop3(x imap-login: Login: ..."
 * must not read as host "pop3(x" and tag "imap-login" when a client
 * chose the user name "x imap-login: Login: ...".
 */
int logline_ishost (char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++)
  {
    char c = s[i] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
       || c == '.' || c == '-' || c == '_' || c == ':')) return 0 ;
  }
  return len > 0 ;
}

/*
 * "NAME:" or "NAME[PID]:", the whole of s (len bytes); with bare, also
 * "NAME" or "NAME[PID]": rsyslog writes a message it received in RFC
 * 5424 form with its APP-NAME[PROCID] and no colon.  A colon-less tag is
 * read only after a syslog stamp and host, where the logger put it.
 */
static int tag_split (char const *s, size_t len, int bare, logline *l)
{
  size_t i ;
  if (len >= 2 && s[len-1] == ':') len-- ;
  else if (!bare) return 0 ;
  for (i = 0 ; i < len ; i++)
  {
    unsigned char c = s[i] ;
    if (c == '[' || c == ']' || c == ':' || c < 0x21 || c > 0x7e) break ;
  }
  if (!i) return 0 ;
  l->tag = s ; l->taglen = i ;
  l->haspid = 0 ; l->pid = 0 ;
  if (i == len) return 1 ;
  if (s[i] != '[' || s[len-1] != ']') return 0 ;
  if (!lp_uint(s + i + 1, len - i - 2, &l->pid)) return 0 ;
  l->haspid = 1 ;
  return 1 ;
}

int logline_split (char const *s, size_t len, int64_t now, logline *l)
{
  size_t i = 0, n ;
  int64_t t ;
  int stamped = 0 ;

  l->time = -1 ;
  l->host = 0 ; l->hostlen = 0 ;
  l->tag = 0 ; l->taglen = 0 ;
  l->pid = 0 ; l->haspid = 0 ;
  l->msg = 0 ; l->msglen = 0 ;
  l->now = now ;

  n = tai64n_scan(s, len, &t) ;
  if (n && n < len && s[n] == ' ') { l->time = t ; i = n + 1 ; }

  n = rfc3164_scan(s + i, len - i, now, &t) ;
  if (!n) n = iso8601_scan(s + i, len - i, &t) ;
  if (n && i + n < len && s[i+n] == ' ')
  {
    if (l->time < 0) l->time = t ;
    i += n + 1 ;
    stamped = 1 ;
  }

  n = token(s + i, len - i) ;
  if (!n) return 0 ;
  if (s[i+n-1] != ':')
  {
    /* a host stands only after a syslog stamp */
    if (!stamped || !logline_ishost(s + i, n)) return 0 ;
    l->host = s + i ; l->hostlen = n ;
    i += n ;
    if (i >= len) return 0 ;
    i++ ;
    n = token(s + i, len - i) ;
  }
  if (!tag_split(s + i, n, !!l->host, l)) return 0 ;
  i += n ;
  if (i < len) i++ ;  /* the space after "TAG:" */
  l->msg = s + i ; l->msglen = len - i ;
  return 1 ;
}
