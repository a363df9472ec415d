/* ISC license. */

/*
 * storeload: the state directory under load, and the plain-file floor
 * it is compared with.
 *
 *   bench/storeload MODE DIR SECONDS WRITERS READERS NKEYS SYNC [RATE]
 *
 * DIR already holds NKEYS grants for bench_addr(0..NKEYS-1) in its
 * snapshot (bench/mkstate).  WRITERS processes add grants for addresses
 * of their own as fast as they can, READERS processes look up random
 * addresses among the NKEYS, for SECONDS seconds.  MODE:
 *
 *   state    writers: state_writer_append, one record per call, the
 *            journal kept open (a long-running writer, as readlog);
 *            readers: state_lookup (what relaylock does per connection);
 *            plus one compactor that compacts when due, as readlog does
 *   oneshot  the same, but writers use state_append (open, lock, write,
 *            close: relaygrant, logpopauth-pre)
 *   plain    writers: the same record lines written with write(2) to one
 *            O_APPEND file, no lock; readers: cdb_init, cdb_find,
 *            cdb_free on DIR/snapshot.cdb, no journal
 *
 * SYNC 1: each write is fsynced (as relaygrant and readlog do), in
 * every mode.  RATE: grants per second per writer (default 0: as fast
 * as it can).  Prints totals and rates on one line.
 */

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>
#include <signal.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/cdb.h>
#include "addr.h"
#include "record.h"
#include "state.h"
#include "bench.h"

#define USAGE "storeload state|oneshot|plain dir seconds writers readers nkeys sync [rate]"

enum { M_STATE, M_ONESHOT, M_PLAIN } ;
/* kind: 0 write, 1 lookup, 2 compaction (misses: the largest journal it folded, bytes; usec: time spent) */
struct result { uint64_t kind, count, misses, usec ; } ;

static int mode ;
static char const *dir ;
static double start, stop ;
static unsigned int nkeys, sync_, rate = 0 ;

static void waitstart (void)
{
  double d = start - bench_now() ;
  if (d > 0)
  {
    struct timespec ts = { .tv_sec = (time_t)d, .tv_nsec = (long)((d - (time_t)d) * 1e9) } ;
    nanosleep(&ts, 0) ;
  }
}

static void report (int fd, uint64_t kind, uint64_t count, uint64_t misses, uint64_t usec)
{
  struct result r = { kind, count, misses, usec } ;
  if (allwrite(fd, (char *)&r, sizeof r) != sizeof r) strerr_diefu1sys(111, "write result") ;
  _exit(0) ;
}

static void writer (int fd, unsigned int id)
{
  state_writer w = STATE_WRITER_ZERO ;
  uint64_t n = 0 ;
  int pfd = -1 ;
  w.dir = dir ;
  if (mode == M_PLAIN)
  {
    size_t len = strlen(dir) ;
    char path[len + 11] ;
    memcpy(path, dir, len) ;
    memcpy(path + len, "/plain.log", 11) ;
    pfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) ;
    if (pfd < 0) strerr_diefu2sys(111, "open ", path) ;
  }
  waitstart() ;
  while (bench_now() < stop)
  {
    record r = RECORD_ZERO ;
    if (rate)
    {
      /* the n-th grant is due n/rate seconds after the start */
      double d = start + (double)n / rate - bench_now() ;
      if (d > 0)
      {
        struct timespec ts = { .tv_sec = (time_t)d, .tv_nsec = (long)((d - (time_t)d) * 1e9) } ;
        nanosleep(&ts, 0) ;
        if (bench_now() >= stop) break ;
      }
    }
    r.type = '+' ;
    r.time = time(0) ;
    r.ip.ip[0] = 172 ; r.ip.ip[1] = 32 + id ; r.ip.ip[2] = n >> 8 ; r.ip.ip[3] = n ;
    record_setsource(&r, "dovecot/pop3", 12) ;
    record_setuser(&r, "someuser", 8) ;
    if (mode == M_PLAIN)
    {
      char line[RECORD_MAX] ;
      size_t len = record_fmt(line, &r) ;
      if (write(pfd, line, len) != (ssize_t)len) strerr_diefu1sys(111, "write") ;
      if (sync_ && fsync(pfd) < 0) strerr_diefu1sys(111, "fsync") ;
    }
    else if (mode == M_ONESHOT)
    {
      if (state_append(dir, &r, sync_) < 0) strerr_diefu1sys(111, "state_append") ;
    }
    else if (state_writer_append(&w, &r, 1, sync_) < 0) strerr_diefu1sys(111, "state_writer_append") ;
    n++ ;
  }
  report(fd, 0, n, 0, 0) ;
}

