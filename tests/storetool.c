/* ISC license. */

/*
 * Test driver for the state library (record.h, state.h).  TIME and NOW
 * are Unix seconds, or "now", "now+N", "now-N".
 *   storetool append DIR TYPE TIME DUR ADDR SOURCE USER [sync]
 *   storetool lookup DIR ADDR NOW [GRACE]   allowed UNTIL SOURCE USER | denied | unknown,
 *                                           then the entry's records; exit 0 if allowed, 1 if not
 *   storetool compact DIR NOW [GRACE [KEEP]] compacted | busy
 *   storetool due DIR NOW MAXAGE [FACTOR]   1 | 0
 *   storetool scan DIR                      ADDR login=T timed=T+D revoke=T, one line each
 *   storetool hammer DIR ID COUNT [ACKFILE [BATCH]]
 *                                           grants for 10.ID.x.y, x.y = 0.0 up; each address
 *                                           is written to ACKFILE once its append returned
 *   storetool reader DIR SECONDS ACKFILE... looks up acknowledged addresses until SECONDS
 *                                           have passed; exit 1 if one was missed
 *   storetool fmt TYPE TIME DUR ADDR SOURCE USER   the record line
 *   storetool records FILE                  every record records_scan finds, then "records N skipped N"
 *   storetool grace DIR | journalmax DIR    the value, or "invalid"
 *   storetool allow DIR ADDR                match NET line N | nomatch | invalid line N
 *   storetool revoked DIR SEED STEPS        random grants (some dated long before they are
 *                                           written, as read late), revocations and compactions;
 *                                           exit 1 at the first lookup where a grant dated at or
 *                                           before a revocation of its address allows it
 */

#include <string.h>
#include <stdint.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "net.h"
#include "record.h"
#include "state.h"

#define USAGE "storetool append|lookup|compact|due|scan|hammer|reader|fmt|records|grace|journalmax|allow ..."
#define dieusage() strerr_dieusage(100, USAGE)

static void out (char const *s, size_t n)
{
  if (buffer_put(buffer_1, s, n) < 0) strerr_diefu1sys(111, "write to stdout") ;
}
static void outs (char const *s) { out(s, strlen(s)) ; }
static void outi (int64_t v) { char b[UINT64_FMT + 1] ; out(b, int64_fmt(b, v)) ; }
static void flush (void) { if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ; }

static int64_t num (char const *s)
{
  int64_t v ;
  size_t n = int64_scan(s, &v) ;
  if (!n || s[n]) dieusage() ;
  return v ;
}

static int64_t when (char const *s)
{
  if (!strncmp(s, "now", 3))
  {
    int64_t now = time(0) ;
    if (!s[3]) return now ;
    if (s[3] == '+') return now + num(s + 4) ;
    if (s[3] == '-') return now - num(s + 4) ;
    dieusage() ;
  }
  return num(s) ;
}

static void getaddr (char const *s, addr *a)
{
  if (!addr_parse(s, strlen(s), a)) strerr_dief2x(100, "invalid address: ", s) ;
}

static void mkrecord (char const *const *argv, record *r)
{
  static record const zero = RECORD_ZERO ;
  *r = zero ;
  if (!strcmp(argv[0], "+") || !strcmp(argv[0], "-")) r->type = argv[0][0] ;
  else if (argv[0][0] == '=' && strlen(argv[0]) == 17)
  {
    /* a session: "=" and its KEY, 16 hex digits */
    r->type = '=' ;
    for (unsigned int i = 1 ; i < 17 ; i++)
    {
      char c = argv[0][i] ;
      int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1 ;
      if (v < 0) dieusage() ;
      r->key = r->key << 4 | (unsigned int)v ;
    }
  }
  else dieusage() ;
  r->time = when(argv[1]) ;
  r->dur = num(argv[2]) ;
  getaddr(argv[3], &r->ip) ;
  record_setsource(r, argv[4], strcmp(argv[4], "-") ? strlen(argv[4]) : 0) ;
  record_setuser(r, argv[5], strcmp(argv[5], "-") ? strlen(argv[5]) : 0) ;
}

