/* ISC license. */

#include <string.h>
#include <skalibs/gccattributes.h>
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
/* 0 not built, 1 built, -1 too many tags: no format is tried, since a
   parser does not check its tag (tests/20 would see no sample granted) */
static int tagtab_state = 0 ;

/*
 * The tags that are rules (a "*" first or last, lp_tagrule): their fixed
 * part is at a known end of the tag, so they are kept in sets of one
 * length and one end, and a set is looked at only when the tag's byte at
 * the far edge of that part is one of the set's, and the hash of the
 * part is in the set's filter.  Most lines fail the first test: a rule
 * costs a line a few instructions, not a comparison.  The filters are
 * necessary conditions only; lp_tagrule decides.
 */
#define TAGRULES 16
#define RULESETS 8
static struct { char const *rule ; size_t len ; uint64_t mask ; } tagrules[TAGRULES] ;
static unsigned int ntagrules = 0 ;
static struct
{
  size_t n ;            /* length of the fixed part */
  int suffix ;          /* the fixed part ends the tag ("*xyz") */
  uint64_t edge[4] ;    /* the fixed parts' bytes farthest from their end of the tag */
  uint64_t filter[4] ;  /* their hashes, 8 bits */
  uint16_t rules ;      /* which of tagrules[] */
} rulesets[RULESETS] ;
static unsigned int nrulesets = 0 ;

/*
 * Not a hash of every byte: the length and four bytes, mixed.  The
 * table is made once from the formats' own tags and never grows, so a
 * tag chosen to collide costs a probe or two, and every line pays only
 * these few instructions.
 */
static uint32_t taghash (char const *s, size_t len)
{
  uint32_t h = (uint32_t)len ;
  if (!len) return 0 ;
  h = h * 31 + (unsigned char)s[0] ;
  h = h * 31 + (unsigned char)s[len-1] ;
  h = h * 31 + (unsigned char)s[len >> 1] ;
  h = h * 31 + (unsigned char)s[(len - 1) >> 2] ;
  h *= 2654435761u ;
  return h ^ h >> 15 ;
}

static size_t tagslot (char const *s, size_t len)
{
  size_t i = taghash(s, len) & (TAGSLOTS - 1) ;
  while (tagtab[i].tag && (tagtab[i].len != len || memcmp(tagtab[i].tag, s, len)))
    i = (i + 1) & (TAGSLOTS - 1) ;
  return i ;
}

static int rule_add (char const *t, size_t len, uint64_t mask)
{
  int suffix = t[len-1] != '*' ;
  size_t n = len - 1 ;
  char const *fixed = suffix ? t + 1 : t ;
  unsigned int k ;
  unsigned char e ;
  uint32_t h ;
  if (!n || ntagrules >= TAGRULES) return 0 ;
  for (k = 0 ; k < nrulesets ; k++) if (rulesets[k].n == n && rulesets[k].suffix == suffix) break ;
  if (k == nrulesets)
  {
    if (nrulesets >= RULESETS) return 0 ;
    rulesets[nrulesets].n = n ;
    rulesets[nrulesets++].suffix = suffix ;
  }
  e = (unsigned char)(suffix ? fixed[0] : fixed[n-1]) ;
  h = taghash(fixed, n) & 255 ;
  rulesets[k].edge[e >> 6] |= (uint64_t)1 << (e & 63) ;
  rulesets[k].filter[h >> 6] |= (uint64_t)1 << (h & 63) ;
  rulesets[k].rules |= 1u << ntagrules ;
  tagrules[ntagrules].rule = t ;
  tagrules[ntagrules].len = len ;
  tagrules[ntagrules++].mask = mask ;
  return 1 ;
}

