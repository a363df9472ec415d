/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"

/*
 * Which formats read which tags: an open-addressing table built on first
 * use from login_formats[].tags, so that a line costs one lookup of its
 * tag, not a tag comparison in every format.  A tag no format reads
 * (postfix/smtpd, kernel, ...) leaves no format to try.
 */
#define TAGSLOTS 512
static struct { char const *tag ; size_t len ; uint64_t mask ; } tagtab[TAGSLOTS] ;
static int tagtab_state = 0 ;  /* 0 not built, 1 built, -1 too many tags: try every format */

/* the tags that are rules (a "*" first or last): tried on every line, so few */
#define TAGRULES 16
static struct { char const *rule ; size_t len ; uint64_t mask ; } tagrules[TAGRULES] ;
static unsigned int ntagrules = 0 ;

static uint32_t taghash (char const *s, size_t len)
{
  uint32_t h = 2166136261u ;
  for (size_t i = 0 ; i < len ; i++) h = (h ^ (unsigned char)s[i]) * 16777619u ;
  return h ;
}

static size_t tagslot (char const *s, size_t len)
{
  size_t i = taghash(s, len) & (TAGSLOTS - 1) ;
  while (tagtab[i].tag && (tagtab[i].len != len || memcmp(tagtab[i].tag, s, len)))
    i = (i + 1) & (TAGSLOTS - 1) ;
  return i ;
}

static void tagtab_build (void)
{
  size_t used = 0 ;
  for (unsigned int f = 0 ; f < login_nformats && f < 64 ; f++)
    for (char const *t = login_formats[f].tags ; *t ; t += strlen(t) + 1)
    {
      size_t len = strlen(t), i ;
      if (t[0] == '*' || t[len-1] == '*')
      {
        if (ntagrules >= TAGRULES) { tagtab_state = -1 ; return ; }
        tagrules[ntagrules].rule = t ;
        tagrules[ntagrules].len = len ;
        tagrules[ntagrules++].mask = (uint64_t)1 << f ;
        continue ;
      }
      if (used + 1 >= TAGSLOTS / 2) { tagtab_state = -1 ; return ; }
      i = tagslot(t, len) ;
      if (!tagtab[i].tag) { tagtab[i].tag = t ; tagtab[i].len = len ; used++ ; }
      tagtab[i].mask |= (uint64_t)1 << f ;
    }
  tagtab_state = 1 ;
}

static uint64_t tagmask (logline const *l)
{
  size_t i ;
  uint64_t mask ;
  if (!tagtab_state) tagtab_build() ;
  if (tagtab_state < 0) return ~(uint64_t)0 ;
  i = tagslot(l->tag, l->taglen) ;
  mask = tagtab[i].tag ? tagtab[i].mask : 0 ;
  /* a rule's fixed end byte first, here: most tags fail it, and the call is spared */
  for (unsigned int r = 0 ; r < ntagrules ; r++)
  {
    char const *u = tagrules[r].rule ;
    size_t n = tagrules[r].len ;
    if (l->taglen < n) continue ;
    if (u[n-1] == '*' ? l->tag[0] != u[0] : l->tag[l->taglen-1] != u[n-1]) continue ;
    if (lp_tagrule(l->tag, l->taglen, u, n)) mask |= tagrules[r].mask ;
  }
  return mask ;
}

/* the formats that list tcpserver in their tags */
static uint64_t tcpservermask (void)
{
  static uint64_t mask = 0 ;
  static int done = 0 ;
  if (done) return mask ;
  for (unsigned int f = 0 ; f < login_nformats && f < 64 ; f++)
    for (char const *t = login_formats[f].tags ; *t ; t += strlen(t) + 1)
      if (!strcmp(t, "tcpserver")) mask |= (uint64_t)1 << f ;
  done = 1 ;
  return mask ;
}

/*
 * tcpserver's lines are one connection for every format that reads
 * them: they go into p here, once, not once per format.  Then every
 * enabled format that reads the line's tag sees the line.  If one
 * of them refuses it as a login of its own (a bad address, say), no
 * other format may grant it: two readings of one line that disagree are
 * a reason for doubt, and doubt never opens the relay.
 */
static int scan (char const *s, size_t len, int64_t now, uint64_t enabled, int every, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt)
{
  logline l ;
  login got = { .ip = ADDR_ZERO, .time = -1, .user = 0, .userlen = 0, .source = 0 } ;
  int granted = -1, refused = -1 ;
  char const *w0 = 0 ;
  *why = 0 ;
  if (!logline_split(s, len, now, &l)) return -2 ;
  l.from = src->id ;
  l.joinhost = l.hostlen ? l.host : src->host ? src->host : "" ;
  l.joinhostlen = l.hostlen ? l.hostlen : src->host ? src->hostlen : 0 ;
  if ((enabled & tcpservermask()) && lp_tcpserver(&l, p)) return -2 ;
  if (!every) enabled &= tagmask(&l) ;
  for (unsigned int i = 0 ; enabled && i < login_nformats && i < 64 ; i++)
  {
    char const *w = 0 ;
    login x ;
    if (!(enabled & ((uint64_t)1 << i))) continue ;
    enabled &= ~((uint64_t)1 << i) ;
    if (login_formats[i].parse(&l, i, p, &x, &w))
    {
      if (granted < 0) { granted = i ; got = x ; }
    }
    else if (w && refused < 0) { refused = i ; w0 = w ; }
  }
  if (refused < 0 && granted >= 0 && (memchr(s, 0, len) || memchr(s, '\r', len)))
  {
    refused = granted ;
    w0 = "NUL or CR in the line" ;
  }
  if (refused >= 0)
  {
    *why = w0 ;
    if (fmt) *fmt = refused ;
    return -1 ;
  }
  if (granted < 0) return -2 ;
  *out = got ;
  if (out->time < 0) out->time = now ;
  return granted ;
}

int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt)
{
  return scan(s, len, now, enabled, 0, src, p, out, why, fmt) ;
}

int login_scan_every (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why, unsigned int *fmt)
{
  return scan(s, len, now, enabled, 1, src, p, out, why, fmt) ;
}

int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, login *out, char const **why)
{
  return login_scan_fmt(s, len, now, enabled, src, p, out, why, 0) ;
}

int login_format_index (char const *name, size_t len)
{
  for (unsigned int i = 0 ; i < login_nformats ; i++)
    if (strlen(login_formats[i].name) == len && !memcmp(login_formats[i].name, name, len))
      return (int)i ;
  return -1 ;
}
