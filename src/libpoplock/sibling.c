/* ISC license. */

#include <string.h>
#include <skalibs/stralloc.h>
#include "sibling.h"

char const *sibling_path (stralloc *sa, char const *argv0, char const *name)
{
  char const *slash = strrchr(argv0, '/') ;
  sa->len = 0 ;
  if (slash && !stralloc_catb(sa, argv0, slash - argv0 + 1)) return 0 ;
  if (!stralloc_cats(sa, name) || !stralloc_0(sa)) return 0 ;
  return sa->s ;
}
