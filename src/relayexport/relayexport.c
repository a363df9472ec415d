/* ISC license. */

#include <errno.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/stat.h>

#include <skalibs/types.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/tai.h>
#include <skalibs/iopause.h>
#include <skalibs/selfpipe.h>
#include <skalibs/sig.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/exec.h>

#include "usage.h"
#include "addr.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "follow.h"
#include "export.h"
#include "replace.h"

#define USAGE "relayexport [-v] [-1] [-d dir] [-g seconds] [-q persecond] [-c cdb] [-R rules -x rulescdb [-6]]"
#define dieusage() strerr_dieusage(100, USAGE)

/*
 * One job: keep the exported files equal to what the state directory
 * allows.  A rebuild reads the whole state, and writes a file only if
 * what it would hold changed.  It happens when the state directory (or
 * the admin's rules' directory) changes, when the first grant ends, on
 * SIGHUP; never more than persecond times a second.
 */

static char const *dir ;
static uint32_t gopt ;
static int hasg = 0 ;
static int verbose = 0 ;
static char const *cdbpath = 0 ;
static char const *rulespath = 0 ;
static char const *rulescdb = 0 ;
static int rules6 = 0 ;   /* tcprules and tcpserver are ucspi-tcp-ipv6's */
static stralloc rulessrc = STRALLOC_ZERO ;   /* rulescdb.rules: what tcprules compiled */

/* what was last written, so that an unchanged set is not rewritten */
static stralloc lastcdb = STRALLOC_ZERO ;
static int havecdb = 0 ;
static struct stat cdbst ;
static stralloc lastrules = STRALLOC_ZERO ;
static int haverules = 0 ;
static struct stat rulesst ;

/*
 * The file is still the one written last: not replaced behind our back
 * (an admin running tcprules by hand, as with plain tcpserver).
 */
static int ours (char const *path, struct stat const *st)
{
  struct stat now ;
  if (stat(path, &now) < 0) return 0 ;
  return now.st_dev == st->st_dev && now.st_ino == st->st_ino && now.st_size == st->st_size
    && now.st_mtim.tv_sec == st->st_mtim.tv_sec && now.st_mtim.tv_nsec == st->st_mtim.tv_nsec ;
}

static void remember (char const *path, struct stat *st, int *have)
{
  if (stat(path, st) < 0) strerr_diefusys(111, "stat ", path) ;
  *have = 1 ;
}

struct scan_s
{
  genalloc addrs ;   /* addr */
  int64_t now ;
  uint32_t grace ;
  uint32_t smax ;
  int64_t next ;     /* when the allowed set changes by itself, or -1 */
} ;

static void later (struct scan_s *s, int64_t t)
{
  if (s->next < 0 || t < s->next) s->next = t ;
}

static int collect (entry const *e, void *data)
{
  struct scan_s *s = data ;
  int64_t until ;
  /* the login test relay_check makes, on the entry state_scan folded */
  if (entry_allowed(e, s->now, s->grace, s->smax, 0, &until))
  {
    later(s, until) ;
    return genalloc_append(addr, &s->addrs, &e->ip) ? 0 : -1 ;
  }
  /* a grant stamped too far ahead counts once the clock catches up */
  if (e->login.type && e->login.time > s->now + STATE_SKEW) later(s, e->login.time - STATE_SKEW) ;
  if (e->timed.type && e->timed.time > s->now + STATE_SKEW) later(s, e->timed.time - STATE_SKEW) ;
  for (unsigned int i = 0 ; s->smax && i < e->nsess ; i++)
    if (e->sess[i].time > s->now + STATE_SKEW) later(s, e->sess[i].time - STATE_SKEW) ;
  return 0 ;
}

/* the same bytes (memcmp may not be given the null pointer of an empty stralloc) */
static int samebytes (char const *a, size_t alen, char const *b, size_t blen)
{
  return alen == blen && (!alen || !memcmp(a, b, alen)) ;
}