static uint32_t getgrace (char const *dir, char const *s)
{
  uint32_t g ;
  int r ;
  if (s) return num(s) ;
  r = state_grace(dir, &g) ;
  if (r <= 0) state_die(r ? 111 : 100, dir) ;
  return g ;
}

/* sessionmax as the deciders read it */
static uint32_t getsmax (char const *dir)
{
  uint32_t m ;
  int r = state_sessionmax(dir, &m) ;
  if (r <= 0) state_die(r ? 111 : 100, dir) ;
  return m ;
}

static int do_append (char const *const *argv)
{
  record r ;
  if (!argv[0] || !argv[1] || !argv[2] || !argv[3] || !argv[4] || !argv[5] || !argv[6]) dieusage() ;
  mkrecord(argv + 1, &r) ;
  if (state_append(argv[0], &r, argv[7] && !strcmp(argv[7], "sync")) < 0)
    state_die(111, argv[0]) ;
  return 0 ;
}

static void outentry (entry const *e)
{
  char buf[ENTRY_FMT] ;
  out(buf, entry_fmt(buf, e)) ;
}

static int do_lookup (char const *const *argv)
{
  addr a ;
  entry e ;
  record const *why ;
  int64_t now, until ;
  uint32_t grace ;
  int r ;
  if (!argv[0] || !argv[1] || !argv[2]) dieusage() ;
  getaddr(argv[1], &a) ;
  now = when(argv[2]) ;
  grace = getgrace(argv[0], argv[3]) ;
  r = state_lookup(argv[0], &a, &e) ;
  if (r < 0) state_die(111, argv[0]) ;
  if (!r) { outs("unknown\n") ; flush() ; return 1 ; }
  if (entry_allowed(&e, now, grace, getsmax(argv[0]), &why, &until))
  {
    outs("allowed ") ; outi(until) ; outs(" ") ;
    outs(why->source[0] ? why->source : "-") ; outs(" ") ;
    if (why->userlen) out(why->user, why->userlen) ; else outs("-") ;
    if (why->type == '=') outs(entry_sess_open(why, now, getsmax(argv[0])) ? " session open" : " session ended") ;
    outs("\n") ;
    r = 0 ;
  }
  else { outs("denied\n") ; r = 1 ; }
  outentry(&e) ;
  flush() ;
  return r ;
}

static int do_compact (char const *const *argv)
{
  int r ;
  if (!argv[0] || !argv[1]) dieusage() ;
  r = state_compact(argv[0], when(argv[1]), getgrace(argv[0], argv[2]), getsmax(argv[0]), argv[2] && argv[3] ? num(argv[3]) : 0) ;
  if (r < 0) state_die(111, argv[0]) ;
  outs(r ? "compacted\n" : "busy\n") ;
  flush() ;
  return 0 ;
}

static int do_due (char const *const *argv)
{
  int r ;
  if (!argv[0] || !argv[1] || !argv[2]) dieusage() ;
  r = state_compact_due(argv[0], when(argv[1]), num(argv[2]), argv[3] ? num(argv[3]) : 1) ;
  if (r < 0) state_die(111, argv[0]) ;
  outs(r ? "1\n" : "0\n") ;
  flush() ;
  return 0 ;
}

static int scan_one (entry const *e, void *data)
{
  char buf[ADDR_FMT] ;
  (void)data ;
  out(buf, addr_fmt(buf, &e->ip)) ;
  outs(" login=") ; if (e->login.type) outi(e->login.time) ; else outs("-") ;
  outs(" timed=") ;
  if (e->timed.type) { outi(e->timed.time) ; outs("+") ; outi(e->timed.dur) ; } else outs("-") ;
  outs(" revoke=") ; if (e->revoke.type) outi(e->revoke.time) ; else outs("-") ;
  outs("\n") ;
  return 0 ;
}

