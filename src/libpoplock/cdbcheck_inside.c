/* ISC license. */

#include <stdint.h>
#include "cdbcheck.h"

int cdbcheck_inside (cdb const *c, cdb_data const *d)
{
  uintptr_t start = (uintptr_t)c->map, p = (uintptr_t)d->s ;
  if (!c->map || !d->s || p < start) return 0 ;
  return p - start <= c->size && d->len <= c->size - (p - start) ;
}