static void tagtab_build (void)
{
  size_t used = 0 ;
  for (unsigned int f = 0 ; f < login_nformats && f < 64 ; f++)
    for (login_tag const *g = login_formats[f].tags ; g->name ; g++)
    {
      char const *t = g->name ;
      size_t len = g->len, i ;
      if (!len || g->kind == LOGIN_TAG_JOIN) continue ;
      if (t[0] == '*' || t[len-1] == '*')
      {
        if (!rule_add(t, len, (uint64_t)1 << f)) { tagtab_state = -1 ; return ; }
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
  if (tagtab_state < 0) return 0 ;
  i = tagslot(l->tag, l->taglen) ;
  mask = tagtab[i].tag ? tagtab[i].mask : 0 ;
  for (unsigned int k = 0 ; k < nrulesets ; k++)
  {
    size_t n = rulesets[k].n ;
    char const *p ;
    unsigned char e ;
    uint32_t h ;
    if (l->taglen <= n) continue ;
    p = rulesets[k].suffix ? l->tag + l->taglen - n : l->tag ;
    e = (unsigned char)(rulesets[k].suffix ? p[0] : p[n-1]) ;
    if (!(rulesets[k].edge[e >> 6] >> (e & 63) & 1)) continue ;
    h = taghash(p, n) & 255 ;
    if (!(rulesets[k].filter[h >> 6] >> (h & 63) & 1)) continue ;
    for (unsigned int r = 0 ; r < ntagrules ; r++)
      if (rulesets[k].rules >> r & 1 && lp_tagrule(l->tag, l->taglen, tagrules[r].rule, tagrules[r].len))
        mask |= tagrules[r].mask ;
  }
  return mask ;
}

/* the formats that join tcpserver's lines (LOGIN_TAG_TCPSERVER in their tags) */
static uint64_t tcpmask = 0 ;
static int tcpmask_done = 0 ;

static uint64_t tcpmask_init (void)
{
  for (unsigned int f = 0 ; f < login_nformats && f < 64 ; f++)
    for (login_tag const *g = login_formats[f].tags ; g->name ; g++)
      if (g->kind == LOGIN_TAG_JOIN) tcpmask |= (uint64_t)1 << f ;
  tcpmask_done = 1 ;
  return tcpmask ;
}

/* the formats that read tcpserver's lines: worked out once, then a load on every line */
#define tcpservermask() (tcpmask_done ? tcpmask : tcpmask_init())

/*
 * A source that socklog wrote and a server that logs a client's
 * newline raw also writes to (struct loginsrc): 1 if l is refused
 * unread, *why and *fmt set; 0 if l is left to the formats (the source
 * is trusted, or no format reads l).
 */
static int distrust (logline const *l, uint64_t enabled, char const **rawnl, char const **why, unsigned int *fmt)
{
  uint64_t m ;
  if (!*rawnl && l->socklog) *rawnl = logline_rawnl(l) ;
  if (!*rawnl) return 0 ;
  m = enabled & tagmask(l) ;
  if (!m && (lp_tag(l, "tcpserver") || lp_prefix(l->msg, l->msglen, "tcpserver: "))) m = enabled & tcpservermask() ;
  if (!m) return 0 ;
  *why = "socklog wrote this source, and a server in it logs a client's newline raw" ;
  if (fmt) for (*fmt = 0 ; !(m >> *fmt & 1) ; ++*fmt) ;
  return 1 ;
}

/*
 * tcpserver's lines are one connection for every format that reads
 * them: they go into p here, once, not once per format.  Then every
 * enabled format that reads the line's tag sees the line.  If one
 * of them refuses it as a login of its own (a bad address, say), no
 * other format may grant it: two readings of one line that disagree are
 * a reason for doubt, and doubt never opens the relay.
 */
/* given: a line already split (a journal entry's parts), else s is split here */
/* inlined into each caller: it is the per-line path of readlog */
static inline int scan (logline const *given, char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt) gccattr_inline ;
static inline int scan (logline const *given, char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt)
{
  logline l ;
  loginok got = { .ip = ADDR_ZERO, .time = -1, .user = 0, .userlen = 0, .source = 0 } ;
  int granted = -1, refused = -1 ;
  char const *w0 = 0 ;
  *why = 0 ;
  if (given) l = *given ;
  else if (!logline_split(s, len, now, &l)) return -2 ;
  l.from = src->id ;
  l.joinhost = l.hostlen ? l.host : src->host ? src->host : "" ;
  l.joinhostlen = l.hostlen ? l.hostlen : src->host ? src->hostlen : 0 ;
  /* distrust's work only for a line of socklog, or a source already refused */
  if (src->rawnl && (*src->rawnl || l.socklog) && distrust(&l, enabled, src->rawnl, why, fmt)) return -1 ;
  if ((enabled & tcpservermask()) && lp_tcpserver(&l, p)) return -2 ;
  enabled &= tagmask(&l) ;
  for (unsigned int i = 0 ; enabled && i < login_nformats && i < 64 ; i++)
  {
    char const *w = 0 ;
    loginok x ;
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
  if (out->time < 0) out->time = l.now ;
  out->host = l.joinhost ;
  out->hostlen = l.joinhostlen ;
  return granted ;
}


int login_scan_logline (logline const *l, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt)
{
  return scan(l, l->msg, l->msglen, l->now, enabled, src, p, out, why, fmt) ;
}

uint64_t login_tagformats (logline const *l)
{
  return tagmask(l) ;
}

int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why, unsigned int *fmt)
{
  return scan(0, s, len, now, enabled, src, p, out, why, fmt) ;
}

int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, loginsrc const *src, pidtab *p, loginok *out, char const **why)
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
