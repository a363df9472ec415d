/* ISC license. */

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
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
#include "sibling.h"

#define USAGE "logpopauth-pre [ -d dir ] [ -l source ] [ -k ] prog..."
#define dieusage() strerr_dieusage(100, USAGE)

/*
 * Runs before the authentication, as root.  Starts the recorder that
 * logpopauth-post will tell about a successful login, and passes it the
 * pipe in POPLOCKFD.  Whatever goes wrong, the session is served: the
 * rest of argv runs, without POPLOCKFD, so post falls back to its log
 * line.
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

static void close_from (unsigned int lo)
{
#ifdef SYS_close_range
  if (!syscall(SYS_close_range, lo, ~0U, 0)) return ;
#endif
  {
    long max = sysconf(_SC_OPEN_MAX) ;
    if (max < 0 || max > 1048576) max = 1048576 ;
    for (unsigned int i = lo ; i < (unsigned long)max ; i++) close(i) ;
  }
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

/*
 * The recorder's descriptors: the pipe as 0, /dev/null as 1, the pidfd
 * as 3 (with -k), st (close-on-exec: the exec's outcome) as 4, and
 * nothing else: the connection must close when the session ends, not
 * when the recorder does.  stderr stays when it is the server's log
 * (warnings go there), not when it is a socket (inetd-style servers
 * give the connection as 0, 1 and 2).
 */
static int arrange (int rfd, int pidfd, int st)
{
  struct stat sb ;
  int keep2 = !fstat(2, &sb) && !S_ISSOCK(sb.st_mode) ;
  int null = open("/dev/null", O_RDWR) ;
  int r = fcntl(rfd, F_DUPFD, 10), p = pidfd >= 0 ? fcntl(pidfd, F_DUPFD, 10) : -1, s = fcntl(st, F_DUPFD, 10) ;
  int n = null >= 0 ? fcntl(null, F_DUPFD, 10) : -1 ;
  if (r < 0 || s < 0 || n < 0 || (pidfd >= 0 && p < 0)) return 0 ;
  if (dup2(r, 0) < 0 || dup2(n, 1) < 0 || (!keep2 && dup2(n, 2) < 0)) return 0 ;
  if (p >= 0 ? dup2(p, 3) < 0 : (close(3), 0)) return 0 ;
  if (dup2(s, 4) < 0 || fcntl(4, F_SETFD, FD_CLOEXEC) < 0) return 0 ;
  close_from(5) ;
  return 1 ;
}

/*
 * Starts logpopauth-recorder (the one beside pre when pre was run by its
 * path, else from PATH, as s6-svscan finds s6-supervise: sibling.h),
 * detached: double fork, so that init reaps it and the server's child
 * count stays right, and a session of its own.  Returns
 * the pipe's write end (not close-on-exec), once the recorder is exec'd;
 * -1 with errno set if it could not be (ENOENT: not in PATH).
 */
static int spawn (char const *recorder, char const *dir, char const *source, addr const *a, int keep)
{
  int p[2] = { -1, -1 }, st[2] = { -1, -1 } ;
  int pidfd = keep ? above2(pidfd_self()) : -1 ;
  pid_t session = getpid() ;
  pid_t pid ;
  int wstat, e ;
  ssize_t r ;
  if (pipe_internal(p, 0) < 0 || pipe_internal(st, O_CLOEXEC) < 0) goto err ;
  p[0] = above2(p[0]) ;
  p[1] = above2(p[1]) ;
  if (p[0] < 0 || p[1] < 0) goto err ;
  pid = fork() ;
  if (pid < 0) goto err ;
  if (!pid)
  {
    char sfmt[PID_FMT] ;
    char afmt[ADDR_FMT + 1] ;
    char const *argv[9] ;  /* name, -k pid, -f 3, dir, source, address, 0 */
    unsigned int m = 0 ;
    pid = fork() ;
    if (pid) _exit(pid < 0 ? 111 : 0) ;
    setsid() ;
    close(p[1]) ; close(st[0]) ;
    sfmt[pid_fmt(sfmt, session)] = 0 ;
    afmt[addr_fmt(afmt, a)] = 0 ;
    argv[m++] = recorder ;
    if (keep) { argv[m++] = "-k" ; argv[m++] = sfmt ; }
    if (keep && pidfd >= 0) { argv[m++] = "-f" ; argv[m++] = "3" ; }
    argv[m++] = dir ; argv[m++] = source ; argv[m++] = afmt ; argv[m++] = 0 ;
    if (!arrange(p[0], pidfd, st[1]))
    {
      e = errno ;
      fd_write(st[1], (char const *)&e, sizeof e) ;
      _exit(111) ;
    }
    execvp(argv[0], (char *const *)argv) ;
    e = errno ;
    fd_write(4, (char const *)&e, sizeof e) ;
    _exit(111) ;
  }
  close(p[0]) ; p[0] = -1 ;
  close(st[1]) ; st[1] = -1 ;
  if (pidfd >= 0) { close(pidfd) ; pidfd = -1 ; }
  while (waitpid(pid, &wstat, 0) < 0)
  {
    if (errno == EINTR) continue ;
    if (errno == ECHILD) { wstat = 0 ; break ; }  /* SIGCHLD ignored: reaped already */
    goto err ;
  }
  if (!WIFEXITED(wstat) || WEXITSTATUS(wstat)) { errno = EAGAIN ; goto err ; }
  /* nothing read: the exec closed st; else the exec's errno */
  do r = read(st[0], (char *)&e, sizeof e) ; while (r < 0 && errno == EINTR) ;
  if (r < 0) goto err ;
  if (r) { errno = r == sizeof e ? e : EIO ; goto err ; }
  close(st[0]) ;
  return p[1] ;

 err:
  e = errno ;
  if (p[0] >= 0) close(p[0]) ;
  if (p[1] >= 0) close(p[1]) ;
  if (st[0] >= 0) close(st[0]) ;
  if (st[1] >= 0) close(st[1]) ;
  if (pidfd >= 0) close(pidfd) ;
  errno = e ;
  return -1 ;
}

int main (int argc, char const *const *argv)
{
  char const *dir = auto_state, *source = POPAUTH_SOURCE ;
  int keep = 0 ;
  addr ip ;
  struct stat st ;
  int fd ;
  char const *argv0 = argv[0] ;
  PROG = "logpopauth-pre" ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = usage_getopt(argc, argv, "d:l:k", &l, USAGE) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'd' : dir = l.arg ; break ;
        case 'l' : if (!record_sourceok(l.arg)) usage_badvalue(USAGE, 'l', l.arg) ; source = l.arg ; break ;
        case 'k' : keep = 1 ; break ;
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
    ip = cl.a ;
  }
  if (stat(dir, &st) < 0)
  {
    strerr_warnwu2sys("use the state directory ", dir) ;
    goto serve ;
  }
  if (!S_ISDIR(st.st_mode))
  {
    strerr_warnw3x("the state directory ", dir, " is not a directory: login not recorded") ;
    goto serve ;
  }
  {
    stralloc sa = STRALLOC_ZERO ;
    char const *recorder = sibling_path(&sa, argv0, "logpopauth-recorder") ;
    fd = recorder ? spawn(recorder, dir, source, &ip, keep) : -1 ;
    stralloc_free(&sa) ;
  }
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
