/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <stdint.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <skalibs/uint32.h>
#include <skalibs/uint64.h>
#include <skalibs/djbunix.h>
#include <skalibs/allreadwrite.h>
#include <skalibs/stralloc.h>
#include "crc32.h"
#include "cursor.h"
#include "replace.h"

/* DIR/cursor.XXXXXXXX into sa, NUL-terminated */
static int file_named (stralloc *sa, char const *dir, char const *prefix, char const *path)
{
  char hex[8] ;
  uint320_xfmt(hex, crc32_buf(path, strlen(path)), 8) ;
  return stralloc_cats(sa, dir) && stralloc_cats(sa, prefix)
    && stralloc_catb(sa, hex, 8) && stralloc_0(sa) ;
}

static int cursor_file (stralloc *sa, char const *dir, char const *path)
{
  return file_named(sa, dir, "/cursor.", path) ;
}

int cursor_load (char const *dir, char const *path, cursor *c)
{
  stralloc sa = STRALLOC_ZERO ;
  char buf[4200] ;
  ssize_t r ;
  size_t i = 0, m ;
  uint64_t fplen, crc ;
  if (!cursor_file(&sa, dir, path)) return -1 ;
  r = openreadnclose(sa.s, buf, sizeof(buf)) ;
  stralloc_free(&sa) ;
  if (r < 0) return errno == ENOENT ? 0 : -1 ;
  if (!r || buf[r-1] != '\n') goto bad ;
  m = uint64_scan(buf, &c->ino) ; if (!m || buf[m] != ' ') goto bad ; i = m + 1 ;
  m = uint64_scan(buf + i, &c->off) ; if (!m || buf[i+m] != ' ') goto bad ; i += m + 1 ;
  m = uint64_scan(buf + i, &fplen) ; if (!m || buf[i+m] != ' ' || fplen > CURSOR_FPMAX || fplen > c->off) goto bad ; i += m + 1 ;
  m = uint64_xscan(buf + i, &crc) ; if (m != 8 || buf[i+m] != ' ') goto bad ; i += m + 1 ;
  c->fplen = fplen ; c->crc = crc ;
  c->line = c->login = 0 ;
  if (buf[i] != '/')
  {
    uint64_t t[2] ;
    for (unsigned int k = 0 ; k < 2 ; k++)
    {
      m = uint64_scan(buf + i, t + k) ;
      if (!m || buf[i+m] != ' ' || t[k] > (uint64_t)INT64_MAX) goto bad ;
      i += m + 1 ;
    }
    c->line = (int64_t)t[0] ; c->login = (int64_t)t[1] ;
  }
  /* a different path with the same crc32 has its own cursor: not ours */
  if ((size_t)r - 1 - i != strlen(path) || memcmp(buf + i, path, r - 1 - i)) return 0 ;
  return 1 ;
 bad:
  errno = EPROTO ;
  return -1 ;
}

int cursor_save (char const *dir, char const *path, cursor const *c)
{
  stralloc fn = STRALLOC_ZERO ;
  stralloc line = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  int r, e ;
  if (!cursor_file(&fn, dir, path)) goto err ;
  if (!stralloc_catb(&line, fmt, uint64_fmt(fmt, c->ino))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_catb(&line, fmt, uint64_fmt(fmt, c->off))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_catb(&line, fmt, uint32_fmt(fmt, c->fplen))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_catb(&line, fmt, uint320_xfmt(fmt, c->crc, 8))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_catb(&line, fmt, uint64_fmt(fmt, c->line > 0 ? (uint64_t)c->line : 0))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_catb(&line, fmt, uint64_fmt(fmt, c->login > 0 ? (uint64_t)c->login : 0))
   || !stralloc_catb(&line, " ", 1)
   || !stralloc_cats(&line, path)
   || !stralloc_catb(&line, "\n", 1)) goto err ;
  r = replace_write(fn.s, line.s, line.len, 1) ;
  e = errno ;
  stralloc_free(&fn) ; stralloc_free(&line) ;
  errno = e ;
  return r ;
 err:
  e = errno ;
  stralloc_free(&fn) ; stralloc_free(&line) ;
  errno = e ;
  return -1 ;
}

