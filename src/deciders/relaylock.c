/* ISC license. */

/*
 * relaylock: runs under tcpserver in front of qmail-smtpd.  Sets
 * RELAYCLIENT if the client authenticated recently or lies in a static
 * network, then execs the rest of its argv.  It never stops mail: each
 * trouble is a warning line of its own, and the exec is done without
 * RELAYCLIENT.
 */

#include <stdint.h>
#include <string.h>
#include <stdlib.h>
#include <errno.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

#include <skalibs/gccattributes.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/exec.h>

#include "usage.h"
#include "addr.h"
#include "net.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "relayline.h"
#include "client.h"

#define USAGE "relaylock [ -v ] [ -d dir ] [ -g seconds ] [ -r value ] prog..."
#define dieusage() strerr_dieusage(100, USAGE)

static unsigned int verbose = 0 ;
static char const *dir ;

/* prog with the environment as it is: the common case, and every failure */
static void gccattr_noreturn pass (char const *const *argv)
{
  xexec(argv) ;
}

static void gccattr_noreturn setrelay (char const *const *argv, char const *value)
{
  size_t len = strlen(value) ;
  char modif[13 + len] ;
  memcpy(modif, "RELAYCLIENT=", 12) ;
  memcpy(modif + 12, value, len + 1) ;
  xmexec_m(argv, modif, 13 + len) ;
}

int main (int argc, char const *const *argv)
{
  char const *value = "" ;
  uint32_t grace = 0, smax = 0 ;
  int hasgrace = 0 ;
  PROG = "relaylock" ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "vd:g:r:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 'g' :
          if (!l.arg[0] || l.arg[uint320_scan(l.arg, &grace)] || grace > GRANT_MAX) usage_badvalue(USAGE, 'g', l.arg) ;
          hasgrace = 1 ; break ;
        case 'r' : value = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no program given", "") ;

  if (getenv("RELAYCLIENT"))
  {
    if (verbose) strerr_warni("keep RELAYCLIENT already set") ;
    pass(argv) ;
  }

  {
    char ipfmt[ADDR_FMT + 1] ;
    client c ;
    relay rc ;
    int64_t now ;
    int r ;

    if (!client_get(&c, 0))
    {
      strerr_warnw1x(c.why) ;
      pass(argv) ;
    }
    ipfmt[addr_fmt(ipfmt, &c.a)] = 0 ;

    if (!hasgrace)
    {
      r = state_grace(dir, &grace) ;
      if (r <= 0) { state_warn(dir) ; pass(argv) ; }
      state_warn_grace(dir, grace) ;
    }
    r = state_sessionmax(dir, &smax) ;
    if (r <= 0) { state_warn(dir) ; pass(argv) ; }

    now = time(0) ;
    relay_check(dir, &c.a, now, grace, smax, &rc) ;
    /* relay_check says no to everybody while the allow file is broken; state_failed says what failed */
    if (rc.allowerr || rc.lookuperr)
    {
      errno = rc.allowerr ? rc.allowerr : rc.lookuperr ;
      state_warn(dir) ;
      pass(argv) ;
    }
    state_warn_allow(dir) ;
    if (verbose)
    {
      relayline l ;
      strerr_warni(rc.how ? "allow " : "deny ", relay_line(&l, &rc, &c.a, now)) ;
    }
    if (rc.how) setrelay(argv, value) ;
    pass(argv) ;
  }
}
