/* ISC license. */

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/strerr.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include "statefile.h"

int state_checkdir (char const *dir, int forwrite)
{
  struct stat st ;
  uid_t me ;
  if (stat(dir, &st) < 0) return -1 ;
  if (!S_ISDIR(st.st_mode)) return (errno = ENOTDIR, -1) ;
  /* anybody could put a journal of grants there: trust nothing in it */
  if (st.st_mode & S_IWOTH)
  {
    strerr_warnw3x("refusing the state directory ", dir, ": it is writable by everybody") ;
    return (errno = EACCES, -1) ;
  }
  if (!forwrite) return 1 ;
  me = geteuid() ;
  if (me && st.st_uid != me)
  {
    strerr_warnw3x("refusing to write in the state directory ", dir, ": it belongs to another account") ;
    return (errno = EACCES, -1) ;
  }
  return 1 ;
}

int state_openread (char const *path, int follow)
{
  struct stat st ;
  int e ;
  int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW)) ;
  if (fd < 0)
  {
    if (errno == ELOOP) strerr_warnw3x("refusing ", path, ": it is a symbolic link") ;
    return -1 ;
  }
  if (fstat(fd, &st) < 0) goto err ;
  if (!S_ISREG(st.st_mode))
  {
    strerr_warnw3x("refusing ", path, ": it is not a regular file") ;
    errno = S_ISDIR(st.st_mode) ? EISDIR : EPROTO ;
    goto err ;
  }
  if (st.st_mode & S_IWOTH)
  {
    strerr_warnw3x("refusing ", path, ": it is writable by everybody") ;
    errno = EACCES ;
    goto err ;
  }
  if (ndelay_off(fd) < 0) goto err ;
  return fd ;
 err:
  e = errno ;
  fd_close(fd) ;
  errno = e ;
  return -1 ;
}

int state_slurp (stralloc *sa, char const *path, int follow)
{
  int e ;
  int fd = state_openread(path, follow) ;
  if (fd < 0) return errno == ENOENT ? 0 : -1 ;
  if (!slurp(sa, fd)) { e = errno ; fd_close(fd) ; errno = e ; return -1 ; }
  fd_close(fd) ;
  return 1 ;
}
