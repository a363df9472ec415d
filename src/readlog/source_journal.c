/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/prctl.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <skalibs/types.h>
#include "source.h"

#define READMAX 65536

static int fieldname (char const *s, size_t len)
{
  if (!len) return 0 ;
  for (size_t i = 0 ; i < len ; i++)
    if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) return 0 ;
  return 1 ;
}

/* the items after "journal:": matches and dir= into jargs; trust= left to readlog; -1 EINVAL if one is none of them */
int journal_init (source *src, char const *name)
{
  char const *s = name + 8 ;
  src->kind = SOURCE_JOURNAL ;
  if (!stralloc_copys(&src->path, name) || !stralloc_0(&src->path)) return -1 ;
  while (*s)
  {
    size_t n = strcspn(s, ",") ;
    size_t eq = strcspn(s, "=") ;
    if (n == 1 && s[0] == '+') { if (!stralloc_catb(&src->jargs, "+", 2)) return -1 ; }
    else if (n > 4 && !strncmp(s, "dir=", 4))
    {
      if (!stralloc_cats(&src->jargs, "-D") || !stralloc_0(&src->jargs)
       || !stralloc_catb(&src->jargs, s + 4, n - 4) || !stralloc_0(&src->jargs)) return -1 ;
    }
    else if (n > 6 && !strncmp(s, "trust=", 6)) ;
    else if (eq < n && fieldname(s, eq))
    {
      if (!stralloc_catb(&src->jargs, s, n) || !stralloc_0(&src->jargs)) return -1 ;
    }
    else { errno = EINVAL ; return -1 ; }
    s += n ;
    if (*s) s++ ;
  }
  return 0 ;
}

static void reap (source *src, int sig)
{
  int wstat ;
  if (!src->jpid) return ;
  if (sig) kill(src->jpid, sig) ;
  while (waitpid(src->jpid, &wstat, 0) < 0 && errno == EINTR) ;
  src->jpid = 0 ;
}

void journal_close (source *src)
{
  reap(src, SIGTERM) ;
  if (src->fd >= 0) fd_close(src->fd) ;
  src->fd = -1 ;
  src->jbuf.len = 0 ;
}

/* journalctl could not start or ended: the next one after the delay */
static void ended (source *src, int err, int isexec)
{
  int64_t now = time(0) ;
  journal_close(src) ;
  src->why = SOURCE_CHILD ; src->err = err ; src->jexec = isexec ;
  src->jnext = now + src->jbackoff ;
  src->jbackoff = src->jbackoff * 2 > JOURNAL_BACKOFF ? JOURNAL_BACKOFF : src->jbackoff * 2 ;
  src->jmode = src->jcur.len ? JOURNAL_CHECK : JOURNAL_FROMTOP ;
  if (src->jonce) src->jdone = 2 ;  /* readlog -1: no second try */
}

/*
 * journalctl, its stdout on a pipe.  Its signals as a program's are at
 * exec (readlog blocks some and ignores SIGPIPE), and it ends with
 * readlog (PR_SET_PDEATHSIG: a readlog killed leaves no journalctl).
 * An exec that fails sends its errno back on a pipe closed by exec.
 * 1 started, 0 not (why set), -1 error.
 */
