/* ISC license. */

#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <pwd.h>
#include <grp.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "state.h"
#include "statefile.h"

state_failure state_failed = STATE_FAILURE_ZERO ;

int state_fail (char const *verb, char const *file, char const *reason, int e)
{
  state_failed.verb = verb ;
  state_failed.file = file ;
  state_failed.reason = reason ;
  state_failed.line = 0 ;
  return (errno = e, -1) ;
}

void state_failreset (void)
{
  static state_failure const zero = STATE_FAILURE_ZERO ;
  state_failed = zero ;
}

void state_giveaway (int fd, char const *dir)
{
  struct stat st ;
  if (geteuid()) return ;
  if (stat(dir, &st) < 0) return ;
  if (fchown(fd, st.st_uid, st.st_gid) < 0) return ;
}

char *state_path (char *buf, char const *dir, char const *name)
{
  size_t dirlen = strlen(dir) ;
  memcpy(buf, dir, dirlen) ;
  buf[dirlen] = '/' ;
  memcpy(buf + dirlen + 1, name, strlen(name) + 1) ;
  return buf ;
}

/*
 * A group is the owner's alone if it is the owner's primary group, no
 * other account has it as its primary group, and its member list names
 * nobody else: then only the owner (and root) can write as that group.
 * This is the private group most systems give each account.  The
 * account database is read only for a group-writable file, which the
 * suite never makes.
 */
int state_groupalone (gid_t gid, uid_t owner)
{
  struct passwd *pw = getpwuid(owner) ;
  struct group *gr ;
  int alone = 1 ;
  if (!pw || pw->pw_gid != gid) return 0 ;
  gr = getgrgid(gid) ;
  if (!gr) return 0 ;
  for (char **m = gr->gr_mem ; *m ; m++)
    if (strcmp(*m, pw->pw_name)) return 0 ;
  setpwent() ;
  while ((pw = getpwent()))
    if (pw->pw_gid == gid && pw->pw_uid != owner) { alone = 0 ; break ; }
  endpwent() ;
  return alone ;
}

char const *state_untrusted (struct stat const *st, uid_t owner)
{
  if (st->st_mode & S_IWOTH) return "it is writable by everybody" ;
  if (st->st_uid != owner && st->st_uid) return "it belongs to another account" ;
  if (st->st_mode & S_IWGRP && !state_groupalone(st->st_gid, st->st_uid))
    return "it is writable by a group other accounts are in" ;
  return 0 ;
}

int state_checkdir (char const *dir, int forwrite, uid_t *owner)
{
  char const *verb = forwrite ? "write to" : "read" ;
  char const *why ;
  struct stat st ;
  uid_t me ;
  if (stat(dir, &st) < 0) return state_fail(verb, 0, 0, errno) ;
  if (!S_ISDIR(st.st_mode)) return state_fail(verb, 0, 0, ENOTDIR) ;
  /* somebody else could put a journal of grants there: trust nothing in it */
  why = state_untrusted(&st, st.st_uid) ;
  if (why) return state_fail(verb, 0, why, EACCES) ;
  /* the files of a directory one may not search cannot be read: say so, not "grace" */
  if (faccessat(AT_FDCWD, dir, forwrite ? W_OK | X_OK : X_OK, AT_EACCESS) < 0) return state_fail(verb, 0, 0, errno) ;
  me = geteuid() ;
  if (forwrite && me && st.st_uid != me) return state_fail(verb, 0, "it belongs to another account", EACCES) ;
  if (owner) *owner = st.st_uid ;
  return 1 ;
}

int state_openread (char const *dir, char const *name, int follow)
{
  char path[STATE_PATH(dir, name)] ;
  char const *why ;
  struct stat st, sd ;
  int e ;
  int fd = open(state_path(path, dir, name), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)) ;
  if (fd < 0) return state_fail("read", name, errno == ELOOP && !follow ? "it is a symbolic link" : 0, errno) ;
  if (fstat(fd, &st) < 0 || stat(dir, &sd) < 0) { state_fail("read", name, 0, errno) ; goto err ; }
  if (!S_ISREG(st.st_mode))
  {
    state_fail("read", name, "it is not a regular file", S_ISDIR(st.st_mode) ? EISDIR : EINVAL) ;
    goto err ;
  }
  why = state_untrusted(&st, sd.st_uid) ;
  if (why) { state_fail("read", name, why, EACCES) ; goto err ; }
  if (ndelay_off(fd) < 0) { state_fail("read", name, 0, errno) ; goto err ; }
  return fd ;
 err:
  e = errno ;
  fd_close(fd) ;
  errno = e ;
  return -1 ;
}

int state_slurp (stralloc *sa, char const *dir, char const *name, int follow)
{
  int e ;
  int fd = state_openread(dir, name, follow) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  if (!slurp(sa, fd)) { e = errno ; fd_close(fd) ; return state_fail("read", name, 0, e) ; }
  fd_close(fd) ;
  return 1 ;
}