static void export_cdbfile (addr const *a, size_t n)
{
  size_t len = n * sizeof(addr) ;
  char num[SIZE_FMT] ;
  if (havecdb && ours(cdbpath, &cdbst) ? samebytes(lastcdb.s, lastcdb.len, (char const *)a, len) : export_cdb_same(cdbpath, a, n) > 0)
    goto same ;
  if (export_cdb(cdbpath, a, n) < 0) strerr_diefusys(111, "write ", cdbpath) ;
  if (verbose)
  {
    num[size_fmt(num, n)] = 0 ;
    strerr_warni("wrote ", cdbpath, ": ", num, n == 1 ? " address" : " addresses") ;
  }
 same:
  lastcdb.len = 0 ;
  if (len && !stralloc_catb(&lastcdb, (char const *)a, len)) strerr_diefusys(111, "allocate memory") ;
  remember(cdbpath, &cdbst, &havecdb) ;
}

/*
 * tcprules reads the source on its stdin, writes rulescdb.tmp, renames
 * it.  It opens rulescdb.tmp following links, so it runs only where
 * nobody else may plant one, and finds there a file made as replace_open
 * makes them (any link at that name unlinked first).
 */
static int tcprules (char const *s, size_t len)
{
  int p[2] ;
  int wstat ;
  pid_t pid ;
  int k = replace_dirprivate(rulescdb) ;
  if (k < 0) strerr_diefusys(111, "check the directory of ", rulescdb) ;
  if (!k) strerr_dief(100, "unable to write ", rulescdb, ": its directory may be written by another account, and tcprules would follow a link planted there") ;
  {
    stralloc tmp = STRALLOC_ZERO ;
    int fd = replace_open(rulescdb, &tmp) ;
    if (fd < 0) strerr_diefusys(111, "create ", tmp.len ? tmp.s : rulescdb) ;
    fd_close(fd) ;
    stralloc_free(&tmp) ;
  }
  if (pipe(p) < 0) strerr_diefusys(111, "create a pipe") ;
  pid = fork() ;
  if (pid < 0) strerr_diefusys(111, "fork") ;
  if (!pid)
  {
    char const *argv[4] = { "tcprules", rulescdb, 0, 0 } ;
    stralloc tmp = STRALLOC_ZERO ;
    sigset_t none ;
    sigemptyset(&none) ;
    sigprocmask(SIG_SETMASK, &none, 0) ;
    if (!stralloc_cats(&tmp, rulescdb) || !stralloc_cats(&tmp, ".tmp") || !stralloc_0(&tmp))
      strerr_diefusys(111, "allocate memory") ;
    argv[2] = tmp.s ;
    close(p[1]) ;
    if (fd_move(0, p[0]) < 0) strerr_diefusys(111, "move a file descriptor") ;
    xexec(argv) ;
  }
  close(p[0]) ;
  /* SIGPIPE is ignored: if tcprules dies early, its exit code tells why */
  allwrite(p[1], s, len) ;
  close(p[1]) ;
  if (wait_pid(pid, &wstat) < 0) strerr_diefusys(111, "wait for tcprules") ;
  if (WIFSIGNALED(wstat)) strerr_dief(111, "tcprules was killed by a signal while writing ", rulescdb) ;
  return WEXITSTATUS(wstat) ;
}

static int samerules (stralloc const *text)
{
  stralloc old = STRALLOC_ZERO ;
  int same = 0 ;
  if (haverules && ours(rulescdb, &rulesst)) return samebytes(lastrules.s, lastrules.len, text->s, text->len) ;
  /*
   * Else the source written with the rulescdb there, if the rulescdb is
   * not newer than it (relayexport writes the source after the cdb).
   */
  {
    struct stat c, r ;
    if (stat(rulescdb, &c) < 0 || stat(rulessrc.s, &r) < 0) return 0 ;
    if (c.st_mtim.tv_sec > r.st_mtim.tv_sec
     || (c.st_mtim.tv_sec == r.st_mtim.tv_sec && c.st_mtim.tv_nsec > r.st_mtim.tv_nsec)) return 0 ;
  }
  if (openslurpclose(&old, rulessrc.s))
    same = samebytes(old.s, old.len, text->s, text->len) ;
  stralloc_free(&old) ;
  return same ;
}

