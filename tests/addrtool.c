/* ISC license. */

/*
 * Test driver for addr, net and timescan.  Prints one answer line, or
 * "invalid" and exits 1.
 *   addrtool addr TEXT            canonical address (addr_parse)
 *   addrtool scan TEXT            bytes addr_scan used, then the address
 *   addrtool net NET              canonical network
 *   addrtool net NET ADDR         match or nomatch
 *   addrtool time KIND TEXT NOW   Unix seconds; KIND: tai64n rfc3164 iso8601
 *   addrtool timelen KIND TEXT NOW  bytes the scanner used
 *   addrtool localtime Y M D h m s  localtime_to_unix
 */

#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include "addr.h"
#include "net.h"
#include "timescan.h"

#define USAGE "addrtool addr|scan TEXT | net NET [ADDR] | wide NET | time|timelen KIND TEXT NOW | localtime Y M D h m s"

static void say (char const *s, size_t n)
{
  if (buffer_put(buffer_1, s, n) < 0 || buffer_putsflush(buffer_1, "\n") < 0)
    strerr_diefu1sys(111, "write to stdout") ;
}

static int invalid (void)
{
  say("invalid", 7) ;
  return 1 ;
}

static int64_t num (char const *s)
{
  int64_t v ;
  size_t n = int64_scan(s, &v) ;
  if (!n || s[n]) strerr_dieusage(100, USAGE) ;
  return v ;
}

static int dotime (char const *const *argv, int wantlen)
{
  char buf[UINT64_FMT + 1] ;
  char const *s = argv[1] ;
  size_t len = strlen(s), n ;
  int64_t now = num(argv[2]), t ;
  if (!strcmp(argv[0], "tai64n")) n = tai64n_scan(s, len, &t) ;
  else if (!strcmp(argv[0], "rfc3164")) n = rfc3164_scan(s, len, now, &t) ;
  else if (!strcmp(argv[0], "iso8601")) n = iso8601_scan(s, len, &t) ;
  else if (!strcmp(argv[0], "svlogd")) n = svlogd_scan(s, len, &t) ;
  else strerr_dieusage(100, USAGE) ;
  if (!n) return invalid() ;
  if (wantlen) say(buf, size_fmt(buf, n)) ;
  else say(buf, int64_fmt(buf, t)) ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  char buf[NET_FMT + SIZE_FMT + 2 * ADDR_FMT + 16] ;
  PROG = "addrtool" ;
  if (argc < 3) strerr_dieusage(100, USAGE) ;
  if (!strcmp(argv[1], "addr") && argc == 3)
  {
    addr a ;
    if (!addr_parse(argv[2], strlen(argv[2]), &a)) return invalid() ;
    say(buf, addr_fmt(buf, &a)) ;
  }
  else if (!strcmp(argv[1], "scan") && argc == 3)
  {
    addr a ;
    size_t n = addr_scan(argv[2], strlen(argv[2]), &a), m ;
    if (!n) return invalid() ;
    m = size_fmt(buf, n) ;
    buf[m++] = ' ' ;
    say(buf, m + addr_fmt(buf + m, &a)) ;
  }
  else if (!strcmp(argv[1], "net") && (argc == 3 || argc == 4))
  {
    net nt ;
    addr a ;
    if (!net_parse(argv[2], strlen(argv[2]), &nt))
    {
      if (errno == EDOM) { say("hostbits", 8) ; return 1 ; }
      return invalid() ;
    }
    if (argc == 3) say(buf, net_fmt(buf, &nt)) ;
    else if (!addr_parse(argv[3], strlen(argv[3]), &a)) return invalid() ;
    else if (net_match(&nt, &a)) say("match", 5) ;
    else say("nomatch", 7) ;
  }
  else if (!strcmp(argv[1], "wide") && argc == 3)
  {
    /* net_wide's reasons, then the range: "all4 all6 bits FIRST LAST" */
    net nt ;
    addr a ;
    size_t m = 0 ;
    unsigned int w ;
    if (!net_parse(argv[2], strlen(argv[2]), &nt)) return invalid() ;
    w = net_wide(&nt) ;
    if (!w) { memcpy(buf, "no ", 3) ; m = 3 ; }
    if (w & NET_WIDE_ALL4) { memcpy(buf + m, "all4 ", 5) ; m += 5 ; }
    if (w & NET_WIDE_ALL6) { memcpy(buf + m, "all6 ", 5) ; m += 5 ; }
    if (w & NET_WIDE_BITS) { memcpy(buf + m, "bits ", 5) ; m += 5 ; }
    m += addr_fmt(buf + m, &nt.a) ;
    buf[m++] = ' ' ;
    net_last(&nt, &a) ;
    m += addr_fmt(buf + m, &a) ;
    say(buf, m) ;
  }
  else if ((!strcmp(argv[1], "time") || !strcmp(argv[1], "timelen")) && argc == 5)
    return dotime(argv + 2, argv[1][4] == 'l') ;
  else if (!strcmp(argv[1], "localtime") && argc == 8)
  {
    int64_t t = localtime_to_unix(num(argv[2]), num(argv[3]), num(argv[4]), num(argv[5]), num(argv[6]), num(argv[7])) ;
    if (t < 0) return invalid() ;
    say(buf, int64_fmt(buf, t)) ;
  }
  else strerr_dieusage(100, USAGE) ;
  return 0 ;
}
