/* ISC license. */

/*
 * showallowed: who may relay, now or at an audit time, from what the
 * state directory knows.  One line per address, sorted by address.
 */

#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>

#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>

#include "usage.h"
#include "addr.h"
#include "net.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "timescan.h"
#include "escape.h"

#define USAGE "showallowed [ -d dir ] [ -g seconds ] [ -a ] [ -e ] [ -m ] [ -t time ]"
#define dieusage() strerr_dieusage(100, USAGE)

/* what a row is, and the word printed for it */
enum { ALLOWED, EXPIRED, REVOKED, FUTURE, NETWORK, SESSION } ;
static char const *const statusname[] = { "allowed", "expired", "revoked", "future", "network", "session" } ;

/* one output line: a host (a /32 or /128) with its grant, or a static network */
typedef struct row_s row ;
struct row_s
{
  net n ;
  unsigned int status ;  /* ALLOWED ... NETWORK */
  record g ;
  int64_t until ;
  uint32_t sess, nsess ;  /* its open sessions: in ctx's sess, from sess on */
} ;

typedef struct ctx_s ctx ;
struct ctx_s
{
  genalloc rows ;        /* row */
  genalloc sess ;        /* record: the rows' open sessions */
  int64_t now ;
  uint32_t grace ;
  uint32_t smax ;
  int asof ;             /* -t: forget what happened after now */
  int expired ;          /* -x */
} ;

static void oom (void)
{
  strerr_diefu1sys(111, "allocate memory") ;
}

/* the grant that ends last, or 0 if the entry has none */
static record const *lastgrant (entry const *e, uint32_t grace, int64_t *end)
{
  record const *best = 0 ;
  record const *g[2] = { &e->login, &e->timed } ;
  for (unsigned int i = 0 ; i < 2 ; i++)
  {
    int64_t x ;
    if (g[i]->type != '+') continue ;
    x = entry_grant_end(g[i], grace) ;
    if (!best || x > *end) { best = g[i] ; *end = x ; }
  }
  return best ;
}

static int addrow (entry const *e0, void *data)
{
  ctx *c = data ;
  entry e = *e0 ;
  row w ;
  record const *why ;
  int64_t until ;
  if (c->asof)
  {
    /* at an audit time, a record written later did not exist yet */
    if (e.login.time > c->now) e.login.type = 0 ;
    if (e.timed.time > c->now) e.timed.type = 0 ;
    if (e.revoke.time > c->now) e.revoke.type = 0 ;
    {
      /* a session begun later did not exist; one that ended later was open then, as its end says */
      unsigned int k = 0 ;
      for (unsigned int i = 0 ; i < e.nsess ; i++) if (e.sess[i].time <= c->now) e.sess[k++] = e.sess[i] ;
      e.nsess = k ;
    }
  }
  w.sess = genalloc_len(record, &c->sess) ;
  w.nsess = 0 ;
  if (entry_allowed(&e, c->now, c->grace, c->smax, &why, &until))
  {
    w.status = ALLOWED ;
    /* the sessions that make it allowed: open, and not revoked */
    for (unsigned int i = 0 ; c->smax && i < e.nsess ; i++)
    {
      record const *g = e.sess + i ;
      if (!entry_sess_open(g, c->now, c->smax) || (e.revoke.type && g->time <= e.revoke.time)) continue ;
      if (!genalloc_append(record, &c->sess, g)) oom() ;
      w.nsess++ ;
    }
  }
  else
  {
    if (!c->expired) return 0 ;
    why = lastgrant(&e, c->grace, &until) ;
    if (!why) return 0 ;
    if (e.revoke.type == '-' && e.revoke.time >= why->time)
    {
      w.status = REVOKED ;
      if (e.revoke.time < until) until = e.revoke.time ;  /* it ended there */
    }
    else if (why->time > c->now) w.status = FUTURE ;
    else w.status = EXPIRED ;
  }
  w.n.a = e.ip ;
  w.n.bits = e.ip.is6 ? 128 : 32 ;
  w.g = *why ;
  w.until = until ;
  if (!genalloc_append(row, &c->rows, &w)) oom() ;
  return 0 ;
}

