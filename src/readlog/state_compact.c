/* ISC license. */

#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <signal.h>
#include <stdlib.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "record.h"
#include "entrytab.h"
#include "snapshot.h"
#include "cdbwrite.h"
#include "replace.h"
#include "state.h"
#include "statefile.h"

/*
 * Records move journal -> journal.old -> snapshot.cdb.  Each step adds
 * downstream (rename, or a new snapshot made durable) before it removes
 * upstream (unlink of journal.old), so a crash between any two steps
 * leaves every record in at least one place; folding is idempotent, so
 * a record found in two places is harmless.
 */

/*
 * For tests/12-crash.t: built with POPLOCK_CRASHPOINTS (the Makefile does
 * so for the test tools only, tests/state_compact_crash.o), and with
 * POPLOCK_CRASH_AT=N in its environment, the compactor kills itself with
 * SIGKILL at its Nth step, so that a crash between any two steps can be
 * tested, not only where random kills land.  The installed programs have
 * no such hook.
 */
#ifdef POPLOCK_CRASHPOINTS
static unsigned int crash_at = 0, step = 0 ;

static void crashpoint (void)
{
  if (crash_at && ++step == crash_at) kill(getpid(), SIGKILL) ;
}

static void crash_init (void)
{
  char const *x = getenv("POPLOCK_CRASH_AT") ;
  crash_at = x ? strtoul(x, 0, 10) : 0 ;
  step = 0 ;
}
#else
static void crashpoint (void) { }
static void crash_init (void) { }
#endif

struct paths_s
{
  size_t dirlen ;
  char const *dir ;
  char *buf ;
} ;

static char const *path (struct paths_s *p, char const *name)
{
  size_t n = strlen(name) ;
  memcpy(p->buf, p->dir, p->dirlen) ;
  p->buf[p->dirlen] = '/' ;
  memcpy(p->buf + p->dirlen + 1, name, n + 1) ;
  return p->buf ;
}

/* 1 done, 0 (state_fail'd) on error */
static int dir_sync (char const *dir)
{
  if (replace_syncdir(dir) < 0) return (state_fail("sync", 0, 0, errno), 0) ;
  return 1 ;
}

struct fold_s
{
  cdbwrite *c ;
  int64_t now ;
  uint32_t grace ;
  uint32_t smax ;
  uint32_t keep ;
} ;

static int emit (entry const *e0, void *data)
{
  struct fold_s *x = data ;
  char key[ADDR_FMT] ;
  char value[ENTRY_FMT] ;
  size_t len ;
  entry e ;
  if (!entry_useful(e0, x->now, x->grace, x->smax, x->keep)) return 0 ;
  e = *e0 ;
  entry_trim(&e, x->now, x->grace, x->smax, x->keep) ;
  len = entry_fmt(value, &e) ;
  return cdbwrite_add(x->c, key, addr_fmt(key, &e.ip), value, len) ? 0 : state_fail("write", "snapshot.tmp", 0, errno) ;
}

#define FAIL(verb, file) do { state_fail(verb, file, 0, errno) ; goto err ; } while (0)
#define FAILC(verb, file) do { state_fail(verb, file, 0, errno) ; goto errc ; } while (0)

/* snapshot.cdb + journal.old -> snapshot.cdb, then journal.old goes; 1 done, 0 (state_fail'd) on error */
static int fold_old (struct paths_s *p, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep)
{
  entrytab t = ENTRYTAB_ZERO ;
  cdbwrite c ;
  struct fold_s x = { .c = &c, .now = now, .grace = grace, .smax = smax, .keep = keep } ;
  int fd = -1, e ;
  int had ;

  had = entrytab_load(&t, p->dir, "journal.old") ;
  if (had < 0) goto err ;
  crashpoint() ;
  /* a leftover, or a link planted to make root truncate another file: never followed */
  if (unlink(path(p, "snapshot.tmp")) < 0 && errno != ENOENT) FAIL("remove", "snapshot.tmp") ;
  fd = open(p->buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) ;
  if (fd < 0) FAIL("create", "snapshot.tmp") ;
  if (fchmod(fd, 0644) < 0) FAIL("create", "snapshot.tmp") ;
  state_giveaway(fd, p->dir) ;
  if (!cdbwrite_start(&c, fd)) FAIL("write", "snapshot.tmp") ;
  if (snapshot_fold(p->dir, "snapshot.cdb", &t, &emit, &x) < 0) goto errc ;
  /* the journal's table is done with: let it go before the index is built */
  entrytab_free(&t) ;
  if (!cdbwrite_finish(&c)) FAILC("write", "snapshot.tmp") ;
  crashpoint() ;
  cdbwrite_free(&c) ;
  if (fsync(fd) < 0) FAIL("sync", "snapshot.tmp") ;
  fd_close(fd) ; fd = -1 ;
  crashpoint() ;
  {
    char tmp[p->dirlen + 14] ;
    memcpy(tmp, path(p, "snapshot.tmp"), p->dirlen + 14) ;
    if (rename(tmp, path(p, "snapshot.cdb")) < 0) FAIL("rename snapshot.tmp to", "snapshot.cdb") ;
  }
  crashpoint() ;
  if (!dir_sync(p->dir)) goto err ;
  crashpoint() ;
  if (had)
  {
    if (unlink(path(p, "journal.old")) < 0 && errno != ENOENT) FAIL("remove", "journal.old") ;
    crashpoint() ;
    if (!dir_sync(p->dir)) goto err ;
  }
  return 1 ;

 errc:
  e = errno ;
  cdbwrite_free(&c) ;
  errno = e ;
 err:
  e = errno ;
  entrytab_free(&t) ;
  if (fd >= 0)
  {
    fd_close(fd) ;
    unlink(path(p, "snapshot.tmp")) ;
  }
  errno = e ;
  return 0 ;
}

