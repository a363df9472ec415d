/* ISC license. */

#include <errno.h>
#include <string.h>
#include <stdint.h>
#include "jexport.h"

static int namechar (unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ;
}

static void keep (jentry *e, char const *name, size_t namelen, char const *val, size_t len)
{
  if (e->n == JEXPORT_FIELDS) { e->dropped++ ; return ; }
  e->f[e->n].name = name ; e->f[e->n].namelen = namelen ;
  e->f[e->n].val = val ; e->f[e->n++].len = len ;
}

ssize_t jexport_entry (char const *s, size_t len, jentry *e)
{
  size_t i = 0 ;
  e->n = 0 ; e->dropped = 0 ;
  for (;;)
  {
    size_t j = i ;
    if (i >= len) return 0 ;
    if (s[i] == '\n') return i + 1 ;
    while (j < len && namechar(s[j])) j++ ;
    if (j == len) return 0 ;
    if (j == i || (s[j] != '=' && s[j] != '\n')) goto bad ;
    if (s[j] == '=')
    {
      char const *nl = memchr(s + j + 1, '\n', len - j - 1) ;
      if (!nl) return 0 ;
      keep(e, s + i, j - i, s + j + 1, nl - s - j - 1) ;
      i = nl - s + 1 ;
    }
    else
    {
      uint64_t n = 0 ;
      if (len - j - 1 < 8) return 0 ;
      for (unsigned int k = 8 ; k-- ;) n = n << 8 | (unsigned char)s[j + 1 + k] ;
      /* compared without adding: n may be anything */
      if (n >= len - j - 9) return 0 ;
      if (s[j + 9 + n] != '\n') goto bad ;
      keep(e, s + i, j - i, s + j + 9, n) ;
      i = j + 10 + n ;
    }
  }
 bad:
  errno = EPROTO ;
  return -1 ;
}

int jentry_get (jentry const *e, char const *name, char const **val, size_t *len)
{
  size_t n = strlen(name) ;
  for (unsigned int i = 0 ; i < e->n ; i++)
    if (e->f[i].namelen == n && !memcmp(e->f[i].name, name, n))
    {
      *val = e->f[i].val ; *len = e->f[i].len ;
      return 1 ;
    }
  return 0 ;
}
