/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/buffer.h>
#include <skalibs/alloc.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/gccattributes.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include "usage.h"
#include "addr.h"
#include "record.h"
#include "state.h"
#include "login.h"
#include "escape.h"
#include "cursor.h"
#include "source.h"
#include "follow.h"
#include "sibling.h"
#include "distrust.h"
#include "jexport.h"
#include "jtrust.h"
#include "loginparse.h"

#define USAGE "readlog [ -1 ] [ -n ] [ -v ] [ -o ] [ -P ] [ -d dir ] [ -s seconds ] [ -F formats ] [ -j host ] source..."
#define dieusage() strerr_dieusage(100, USAGE)

#define BATCH 1024         /* grants per journal write (about 150 bytes each) */
#define CATCHUP 16         /* catching up, the journal may grow to CATCHUP times journalmax */
#define CURSOR_DELAY 1     /* seconds a cursor may wait when no grant needs it */
#define IDLE_CHECK 60      /* seconds between compaction checks while idle */
#define LOCKOUT_WARN 900   /* seconds without compaction, the lock taken, before a warning */
#define SOURCE_SETTLE 2    /* seconds a source's new state must last to be told (a rotation is not a loss) */

static char const *dir ;
static int dryrun = 0, verbose = 0, passthru = 0, oneshot = 0, polling = 0 ;
static uint32_t dur = 0, grace = STATE_GRACE_DEFAULT ;
static uint64_t enabled = ~(uint64_t)0 ;

static source *src ;
static unsigned int nsrc ;
static state_writer w = STATE_WRITER_ZERO ;
static record batch[BATCH] ;
static unsigned char batchfmt[BATCH] ;  /* the format of each, for -v */
static unsigned int nbatch = 0 ;
static pidtab pt = PIDTAB_ZERO ;
static loginsrc *lsrc ;            /* per source: which lines it may join (-j: all, as host's) */
static char const **rawnl ;         /* per source: the server that made it untrusted (login.h) */
static char const *joinhost = 0 ;
static stralloc ptkey = STRALLOC_ZERO ;  /* names the saved table: -j's host and the sources */
static uint64_t ptsaved = 0 ;
static int appended = 0 ;
static int64_t lastsave = 0 ;
static int hastrust = 0 ;         /* a journal or rsyslog source: "untrusted" is counted */
static jtrust *trust ;             /* journal and rsyslog sources: nsrc * login_nformats rules */
static source_handler const **hand ;  /* per source: handler_now, or handler_rsnow for rsyslog: */
static struct { uint64_t lines, logins, toolong, cut, refused, nologin, untrusted ; } count ;

static void counters (void)
{
  char fmt[7][UINT64_FMT] ;
  fmt[0][uint64_fmt(fmt[0], count.lines)] = 0 ;
  fmt[1][uint64_fmt(fmt[1], count.logins)] = 0 ;
  fmt[2][uint64_fmt(fmt[2], count.toolong)] = 0 ;
  fmt[3][uint64_fmt(fmt[3], count.cut)] = 0 ;
  fmt[4][uint64_fmt(fmt[4], count.refused)] = 0 ;
  fmt[5][uint64_fmt(fmt[5], count.nologin)] = 0 ;
  fmt[6][uint64_fmt(fmt[6], count.untrusted)] = 0 ;
  /* untrusted: of the refused, those of a journal's or an rsyslog source's trust rules */
  strerr_warni("lines ", fmt[0], " logins ", fmt[1], " skipped: toolong ", fmt[2],
    " cut ", fmt[3], " refused ", fmt[4], " nologin ", fmt[5], hastrust ? " untrusted " : "", hastrust ? fmt[6] : "") ;
}