static void reader (int fd, unsigned int id)
{
  uint64_t n = 0, misses = 0, x = 0x9E3779B97F4A7C15ULL * (id + 1) ;
  size_t len = strlen(dir) ;
  char path[len + 14] ;
  memcpy(path, dir, len) ;
  memcpy(path + len, "/snapshot.cdb", 14) ;
  waitstart() ;
  while (bench_now() < stop)
  {
    addr a ;
    x ^= x >> 12 ; x ^= x << 25 ; x ^= x >> 27 ;
    bench_addr(&a, (x * 0x2545F4914F6CDD1DULL >> 32) % nkeys) ;
    if (mode == M_PLAIN)
    {
      cdb c = CDB_ZERO ;
      cdb_data d ;
      char key[ADDR_FMT] ;
      if (!cdb_init(&c, path)) strerr_diefu2sys(111, "cdb_init ", path) ;
      if (cdb_find(&c, &d, key, addr_fmt(key, &a)) <= 0) misses++ ;
      cdb_free(&c) ;
    }
    else
    {
      entry e ;
      int r = state_lookup(dir, &a, &e) ;
      if (r < 0) strerr_diefu1sys(111, "state_lookup") ;
      if (!r) misses++ ;
    }
    n++ ;
  }
  report(fd, 1, n, misses, 0) ;
}

/* as readlog: compacts whenever the journal has grown past journalmax */
static void compactor (int fd)
{
  uint64_t n = 0, maxj = 0 ;
  double busy = 0 ;
  size_t len = strlen(dir) ;
  char path[len + 9] ;
  memcpy(path, dir, len) ;
  memcpy(path + len, "/journal", 9) ;
  waitstart() ;
  while (bench_now() < stop)
  {
    struct timespec ts = { .tv_sec = 0, .tv_nsec = 10000000 } ;
    int64_t now = time(0) ;
    int r = state_compact_due(dir, now, STATE_COMPACT_AGE, 1) ;
    if (r < 0) strerr_diefu1sys(111, "state_compact_due") ;
    if (r)
    {
      struct stat st ;
      double t0 = bench_now() ;
      if (stat(path, &st) == 0 && (uint64_t)st.st_size > maxj) maxj = st.st_size ;
      if (state_compact(dir, now, STATE_GRACE_DEFAULT, STATE_SESSIONMAX_DEFAULT, 0) < 0) strerr_diefu1sys(111, "state_compact") ;
      busy += bench_now() - t0 ;
      n++ ;
    }
    else nanosleep(&ts, 0) ;
  }
  report(fd, 2, n, maxj, (uint64_t)(busy * 1e6)) ;
}

int main (int argc, char const *const *argv)
{
  unsigned int seconds, nw, nr, nproc ;
  uint64_t tot[3] = { 0, 0, 0 }, misses = 0, maxj = 0, cusec = 0 ;
  int p[2] ;
  PROG = "storeload" ;
  if (argc < 8) strerr_dieusage(100, USAGE) ;
  if (!strcmp(argv[1], "state")) mode = M_STATE ;
  else if (!strcmp(argv[1], "oneshot")) mode = M_ONESHOT ;
  else if (!strcmp(argv[1], "plain")) mode = M_PLAIN ;
  else strerr_dieusage(100, USAGE) ;
  dir = argv[2] ;
  if (!uint0_scan(argv[3], &seconds) || !uint0_scan(argv[4], &nw) || !uint0_scan(argv[5], &nr)
   || !uint0_scan(argv[6], &nkeys) || !uint0_scan(argv[7], &sync_) || !nkeys) strerr_dieusage(100, USAGE) ;
  if (argc > 8 && !uint0_scan(argv[8], &rate)) strerr_dieusage(100, USAGE) ;
  if (pipe(p) < 0) strerr_diefu1sys(111, "pipe") ;
  start = bench_now() + 0.3 ;
  stop = start + seconds ;
  nproc = nw + nr + (mode != M_PLAIN) ;
  for (unsigned int i = 0 ; i < nproc ; i++)
  {
    pid_t pid = fork() ;
    if (pid < 0) strerr_diefu1sys(111, "fork") ;
    if (!pid)
    {
      close(p[0]) ;
      if (i < nw) writer(p[1], i) ;
      else if (i < nw + nr) reader(p[1], i - nw) ;
      else compactor(p[1]) ;
    }
  }
  close(p[1]) ;
  for (unsigned int i = 0 ; i < nproc ; i++)
  {
    struct result r ;
    if (allread(p[0], (char *)&r, sizeof r) != sizeof r) strerr_dief1x(111, "a worker died") ;
    if (r.kind > 2) strerr_dief1x(111, "bad result") ;
    tot[r.kind] += r.count ;
    if (r.kind == 2) { maxj = r.misses ; cusec = r.usec ; }
    else misses += r.misses ;
  }
  for (unsigned int i = 0 ; i < nproc ; i++)
  {
    int st ;
    if (wait(&st) < 0) strerr_diefu1sys(111, "wait") ;
    if (!WIFEXITED(st) || WEXITSTATUS(st)) strerr_dief1x(111, "a worker failed") ;
  }
  printf("mode %s writes %llu writes/s %.0f lookups %llu lookups/s %.0f misses %llu compactions %llu maxjournal %llu compacting_s %.2f\n",
    argv[1], (unsigned long long)tot[0], tot[0] / (double)seconds, (unsigned long long)tot[1],
    tot[1] / (double)seconds, (unsigned long long)misses, (unsigned long long)tot[2],
    (unsigned long long)maxj, cusec / 1e6) ;
  return 0 ;
}