static int spawn (source *src)
{
  char const *argv[16 + src->jargs.len] ;
  char copt[sizeof("--after-cursor=") + JCURSOR_MAX] ;
  unsigned int n = 0 ;
  int p[2], e[2], err ;
  ssize_t r ;
  pid_t pid, ppid = getpid() ;
  argv[n++] = "journalctl" ; argv[n++] = "-q" ; argv[n++] = "--no-pager" ;
  argv[n++] = "-o" ; argv[n++] = "export" ;
  if (!src->jonce) argv[n++] = "--follow" ;
  argv[n++] = "--no-tail" ;
  src->jcheck = 0 ;
  if (src->jcur.len && src->jmode != JOURNAL_FROMTOP)
  {
    snprintf(copt, sizeof(copt), "%s%s", src->jmode == JOURNAL_CHECK ? "--cursor=" : "--after-cursor=", src->jcur.s) ;
    argv[n++] = copt ;
    src->jcheck = src->jmode == JOURNAL_CHECK ;
  }
  for (size_t i = 0 ; i < src->jargs.len ; i += strlen(src->jargs.s + i) + 1) argv[n++] = src->jargs.s + i ;
  argv[n] = 0 ;
  if (pipecoe(p) < 0) return -1 ;
  if (pipecoe(e) < 0) { fd_close(p[0]) ; fd_close(p[1]) ; return -1 ; }
  pid = fork() ;
  if (pid < 0) { err = errno ; fd_close(p[0]) ; fd_close(p[1]) ; fd_close(e[0]) ; fd_close(e[1]) ; errno = err ; return -1 ; }
  if (!pid)
  {
    sigset_t none ;
    sigemptyset(&none) ;
    sigprocmask(SIG_SETMASK, &none, 0) ;
    signal(SIGPIPE, SIG_DFL) ;
    prctl(PR_SET_PDEATHSIG, SIGTERM) ;
    if (getppid() != ppid) _exit(111) ;  /* readlog died before prctl */
    if (dup2(p[1], 1) < 0) err = errno ;
    else { execvp(argv[0], (char *const *)argv) ; err = errno ; }
    r = write(e[1], &err, sizeof(err)) ;
    (void)r ;
    _exit(127) ;
  }
  fd_close(p[1]) ; fd_close(e[1]) ;
  do r = read(e[0], &err, sizeof(err)) ; while (r < 0 && errno == EINTR) ;
  fd_close(e[0]) ;
  src->jpid = pid ;
  if (r == sizeof(err))
  {
    fd_close(p[0]) ;
    ended(src, err, 1) ;
    return 0 ;
  }
  if (ndelay_on(p[0]) < 0) { err = errno ; fd_close(p[0]) ; reap(src, SIGKILL) ; errno = err ; return -1 ; }
  src->fd = p[0] ;
  src->jstarted = time(0) ;
  src->jdone = 0 ;
  return 1 ;
}

int journal_start (source *src, source_handler const *h)
{
  (void)h ;
  src->fd = -1 ; src->jpid = 0 ; src->jbuf.len = 0 ;
  src->jmode = src->jcur.len ? JOURNAL_CHECK : JOURNAL_FROMTOP ;
  src->jnext = 0 ;
  return spawn(src) < 0 ? -1 : 0 ;
}

/* what jcursor_save keeps: printable, no space */
static int cursorok (char const *c, size_t len)
{
  if (!len || len > JCURSOR_MAX) return 0 ;
  for (size_t i = 0 ; i < len ; i++) if ((unsigned char)c[i] <= 0x20 || (unsigned char)c[i] >= 0x7f) return 0 ;
  return 1 ;
}

/*
 * An entry of journalctl's: the first one after a start at --cursor is
 * the cursor's own, else the cursor is gone from the journal.  1 if the
 * rest of what was read is to be dropped (journalctl starts again), 0,
 * -1 (the handler's failure, or ENOMEM).
 */
static int entry (source *src, source_handler const *h, jentry const *e)
{
  char const *c ;
  size_t clen ;
  int has ;
  if (!e->n) return 0 ;
  has = jentry_get(e, "__CURSOR", &c, &clen) && cursorok(c, clen) ;
  if (src->jcheck)
  {
    src->jcheck = 0 ;
    if (has && clen == src->jcur.len - 1 && !memcmp(c, src->jcur.s, clen)) return 0 ;
    src->lost = 1 ;
    src->jcur.len = 0 ;
    journal_close(src) ;
    src->jmode = JOURNAL_FROMTOP ; src->jnext = 0 ;
    return 1 ;
  }
  if (h->entry && (*h->entry)(src, e, h->data) < 0) { src->why = -1 ; return -1 ; }
  src->jbackoff = 1 ; src->jnext = 0 ;
  if (has)
  {
    if (!stralloc_copyb(&src->jcur, c, clen) || !stralloc_0(&src->jcur)) return -1 ;
    src->dirty = 1 ;
  }
  return 0 ;
}

