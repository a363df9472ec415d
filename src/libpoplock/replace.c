/* ISC license. */

#include <errno.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/djbunix.h>
#include "replace.h"

int replace_tmpname (char const *path, stralloc *tmp)
{
  tmp->len = 0 ;
  return stralloc_cats(tmp, path) && stralloc_cats(tmp, ".tmp") && stralloc_0(tmp) ? 0 : -1 ;
}

int replace_open (char const *path, stralloc *tmp)
{
  int fd, e ;
  if (replace_tmpname(path, tmp) < 0) return -1 ;
  if (unlink(tmp->s) < 0 && errno != ENOENT) return -1 ;
  fd = open(tmp->s, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644) ;
  if (fd < 0) return -1 ;
  /* readable by the MTA's own user, whatever our umask */
  if (fd_chmod(fd, 0644) < 0)
  {
    e = errno ;
    fd_close(fd) ;
    unlink(tmp->s) ;
    errno = e ;
    return -1 ;
  }
  return fd ;
}

int replace_syncdir (char const *dir)
{
  int e, fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) ;
  if (fd < 0) return -1 ;
  /* EINVAL: a file system that cannot sync a directory; the rename stands */
  if (fd_sync(fd) < 0 && errno != EINVAL) { e = errno ; fd_close(fd) ; errno = e ; return -1 ; }
  fd_close(fd) ;
  return 0 ;
}

/* the directory holding path, into dir (strlen(path) + 2 bytes) */
static void dirof (char *dir, char const *path)
{
  char const *slash = strrchr(path, '/') ;
  if (!slash) memcpy(dir, ".", 2) ;
  else if (slash == path) memcpy(dir, "/", 2) ;
  else { memcpy(dir, path, slash - path) ; dir[slash - path] = 0 ; }
}

int replace_syncdirof (char const *path)
{
  char dir[strlen(path) + 2] ;
  dirof(dir, path) ;
  return replace_syncdir(dir) ;
}

int replace_dirprivate (char const *path)
{
  struct stat st ;
  char dir[strlen(path) + 2] ;
  dirof(dir, path) ;
  if (stat(dir, &st) < 0) return -1 ;
  return (st.st_uid == geteuid() || !st.st_uid) && !(st.st_mode & (S_IWGRP | S_IWOTH)) ;
}

int replace_commit (int fd, char const *tmp, char const *path, int nodirsync)
{
  int e ;
  if (fd_sync(fd) < 0) { e = errno ; fd_close(fd) ; goto err ; }
  if (close(fd) < 0 || rename(tmp, path) < 0) { e = errno ; goto err ; }
  return nodirsync ? 0 : replace_syncdirof(path) ;
 err:
  unlink(tmp) ;
  errno = e ;
  return -1 ;
}

int replace_write (char const *path, char const *s, size_t len, int nodirsync)
{
  stralloc tmp = STRALLOC_ZERO ;
  int r = -1, e ;
  int fd = replace_open(path, &tmp) ;
  if (fd < 0) goto end ;
  if (allwrite(fd, s, len) < len)
  {
    e = errno ;
    fd_close(fd) ;
    unlink(tmp.s) ;
    errno = e ;
    goto end ;
  }
  r = replace_commit(fd, tmp.s, path, nodirsync) ;
 end:
  e = errno ;
  stralloc_free(&tmp) ;
  errno = e ;
  return r ;
}