static int export_rulesfile (addr const *a, size_t n)
{
  exportrules r = EXPORTRULES_ZERO ;
  stralloc text = STRALLOC_ZERO ;
  int status = 0 ;
  long added ;
  int k = exportrules_load(&r, rulespath, rules6) ;
  if (k < 0) strerr_diefusys(111, "read ", rulespath) ;
  if (!k)
  {
    char line[UINT_FMT] ;
    line[uint_fmt(line, r.badline)] = 0 ;
    strerr_warnw("invalid line ", line, " in ", rulespath, ": tcprules would refuse it; ", rulescdb, " is left as it was") ;
    status = 100 ;
    goto end ;
  }
  added = export_rules_text(&r, a, n, &text) ;
  if (added < 0) strerr_diefusys(111, "allocate memory") ;
  if (samerules(&text)) goto keep ;
  if (r.hostline)
  {
    char line[UINT_FMT] ;
    line[uint_fmt(line, r.hostline)] = 0 ;
    strerr_warnw("line ", line, " of ", rulespath, " is a host name rule: tcpserver reads the rule relayexport adds for an address first") ;
  }
  k = tcprules(text.s, text.len) ;
  if (k == 100)
  {
    strerr_warnw("tcprules refused the rules made from ", rulespath, "; ", rulescdb, " is left as it was",
      rules6 ? " (with -6, tcprules must be ucspi-tcp-ipv6's)" : "") ;
    status = 100 ;
    goto end ;
  }
  if (k) strerr_dief(111, "unable to write ", rulescdb, ": tcprules failed") ;
  if (replace_syncdirof(rulescdb) < 0) strerr_diefusys(111, "sync the directory of ", rulescdb) ;
  /* after the cdb: a stale source makes the next start compile again */
  if (replace_write(rulessrc.s, text.s, text.len, 0) < 0) strerr_diefusys(111, "write ", rulessrc.s) ;
  if (verbose)
  {
    char num[ULONG_FMT] ;
    num[ulong_fmt(num, (unsigned long)added)] = 0 ;
    strerr_warni("wrote ", rulescdb, ": ", num, added == 1 ? " address" : " addresses") ;
  }
 keep:
  lastrules.len = 0 ;
  if (!stralloc_copy(&lastrules, &text)) strerr_diefusys(111, "allocate memory") ;
  remember(rulescdb, &rulesst, &haverules) ;
 end:
  stralloc_free(&text) ;
  exportrules_free(&r) ;
  return status ;
}

/* returns 0 or 100 (the rules were refused); *next: when to rebuild anyway, or -1 */
static int build (int64_t *next)
{
  struct scan_s s = { .addrs = GENALLOC_ZERO, .now = (int64_t)time(0), .grace = gopt, .smax = 0, .next = -1 } ;
  size_t n = 0 ;
  int status = 0 ;
  /* relaylock's reading: when it refuses everybody (a broken grace or allow), nobody is exported */
  int k = relay_ready(dir, hasg, &s.grace, &s.smax) ;
  if (k < 0) state_die(111, dir) ;
  if (!k) state_warn_effect(dir, "no address is exported until it is fixed") ;
  else
  {
    if (!hasg) state_warn_grace(dir, s.grace) ;
    state_warn_allow(dir) ;
    if (state_scan(dir, &collect, &s) < 0) state_die(111, dir) ;
    n = export_sort(genalloc_s(addr, &s.addrs), genalloc_len(addr, &s.addrs)) ;
  }
  if (cdbpath) export_cdbfile(genalloc_s(addr, &s.addrs), n) ;
  if (rulespath) status = export_rulesfile(genalloc_s(addr, &s.addrs), n) ;
  genalloc_free(addr, &s.addrs) ;
  *next = s.next ;
  return status ;
}

static int watchdir (char const *path)
{
  size_t len = strlen(path) ;
  char const *slash = strrchr(path, '/') ;
  char d[len + 2] ;
  if (!slash) memcpy(d, ".", 2) ;
  else if (slash == path) memcpy(d, "/", 2) ;
  else { memcpy(d, path, slash - path) ; d[slash - path] = 0 ; }
  return follow_watch(d) ;
}