static int addnet (net const *n, unsigned int line, void *data)
{
  (void)line ;
  ctx *c = data ;
  row w = { .n = *n, .status = NETWORK, .g = RECORD_ZERO, .until = 0, .sess = 0, .nsess = 0 } ;
  if (!genalloc_append(row, &c->rows, &w)) oom() ;
  return 0 ;
}

/* IPv4 before IPv6, then numerically; a network before the hosts in it */
static int rowcmp (void const *a, void const *b)
{
  row const *x = a ;
  row const *y = b ;
  int r ;
  if (x->n.a.is6 != y->n.a.is6) return x->n.a.is6 ? 1 : -1 ;
  r = memcmp(x->n.a.ip, y->n.a.ip, 16) ;
  if (r) return r ;
  if (x->n.bits != y->n.bits) return x->n.bits < y->n.bits ? -1 : 1 ;
  return 0 ;
}

static size_t fmtaddr (char *s, row const *w)
{
  return w->status == NETWORK ? net_fmt(s, &w->n) : addr_fmt(s, &w->n.a) ;
}

static size_t fmtlocal (char *s, int64_t t)
{
  struct tm tm ;
  time_t tt = (time_t)t ;
  if (!localtime_r(&tt, &tm)) return 0 ;
  return strftime(s, 32, "%Y-%m-%d %H:%M:%S", &tm) ;
}

static void put (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) == -1) strerr_diefu1sys(111, "write to stdout") ;
}

static void puts_ (char const *s)
{
  put(s, strlen(s)) ;
}

static void putpad (char const *s, size_t len, size_t width)
{
  put(s, len) ;
  while (len++ < width) put(" ", 1) ;
}

/*
 * Machine format, one line per row, fields separated by tabs:
 * address status login until left source user; Unix seconds, "-" where
 * a network has no value; the user escaped as in records.
 */
static void machine1 (row const *w, unsigned int status, record const *g, int64_t until, int64_t now)
{
  char fmt[ESCAPE_USER_FMT(USER_MAX) + NET_FMT + 1] ;
  put(fmt, fmtaddr(fmt, w)) ;
  put("\t", 1) ; puts_(statusname[status]) ;
  if (status == NETWORK) { puts_("\t-\t-\t-\t-\t-\n") ; return ; }
  put("\t", 1) ; put(fmt, int64_fmt(fmt, g->time)) ;
  put("\t", 1) ; put(fmt, int64_fmt(fmt, until)) ;
  put("\t", 1) ; put(fmt, int64_fmt(fmt, until > now ? until - now : 0)) ;
  put("\t", 1) ; puts_(g->source[0] ? g->source : "-") ;
  put("\t", 1) ; put(fmt, escape_user(fmt, g->user, g->userlen)) ;
  put("\n", 1) ;
}

/* then a line "session" per open session: since its login, until it lapses at the latest */
static void machine (row const *w, record const *sess, uint32_t smax, int64_t now)
{
  machine1(w, w->status, &w->g, w->until, now) ;
  for (uint32_t i = 0 ; i < w->nsess ; i++)
    machine1(w, SESSION, sess + w->sess + i, entry_sess_end(sess + w->sess + i, 0, smax), now) ;
}