int cursor_syncdir (char const *dir)
{
  return replace_syncdir(dir) ;
}

int cursor_match (int fd, cursor const *c, int anyino)
{
  struct stat st ;
  char buf[CURSOR_FPMAX] ;
  ssize_t r ;
  if (fstat(fd, &st) < 0) return -1 ;
  if ((!anyino && (uint64_t)st.st_ino != c->ino) || (uint64_t)st.st_size < c->off) return 0 ;
  if (!c->fplen) return !anyino ;
  r = pread(fd, buf, c->fplen, c->off - c->fplen) ;
  if (r < 0) return -1 ;
  return (size_t)r == c->fplen && crc32_buf(buf, c->fplen) == c->crc ;
}

static int jcursorchar (unsigned char c) { return c > 0x20 && c < 0x7f ; }

int jcursor_load (char const *dir, char const *name, stralloc *sa, cursor *c)
{
  stralloc fn = STRALLOC_ZERO ;
  char buf[JCURSOR_MAX + 4200] ;
  uint64_t t[2] ;
  ssize_t r ;
  size_t i = 0, m, k ;
  if (!file_named(&fn, dir, "/jcursor.", name)) return -1 ;
  r = openreadnclose(fn.s, buf, sizeof(buf)) ;
  stralloc_free(&fn) ;
  if (r < 0) return errno == ENOENT ? 0 : -1 ;
  if (!r || buf[r-1] != '\n') goto bad ;
  for (k = 0 ; k < 2 ; k++)
  {
    m = uint64_scan(buf + i, t + k) ;
    if (!m || buf[i+m] != ' ' || t[k] > (uint64_t)INT64_MAX) goto bad ;
    i += m + 1 ;
  }
  for (m = 0 ; i + m < (size_t)r && jcursorchar(buf[i+m]) ; m++) ;
  if (!m || m > JCURSOR_MAX || buf[i+m] != ' ') goto bad ;
  if ((size_t)r - 2 - i - m != strlen(name) || memcmp(buf + i + m + 1, name, r - 2 - i - m)) return 0 ;
  if (!stralloc_copyb(sa, buf + i, m) || !stralloc_0(sa)) return -1 ;
  c->line = (int64_t)t[0] ; c->login = (int64_t)t[1] ;
  return 1 ;
 bad:
  errno = EPROTO ;
  return -1 ;
}

int jcursor_save (char const *dir, char const *name, char const *jcur, cursor const *c)
{
  stralloc fn = STRALLOC_ZERO ;
  stralloc line = STRALLOC_ZERO ;
  char fmt[UINT64_FMT] ;
  int r = -1, e ;
  size_t n = strlen(jcur) ;
  for (size_t i = 0 ; i < n ; i++) if (!jcursorchar(jcur[i])) { errno = EINVAL ; return -1 ; }
  if (!n || n > JCURSOR_MAX) { errno = EINVAL ; return -1 ; }
  if (file_named(&fn, dir, "/jcursor.", name)
   && stralloc_catb(&line, fmt, uint64_fmt(fmt, c->line > 0 ? (uint64_t)c->line : 0))
   && stralloc_catb(&line, " ", 1)
   && stralloc_catb(&line, fmt, uint64_fmt(fmt, c->login > 0 ? (uint64_t)c->login : 0))
   && stralloc_catb(&line, " ", 1)
   && stralloc_catb(&line, jcur, n)
   && stralloc_catb(&line, " ", 1)
   && stralloc_cats(&line, name)
   && stralloc_catb(&line, "\n", 1))
    r = replace_write(fn.s, line.s, line.len, 1) ;
  e = errno ;
  stralloc_free(&fn) ; stralloc_free(&line) ;
  errno = e ;
  return r ;
}
