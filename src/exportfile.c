/* ISC license. */

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "export.h"

int exportfile_open (char const *path, stralloc *tmp)
{
  int fd ;
  tmp->len = 0 ;
  if (!stralloc_cats(tmp, path) || !stralloc_cats(tmp, ".tmp") || !stralloc_0(tmp)) return -1 ;
  /* a fixed name, as tcprules uses: a leftover from a crash is simply reused */
  fd = open(tmp->s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644) ;
  if (fd < 0) return -1 ;
  /* readable by the MTA's own user, whatever our umask */
  if (fd_chmod(fd, 0644) < 0)
  {
    int e = errno ;
    fd_close(fd) ;
    unlink(tmp->s) ;
    errno = e ;
    return -1 ;
  }
  return fd ;
}

int exportfile_syncdir (char const *path)
{
  size_t len = strlen(path) ;
  char const *slash = strrchr(path, '/') ;
  char dir[len + 2] ;
  int fd, r ;
  if (!slash) memcpy(dir, ".", 2) ;
  else if (slash == path) memcpy(dir, "/", 2) ;
  else { memcpy(dir, path, slash - path) ; dir[slash - path] = 0 ; }
  fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  r = fd_sync(fd) ;
  if (r < 0) { int e = errno ; fd_close(fd) ; errno = e ; return -1 ; }
  fd_close(fd) ;
  return 0 ;
}

int exportfile_commit (int fd, char const *tmp, char const *path)
{
  int e ;
  if (fd_sync(fd) < 0) { e = errno ; fd_close(fd) ; goto err ; }
  if (close(fd) < 0 || rename(tmp, path) < 0) { e = errno ; goto err ; }
  return exportfile_syncdir(path) ;
 err:
  unlink(tmp) ;
  errno = e ;
  return -1 ;
}

int exportfile_write (char const *path, char const *s, size_t len)
{
  stralloc tmp = STRALLOC_ZERO ;
  int r = -1 ;
  int fd = exportfile_open(path, &tmp) ;
  if (fd < 0) goto end ;
  if (allwrite(fd, s, len) < len)
  {
    int e = errno ;
    fd_close(fd) ;
    unlink(tmp.s) ;
    errno = e ;
    goto end ;
  }
  r = exportfile_commit(fd, tmp.s, path) ;
 end:
  {
    int e = errno ;
    stralloc_free(&tmp) ;
    errno = e ;
  }
  return r ;
}