static int do_scan (char const *const *argv)
{
  if (!argv[0]) dieusage() ;
  if (state_scan(argv[0], &scan_one, 0) < 0) state_die(111, argv[0]) ;
  flush() ;
  return 0 ;
}

static void hammeraddr (addr *a, unsigned int id, unsigned int i)
{
  static addr const zero = ADDR_ZERO ;
  *a = zero ;
  a->ip[0] = 10 ; a->ip[1] = id ; a->ip[2] = i >> 8 ; a->ip[3] = i & 255 ;
}

static int do_hammer (char const *const *argv)
{
  static record const zero = RECORD_ZERO ;
  state_writer w = STATE_WRITER_ZERO ;
  unsigned int id, count, batch = 1 ;
  int ackfd = -1 ;
  if (!argv[0] || !argv[1] || !argv[2]) dieusage() ;
  w.dir = argv[0] ;
  id = num(argv[1]) ; count = num(argv[2]) ;
  if (id > 255 || count > 65536) dieusage() ;
  if (argv[3])
  {
    ackfd = open(argv[3], O_WRONLY | O_APPEND | O_CREAT, 0644) ;
    if (ackfd < 0) strerr_diefu2sys(111, "open ", argv[3]) ;
    if (argv[4]) batch = num(argv[4]) ;
    if (!batch || batch > 10000) dieusage() ;
  }
  for (unsigned int i = 0 ; i < count ; i += batch)
  {
    record r[batch] ;
    char ack[batch * (ADDR_FMT + 1)] ;
    size_t acklen = 0 ;
    unsigned int n = count - i < batch ? count - i : batch ;
    int64_t now = time(0) ;
    for (unsigned int j = 0 ; j < n ; j++)
    {
      r[j] = zero ;
      r[j].type = '+' ; r[j].time = now ;
      hammeraddr(&r[j].ip, id, i + j) ;
      record_setsource(&r[j], "storetool/hammer", 16) ;
      record_setuser(&r[j], "u", 1) ;
      acklen += addr_fmt(ack + acklen, &r[j].ip) ;
      ack[acklen++] = '\n' ;
    }
    if (state_writer_append(&w, r, n, 0) < 0) state_die(111, argv[0]) ;
    /* acknowledged only now: a reader may rely on these being recorded */
    if (ackfd >= 0 && write(ackfd, ack, acklen) != (ssize_t)acklen) strerr_diefu2sys(111, "write ", argv[3]) ;
  }
  state_writer_close(&w) ;
  return 0 ;
}

/* a line of an ack file, chosen among its complete lines */
static int pickline (stralloc *sa, uint32_t rnd, int last, addr *a)
{
  size_t end, start ;
  while (sa->len && sa->s[sa->len - 1] != '\n') sa->len-- ;
  if (!sa->len) return 0 ;
  end = last ? sa->len - 1 : rnd % sa->len ;
  while (end < sa->len && sa->s[end] != '\n') end++ ;
  start = end ;
  while (start && sa->s[start - 1] != '\n') start-- ;
  if (!addr_parse(sa->s + start, end - start, a)) strerr_dief1x(100, "bad line in an ack file") ;
  return 1 ;
}

static int do_reader (char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  uint64_t lookups = 0, misses = 0 ;
  uint32_t rnd = getpid() ;
  unsigned int nfiles = 0 ;
  int64_t end ;
  if (!argv[0] || !argv[1] || !argv[2]) dieusage() ;
  end = time(0) + num(argv[1]) ;
  while (argv[2 + nfiles]) nfiles++ ;
  for (unsigned int k = 0 ; time(0) < end ; k++)
  {
    char const *file = argv[2 + k % nfiles] ;
    addr a ;
    entry e ;
    sa.len = 0 ;
    if (!openslurpclose(&sa, file)) { if (errno == ENOENT) continue ; strerr_diefu2sys(111, "read ", file) ; }
    rnd = rnd * 1103515245U + 12345U ;
    if (!pickline(&sa, rnd >> 4, k & 1, &a)) continue ;
    /* the ack file was read before this lookup began */
    lookups++ ;
    if (state_lookup(argv[0], &a, &e) <= 0 || !entry_allowed(&e, time(0), STATE_GRACE_DEFAULT, 0, 0, 0))
    {
      char buf[ADDR_FMT + 1] ;
      int en = errno ;
      buf[addr_fmt(buf, &a)] = 0 ;
      misses++ ;
      errno = en ;
      strerr_warnwu3sys("find acknowledged ", buf, " (or lookup error)") ;
    }
  }
  outs("lookups ") ; outi(lookups) ; outs(" misses ") ; outi(misses) ; outs("\n") ;
  flush() ;
  return misses ? 1 : 0 ;
}

