/* ISC license. */

/*
 * relaylock: runs under tcpserver in front of qmail-smtpd.  Sets
 * RELAYCLIENT if the client authenticated recently or lies in a static
 * network, then execs the rest of its argv.  It never stops mail: any
 * trouble is one warning line and an exec without RELAYCLIENT.
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

#include "addr.h"
#include "net.h"
#include "record.h"
#include "state.h"
#include "relay.h"
#include "escape.h"

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

static void info_grant (char const *ip, record const *r, int64_t now)
{
  char user[ESCAPE_USER_FMT(USER_MAX) + 1] ;
  char ago[LONG_FMT + 2] ;
  size_t n = int64_fmt(ago, now - r->time) ;
  ago[n++] = 's' ; ago[n] = 0 ;
  user[escape_user(user, r->user, r->userlen)] = 0 ;
  strerr_warni("allow ", ip, " ", r->source[0] ? r->source : "-", " ", user, " ", ago, " ago") ;
}

/* the client address the UCSPI way: ${PROTO}REMOTEIP, PROTO defaulting to TCP */
static int client (addr *a)
{
  char var[80] ;
  char const *proto = getenv("PROTO") ;
  char const *ipenv ;
  size_t plen ;
  if (!proto) proto = "TCP" ;
  plen = strlen(proto) ;
  if (plen > sizeof(var) - 9)
  {
    strerr_warnw1x("unable to read the client address: PROTO is too long") ;
    return 0 ;
  }
  memcpy(var, proto, plen) ;
  memcpy(var + plen, "REMOTEIP", 9) ;
  ipenv = getenv(var) ;
  if (!ipenv)
  {
    strerr_warnw3x("unable to read the client address: ", var, " is not set") ;
    return 0 ;
  }
  if (!ipenv[0])
  {
    strerr_warnw3x("unable to read the client address: ", var, " is empty") ;
    return 0 ;
  }
  if (!addr_parse(ipenv, strlen(ipenv), a))
  {
    /* a diagnostic, not data: control bytes become '?', long values are cut */
    char shown[68] ;
    size_t i = 0 ;
    for (; ipenv[i] && i < 64 ; i++)
      shown[i] = ipenv[i] < 0x20 || ipenv[i] > 0x7e ? '?' : ipenv[i] ;
    if (ipenv[i]) { memcpy(shown + i, "...", 3) ; i += 3 ; }
    shown[i] = 0 ;
    strerr_warnw4x("invalid client address in ", var, ": ", shown) ;
    return 0 ;
  }
  return 1 ;
}

int main (int argc, char const *const *argv)
{
  char const *value = "" ;
  uint32_t grace = 0 ;
  int hasgrace = 0 ;
  PROG = "relaylock" ;
  dir = auto_state ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "vd:g:r:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'd' : dir = l.arg ; break ;
        case 'g' :
          if (!l.arg[0] || l.arg[uint320_scan(l.arg, &grace)] || grace > GRANT_MAX) dieusage() ;
          hasgrace = 1 ; break ;
        case 'r' : value = l.arg ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) dieusage() ;

  if (getenv("RELAYCLIENT"))
  {
    if (verbose) strerr_warni("keep RELAYCLIENT already set") ;
    pass(argv) ;
  }

  {
    char ipfmt[ADDR_FMT + 1] ;
    addr a ;
    relay rc ;
    int64_t now ;
    int r ;

    if (!client(&a)) pass(argv) ;
    ipfmt[addr_fmt(ipfmt, &a)] = 0 ;

    if (!hasgrace)
    {
      r = state_grace(dir, &grace) ;
      if (r <= 0) { state_warn(dir) ; pass(argv) ; }
    }

    now = time(0) ;
    relay_check(dir, &a, now, grace, &rc) ;
    /* relay_check says no to everybody while the allow file is broken; state_failed says what failed */
    if (rc.allowerr || rc.lookuperr)
    {
      errno = rc.allowerr ? rc.allowerr : rc.lookuperr ;
      state_warn(dir) ;
      pass(argv) ;
    }
    if (rc.how == RELAY_NETWORK)
    {
      if (verbose)
      {
        char nfmt[NET_FMT + 1] ;
        nfmt[net_fmt(nfmt, &rc.n)] = 0 ;
        strerr_warni("allow ", ipfmt, " network ", nfmt) ;
      }
      setrelay(argv, value) ;
    }
    if (rc.how == RELAY_LOGIN)
    {
      if (verbose) info_grant(ipfmt, rc.why, now) ;
      setrelay(argv, value) ;
    }
    if (verbose) strerr_warni("deny ", ipfmt) ;
    pass(argv) ;
  }
}
