/* ISC license. */

#include <errno.h>
#include <string.h>
#include <skalibs/types.h>
#include <skalibs/djbunix.h>
#include <skalibs/stralloc.h>
#include "crc32.h"
#include "login.h"
#include "replace.h"
#include "distrust.h"

void distrust_name (char *name, char const *path)
{
  memcpy(name, "distrust.", 9) ;
  uint320_xfmt(name + 9, crc32_buf(path, strlen(path)), 8) ;
  name[17] = 0 ;
}

static int filename (stralloc *fn, char const *dir, char const *path)
{
  char name[18] ;
  distrust_name(name, path) ;
  return stralloc_cats(fn, dir) && stralloc_cats(fn, "/") && stralloc_cats(fn, name) && stralloc_0(fn) ;
}

int distrust_save (char const *dir, char const *path, char const *server)
{
  stralloc fn = STRALLOC_ZERO, data = STRALLOC_ZERO ;
  int r = -1, e ;
  if (filename(&fn, dir, path) && stralloc_cats(&data, server) && stralloc_cats(&data, "\n"))
    r = replace_write(fn.s, data.s, data.len, 0) ;
  e = errno ;
  stralloc_free(&fn) ; stralloc_free(&data) ;
  errno = e ;
  return r ;
}

int distrust_load (char const *dir, char const *path, char const **server)
{
  stralloc fn = STRALLOC_ZERO ;
  char buf[64] ;
  ssize_t n ;
  int e ;
  if (!filename(&fn, dir, path)) return -1 ;
  n = openreadnclose(fn.s, buf, sizeof buf) ;
  e = errno ;
  stralloc_free(&fn) ;
  errno = e ;
  if (n < 0) return errno == ENOENT ? 0 : -1 ;
  if (!n || buf[n-1] != '\n' || !(*server = logline_rawnl_name(buf, (size_t)n - 1))) return (errno = EPROTO, -1) ;
  return 1 ;
}
