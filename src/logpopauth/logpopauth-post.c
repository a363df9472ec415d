/* ISC license. */

#include <string.h>
#include <stdlib.h>
#include <signal.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include <skalibs/sgetopt.h>
#include <skalibs/strerr.h>
#include <skalibs/exec.h>
#include "usage.h"
#include "addr.h"
#include "record.h"
#include "escape.h"
#include "popauth.h"
#include "client.h"

#define USAGE "logpopauth-post [ -D ] prog..."

/*
 * Runs after the authentication said yes, as the user.  With
 * logpopauth-pre before it, the login is told to pre's recorder through
 * the pipe in POPLOCKFD; without, it is written on stderr for readlog.
 * Nothing here can refuse the login: every failure is a warning, then
 * the rest of argv runs.
 */

static char const *user (size_t *len)
{
  char const *u = getenv("USER") ;
  size_t n = u ? strlen(u) : 0 ;
  if (n > USER_MAX) n = USER_MAX ;
  *len = n ;
  return u ? u : "" ;
}

/* 1 if told, 0 if POPLOCKFD is not usable (warned) */
static int tell (char const *x)
{
  struct stat st ;
  struct sigaction old, ign ;
  char line[USER_MAX + 1] ;
  size_t ulen ;
  char const *u = user(&ulen) ;
  unsigned int fd ;
  size_t n = uint_scan(x, &fd) ;
  int e ;
  /* only a pipe that is not stdin/stdout/stderr: never the client */
  if (!n || x[n] || fd < 3 || fstat(fd, &st) < 0 || !S_ISFIFO(st.st_mode))
  {
    strerr_warnw3x("invalid ", POPAUTH_FDVAR, ": not a pipe descriptor") ;
    return 0 ;
  }
  /* a newline would end the line early: say "user unknown" instead */
  if (memchr(u, '\n', ulen)) ulen = 0 ;
  memcpy(line, u, ulen) ;
  line[ulen] = '\n' ;
  /* the recorder may be gone: a write error, not a death by SIGPIPE */
  memset(&ign, 0, sizeof ign) ;
  ign.sa_handler = SIG_IGN ;
  sigemptyset(&ign.sa_mask) ;
  sigaction(SIGPIPE, &ign, &old) ;
  e = fd_write(fd, line, ulen + 1) == (ssize_t)(ulen + 1) ;
  if (!e) strerr_warnwu2sys("write to ", POPAUTH_FDVAR) ;
  sigaction(SIGPIPE, &old, 0) ;
  fd_close(fd) ;
  return e ;
}

/*
 * the line readlog's "logpopauth" format reads.  The address: under
 * Dovecot (-D) from IP, which script-login sets after emptying the
 * environment; otherwise from ${PROTO}REMOTEIP only, as relaylock.
 */
static void logline (int dovecot)
{
  client c ;
  if (!client_get(&c, dovecot ? "IP" : 0))
  {
    strerr_warnw2x(c.why, ": login not recorded") ;
    return ;
  }
  {
    static char const head[] = "logpopauth-post: info: login " ;
    char s[sizeof(head) + ADDR_FMT + 1 + ESCAPE_USER_FMT(USER_MAX) + 1] ;
    size_t ulen, w = sizeof(head) - 1 ;
    char const *u = user(&ulen) ;
    memcpy(s, head, w) ;
    w += addr_fmt(s + w, &c.a) ;
    s[w++] = ' ' ;
    w += escape_user(s + w, u, ulen) ;
    s[w++] = '\n' ;
    allwrite(2, s, w) ;
  }
}

int main (int argc, char const *const *argv)
{
  char const *x ;
  int dovecot = 0 ;
  PROG = "logpopauth-post" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "D", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'D' : dovecot = 1 ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (!argc) usage_die(USAGE, "no program given", "") ;
  x = getenv(POPAUTH_FDVAR) ;
  if (!x || !tell(x)) logline(dovecot) ;
  /* POPLOCKFD names nothing any more: the next program must not see it */
  if (x) xmexec_m(argv, POPAUTH_FDVAR, sizeof(POPAUTH_FDVAR)) ;
  xexec(argv) ;
}