static void out (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void outs (char const *s) { out(s, strlen(s)) ; }

/*
 * What -n prints on stdout, and -v logs on stderr without -n (an audit
 * trail in readlog's own log): one text for both.
 */

/* a line as the admin may see it: bytes outside 0x20..0x7e and '%' as %XX */
static char const *safe (char const *s, size_t len)
{
  static char e[ESCAPE_LINE_FMT(SOURCE_LINEMAX) + 1] ;
  if (len > SOURCE_LINEMAX) len = SOURCE_LINEMAX ;  /* longer lines are never given to a format */
  e[escape_line(e, s, len)] = 0 ;
  return e ;
}

/* a grant after its format's name: SOURCE ADDRESS TIME USER, the user as the record writes it */
static char const *grantline (record const *r)
{
  static char s[SOURCE_MAX + ADDR_FMT + UINT64_FMT + ESCAPE_USER_FMT(USER_MAX) + 4] ;
  size_t n = strlen(r->source) ;
  if (n) memcpy(s, r->source, n) ; else s[n++] = '-' ;
  s[n++] = ' ' ;
  n += addr_fmt(s + n, &r->ip) ; s[n++] = ' ' ;
  n += int64_fmt(s + n, r->time) ; s[n++] = ' ' ;
  n += escape_user(s + n, r->user, r->userlen) ;
  s[n] = 0 ;
  return s ;
}

/*
 * The pending connections are saved before the positions, so a
 * restart finds every connection a line before its position opened (a
 * crash between the two reads some lines again: their connections are
 * put again, which changes nothing).
 */
static void savecursors (void)
{
  int any = 0 ;
  if (pt.gen != ptsaved)
  {
    if (pidtab_save(&pt, dir, ptkey.s, ptkey.len) < 0)
      strerr_diefu3sys(111, "save the pending connections to ", dir, "/pending.*") ;
    ptsaved = pt.gen ;
    any = 1 ;
  }
  for (unsigned int i = 0 ; i < nsrc ; i++)
  {
    if (!src[i].dirty || src[i].kind == SOURCE_STDIN) continue ;
    source_fingerprint(src + i) ;
    src[i].cur.line = time(0) ;  /* lines were read since the last save: for relaycheck */
    if (src[i].kind == SOURCE_JOURNAL ? src[i].jcur.len && jcursor_save(dir, src[i].path.s, src[i].jcur.s, &src[i].cur) < 0
        : cursor_save(dir, src[i].path.s, &src[i].cur) < 0)
      strerr_diefu4sys(111, "save the position in ", src[i].name, " to ", dir) ;
    src[i].dirty = 0 ;
    any = 1 ;
  }
  if (any && cursor_syncdir(dir) < 0) strerr_diefu2sys(111, "fsync ", dir) ;
  lastsave = time(0) ;
}

/*
 * The grants first, synced, then the positions: after a crash between
 * the two, the lines are read again and give the same grants (same
 * address, same time), so nothing is lost and nothing is added.
 */
static void commit (void)
{
  if (dryrun) { nbatch = 0 ; return ; }
  if (!nbatch) return ;
  if (state_writer_append(&w, batch, nbatch, 1) < 0) state_die(111, dir) ;
  /* said once they are in the journal: a grant logged is a grant made */
  if (verbose)
    for (unsigned int i = 0 ; i < nbatch ; i++)
      strerr_warni4x("grant ", login_formats[batchfmt[i]].name, " ", grantline(batch + i)) ;
  nbatch = 0 ;
  appended = 1 ;
  savecursors() ;
}

/*
 * A compaction is the job of relaycompact, which readlog runs (the one
 * beside it, or from PATH: sibling.h) and waits for: 1 if it ran and exited 0, else 0, said at most
 * once every LOCKOUT_WARN seconds (*warned).  It gets readlog's stderr,
 * the log, for its own messages, and none of readlog's trapped signals.
 */
extern char **environ ;
static char const *compactor = "relaycompact" ;  /* beside readlog, or in PATH (sibling.h) */

static int relaycompact (int64_t now, int64_t *warned)
{
  char const *argv[4] = { compactor, "-d", dir, 0 } ;
  posix_spawnattr_t a ;
  sigset_t none, def ;
  pid_t pid ;
  int e, wstat ;
  sigemptyset(&none) ;
  sigemptyset(&def) ;
  sigaddset(&def, SIGTERM) ; sigaddset(&def, SIGINT) ; sigaddset(&def, SIGHUP) ;
  sigaddset(&def, SIGUSR1) ; sigaddset(&def, SIGPIPE) ; sigaddset(&def, SIGCHLD) ;
  e = posix_spawnattr_init(&a) ;
  if (!e) e = posix_spawnattr_setflags(&a, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF) ;
  if (!e) e = posix_spawnattr_setsigmask(&a, &none) ;
  if (!e) e = posix_spawnattr_setsigdefault(&a, &def) ;
  if (!e) e = posix_spawnp(&pid, argv[0], 0, &a, (char *const *)argv, environ) ;
  posix_spawnattr_destroy(&a) ;
  if (e)
  {
    if (now - *warned >= LOCKOUT_WARN)
    {
      errno = e ;
      strerr_warnwu5sys("run ", compactor, " -d ", dir, ": the journal is not compacted") ;
      *warned = now ;
    }
    return 0 ;
  }
  while (waitpid(pid, &wstat, 0) < 0)
    if (errno != EINTR) { strerr_warnwu1sys("wait for relaycompact") ; return 0 ; }
  if (WIFEXITED(wstat) && !WEXITSTATUS(wstat)) return 1 ;
  if (now - *warned >= LOCKOUT_WARN)
  {
    char fmt[UINT_FMT + 1] ;
    fmt[uint_fmt(fmt, WIFEXITED(wstat) ? WEXITSTATUS(wstat) : WTERMSIG(wstat))] = 0 ;
    strerr_warnw6x(compactor, " -d ", dir, WIFEXITED(wstat) ? " exited " : " was killed by signal ", fmt, ": the journal is not compacted") ;
    *warned = now ;
  }
  return 0 ;
}

/*
 * While a backlog is read (more input at once than a step takes), the
 * journal is left to grow to CATCHUP times journalmax: a compaction folds
 * the whole snapshot, and one at every journalmax of a long backlog
 * costs more than reading it.  Readers scan a longer journal meanwhile.
 */
static void compact (int catchingup)
{
  static int64_t warned = 0 ;
  int64_t now = time(0), last ;
  int r ;
  if (dryrun) return ;
  r = catchingup ? state_compact_due(dir, now, UINT32_MAX, CATCHUP) : state_compact_due(dir, now, STATE_COMPACT_AGE, 1) ;
  if (r < 0) { state_warn_effect(dir, errno == EINVAL && state_failed.file && !strcmp(state_failed.file, "journalmax") ? "the journal is not compacted until it is fixed" : 0) ; return ; }
  if (!r) return ;
  if (!relaycompact(now, &warned)) return ;
  /* another compactor at work is normal; one that never lets go is not */
  if (state_compact_last(dir, &last) > 0 && now - last >= LOCKOUT_WARN && now - warned >= LOCKOUT_WARN)
  {
    char fmt[UINT64_FMT + 1] ;
    fmt[int64_fmt(fmt, now - last)] = 0 ;
    strerr_warnwu("lock ", dir, "/lock: it is held by another process: no compaction for ", fmt, " seconds") ;
    warned = now ;
  }
}

/*
 * With TZ unset, glibc checks /etc/localtime at every local time
 * conversion: two stat(2) for each syslog line, most of readlog's time.
 * Naming the file reads it once; on SIGHUP it is read again (a changed
 * TZ value is what makes tzset read it).  A TZ set by the admin is left
 * alone.
 */
static void localzone (void)
{
  static int ours = -1 ;
  if (ours < 0) ours = !getenv("TZ") ;
  if (!ours) return ;
  if (setenv("TZ", ours++ & 1 ? ":/etc/localtime" : "/etc/localtime", 1) < 0)
    strerr_diefu1sys(111, "set TZ") ;
  tzset() ;
}

static void readcontrol (void)
{
  int r ;
  if (dryrun) return ;
  r = state_grace(dir, &grace) ;
  if (r < 0) state_die(111, dir) ;
  /*
   * readlog needs the grace only to drop grants that are over: a typo
   * must not stop it at every start (a restart loop that records
   * nothing).  relaylock refuses every login grant until it is fixed.
   */
  if (!r)
  {
    grace = STATE_GRACE_DEFAULT ;
    state_warn_effect(dir, "readlog compacts with the default of " STATE_TEXT(STATE_GRACE_DEFAULT) " seconds, relaylock lets no login relay until it is fixed") ;
  }
  else state_warn_grace(dir, grace) ;
}

/* a source refused before a restart stays refused (distrust.h) */
static void distrusted (unsigned int i, char const *arg)
{
  char name[18] ;
  int r = distrust_load(dir, src[i].path.s, rawnl + i) ;
  distrust_name(name, src[i].path.s) ;
  if (r < 0 && errno != EPROTO) strerr_diefu4sys(111, "read ", dir, "/", name) ;
  if (r < 0)
  {
    rawnl[i] = "a server" ;
    strerr_warnw7x("refusing every login read from ", arg, ": ", dir, "/", name, " is invalid (threat.html#newline)") ;
  }
  else if (r) strerr_warnw9x("refusing every login read from ", arg, ": ", dir, "/", name, " says it held lines of ",
    rawnl[i], " in socklog's form (remove it once none reach it: threat.html#newline)") ;
}

/* a line refused, as -v says it: what refused it, why, the text */
static void sayrefused (char const *what, char const *why, char const *line, size_t len)
{
  if (!verbose) return ;
  if (!why) why = "?" ;
  if (!dryrun) strerr_warni6x("refused ", what, " (", why, "): ", safe(line, len)) ;
  else
  {
    outs("refused ") ; outs(what) ;
    outs(" (") ; outs(why) ; outs("): ") ;
    outs(safe(line, len)) ; out("\n", 1) ;
  }
}

/* what login_scan gave for a line of s: counted, said, and a login into the batch */
/* inlined: it is the per-line path */
static inline void scanned (source *s, int r, unsigned int fmt, loginok const *lg, char const *why, char const *line, size_t len) gccattr_inline ;
static inline void scanned (source *s, int r, unsigned int fmt, loginok const *lg, char const *why, char const *line, size_t len)
{
  if (r == -2) { count.nologin++ ; return ; }
  if (r == -1)
  {
    count.refused++ ;
    sayrefused(login_formats[fmt].name, why, line, len) ;
    return ;
  }
  count.logins++ ;
  s->cur.login = lg->time ;  /* saved with the position, for relaycheck */
  if (nbatch == BATCH) commit() ;
  {
    record *rec = batch + nbatch ;
    *rec = (record)RECORD_ZERO ;
    rec->type = '+' ;
    rec->time = lg->time ;
    rec->dur = dur ;
    rec->ip = lg->ip ;
    if (lg->source) record_setsource(rec, lg->source, strlen(lg->source)) ;
    record_setuser(rec, lg->user, lg->user ? lg->userlen : 0) ;
    if (dryrun)
    {
      outs(login_formats[r].name) ; out(" ", 1) ;
      outs(grantline(rec)) ; out("\n", 1) ;
      return ;
    }
    batchfmt[nbatch++] = r ;
  }
}

/* a line not read (what is SOURCE_TOOLONG or SOURCE_CUT), counted: 1, or 0 for a line to read */
static inline int skipped (source *s, int what) gccattr_inline ;
static inline int skipped (source *s, int what)
{
  if (what == SOURCE_TOOLONG) { count.toolong++ ; return 1 ; }
  if (what == SOURCE_CUT)
  {
    count.cut++ ;
    if (dryrun && verbose) { outs("cut ") ; outs(s->name) ; out("\n", 1) ; }
    return 1 ;
  }
  return 0 ;
}

/* the scan of a line just made the source untrusted (was: before it): said, and kept in dir */
static void nowdistrusted (source *s)
{
  char name[18] ;
  distrust_name(name, s->path.s) ;
  strerr_warnw5x("refusing every login read from ", s->name, ": it holds lines of ", rawnl[s - src],
    " in socklog's form, where a client's newline is a line of its own (threat.html#newline)") ;
  /* before the position saved can pass this line: a restart goes on refusing */
  if (!dryrun && s->kind != SOURCE_STDIN && distrust_save(dir, s->path.s, rawnl[s - src]) < 0)
    strerr_diefu4sys(111, "write ", dir, "/", name) ;
}

static int online (source *s, char const *line, size_t len, int what, void *data)
{
  loginok lg ;
  char const *why ;
  unsigned int fmt = 0 ;
  int r ;
  (void)data ;
  count.lines++ ;
  if (skipped(s, what)) return 0 ;
  {
    char const *was = rawnl[s - src] ;
    r = login_scan_fmt(line, len, time(0), enabled, lsrc + (s - src), &pt, &lg, &why, &fmt) ;
    if (!was && rawnl[s - src]) nowdistrusted(s) ;
  }
  scanned(s, r, fmt, &lg, why, line, len) ;
  return 0 ;
}

/* a decimal field of e, up to 18 digits: 1 with *u, or 0 */
static int numfield (jentry const *e, char const *name, uint64_t *u)
{
  char const *v ;
  size_t n ;
  return jentry_get(e, name, &v, &n) && lp_uint(v, n, u) ;
}

/* why an entry is not trusted, for -v: "untrusted FIELD VALUE", or "untrusted FIELD missing" */
static char const *untrusted (jentry const *e, char const *field, size_t flen)
{
  static char w[10 + 64 + 1 + 3 * 32 + 1] ;
  char name[65] ;
  char const *v ;
  size_t n, k = 10 ;
  if (flen > 64) flen = 64 ;
  memcpy(name, field, flen) ; name[flen] = 0 ;
  memcpy(w, "untrusted ", 10) ;
  memcpy(w + k, name, flen) ; k += flen ;
  if (jentry_get(e, name, &v, &n))
  {
    char const *x = safe(v, n > 32 ? 32 : n) ;
    w[k++] = ' ' ;
    memcpy(w + k, x, strlen(x)) ; k += strlen(x) ;
  }
  else { memcpy(w + k, " missing", 8) ; k += 8 ; }
  w[k] = 0 ;
  return w ;
}

/*
 * Source i's trust rules on e, for every enabled format: *allowed has
 * the bit of each that trusts it, and only those read the line.  If
 * formats read the line's tag (mask) and none of them trusts it, the
 * reason, for -v, with *fmt the first of them; else 0.  Servers share
 * tags (pop3d is Courier's, Cyrus' and Mailutils'): one server's rules
 * do not refuse another's lines.
 */
static char const *distrusts (unsigned int i, jentry const *e, uint64_t mask, uint64_t *allowed, unsigned int *fmt)
{
  char const *why = 0 ;
  *allowed = 0 ;
  for (unsigned int f = 0 ; f < login_nformats && f < 64 ; f++)
  {
    char const *field ;
    size_t flen ;
    if (!(enabled >> f & 1)) continue ;
    if (jtrust_check(trust + i * login_nformats + f, e, &field, &flen)) { *allowed |= (uint64_t)1 << f ; continue ; }
    if (mask >> f & 1 && !why) { why = untrusted(e, field, flen) ; *fmt = f ; }
  }
  if (!why || mask & *allowed) return 0 ;
  count.untrusted++ ; count.refused++ ;
  return why ;
}

/*
 * A line of an rsyslog: source begins with the trusted properties that
 * rsyslog wrote (jtrust.h); the rest is a syslog line, read as any.  A
 * line without them has no trusted field, and is refused by every rule
 * that wants one.  What -v shows is the whole line.
 */
static int onrsyslog (source *s, char const *line, size_t len, int what, void *data)
{
  static jentry e ;
  unsigned int i = s - src, fmt = 0 ;
  logline l ;
  loginok lg ;
  uint64_t allowed ;
  char const *why, *was = rawnl[i] ;
  size_t n ;
  int r ;
  (void)data ;
  count.lines++ ;
  if (skipped(s, what)) return 0 ;
  n = jtrust_line(line, len, &e) ;
  if (!logline_split(line + n, len - n, time(0), &l)) { count.nologin++ ; return 0 ; }
  why = distrusts(i, &e, login_tagformats(&l) & enabled, &allowed, &fmt) ;
  if (why) { sayrefused(login_formats[fmt].name, why, line, len) ; return 0 ; }
  r = login_scan_logline(&l, enabled & allowed, lsrc + i, &pt, &lg, &why, &fmt) ;
  if (!was && rawnl[i]) nowdistrusted(s) ;
  scanned(s, r, fmt, &lg, why, line, len) ;
  return 0 ;
}

/*
 * A journal entry is one line of its parts: the tag, pid and time from
 * the fields that hold them, the message alone as the text (its own
 * "TAG[PID]: " would be the sender's to forge).  A message with a LF in
 * it is not a line and is not cut into lines.  Only the formats that
 * trust it (jtrust.h) read it, and one of those that read its tag
 * must (distrusts).
 */
static int onentry (source *s, jentry const *e, void *data)
{
  unsigned int i = s - src ;
  logline l ;
  loginok lg ;
  uint64_t u, mask, allowed ;
  char const *why ;
  unsigned int fmt = 0 ;
  int r ;
  (void)data ;
  count.lines++ ;
  memset(&l, 0, sizeof(l)) ;
  l.now = time(0) ;
  l.time = -1 ;
  l.host = "" ;
  if (!jentry_get(e, "MESSAGE", &l.msg, &l.msglen) || !jentry_get(e, "SYSLOG_IDENTIFIER", &l.tag, &l.taglen) || !l.taglen)
  {
    count.nologin++ ;
    return 0 ;
  }
  if (numfield(e, "SYSLOG_PID", &u) || numfield(e, "_PID", &u)) { l.pid = u ; l.haspid = 1 ; }
  if ((numfield(e, "_SOURCE_REALTIME_TIMESTAMP", &u) || numfield(e, "__REALTIME_TIMESTAMP", &u)) && u / 1000000 <= INT64_MAX)
    l.time = (int64_t)(u / 1000000) ;
  if (l.msglen > SOURCE_LINEMAX) { count.toolong++ ; return 0 ; }
  mask = login_tagformats(&l) & enabled ;
  if (memchr(l.msg, '\n', l.msglen))
  {
    if (!mask) { count.nologin++ ; return 0 ; }
    count.refused++ ;
    for (fmt = 0 ; !(mask >> fmt & 1) ; fmt++) ;
    sayrefused(login_formats[fmt].name, "a newline in the message", l.msg, l.msglen) ;
    return 0 ;
  }
  why = distrusts(i, e, mask, &allowed, &fmt) ;
  if (why) { sayrefused(login_formats[fmt].name, why, l.msg, l.msglen) ; return 0 ; }
  r = login_scan_logline(&l, enabled & allowed, lsrc + i, &pt, &lg, &why, &fmt) ;
  scanned(s, r, fmt, &lg, why, l.msg, l.msglen) ;
  return 0 ;
}

static int onraw (source *s, char const *b, size_t len, void *data)
{
  (void)s ; (void)data ;
  out(b, len) ;
  return 0 ;
}

static void onnote (source *s, char const *what, char const *file, void *data)
{
  (void)data ;
  if (verbose) strerr_warni(s->name, ": ", what, " ", file) ;
}

/*
 * A source that cannot be read is one warning when readlog starts, and
 * one line each time that changes: the others are read meanwhile.  After
 * the start, a new state is told once it has lasted SOURCE_SETTLE
 * seconds, so that a rotation's moment without the file says nothing.
 */
static struct said_s { int status, err ; int64_t since ; } *said ;
static int settling = 0 ;

static void tell (unsigned int i, int now)
{
  source const *s = src + i ;
  struct said_s *t = said + i ;
  if (s->status == t->status && s->err == t->err) { t->since = 0 ; return ; }
  /* journalctl's end is told at once: it is no rotation */
  if (!now && s->status != SOURCE_OK && s->status != SOURCE_CHILD)
  {
    int64_t n = time(0) ;
    if (!t->since) t->since = n ;
    if (n - t->since < SOURCE_SETTLE) { settling = 1 ; return ; }
  }
  if (s->status == SOURCE_OK) strerr_warni2x(s->name, " is readable now") ;
  else strerr_warnw4x("unable to read ", s->name, ", watching for it: ", source_why(s)) ;
  t->status = s->status ; t->err = s->err ; t->since = 0 ;
}

static source_handler const handler = { .line = &online, .raw = &onraw, .entry = &onentry, .note = &onnote, .data = 0 } ;
static source_handler handler_now, handler_rsnow ;

/*
 * A directory that does not exist yet cannot be watched: while one is
 * missing, the sources are looked at every FOLLOW_POLL_MS instead.
 */
static int unwatched = 0 ;

static void startall (int reopen)
{
  unwatched = 0 ;
  for (unsigned int i = 0 ; i < nsrc ; i++)
  {
    if (src[i].kind == SOURCE_STDIN)
    {
      if (!reopen && source_start(src + i, hand[i]) < 0) strerr_diefu1sys(111, "set up stdin") ;
      continue ;
    }
    if (reopen) source_close(src + i) ;
    if (source_start(src + i, hand[i]) < 0) strerr_diefu2sys(111, "open ", src[i].name) ;
    tell(i, !reopen) ;
    if (src[i].kind == SOURCE_JOURNAL) continue ;  /* its pipe is in iopause */
    if (follow_watch(src[i].dir.s) < 0)
    {
      /* out of inotify watches, say: polling still works */
      if (errno != ENOENT) strerr_warnwu3sys("watch ", src[i].dir.s, ", polling it") ;
      unwatched = 1 ;
    }
  }
}

static void rewatch (void)
{
  unwatched = 0 ;
  for (unsigned int i = 0 ; i < nsrc ; i++)
    if (src[i].kind != SOURCE_STDIN && src[i].kind != SOURCE_JOURNAL && follow_watch(src[i].dir.s) < 0) unwatched = 1 ;
}

static void enable (char const *list)
{
  enabled = 0 ;
  while (*list)
  {
    size_t n = strcspn(list, ",") ;
    int i = login_format_index(list, n) ;
    if (n)
    {
      if (i < 0) { char name[n + 1] ; memcpy(name, list, n) ; name[n] = 0 ; strerr_dief2x(100, "unknown format: ", name) ; }
      enabled |= (uint64_t)1 << i ;
    }
    list += n ;
    if (*list) list++ ;
  }
}

int main (int argc, char const *const *argv)
{
  PROG = "readlog" ;
  {
    static stralloc sa = STRALLOC_ZERO ;
    compactor = sibling_path(&sa, argv[0], "relaycompact") ;
    if (!compactor) strerr_diefu1sys(111, "allocate") ;
  }
  int ifd, pfd, stop = 0 ;
  tain idle ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "1nvoPd:s:F:j:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case '1' : oneshot = 1 ; break ;
        case 'n' : dryrun = 1 ; break ;
        case 'v' : verbose = 1 ; break ;
        case 'o' : passthru = 1 ; break ;
        case 'P' : polling = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 's' : if (!l.arg[0] || l.arg[uint320_scan(l.arg, &dur)] || !dur || dur > GRANT_MAX) usage_badvalue(USAGE, 's', l.arg) ; break ;
        case 'F' : enable(l.arg) ; break ;
        case 'j' : joinhost = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no source given", "") ;
  if (dryrun && passthru) strerr_dief1x(100, "-n and -o both write to stdout") ;
  if (joinhost && (strlen(joinhost) > PIDTAB_HOSTMAX || !logline_ishost(joinhost, strlen(joinhost)))) strerr_dief2x(100, "invalid host name for -j: ", joinhost) ;
  handler_now = handler ;
  if (!passthru) handler_now.raw = 0 ;
  handler_rsnow = handler_now ;
  handler_rsnow.line = &onrsyslog ;

  if (!dryrun)
  {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
    if (fd < 0) strerr_diefu2sys(111, "open the state directory ", dir) ;
    fd_close(fd) ;
    /* said now, not at the first login, maybe hours later */
    if (access(dir, W_OK) < 0) strerr_diefu2sys(111, "write to the state directory ", dir) ;
    w.dir = dir ;
  }
  localzone() ;
  readcontrol() ;

  src = (source *)alloc(argc * sizeof(source)) ;
  lsrc = (loginsrc *)alloc(argc * sizeof(loginsrc)) ;
  said = (struct said_s *)alloc(argc * sizeof(struct said_s)) ;
  rawnl = (char const **)alloc(argc * sizeof(char const *)) ;
  trust = (jtrust *)alloc(argc * login_nformats * sizeof(jtrust)) ;
  hand = (source_handler const **)alloc(argc * sizeof(source_handler const *)) ;
  if (!src || !lsrc || !said || !rawnl || !trust || !hand) strerr_diefu1sys(111, "allocate") ;
  nsrc = argc ;
  if (!stralloc_cats(&ptkey, joinhost ? joinhost : "") || !stralloc_0(&ptkey)) strerr_diefu1sys(111, "allocate") ;
  for (unsigned int i = 0 ; i < nsrc ; i++)
  {
    size_t rs = 0 ;
    hand[i] = &handler_now ;
    if (!strncmp(argv[i], "rsyslog:", 8))
    {
      /* the file (or -) read as any, its lines checked by onrsyslog */
      char *path ;
      rs = jtrust_rsyslogname(argv[i]) ;
      if (!rs) strerr_dief2x(100, "invalid rsyslog source: ", argv[i]) ;
      path = (char *)alloc(rs + 1) ;
      if (!path) strerr_diefu1sys(111, "allocate") ;
      memcpy(path, argv[i] + 8, rs) ; path[rs] = 0 ;
      if (source_init(src + i, path) < 0) strerr_diefu2sys(111, "set up ", argv[i]) ;
      src[i].name = argv[i] ;  /* source_init kept copies of path, not path */
      alloc_free(path) ;
      hand[i] = &handler_rsnow ;
    }
    else if (source_init(src + i, argv[i]) < 0)
    {
      if (errno == EINVAL) strerr_dief2x(100, "invalid journal source: ", argv[i]) ;
      strerr_diefu2sys(111, "set up ", argv[i]) ;
    }
    if (src[i].kind == SOURCE_JOURNAL || rs)
    {
      jtrust *t = trust + i * login_nformats ;
      if (!jtrust_parse(t, argv[i] + 8 + rs)) strerr_dief2x(100, "invalid trust rule in ", argv[i]) ;
      for (unsigned int f = 0 ; f < login_nformats ; f++)
        if (t->given) t[f] = t[0] ; else jtrust_default(t + f, login_formats[f].name) ;
      src[i].jonce = oneshot ;
      hastrust = 1 ;
    }
    for (unsigned int j = 0 ; j < i ; j++)
      if (!strcmp(src[i].path.s, src[j].path.s)) strerr_dief2x(100, "source given twice: ", argv[i]) ;
    lsrc[i] = (loginsrc)LOGINSRC_ZERO ;
    rawnl[i] = 0 ; lsrc[i].rawnl = rawnl + i ;
    said[i].status = SOURCE_OK ; said[i].err = 0 ; said[i].since = 0 ;
    lsrc[i].id = joinhost ? 0 : i ;
    if (joinhost) { lsrc[i].host = joinhost ; lsrc[i].hostlen = strlen(joinhost) ; }
    if (!stralloc_catb(&ptkey, src[i].path.s, strlen(src[i].path.s) + 1)) strerr_diefu1sys(111, "allocate") ;
    if (!dryrun && src[i].kind == SOURCE_JOURNAL)
    {
      int r = jcursor_load(dir, src[i].path.s, &src[i].jcur, &src[i].cur) ;
      if (r < 0)
      {
        if (errno != EPROTO) strerr_diefu4sys(111, "read the position in ", argv[i], " from ", dir) ;
        strerr_warnw3x("invalid cursor for ", argv[i], ", reading it from its oldest entry") ;
        src[i].jcur.len = 0 ;
      }
    }
    else if (!dryrun && src[i].kind != SOURCE_STDIN)
    {
      int r = cursor_load(dir, src[i].path.s, &src[i].cur) ;
      if (r < 0)
      {
        if (errno != EPROTO) strerr_diefu4sys(111, "read the position in ", argv[i], " from ", dir) ;
        strerr_warnw3x("invalid cursor for ", argv[i], ", reading it from the beginning") ;
        src[i].cur = (cursor)CURSOR_ZERO ;
      }
      distrusted(i, argv[i]) ;
    }
  }

  if (!dryrun)
  {
    int r = pidtab_load(&pt, dir, ptkey.s, ptkey.len, nsrc) ;
    /* they only help joins across a restart: never a reason to stop */
    if (r < 0)
    {
      if (errno == EPROTO) strerr_warnw3x("invalid pending connections in ", dir, ", starting without them") ;
      else state_warn_effect(dir, "starting without the pending connections") ;
    }
    ptsaved = pt.gen ;
  }

  pfd = selfpipe_init() ;
  if (pfd < 0) strerr_diefu1sys(111, "selfpipe_init") ;
  /* skalibs: selfpipe_trap, sig_ignore and buffer_flush return 0 on failure */
  if (!selfpipe_trap(SIGTERM) || !selfpipe_trap(SIGINT)
   || !selfpipe_trap(SIGHUP) || !selfpipe_trap(SIGUSR1))
    strerr_diefu1sys(111, "trap signals") ;
  if (!sig_ignore(SIGPIPE)) strerr_diefu1sys(111, "ignore SIGPIPE") ;
  /* inotify does not see what other hosts write on a network filesystem */
  ifd = polling ? -1 : follow_init() ;
  if (ifd < 0 && !polling && errno != ENOSYS) strerr_warnwu1sys("set up inotify, polling the sources") ;
  startall(0) ;

  tain_now_set_stopwatch_g() ;
  tain_addsec_g(&idle, IDLE_CHECK) ;
  {
    int stdinready = 0 ;
    int hasstdin = 0, stdineof = 0 ;
    iopause_fd *x = (iopause_fd *)alloc((nsrc + 3) * sizeof(iopause_fd)) ;
    if (!x) strerr_diefu1sys(111, "allocate") ;
    for (unsigned int i = 0 ; i < nsrc ; i++) if (src[i].kind == SOURCE_STDIN) hasstdin = 1 ;
    for (;;)
    {
      unsigned int n = 1, xin = 0, xfo = 0 ;
      int more = 0, dirty = 0, waiting = 0, jpending = 0 ;
      tain deadline ;

      if (unwatched && ifd >= 0) rewatch() ;
      settling = 0 ;
      for (unsigned int i = 0 ; i < nsrc ; i++)
      {
        unsigned int kind = src[i].kind ;
        int r ;
        /* standard input is read only when it is ready, so never blocks */
        if (src[i].kind == SOURCE_STDIN && !stdinready) continue ;
        r = source_step(src + i, hand[i]) ;
        if (r < 0) strerr_diefu2sys(111, "read ", src[i].name) ;
        if (src[i].lost)
        {
          strerr_warnw3x("the position in ", src[i].name, " is no longer in the journal (vacuumed or rotated away): reading it from its oldest entry") ;
          src[i].lost = 0 ;
        }
        if (src[i].kind == SOURCE_JOURNAL)
        {
          if (src[i].status == SOURCE_CHILD || src[i].fd < 0) waiting = 1 ;
          if (!src[i].jdone) jpending = 1 ;
        }
        if (src[i].kind != kind && ifd >= 0 && follow_watch(src[i].dir.s) < 0) unwatched = 1 ;
        tell(i, 0) ;
        if (src[i].kind == SOURCE_STDIN) { if (src[i].eof) stdineof = 1 ; }
        else if (r) more = 1 ;
        if (src[i].dirty) dirty = 1 ;
      }
      stdinready = 0 ;
      /* catching up, grants are committed as batches fill: the next
         step comes at once, and the cursor waits for them anyway */
      if (!more || stop) commit() ;
      if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
      if (appended)
      {
        compact(more) ;
        if (!more) { appended = 0 ; tain_addsec_g(&idle, IDLE_CHECK) ; }
      }
      if (stop) break ;
      if (stdineof && (!oneshot || !more)) break ;
      if (oneshot && !more && !hasstdin && !jpending) break ;

      x[0].fd = pfd ; x[0].events = IOPAUSE_READ ;
      if (ifd >= 0) { xfo = n ; x[n].fd = ifd ; x[n++].events = IOPAUSE_READ ; }
      if (hasstdin) { xin = n ; x[n].fd = 0 ; x[n++].events = IOPAUSE_READ ; }
      /* a journal's pipe is read at every step: waking is all it needs */
      for (unsigned int i = 0 ; i < nsrc ; i++)
        if (src[i].kind == SOURCE_JOURNAL && src[i].fd >= 0) { x[n].fd = src[i].fd ; x[n++].events = IOPAUSE_READ ; }
      tain_now_g() ;
      if (more) deadline = STAMP ;
      else if ((ifd < 0 || unwatched || settling || waiting) && (!oneshot || waiting))
      {
        tain t ;
        tain_from_millisecs(&t, FOLLOW_POLL_MS) ;
        tain_add_g(&deadline, &t) ;
      }
      else deadline = idle ;
      if (dirty && !dryrun)
      {
        tain t ;
        tain_addsec_g(&t, CURSOR_DELAY) ;
        if (tain_less(&t, &deadline)) deadline = t ;
        /* a cursor is never saved past a grant not yet in the journal */
        if (time(0) - lastsave >= CURSOR_DELAY) { if (nbatch) commit() ; else savecursors() ; continue ; }
      }
      if (iopause_g(x, n, &deadline) < 0) strerr_diefu1sys(111, "iopause") ;
      if (!tain_less(&STAMP, &idle)) { compact(0) ; tain_addsec_g(&idle, IDLE_CHECK) ; }
      if (xfo && x[xfo].revents) follow_drain() ;
      if (xin && x[xin].revents & IOPAUSE_READ) stdinready = 1 ;
      if (xin && x[xin].revents & IOPAUSE_EXCEPT) stdinready = 1 ;
      if (x[0].revents & IOPAUSE_READ)
      {
        for (;;)
        {
          int sig = selfpipe_read() ;
          if (sig < 0) strerr_diefu1sys(111, "selfpipe_read") ;
          if (!sig) break ;
          switch (sig)
          {
            case SIGTERM : case SIGINT : stop = 1 ; break ;
            case SIGUSR1 : counters() ; break ;
            case SIGHUP :
              localzone() ;
              readcontrol() ;
              startall(1) ;
              break ;
          }
        }
        /* the lines in hand are committed; nothing more is read */
        if (stop) break ;
      }
    }
    alloc_free(x) ;
  }
  for (unsigned int i = 0 ; i < nsrc ; i++)
    if (source_finishline(src + i, hand[i]) < 0) strerr_diefu1sys(111, "read stdin") ;
  commit() ;
  if (!dryrun) savecursors() ;
  for (unsigned int i = 0 ; i < nsrc ; i++) if (src[i].kind == SOURCE_JOURNAL) source_close(src + i) ;
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  counters() ;
  /* -1: a source not read is not a success (each was named as it failed) */
  if (oneshot)
  {
    unsigned int bad = 0 ;
    for (unsigned int i = 0 ; i < nsrc ; i++) if (src[i].status != SOURCE_OK) bad++ ;
    if (bad)
    {
      char fmt[2][UINT_FMT] ;
      fmt[0][uint_fmt(fmt[0], bad)] = 0 ;
      fmt[1][uint_fmt(fmt[1], nsrc)] = 0 ;
      strerr_dief5x(111, "unable to read ", fmt[0], " of ", fmt[1], " sources") ;
    }
  }
  return 0 ;
}
