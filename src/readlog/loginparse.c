/* ISC license. */

#include <string.h>
#include "addr.h"
#include "login.h"
#include "loginparse.h"

size_t lp_prefix (char const *s, size_t len, char const *p)
{
  size_t n = strlen(p) ;
  return n <= len && !memcmp(s, p, n) ? n : 0 ;
}

int lp_suffix (char const *s, size_t len, char const *p)
{
  size_t n = strlen(p) ;
  return n <= len && !memcmp(s + len - n, p, n) ;
}

int lp_tag (logline const *l, char const *name)
{
  size_t n ;
  /* called once per format on every line: most tags differ at once */
  if (!l->taglen || l->tag[0] != name[0]) return 0 ;
  n = strlen(name) ;
  return l->taglen == n && !memcmp(l->tag, name, n) ;
}

unsigned int lp_tagkind (logline const *l, unsigned int fmt)
{
  if (!l->taglen) return 0 ;
  /* on the lines of the formats a tag chose: the first byte rules out most entries */
  for (login_tag const *g = login_formats[fmt].tags ; g->name ; g++)
  {
    if (g->kind == LOGIN_TAG_JOIN) continue ;
    if (g->len == l->taglen && g->name[0] == l->tag[0] && !memcmp(g->name, l->tag, g->len)) return g->kind ;
    if ((g->name[0] == '*' || g->name[g->len-1] == '*') && lp_tagrule(l->tag, l->taglen, g->name, g->len)) return g->kind ;
  }
  return 0 ;
}

int lp_tagrule (char const *tag, size_t taglen, char const *rule, size_t n)
{
  if (!n) return 0 ;
  /* tried on every line: the byte most tags differ in first */
  if (rule[n-1] == '*')
    return taglen >= n && tag[0] == rule[0] && !memcmp(tag, rule, n - 1) ;
  if (rule[0] == '*')
    return taglen >= n && tag[taglen-1] == rule[n-1] && !memcmp(tag + taglen - (n - 1), rule + 1, n - 1) ;
  return taglen == n && !memcmp(tag, rule, n) ;
}

size_t lp_addr (char const *s, size_t len, char const *delim, addr *a)
{
  size_t n = addr_scan(s, len, a) ;
  size_t d = strlen(delim) ;
  if (!n) return 0 ;
  if (!d) return n == len ? n : 0 ;
  return lp_prefix(s + n, len - n, delim) ? n + d : 0 ;
}

int lp_addrend (char const *s, size_t len, char const *delim, addr *a)
{
  size_t n = lp_addr(s, len, delim, a) ;
  return n && n == len ;
}

long lp_rfind (char const *s, size_t len, char const *p)
{
  size_t n = strlen(p) ;
  if (!n || n > len) return -1 ;
  for (size_t i = len - n + 1 ; i-- ;)
    if (!memcmp(s + i, p, n)) return (long)i ;
  return -1 ;
}

long lp_find (char const *s, size_t len, char c)
{
  char const *x = memchr(s, c, len) ;
  return x ? x - s : -1 ;
}

size_t lp_digits (char const *s, size_t len)
{
  size_t n = 0 ;
  while (n < len && s[n] >= '0' && s[n] <= '9') n++ ;
  return n ;
}

int lp_uint (char const *s, size_t len, uint64_t *u)
{
  uint64_t v = 0 ;
  if (!len || len > 18) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned int d = (unsigned char)s[i] - '0' ;
    if (d > 9) return 0 ;
    v = v * 10 + d ;
  }
  *u = v ;
  return 1 ;
}

int lp_grant (loginok *out, logline const *l, addr const *a, char const *user, size_t userlen, char const *source)
{
  out->ip = *a ;
  out->time = l->time ;
  out->user = user ;
  out->userlen = user ? userlen : 0 ;
  out->source = source ;
  out->event = LOGIN_GRANT ;
  out->skey = 0 ;
  return 1 ;
}

