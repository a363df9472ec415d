/* ISC license. */

/*
 * latency: how long from a login line reaching a log to relaylock's
 * decision saying yes, with a readlog following that log.
 *
 *   bench/latency STATEDIR LOGFILE N GAPMS [COPY]
 *
 * For each of N new addresses (10.250.x.y up): appends one Dovecot login
 * line, multilog-stamped, to LOGFILE (one write, O_APPEND, as multilog
 * does), then asks relay_check (the one decision relaylock makes, with
 * the same reads) every 100 microseconds until it says yes; the time
 * between the write and the yes is one sample.  GAPMS milliseconds pass
 * between logins.  Prints the samples' p50, p90, p99 and max in ms, and
 * "timeouts N" for logins not granted within 5 s.
 *
 * With COPY, the reference: instead of relay_check, waits until the
 * file COPY has grown by the line (tail -F LOGFILE > COPY follows the
 * log): the cost of noticing a line and writing it out, nothing else.
 */

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/strerr.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include "addr.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "bench.h"

#define USAGE "latency statedir logfile n gapms [copy]"

static int cmp (void const *a, void const *b)
{
  double x = *(double const *)a, y = *(double const *)b ;
  return x < y ? -1 : x > y ;
}

static void pause_us (long us)
{
  struct timespec ts = { .tv_sec = us / 1000000, .tv_nsec = (us % 1000000) * 1000 } ;
  nanosleep(&ts, 0) ;
}

int main (int argc, char const *const *argv)
{
  unsigned int n, gap, ok = 0, timeouts = 0 ;
  char const *copy = argc > 5 ? argv[5] : 0 ;
  uint64_t want = 0 ;
  double *lat ;
  PROG = "latency" ;
  if (argc < 5 || !uint0_scan(argv[3], &n) || !uint0_scan(argv[4], &gap) || !n) strerr_dieusage(100, USAGE) ;
  lat = malloc(n * sizeof(double)) ;
  if (!lat) strerr_diefu1sys(111, "allocate") ;
  for (unsigned int i = 0 ; i < n ; i++)
  {
    char line[300] ;
    struct timespec ts ;
    char ip[ADDR_FMT + 1] ;
    addr a = ADDR_ZERO ;
    relay rc ;
    double t0 ;
    int fd, len ;
    a.ip[0] = 10 ; a.ip[1] = 250 ; a.ip[2] = i >> 8 ; a.ip[3] = i ;
    ip[addr_fmt(ip, &a)] = 0 ;
    clock_gettime(CLOCK_REALTIME, &ts) ;
    /* daemontools' TAI64N: 2^62 + 10 + Unix seconds, then nanoseconds */
    len = snprintf(line, sizeof line,
      "@%016llx%08lx pop3-login: Info: Login: user=<u%u>, method=PLAIN, rip=%s, lip=127.0.0.1, mpid=%u, session=<bench%u>\n",
      (unsigned long long)((1ULL << 62) + 10 + (uint64_t)ts.tv_sec), (unsigned long)ts.tv_nsec, i, ip, 10000 + i, i) ;
    if (copy && !i)
    {
      /* before the first write: tail may copy it at once */
      struct stat st ;
      if (stat(copy, &st) < 0) strerr_diefu2sys(111, "stat ", copy) ;
      want = st.st_size ;
    }
    fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644) ;
    if (fd < 0) strerr_diefu2sys(111, "open ", argv[2]) ;
    t0 = bench_now() ;
    if (allwrite(fd, line, len) != (size_t)len) strerr_diefu2sys(111, "write to ", argv[2]) ;
    fd_close(fd) ;
    want += len ;
    for (;;)
    {
      int yes ;
      if (copy)
      {
        struct stat st ;
        yes = stat(copy, &st) == 0 && (uint64_t)st.st_size >= want ;
      }
      else
      {
        relay_check(argv[1], &a, time(0), STATE_GRACE_DEFAULT, STATE_SESSIONMAX_DEFAULT, &rc) ;
        yes = rc.how == RELAY_LOGIN ;
      }
      if (yes) { lat[ok++] = (bench_now() - t0) * 1000 ; break ; }
      if (bench_now() - t0 > 5) { timeouts++ ; break ; }
      pause_us(100) ;
    }
    if (gap) pause_us((long)gap * 1000) ;
  }
  qsort(lat, ok, sizeof(double), &cmp) ;
  if (!ok) { printf("p50 - p90 - p99 - max - timeouts %u\n", timeouts) ; return 1 ; }
  printf("p50 %.3f p90 %.3f p99 %.3f max %.3f timeouts %u\n",
    lat[(ok - 1) / 2], lat[(ok - 1) * 9 / 10], lat[(ok - 1) * 99 / 100], lat[ok - 1], timeouts) ;
  return 0 ;
}