int main (int argc, char const *const *argv)
{
  iopause_fd x[2] ;
  unsigned int nx = 1 ;
  unsigned int persecond = 5 ;
  int once = 0 ;
  int inotify ;
  int dirty = 1 ;
  int64_t next = -1 ;
  tain interval, nextok, expiry ;
  PROG = "relayexport" ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "v16d:g:q:c:R:x:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case '1' : once = 1 ; break ;
        case '6' : rules6 = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 'g' : if (!l.arg[0] || l.arg[uint320_scan(l.arg, &gopt)] || gopt > GRANT_MAX) usage_badvalue(USAGE, 'g', l.arg) ; hasg = 1 ; break ;
        case 'q' : if (!l.arg[0] || l.arg[uint0_scan(l.arg, &persecond)] || !persecond || persecond > 1000) usage_badvalue(USAGE, 'q', l.arg) ; break ;
        case 'c' : cdbpath = l.arg ; break ;
        case 'R' : rulespath = l.arg ; break ;
        case 'x' : rulescdb = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (argc) usage_die(USAGE, "unexpected argument: ", argv[0]) ;
  if (!rulespath != !rulescdb) usage_die(USAGE, "-R and -x go together", "") ;
  if (rules6 && !rulespath) usage_die(USAGE, "-6 is about the rules: it goes with -R and -x", "") ;
  if (!cdbpath && !rulespath) usage_die(USAGE, "nothing to export: give -c or -R and -x", "") ;
  if (rulescdb && (!stralloc_cats(&rulessrc, rulescdb) || !stralloc_cats(&rulessrc, ".rules") || !stralloc_0(&rulessrc)))
    strerr_diefusys(111, "allocate memory") ;
  if (!sig_ignore(SIGPIPE)) strerr_diefusys(111, "ignore SIGPIPE") ;

  if (once)
  {
    int status = build(&next) ;
    return status ;
  }

  x[0].fd = selfpipe_init() ;
  if (x[0].fd < 0) strerr_diefusys(111, "create the selfpipe") ;
  if (!selfpipe_trap(SIGTERM) || !selfpipe_trap(SIGHUP)) strerr_diefusys(111, "trap signals") ;
  x[0].events = IOPAUSE_READ ;
  inotify = follow_init() ;
  if (inotify >= 0)
  {
    if (follow_watch(dir) < 0) strerr_diefusys(111, "watch ", dir) ;
    if (rulespath && watchdir(rulespath) < 0) strerr_diefusys(111, "watch the directory of ", rulespath) ;
    x[1].fd = inotify ;
    x[1].events = IOPAUSE_READ ;
    nx = 2 ;
  }
  else if (verbose) strerr_warni("no inotify: reading the state every second") ;

  tain_from_millisecs(&interval, 1000 / persecond) ;
  tain_now_g() ;
  nextok = STAMP ;
  expiry = tain_infinite ;
  for (;;)
  {
    tain deadline = tain_infinite ;
    int r ;
    tain_now_g() ;
    if (!tain_future(&expiry)) { dirty = 1 ; expiry = tain_infinite ; }
    if (dirty && !tain_future(&nextok))
    {
      build(&next) ;
      dirty = 0 ;
      tain_add_g(&nextok, &interval) ;
      if (next >= 0)
      {
        tai_from_time_sysclock(tain_secp(&expiry), next) ;
        expiry.nano = 0 ;
      }
      else expiry = tain_infinite ;
      continue ;
    }
    if (dirty) deadline = nextok ;
    if (tain_less(&expiry, &deadline)) deadline = expiry ;
    if (inotify < 0)
    {
      tain poll ;
      tain_addsec_g(&poll, 1) ;
      if (tain_less(&poll, &deadline)) deadline = poll ;
    }
    r = iopause_g(x, nx, &deadline) ;
    if (r < 0) strerr_diefusys(111, "iopause") ;
    if (!r) { if (inotify < 0) dirty = 1 ; continue ; }
    if (nx > 1 && x[1].revents & IOPAUSE_READ) { follow_drain() ; dirty = 1 ; }
    if (x[0].revents & IOPAUSE_READ)
    {
      for (;;)
      {
        int sig = selfpipe_read() ;
        if (sig < 0) strerr_diefusys(111, "read the selfpipe") ;
        if (!sig) break ;
        if (sig == SIGTERM) return 0 ;
        /* now, and compared with the files themselves: a damaged or removed one is written again */
        if (sig == SIGHUP) { dirty = 1 ; nextok = STAMP ; havecdb = haverules = 0 ; }
      }
    }
  }
}