static int do_fmt (char const *const *argv)
{
  char buf[RECORD_MAX] ;
  record r ;
  for (unsigned int i = 0 ; i < 6 ; i++) if (!argv[i]) dieusage() ;
  mkrecord(argv, &r) ;
  out(buf, record_fmt(buf, &r)) ;
  flush() ;
  return 0 ;
}

static int print_one (record const *r, void *data)
{
  char buf[RECORD_MAX] ;
  (void)data ;
  out(buf, record_fmt(buf, r)) ;
  return 0 ;
}

static int do_records (char const *const *argv)
{
  stralloc sa = STRALLOC_ZERO ;
  size_t skipped ;
  long n ;
  if (!argv[0]) dieusage() ;
  if (!openslurpclose(&sa, argv[0])) strerr_diefu2sys(111, "read ", argv[0]) ;
  n = records_scan(sa.s, sa.len, &print_one, 0, &skipped) ;
  outs("records ") ; outi(n) ; outs(" skipped ") ; outi(skipped) ; outs("\n") ;
  flush() ;
  return 0 ;
}

static int do_control (char const *what, char const *const *argv)
{
  int r ;
  if (!argv[0]) dieusage() ;
  if (!strcmp(what, "grace"))
  {
    uint32_t g ;
    r = state_grace(argv[0], &g) ;
    if (r > 0) outi(g) ;
  }
  else
  {
    uint64_t m ;
    r = state_journalmax(argv[0], &m) ;
    if (r > 0) outi(m) ;
  }
  if (r < 0) state_die(111, argv[0]) ;
  if (!r) outs("invalid") ;
  outs("\n") ;
  flush() ;
  return r ? 0 : 1 ;
}

static int do_allow (char const *const *argv)
{
  addr a ;
  net n ;
  unsigned int line = 0 ;
  int r ;
  if (!argv[0] || !argv[1]) dieusage() ;
  getaddr(argv[1], &a) ;
  r = state_allow_match(argv[0], &a, &n, &line) ;
  if (r < 0 && errno != EINVAL) strerr_diefu2sys(111, "read allow in ", argv[0]) ;
  if (r < 0) { outs("invalid line ") ; outi(line) ; }
  else if (r)
  {
    char buf[NET_FMT] ;
    outs("match ") ; out(buf, net_fmt(buf, &n)) ; outs(" line ") ; outi(line) ;
  }
  else outs("nomatch") ;
  outs("\n") ;
  flush() ;
  return r > 0 ? 0 : 1 ;
}

/*
 * The property of doc/state.html: a revocation at R cancels every grant
 * dated <= R, whenever that grant is written, whatever compactions ran
 * in between and whatever grace the reader uses (relaylock -g above the
 * directory's grace).  Times run over weeks in the past, so that no
 * record is clamped by the writer's clock.
 */
static uint64_t rnd_state ;
static uint32_t rnd (uint32_t n)
{
  rnd_state ^= rnd_state << 13 ; rnd_state ^= rnd_state >> 7 ; rnd_state ^= rnd_state << 17 ;
  return n ? (uint32_t)(rnd_state % n) : 0 ;
}

