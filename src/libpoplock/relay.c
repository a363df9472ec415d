/* ISC license. */

#include <errno.h>
#include "state.h"
#include "relay.h"

int relay_check (char const *dir, addr const *a, int64_t now, uint32_t grace, uint32_t smax, relay *r)
{
  int k ;
  r->how = RELAY_NO ;
  r->allowerr = 0 ;
  r->lookuperr = 0 ;
  r->allowline = 0 ;
  r->why = 0 ;
  r->sessopen = 0 ;
  r->sessend = 0 ;
  k = state_allow_match(dir, a, &r->n, &r->allowline) ;
  if (k > 0) return (r->how = RELAY_NETWORK) ;
  if (k < 0)
  {
    /* a broken allow file: the admin's intent is unknown, relay for nobody */
    r->allowerr = errno ;
    return RELAY_NO ;
  }
  k = state_lookup(dir, a, &r->e) ;
  if (k < 0) r->lookuperr = errno ;
  else if (k && entry_allowed(&r->e, now, grace, smax, &r->why, &r->until))
  {
    r->how = RELAY_LOGIN ;
    if (r->why->type == '=')
    {
      r->sessopen = entry_sess_open(r->why, now, smax) ;
      r->sessend = entry_sess_end(r->why, 0, smax) ;
    }
  }
  return r->how ;
}

static int nonet (net const *n, unsigned int line, void *data)
{
  (void)n ; (void)line ; (void)data ;
  return 0 ;
}

int relay_ready (char const *dir, int hasgrace, uint32_t *grace, uint32_t *smax)
{
  int r ;
  if (!hasgrace)
  {
    r = state_grace(dir, grace) ;
    if (r <= 0) return r ;
  }
  r = state_sessionmax(dir, smax) ;
  if (r <= 0) return r ;
  if (state_allow_list(dir, &nonet, 0, 0) < 0) return errno == EINVAL ? 0 : -1 ;
  return 1 ;
}
