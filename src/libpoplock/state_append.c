/* ISC license. */

#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "record.h"
#include "state.h"
#include "statefile.h"

#define APPEND "append to"

/*
 * The journal is never a symlink (root writing for an admin would
 * append wherever it pointed) nor anything but a regular file (a FIFO
 * with no reader would block the writer for ever), nor a file readers
 * would refuse.  1 if fine, 0 (state_fail'd) if not.
 */
static int journal_isreg (int fd, uid_t owner)
{
  struct stat st ;
  char const *why ;
  if (fstat(fd, &st) < 0) return (state_fail(APPEND, "journal", 0, errno), 0) ;
  if (!S_ISREG(st.st_mode))
    return (state_fail(APPEND, "journal", "it is not a regular file", S_ISDIR(st.st_mode) ? EISDIR : EINVAL), 0) ;
  why = state_untrusted(&st, owner) ;
  if (why) return (state_fail(APPEND, "journal", why, EACCES), 0) ;
  if (ndelay_off(fd) < 0) return (state_fail(APPEND, "journal", 0, errno), 0) ;
  return 1 ;
}

static int journal_open (char const *dir, char const *path)
{
  uid_t owner ;
  int e ;
  if (state_checkdir(dir, 1, &owner) < 0) return -1 ;
  for (unsigned int tries = 0 ; tries < 100 ; tries++)
  {
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) ;
    if (fd >= 0)
    {
      /* the umask may have taken read bits that readers need */
      if (fchmod(fd, 0644) < 0) { e = errno ; fd_close(fd) ; return state_fail(APPEND, "journal", 0, e) ; }
      state_giveaway(fd, dir) ;
      return fd ;
    }
    if (errno != EEXIST) return state_fail(APPEND, "journal", 0, errno) ;
    fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) ;
    if (fd >= 0)
    {
      if (journal_isreg(fd, owner)) return fd ;
      e = errno ; fd_close(fd) ; errno = e ;
      return -1 ;
    }
    if (errno == ELOOP) return state_fail(APPEND, "journal", "it is a symbolic link", ELOOP) ;
    if (errno != ENOENT) return state_fail(APPEND, "journal", 0, errno) ;
    /* renamed away between the two opens: try again */
  }
  return state_fail(APPEND, "journal", "it keeps being renamed", EBUSY) ;
}

/*
 * Did the write land in the file named journal?  If the compactor
 * renamed it to journal.old before we looked, it may have folded that
 * file before our bytes were in it: the caller writes again to the new
 * journal.  A record written twice is harmless (folding is idempotent);
 * one written once to a file already folded would be lost.  If the name
 * still holds our file when we look, any later rename comes after our
 * bytes, and the compactor reads them.  No lock: a steady stream of
 * writers can never keep the compactor out.
 */
static int journal_current (int fd, char const *path)
{
  struct stat st, sf ;
  if (fstat(fd, &sf) < 0) return -1 ;
  if (stat(path, &st) < 0) return errno == ENOENT ? 0 : -1 ;
  return st.st_dev == sf.st_dev && st.st_ino == sf.st_ino ;
}

int state_writer_append (state_writer *w, record const *r, unsigned int n, int sync)
{
  char path[STATE_PATH(w->dir, "journal")] ;
  char small[4 * RECORD_MAX] ;
  stralloc sa = STRALLOC_ZERO ;
  char *buf = small ;
  size_t len = 0 ;
  int64_t now ;
  struct timespec ts ;
  ssize_t k ;
  int e ;

  state_failreset() ;
  if (!n) return 0 ;
  /* not time(0): glibc's is the coarse clock, up to a tick behind the
     stamps multilog and the servers write, and would clamp them a
     second early */
  clock_gettime(CLOCK_REALTIME, &ts) ;
  now = ts.tv_sec ;
  if (n > sizeof(small) / RECORD_MAX)
  {
    if (!stralloc_ready(&sa, (size_t)n * RECORD_MAX)) return state_fail(APPEND, "journal", 0, errno) ;
    buf = sa.s ;
  }
  for (unsigned int i = 0 ; i < n ; i++)
  {
    record x = r[i] ;
    if (x.time > now) x.time = now ;
    len += record_fmt(buf + len, &x) ;
  }
  state_path(path, w->dir, "journal") ;

  for (unsigned int tries = 0 ; ; tries++)
  {
    int cur ;
    if (tries >= 100) { state_fail(APPEND, "journal", "it keeps being renamed", EBUSY) ; goto err ; }
    if (w->fd < 0)
    {
      w->fd = journal_open(w->dir, path) ;
      if (w->fd < 0) goto err ;
    }
    /* one write: concurrent writers' batches never interleave */
    do k = write(w->fd, buf, len) ; while (k < 0 && errno == EINTR) ;
    if (k < 0) { state_fail(APPEND, "journal", 0, errno) ; goto err ; }
    if ((size_t)k < len) { state_fail(APPEND, "journal", 0, ENOSPC) ; goto err ; }
    if (sync && fsync(w->fd) < 0 && errno != EINVAL) { state_fail("sync", "journal", 0, errno) ; goto err ; }
    cur = journal_current(w->fd, path) ;
    if (cur < 0) { state_fail(APPEND, "journal", 0, errno) ; goto err ; }
    if (cur) break ;
    fd_close(w->fd) ;
    w->fd = -1 ;
  }
  stralloc_free(&sa) ;
  return 0 ;

 err:
  e = errno ;
  stralloc_free(&sa) ;
  errno = e ;
  return -1 ;
}

void state_writer_close (state_writer *w)
{
  if (w->fd >= 0) fd_close(w->fd) ;
  w->fd = -1 ;
}

int state_append (char const *dir, record const *r, int sync)
{
  state_writer w = STATE_WRITER_ZERO ;
  int e ;
  int k ;
  w.dir = dir ;
  k = state_writer_append(&w, r, 1, sync) ;
  e = errno ;
  state_writer_close(&w) ;
  errno = e ;
  return k ;
}