static int do_revoked (char const *const *argv)
{
  static record const zero = RECORD_ZERO ;
  static uint32_t const graces[4] = { 60, 600, 3600, 86400 } ;
  int64_t maxrev[4] = { -1, -1, -1, -1 } ;
  int64_t t ;
  unsigned int steps ;
  if (!argv[0] || !argv[1] || !argv[2]) dieusage() ;
  rnd_state = (uint64_t)num(argv[1]) * 2654435761U + 1 ;
  steps = num(argv[2]) ;
  t = time(0) - (int64_t)steps * 1200 - 86400 ;
  for (unsigned int i = 0 ; i < steps ; i++)
  {
    unsigned int k = rnd(4) ;
    record r = zero ;
    r.ip.ip[0] = 192 ; r.ip.ip[2] = 2 ; r.ip.ip[3] = 1 + k ;
    switch (rnd(8))
    {
      case 0 : case 1 :  /* a login, maybe read late */
      case 2 : case 3 :  /* a timed grant (readlog -s, relaygrant -s), maybe read late */
        r.type = '+' ;
        r.time = t - rnd(4) * rnd(3000) ;
        r.dur = rnd(2) ? rnd(86400) + 1 : 0 ;
        record_setsource(&r, "storetool/grant", 15) ;
        if (state_append(argv[0], &r, 0) < 0) state_die(111, argv[0]) ;
        break ;
      case 4 :
        r.type = '-' ;
        r.time = t ;
        record_setsource(&r, "storetool/revoke", 16) ;
        if (state_append(argv[0], &r, 0) < 0) state_die(111, argv[0]) ;
        if (t > maxrev[k]) maxrev[k] = t ;
        break ;
      case 5 :
        if (state_compact(argv[0], t, graces[rnd(2)], STATE_SESSIONMAX_DEFAULT, rnd(2) ? 0 : rnd(600)) < 0) state_die(111, argv[0]) ;
        break ;
      default :
        t += rnd(1200) ;
        break ;
    }
    for (unsigned int j = 0 ; j < 4 ; j++)
    {
      addr a = ADDR_ZERO ;
      entry e ;
      record const *why ;
      int64_t until ;
      uint32_t g = graces[rnd(4)] ;
      a.ip[0] = 192 ; a.ip[2] = 2 ; a.ip[3] = 1 + j ;
      if (state_lookup(argv[0], &a, &e) < 0) state_die(111, argv[0]) ;
      if (entry_allowed(&e, t, g, STATE_SESSIONMAX_DEFAULT, &why, &until) && why->time <= maxrev[j])
      {
        outs("step ") ; outi(i) ; outs(": 192.0.2.") ; outi(1 + j) ;
        outs(" allowed at ") ; outi(t) ; outs(" with grace ") ; outi(g) ;
        outs(" by the grant of ") ; outi(why->time) ; outs(" for ") ; outi(why->dur) ;
        outs(", revoked at ") ; outi(maxrev[j]) ; outs("\n") ;
        flush() ;
        return 1 ;
      }
    }
  }
  outs("ok\n") ;
  flush() ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  PROG = "storetool" ;
  if (argc < 2) dieusage() ;
  if (!strcmp(argv[1], "append")) return do_append(argv + 2) ;
  if (!strcmp(argv[1], "lookup")) return do_lookup(argv + 2) ;
  if (!strcmp(argv[1], "compact")) return do_compact(argv + 2) ;
  if (!strcmp(argv[1], "due")) return do_due(argv + 2) ;
  if (!strcmp(argv[1], "scan")) return do_scan(argv + 2) ;
  if (!strcmp(argv[1], "hammer")) return do_hammer(argv + 2) ;
  if (!strcmp(argv[1], "reader")) return do_reader(argv + 2) ;
  if (!strcmp(argv[1], "fmt")) return do_fmt(argv + 2) ;
  if (!strcmp(argv[1], "records")) return do_records(argv + 2) ;
  if (!strcmp(argv[1], "grace") || !strcmp(argv[1], "journalmax")) return do_control(argv[1], argv + 2) ;
  if (!strcmp(argv[1], "allow")) return do_allow(argv + 2) ;
  if (!strcmp(argv[1], "revoked")) return do_revoked(argv + 2) ;
  dieusage() ;
}