/*
 * No lock against writers: a writer checks, after its write, that its
 * file is still the one named journal, and writes again to the new one
 * if not (state_append.c).  So a record written to the old journal after
 * the fold below read it is never lost, and writers never hold the
 * compactor off.
 */
static int move_journal (struct paths_s *p)
{
  char from[p->dirlen + 9] ;
  struct stat st ;
  int e ;
  int fd ;
  memcpy(from, path(p, "journal"), p->dirlen + 9) ;
  fd = state_openread(p->dir, "journal", 0) ;
  if (fd < 0) return errno == ENOENT ;
  crashpoint() ;
  if (fstat(fd, &st) < 0) FAIL("read", "journal") ;
  if (st.st_size)
  {
    if (rename(from, path(p, "journal.old")) < 0) FAIL("rename journal to", "journal.old") ;
    crashpoint() ;
    if (!dir_sync(p->dir)) goto err ;
    crashpoint() ;
  }
  fd_close(fd) ;
  return 1 ;
 err:
  e = errno ;
  fd_close(fd) ;
  errno = e ;
  return 0 ;
}

/*
 * The lock is mode 0600 and the directory owner's: no other account can
 * open it, so none can hold it to keep compaction off for good (flock
 * works on any descriptor, read-only included).  A lock others could
 * have opened (older versions made it 0644) is replaced, but only while
 * we hold it: if it is held, we cannot tell an old compactor from a
 * squatter, and say so.  Since a lock may be replaced, the file we hold
 * must still be the one named lock once we hold it.  Returns the fd, -1
 * (state_fail'd) on error, -2 if another process holds it.
 */
static int lock_take (struct paths_s *p, uid_t owner)
{
  for (unsigned int tries = 0 ; tries < 10 ; tries++)
  {
    struct stat st, sn ;
    int bad, e ;
    int fd = open(path(p, "lock"), O_RDONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600) ;
    if (fd >= 0) state_giveaway(fd, p->dir) ;
    else if (errno == EEXIST) fd = open(p->buf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) ;
    if (fd < 0)
    {
      if (errno == ENOENT) continue ;  /* replaced between the two opens */
      return state_fail("lock", "lock", errno == ELOOP ? "it is a symbolic link" : 0, errno) ;
    }
    if (fstat(fd, &st) < 0) { e = errno ; fd_close(fd) ; return state_fail("lock", "lock", 0, e) ; }
    if (!S_ISREG(st.st_mode)) { fd_close(fd) ; return state_fail("lock", "lock", "it is not a regular file", EINVAL) ; }
    bad = st.st_uid != owner || st.st_mode & 077 ;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0)
    {
      e = errno ;
      fd_close(fd) ;
      if (e != EWOULDBLOCK) return state_fail("lock", "lock", 0, e) ;
      if (bad) return state_fail("lock", "lock", "it is held, and other accounts could have opened it: remove it", EACCES) ;
      state_fail("lock", "lock", "it is held by another process", EWOULDBLOCK) ;
      return -2 ;
    }
    if (stat(p->buf, &sn) < 0 || sn.st_dev != st.st_dev || sn.st_ino != st.st_ino) { fd_close(fd) ; continue ; }
    if (!bad) return fd ;
    /* we hold it, so nobody compacts now: the next ones find a new one */
    if (unlink(p->buf) < 0 && errno != ENOENT) { e = errno ; fd_close(fd) ; return state_fail("remove", "lock", 0, e) ; }
    fd_close(fd) ;
  }
  return state_fail("lock", "lock", "it keeps being replaced", EBUSY) ;
}

int state_compact (char const *dir, int64_t now, uint32_t grace, uint32_t smax, uint32_t keep)
{
  size_t dirlen = strlen(dir) ;
  char buf[dirlen + 14] ;
  struct paths_s p = { .dirlen = dirlen, .dir = dir, .buf = buf } ;
  struct stat st ;
  uid_t owner ;
  int lockfd, e ;

  state_failreset() ;
  if (state_checkdir(dir, 1, &owner) < 0) return -1 ;
  lockfd = lock_take(&p, owner) ;
  if (lockfd == -2) return 0 ;
  if (lockfd < 0) return -1 ;
  crash_init() ;
  crashpoint() ;
  /* a leftover from a compactor that died: its records come first */
  if (stat(path(&p, "journal.old"), &st) == 0)
  {
    if (!fold_old(&p, now, grace, smax, keep)) goto err ;
  }
  else if (errno != ENOENT) FAIL("read", "journal.old") ;
  if (!move_journal(&p)) goto err ;
  if (!fold_old(&p, now, grace, smax, keep)) goto err ;
  fd_close(lockfd) ;
  return 1 ;

 err:
  e = errno ;
  fd_close(lockfd) ;
  errno = e ;
  return -1 ;
}
