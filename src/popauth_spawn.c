/* ISC license. */

#include <errno.h>
#include <string.h>
#include <time.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/sig.h>
#include <skalibs/strerr.h>
#include "addr.h"
#include "record.h"
#include "state.h"
#include "popauth.h"

/*
 * logpopauth-pre's recorder: a process of its own, detached from the
 * connection, that waits on a pipe for the one line logpopauth-post
 * writes after a successful login, and records a grant for the address
 * the connection came from.  The user's programs hold the pipe, never
 * the state directory.
 */

/* a pidfd for this process, which the whole session execs in; -1 if none */
static int pidfd_self (void)
{
#ifdef SYS_pidfd_open
  return syscall(SYS_pidfd_open, getpid(), 0) ;
#else
  return -1 ;
#endif
}

static void close_range_loop (unsigned int lo, unsigned int hi)
{
#ifdef SYS_close_range
  if (!syscall(SYS_close_range, lo, hi, 0)) return ;
#endif
  {
    long max = sysconf(_SC_OPEN_MAX) ;
    if (max < 0 || max > 1048576) max = 1048576 ;
    for (unsigned int i = lo ; i <= hi && i < (unsigned long)max ; i++) close(i) ;
  }
}

/*
 * Everything but the pipe and the pidfd goes: the connection must close
 * when the session ends, not when the recorder does.  stderr stays when
 * it is the server's log (warnings go there), not when it is a socket
 * (inetd-style servers give the connection as 0, 1 and 2).
 */
static void detach (int a, int b)
{
  struct stat st ;
  int keep2 = !fstat(2, &st) && !S_ISSOCK(st.st_mode) ;
  int null = open("/dev/null", O_RDWR) ;
  if (a > b && b >= 0) { int t = a ; a = b ; b = t ; }
  if (null >= 0)
  {
    dup2(null, 0) ; dup2(null, 1) ;
    if (!keep2) dup2(null, 2) ;
    if (null > 2) close(null) ;
  }
  else
  {
    close(0) ; close(1) ;
    if (!keep2) close(2) ;
  }
  {
    unsigned int lo = 3 ;
    int k[2] = { a, b } ;
    for (unsigned int i = 0 ; i < 2 ; i++)
    {
      if (k[i] < (int)lo) continue ;
      if ((unsigned int)k[i] > lo) close_range_loop(lo, k[i] - 1) ;
      lo = k[i] + 1 ;
    }
    close_range_loop(lo, ~0U) ;
  }
}

/*
 * The recorder runs as the owner of the state directory, so that what it
 * creates there belongs to the account that maintains it (readlog's, or
 * root's), and a root-run pre lends no more power than that.
 */
static int become (uid_t uid, gid_t gid)
{
  if (geteuid() || !uid) return 1 ;
  return !setgroups(1, &gid) && !setgid(gid) && !setuid(uid) ;
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

static int put (char const *dir, record *r)
{
  char fmt[ADDR_FMT + 1] ;
  r->time = time(0) ;
  if (state_append(dir, r, 1) >= 0) return 1 ;
  fmt[addr_fmt(fmt, &r->ip)] = 0 ;
  strerr_warnwu4sys("record the login from ", fmt, " in ", dir) ;
  return 0 ;
}

static void recorder (popauth_conf const *c, int rfd, int pidfd, pid_t session)
{
  record r = RECORD_ZERO ;
  char user[USER_MAX + 1] ;
  size_t ulen ;
  setsid() ;
  sig_restore(SIGALRM) ;
  sig_ignore(SIGPIPE) ;
  detach(rfd, pidfd) ;
  alarm(POPAUTH_LIFE) ;
  if (!become(c->uid, c->gid))
  {
    strerr_warnwu2sys("become the owner of ", c->dir) ;
    _exit(111) ;
  }
  if (!getuser(rfd, user, &ulen)) _exit(0) ;
  close(rfd) ;
  r.type = '+' ;
  r.dur = 0 ;
  r.ip = c->ip ;
  record_setsource(&r, c->source, strlen(c->source)) ;
  record_setuser(&r, user, ulen) ;
  if (!put(c->dir, &r)) _exit(111) ;
  if (!c->keep) _exit(0) ;

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
    if (state_grace(c->dir, &grace) <= 0) grace = STATE_GRACE_DEFAULT ;
    step = grace / 2 ;
    if (!step) step = 1 ;
    if (step > 3600) step = 3600 ;
    ended = session_wait(pidfd, session, step) ;
    if (revoked(c->dir, &c->ip, last)) break ;
    if (!put(c->dir, &r) || ended) break ;
  }
  _exit(0) ;
}

/*
 * With 0, 1 or 2 closed, a new descriptor could take its place: the
 * pipe's write end as the chain's stderr would take whatever the
 * programs log for a login line.  Only 3 and up, then.
 */
static int above2 (int fd)
{
  int n ;
  if (fd < 0 || fd > 2) return fd ;
  n = fcntl(fd, F_DUPFD, 3) ;
  close(fd) ;
  return n ;
}

int popauth_spawn (popauth_conf const *c)
{
  int p[2] ;
  int pidfd = c->keep ? above2(pidfd_self()) : -1 ;
  pid_t session = getpid() ;
  pid_t pid ;
  int wstat ;
  if (pipe_internal(p, 0) < 0) goto err ;
  p[0] = above2(p[0]) ;
  p[1] = above2(p[1]) ;
  if (p[0] < 0 || p[1] < 0) goto errp ;
  pid = fork() ;
  if (pid < 0) goto errp ;
  if (!pid)
  {
    /* double fork: init reaps the recorder, the server's child count stays right */
    pid = fork() ;
    if (pid) _exit(pid < 0 ? 111 : 0) ;
    close(p[1]) ;
    recorder(c, p[0], pidfd, session) ;
  }
  close(p[0]) ;
  if (pidfd >= 0) close(pidfd) ;
  while (waitpid(pid, &wstat, 0) < 0)
  {
    if (errno == EINTR) continue ;
    if (errno == ECHILD) return p[1] ;  /* SIGCHLD ignored: reaped already */
    close(p[1]) ;
    return -1 ;
  }
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat))
  {
    close(p[1]) ;
    errno = EAGAIN ;
    return -1 ;
  }
  return p[1] ;

 errp:
  if (p[0] >= 0) close(p[0]) ;
  if (p[1] >= 0) close(p[1]) ;
 err:
  if (pidfd >= 0) close(pidfd) ;
  return -1 ;
}