/* FNV-1a, 64 bits; 0 is "no session", so it is never the key */
uint64_t lp_skey (char const *s, size_t len)
{
  uint64_t h = 14695981039346656037ULL ;
  for (size_t i = 0 ; i < len ; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ULL ;
  return h ? h : 1 ;
}

int lp_end (loginok *out, logline const *l, uint64_t skey, char const *source)
{
  out->ip = (addr)ADDR_ZERO ;
  out->time = l->time ;
  out->user = 0 ;
  out->userlen = 0 ;
  out->source = source ;
  out->event = LOGIN_END ;
  out->skey = skey ;
  return 1 ;
}

int lp_stop (loginok *out, logline const *l, char const *source)
{
  lp_end(out, l, 0, source) ;
  out->event = LOGIN_STOP ;
  return 1 ;
}

int lp_refuse (char const **why, char const *reason)
{
  *why = reason ;
  return 0 ;
}

/*
 * tcpserver writes "ok PID LOCALHOST:LOCALIP:LOCALPORT
 * REMOTEHOST:REMOTEIP:REMOTEINFO:REMOTEPORT".  It turns ':' and
 * anything outside 0x21..0x7e in the host names and in REMOTEINFO into
 * '?', so REMOTEHOST ends at the first ':' and REMOTEINFO and the port
 * are the last two fields: what lies between is the address, whatever
 * colons an IPv6 literal has.
 */
static int remote_addr (char const *s, size_t len, addr *a)
{
  long first = lp_find(s, len, ':') ;
  long last = lp_rfind(s, len, ":") ;
  long info ;
  if (first < 0 || last <= first) return 0 ;
  if (lp_digits(s + last + 1, len - last - 1) != len - last - 1 || last + 1 == (long)len) return 0 ;
  info = lp_rfind(s, last, ":") ;
  if (info <= first) return 0 ;
  return addr_parse(s + first + 1, info - first - 1, a) ;
}

int lp_tcpserver (logline const *l, pidtab *p)
{
  char const *s = l->msg ;
  size_t len = l->msglen ;
  size_t n, d ;
  uint64_t pid ;
  int ok = 0 ;
  /* tcpserver 2>&1 | logger -t NAME keeps tcpserver's own "tcpserver: "
     first in the message, under the tag the admin chose: any tag but
     tcpserver's own (whose lines are tcpserver's text after that tag) */
  if (len > 11 && s[0] == 't' && !memcmp(s, "tcpserver: ", 11) && !lp_tag(l, "tcpserver"))
  { s += 11 ; len -= 11 ; }
  else if (!lp_tag(l, "tcpserver")) return 0 ;
  if ((n = lp_prefix(s, len, "ok "))) ok = 1 ;
  else if (!(n = lp_prefix(s, len, "end ")) && !(n = lp_prefix(s, len, "deny "))) return 0 ;
  s += n ; len -= n ;
  d = lp_digits(s, len) ;
  if (!d || d == len || s[d] != ' ' || !lp_uint(s, d, &pid)) return 0 ;
  s += d + 1 ; len -= d + 1 ;
  if (ok)
  {
    addr a ;
    long sp = lp_find(s, len, ' ') ;
    if (sp <= 0 || !remote_addr(s + sp + 1, len - sp - 1, &a)) return 0 ;
    pidtab_put(p, l, PIDTAB_TCPSERVER, pid, &a) ;
  }
  /* the end (or the refusal) is written after every line of the
     connection, so it closes it at its own time: a login line read
     later, from another file, still joins if it is not later than that */
  else pidtab_end(p, l, PIDTAB_TCPSERVER, pid) ;
  return 1 ;
}

static int take (pidtab *p, logline const *l, unsigned int fmt, unsigned int alt, uint64_t id, addr *a)
{
  int64_t t ;
  if (!pidtab_take(p, l, fmt, alt, id, a, &t)) return 0 ;
  if (l->time >= 0 && t >= 0 && l->time - t > LP_PIDTAB_WINDOW) return 0 ;
  return 1 ;
}

int lp_pidtake (pidtab *p, logline const *l, unsigned int fmt, uint64_t pid, addr *a)
{
  return take(p, l, fmt, PIDTAB_TCPSERVER, pid, a) ;
}

int lp_keytake (pidtab *p, logline const *l, unsigned int ns, uint64_t key, addr *a)
{
  return take(p, l, ns, ns, key, a) ;
}

void lp_piddrop (pidtab *p, logline const *l, unsigned int fmt, uint64_t pid)
{
  pidtab_drop(p, l, fmt, PIDTAB_TCPSERVER, pid) ;
}