/* the whole entries in jbuf; 1 if journalctl is to start again, 0, -1 */
static int entries (source *src, source_handler const *h)
{
  static jentry e ;
  size_t pos = 0 ;
  for (;;)
  {
    ssize_t n = jexport_entry(src->jbuf.s + pos, src->jbuf.len - pos, &e) ;
    int r ;
    if (n < 0)
    {
      /* not the export format: journalctl is not what readlog expects */
      ended(src, EPROTO, 1) ;
      return 1 ;
    }
    if (!n) break ;
    r = entry(src, h, &e) ;
    if (r) return r ;
    pos += n ;
  }
  memmove(src->jbuf.s, src->jbuf.s + pos, src->jbuf.len - pos) ;
  src->jbuf.len -= pos ;
  if (src->jbuf.len >= JOURNAL_ENTRYMAX)
  {
    /* export puts __CURSOR first: journalctl starts again after the entry */
    size_t k = 9 ;
    char const *nl ;
    if (src->jbuf.len < 9 || memcmp(src->jbuf.s, "__CURSOR=", 9)
     || !(nl = memchr(src->jbuf.s + k, '\n', src->jbuf.len - k))
     || !cursorok(src->jbuf.s + k, nl - src->jbuf.s - k))
    {
      ended(src, EPROTO, 1) ;
      return 1 ;
    }
    if ((*h->line)(src, 0, 0, SOURCE_TOOLONG, h->data) < 0) { src->why = -1 ; return -1 ; }
    if (!stralloc_copyb(&src->jcur, src->jbuf.s + k, nl - src->jbuf.s - k) || !stralloc_0(&src->jcur)) return -1 ;
    src->dirty = 1 ;
    journal_close(src) ;
    src->jmode = JOURNAL_AFTER ; src->jnext = 0 ;
    return 1 ;
  }
  return 0 ;
}

int journal_step (source *src, source_handler const *h)
{
  size_t budget = SOURCE_BUDGET ;
  if (src->jdone) { if (src->jdone == 2) src->why = SOURCE_CHILD ; return 0 ; }
  if (src->fd < 0)
  {
    int r ;
    if (time(0) < src->jnext) { src->why = SOURCE_CHILD ; return 0 ; }
    r = spawn(src) ;
    if (r <= 0) return r ;
  }
  for (;;)
  {
    ssize_t r ;
    if (!budget) return 1 ;
    if (!stralloc_readyplus(&src->jbuf, READMAX)) return -1 ;
    r = read(src->fd, src->jbuf.s + src->jbuf.len, READMAX) ;
    if (r < 0)
    {
      if (errno == EINTR) continue ;
      if (errno != EAGAIN && errno != EWOULDBLOCK) return -1 ;
      /* a journalctl that just started is not yet known to work */
      if (src->jnext && time(0) - src->jstarted < 2) src->why = SOURCE_CHILD ;
      else src->jnext = 0 ;
      return 0 ;
    }
    if (!r)
    {
      int wstat = 0 ;
      pid_t pid = src->jpid ;
      if (pid) while (waitpid(pid, &wstat, 0) < 0 && errno == EINTR) ;
      src->jpid = 0 ;
      if (src->jonce && WIFEXITED(wstat) && !WEXITSTATUS(wstat) && !src->jcheck)
      {
        journal_close(src) ;
        src->jdone = 1 ;
        return 0 ;
      }
      if (src->jonce && src->jcheck && WIFEXITED(wstat) && !WEXITSTATUS(wstat))
      {
        /* nothing at or after the cursor: it is gone, and so is all before it */
        src->lost = 1 ; src->jcur.len = 0 ;
        journal_close(src) ;
        src->jmode = JOURNAL_FROMTOP ; src->jnext = 0 ;
        return 1 ;
      }
      ended(src, wstat, 0) ;
      return 0 ;
    }
    src->jbuf.len += r ;
    budget = (size_t)r < budget ? budget - r : 0 ;
    {
      int e = entries(src, h) ;
      if (e < 0) return -1 ;
      if (e) return 1 ;
    }
  }
}

char const *journal_why (source const *src)
{
  static char buf[80 + UINT_FMT] ;
  char fmt[UINT_FMT] ;
  if (src->jexec && src->err == EPROTO) return "journalctl -o export wrote what is not the export format" ;
  if (src->jexec)
  {
    snprintf(buf, sizeof(buf), "unable to run journalctl: %s", strerror(src->err)) ;
    return buf ;
  }
  if (WIFSIGNALED(src->err))
  {
    fmt[uint_fmt(fmt, WTERMSIG(src->err))] = 0 ;
    snprintf(buf, sizeof(buf), "journalctl was killed by signal %s, starting it again", fmt) ;
  }
  else
  {
    fmt[uint_fmt(fmt, WEXITSTATUS(src->err))] = 0 ;
    snprintf(buf, sizeof(buf), "journalctl exited %s, starting it again", fmt) ;
  }
  return buf ;
}