/* human format: the same facts, local time, columns lined up */
static void human (row const *rows, size_t n, record const *sess, int64_t now)
{
  size_t wa = 0, wl = 0, ws = 0 ;
  char fmt[ESCAPE_USER_FMT(USER_MAX) + NET_FMT + 1] ;
  for (size_t i = 0 ; i < n ; i++)
  {
    size_t len = fmtaddr(fmt, rows + i) ;
    if (len > wa) wa = len ;
    len = strlen(rows[i].g.source) ;
    if (len > ws) ws = len ;
    if (rows[i].status == ALLOWED)
    {
      len = int64_fmt(fmt, rows[i].until - now) + 1 ;
      if (len > wl) wl = len ;
    }
    else if (strlen(statusname[rows[i].status]) > wl) wl = strlen(statusname[rows[i].status]) ;
  }
  if (ws < 1) ws = 1 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    row const *w = rows + i ;
    size_t len ;
    putpad(fmt, fmtaddr(fmt, w), wa) ;
    if (w->status == NETWORK)
    {
      puts_("  static network (allow)\n") ;
      continue ;
    }
    put("  ", 2) ;
    len = fmtlocal(fmt, w->g.time) ;
    if (!len) { memcpy(fmt, "?", 1) ; len = 1 ; }
    put(fmt, len) ;
    put("  ", 2) ;
    if (w->status == ALLOWED)
    {
      len = int64_fmt(fmt, w->until - now) ;
      fmt[len++] = 's' ;
      putpad(fmt, len, wl) ;
    }
    else putpad(statusname[w->status], strlen(statusname[w->status]), wl) ;
    put("  ", 2) ;
    putpad(w->g.source[0] ? w->g.source : "-", w->g.source[0] ? strlen(w->g.source) : 1, ws) ;
    put("  ", 2) ;
    put(fmt, escape_user(fmt, w->g.user, w->g.userlen)) ;
    put("\n", 1) ;
    for (uint32_t k = 0 ; k < w->nsess ; k++)
    {
      record const *g = sess + w->sess + k ;
      putpad("", 0, wa) ;
      puts_("  session open since ") ;
      len = fmtlocal(fmt, g->time) ;
      if (!len) { memcpy(fmt, "?", 1) ; len = 1 ; }
      put(fmt, len) ;
      put("  ", 2) ;
      puts_(g->source[0] ? g->source : "-") ;
      put("  ", 2) ;
      put(fmt, escape_user(fmt, g->user, g->userlen)) ;
      put("\n", 1) ;
    }
  }
}

static int64_t scantime (char const *s)
{
  size_t len = strlen(s) ;
  uint64_t u ;
  int64_t t ;
  /* bounded as every time is, so that now + a grace cannot overflow */
  if (len && uint640_scan(s, &u) == len && u <= (uint64_t)TIME_MAX) return (int64_t)u ;
  if (len && iso8601_scan(s, len, &t) == len) return t ;
  usage_badvalue(USAGE, 't', s) ;
}

int main (int argc, char const *const *argv)
{
  char const *dir = auto_state ;
  ctx c = { .rows = GENALLOC_ZERO, .sess = GENALLOC_ZERO, .now = 0, .grace = 0, .smax = 0, .asof = 0, .expired = 0 } ;
  int hasgrace = 0, statics = 0, mach = 0 ;
  PROG = "showallowed" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:g:aemt:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        case 'g' :
          if (!l.arg[0] || l.arg[uint320_scan(l.arg, &c.grace)] || c.grace > GRANT_MAX) usage_badvalue(USAGE, 'g', l.arg) ;
          hasgrace = 1 ; break ;
        case 'a' : statics = 1 ; break ;
        case 'e' : c.expired = 1 ; break ;
        case 'm' : mach = 1 ; break ;
        case 't' : c.now = scantime(l.arg) ; c.asof = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) usage_die(USAGE, "unexpected argument: ", argv[0]) ;
  if (!c.asof) c.now = time(0) ;

  {
    /* relaylock's reading: when it would refuse everybody, nobody may relay, and that comes first */
    int r = relay_ready(dir, hasgrace, &c.grace, &c.smax) ;
    if (r < 0) state_die(111, dir) ;
    if (!r)
    {
      state_warn_effect(dir, "relaylock lets nobody relay until it is fixed") ;
      return 1 ;
    }
    if (!hasgrace) state_warn_grace(dir, c.grace) ;
    state_warn_allow(dir) ;
  }

  if (state_scan(dir, &addrow, &c) == -1) state_die(111, dir) ;

  if (statics)
  {
    if (state_allow_list(dir, &addnet, &c, 0) == -1) state_die(errno == EINVAL ? 100 : 111, dir) ;
  }

  {
    row *rows = genalloc_s(row, &c.rows) ;
    size_t n = genalloc_len(row, &c.rows) ;
    if (n) qsort(rows, n, sizeof(row), &rowcmp) ;  /* rows is 0 when n is: qsort must not see it */
    record const *sess = genalloc_s(record, &c.sess) ;
    if (mach) for (size_t i = 0 ; i < n ; i++) machine(rows + i, sess, c.smax, c.now) ;
    else human(rows, n, sess, c.now) ;
  }
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
