/* ISC license. */

#include <string.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/exec.h>
#include "usage.h"
#include "addr.h"
#include "record.h"
#include "state.h"
#include "popauth.h"
#include "client.h"

#define USAGE "logpopauth-pre [ -d dir ] [ -s source ] [ -k ] prog..."
#define dieusage() strerr_dieusage(100, USAGE)

/*
 * Runs before the authentication, as root.  Starts the recorder that
 * logpopauth-post will tell about a successful login, and passes it the
 * pipe in POPLOCKFD.  Whatever goes wrong, the session is served: the
 * rest of argv runs, without POPLOCKFD, so post falls back to its log
 * line.
 */

static int source_ok (char const *s)
{
  size_t n = strlen(s) ;
  if (!n || n > SOURCE_MAX) return 0 ;
  for (size_t i = 0 ; i < n ; i++)
  {
    char c = s[i] ;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
       || c == '.' || c == '_' || c == '/' || c == ':' || c == '-')) return 0 ;
  }
  return 1 ;
}

int main (int argc, char const *const *argv)
{
  popauth_conf c = { .dir = auto_state, .source = POPAUTH_SOURCE, .keep = 0 } ;
  struct stat st ;
  int fd ;
  PROG = "logpopauth-pre" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:s:k", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : c.dir = l.arg ; break ;
        case 's' : if (!source_ok(l.arg)) usage_badvalue(USAGE, 's', l.arg) ; c.source = l.arg ; break ;
        case 'k' : c.keep = 1 ; break ;
        default : dieusage() ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no program given", "") ;

  {
    client cl ;
    if (!client_get(&cl, 0))
    {
      strerr_warnw2x(cl.why, ": login not recorded") ;
      goto serve ;
    }
    c.ip = cl.a ;
  }
  if (stat(c.dir, &st) < 0)
  {
    strerr_warnwu2sys("use the state directory ", c.dir) ;
    goto serve ;
  }
  if (!S_ISDIR(st.st_mode))
  {
    strerr_warnw3x("the state directory ", c.dir, " is not a directory: login not recorded") ;
    goto serve ;
  }
  c.uid = st.st_uid ;
  c.gid = st.st_gid ;
  fd = popauth_spawn(&c) ;
  if (fd < 0)
  {
    strerr_warnwu1sys("start the recorder") ;
    goto serve ;
  }
  {
    char modif[sizeof(POPAUTH_FDVAR "=") + UINT_FMT] ;
    size_t m = sizeof(POPAUTH_FDVAR "=") - 1 ;
    memcpy(modif, POPAUTH_FDVAR "=", m) ;
    m += uint_fmt(modif + m, fd) ;
    modif[m++] = 0 ;
    xmexec_m(argv, modif, m) ;
  }

 serve:
  /* a POPLOCKFD from further up names nothing of ours: post must not use it */
  xmexec_m(argv, POPAUTH_FDVAR, sizeof(POPAUTH_FDVAR)) ;
}
