/* ISC license. */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <grp.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <skalibs/types.h>
#include <skalibs/sgetopt.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include "usage.h"
#include "addr.h"
#include "record.h"
#include "state.h"
#include "popauth.h"

#define USAGE "logpopauth-recorder [ -k pid [ -f pidfd ] ] dir source address"

/*
 * logpopauth-pre's recorder, the program pre starts for each connection
 * (detached from it, in a session of its own): it waits on its standard
 * input, a pipe, for the one line logpopauth-post writes after a
 * successful login (the user name), and records a grant for address in
 * dir as the directory's owner.  The user's programs hold the pipe's
 * other end, never the state directory.  With -k, the grant is renewed
 * while process pid (the session) lives, and once more when it ends;
 * -f names a pidfd of that process to wait on (else pid is looked at
 * every second).  It lives at most POPAUTH_LIFE seconds.
 */

/*
 * The recorder runs as the owner of the state directory, so that what it
 * creates there belongs to the account that maintains it (readlog's, or
 * root's), and a root-run pre lends no more power than that.
 */
static int become (char const *dir)
{
  struct stat st ;
  if (stat(dir, &st) < 0) return 0 ;
  if (geteuid() || !st.st_uid) return 1 ;
  return !setgroups(1, &st.st_gid) && !setgid(st.st_gid) && !setuid(st.st_uid) ;
}

/* the line post writes: the user name, up to USER_MAX bytes, then LF */
static int getuser (int fd, char *buf, size_t *len)
{
  size_t w = 0 ;
  for (;;)
  {
    ssize_t r = read(fd, buf + w, USER_MAX + 1 - w) ;
    char *lf ;
    if (r < 0) { if (errno == EINTR) continue ; return 0 ; }
    if (!r) return 0 ;
    lf = memchr(buf + w, '\n', r) ;
    if (lf) { *len = lf - buf ; return 1 ; }
    w += r ;
    if (w > USER_MAX) return 0 ;
  }
}

/* 1 if the session ended within secs seconds, 0 if not */
static int session_wait (int pidfd, pid_t session, unsigned int secs)
{
  if (pidfd >= 0)
  {
    struct pollfd p = { .fd = pidfd, .events = POLLIN, .revents = 0 } ;
    return poll(&p, 1, secs * 1000) > 0 ;
  }
  while (secs--)
  {
    if (kill(session, 0) < 0 && errno == ESRCH) return 1 ;
    sleep(1) ;
  }
  return kill(session, 0) < 0 && errno == ESRCH ;
}

/* an admin's relayrevoke wins over a session kept alive */
static int revoked (char const *dir, addr const *a, int64_t since)
{
  entry e ;
  if (state_lookup(dir, a, &e) <= 0) return 0 ;
  return e.revoke.type == '-' && e.revoke.time >= since ;
}

static int put (char const *dir, record *r, char const *fmt)
{
  r->time = time(0) ;
  if (state_append(dir, r, 1) >= 0) return 1 ;
  strerr_warnwu4sys("record the login from ", fmt, " in ", dir) ;
  return 0 ;
}

int main (int argc, char const *const *argv)
{
  record r = RECORD_ZERO ;
  char user[USER_MAX + 1] ;
  char fmt[ADDR_FMT + 1] ;
  size_t ulen ;
  char const *dir, *source ;
  pid_t session = 0 ;
  int pidfd = -1 ;
  PROG = "logpopauth-recorder" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    unsigned int u ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "k:f:", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'k' : if (!uint0_scan(l.arg, &u) || !u) usage_badvalue(USAGE, 'k', l.arg) ; session = u ; break ;
        case 'f' : if (!uint0_scan(l.arg, &u) || fcntl(u, F_GETFD) < 0) usage_badvalue(USAGE, 'f', l.arg) ; pidfd = u ; break ;
        default : strerr_dieusage(100, USAGE) ;
      }
    }
    argc -= l.ind ; argv += l.ind ;
  }
  if (pidfd >= 0 && !session) usage_die(USAGE, "-f without -k", "") ;
  if (argc < 3) usage_die(USAGE, "dir, source and address needed", "") ;
  if (argc > 3) usage_die(USAGE, "unexpected argument: ", argv[3]) ;
  dir = argv[0] ; source = argv[1] ;
  {
    size_t n = strlen(argv[2]) ;
    if (!n || addr_scan(argv[2], n, &r.ip) != n) usage_die(USAGE, "invalid address: ", argv[2]) ;
  }
  if (!record_sourceok(source)) usage_die(USAGE, "invalid source: ", source) ;
  fmt[addr_fmt(fmt, &r.ip)] = 0 ;

  sig_restore(SIGALRM) ;
  sig_ignore(SIGPIPE) ;
  alarm(POPAUTH_LIFE) ;
  if (!become(dir)) strerr_diefu2sys(111, "become the owner of ", dir) ;
  if (!getuser(0, user, &ulen)) return 0 ;  /* no login: post never wrote */
  close(0) ;
  r.type = '+' ;
  r.dur = 0 ;
  record_setsource(&r, source, strlen(source)) ;
  record_setuser(&r, user, ulen) ;
  if (!put(dir, &r, fmt)) return 111 ;
  if (!session) return 0 ;

  /*
   * -k: the grant is renewed every grace/2 seconds while the session
   * lives, and once more when it ends, so it ends grace seconds after
   * the session.  POPAUTH_LIFE (the alarm) bounds it all.
   */
  for (;;)
  {
    uint32_t grace ;
    unsigned int step ;
    int64_t last = r.time ;
    int ended ;
    if (state_grace(dir, &grace) <= 0) grace = STATE_GRACE_DEFAULT ;
    step = grace / 2 ;
    if (!step) step = 1 ;
    if (step > 3600) step = 3600 ;
    ended = session_wait(pidfd, session, step) ;
    if (revoked(dir, &r.ip, last)) break ;
    if (!put(dir, &r, fmt) || ended) break ;
  }
  return 0 ;
}
