/* ISC license. */

#include <string.h>
#include <errno.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include <skalibs/djbunix.h>
#include "net.h"
#include "state.h"
#include "statefile.h"

/*
 * The same reading of DIR/allow as state_allow_match: one network per
 * line, '#' to the end of the line is a comment, blanks around are
 * ignored, blank lines too.  Nothing is reported until the whole file
 * is known to be valid.
 */

static int blank (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

int state_allow_list (char const *dir, net_fn *f, void *data, unsigned int *line)
{
  size_t dirlen = strlen(dir) ;
  char path[dirlen + 7] ;
  stralloc sa = STRALLOC_ZERO ;
  genalloc nets = GENALLOC_ZERO ;  /* net */
  size_t pos = 0, n ;
  unsigned int lineno = 0 ;
  int e = 0 ;
  memcpy(path, dir, dirlen) ;
  memcpy(path + dirlen, "/allow", 7) ;
  if (state_slurp(&sa, path, 1) <= 0) return errno == ENOENT ? 0 : -1 ;
  while (pos < sa.len)
  {
    char *eol = memchr(sa.s + pos, '\n', sa.len - pos) ;
    size_t end = eol ? (size_t)(eol - sa.s) : sa.len ;
    char *hash = memchr(sa.s + pos, '#', end - pos) ;
    size_t i = pos, j = hash ? (size_t)(hash - sa.s) : end ;
    net x ;
    lineno++ ;
    while (i < j && blank(sa.s[i])) i++ ;
    while (j > i && blank(sa.s[j-1])) j-- ;
    if (j > i)
    {
      if (!net_parse(sa.s + i, j - i, &x))
      {
        if (line) *line = lineno ;
        e = EINVAL ; goto err ;
      }
      if (!genalloc_append(net, &nets, &x)) { e = errno ; goto err ; }
    }
    pos = end + 1 ;
  }
  stralloc_free(&sa) ;
  n = genalloc_len(net, &nets) ;
  for (size_t k = 0 ; k < n ; k++)
    if ((*f)(genalloc_s(net, &nets) + k, data) == -1)
    {
      e = errno ;
      genalloc_free(net, &nets) ;
      return (errno = e, -1) ;
    }
  genalloc_free(net, &nets) ;
  return (int)n ;

 err:
  stralloc_free(&sa) ;
  genalloc_free(net, &nets) ;
  return (errno = e, -1) ;
}
