/* ISC license. */

/*
 * relayrevoke: stops an address from relaying at once.  The revocation
 * is a record in the journal, newer than every grant so far, synced
 * before we exit; a later login allows the address again.
 */

#include <string.h>
#include <errno.h>
#include <time.h>

#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>

#include "usage.h"
#include "addr.h"
#include "net.h"
#include "record.h"
#include "state.h"

#define USAGE "relayrevoke [ -d dir ] address"
#define dieusage() strerr_dieusage(100, USAGE)

int main (int argc, char const *const *argv)
{
  char const *dir = auto_state ;
  record r = RECORD_ZERO ;
  net n ;
  unsigned int line ;
  PROG = "relayrevoke" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no address given", "") ;
  if (argc > 1) usage_die(USAGE, "unexpected argument: ", argv[1]) ;
  if (!addr_parse(argv[0], strlen(argv[0]), &r.ip))
    strerr_dief2x(100, "invalid address: ", argv[0]) ;

  r.type = '-' ;
  r.time = time(0) ;
  record_setsource(&r, "relayrevoke", 11) ;
  if (state_append(dir, &r, 1) == -1) state_die(111, dir) ;

  /* a revocation cannot beat the static list: say so rather than pretend */
  if (state_allow_match(dir, &r.ip, &n, &line) == 1)
  {
    char fmt[NET_FMT + 1] ;
    fmt[net_fmt(fmt, &n)] = 0 ;
    strerr_warnw6x(argv[0], " is in the network ", fmt, " of ", dir, "/allow: it may still relay") ;
  }
  return 0 ;
}
