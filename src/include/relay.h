/* ISC license. */

#ifndef POPLOCK_RELAY_H
#define POPLOCK_RELAY_H

#include <stdint.h>
#include <skalibs/uint64.h>
#include "addr.h"
#include "net.h"
#include "record.h"
#include "entry.h"
#include "escape.h"

/*
 * The one decision relaylock and relaypolicy make: may this address
 * relay now?  A static network of DIR/allow, or a login within the grace.
 * Errors are reported, never turned into a yes: a check that could not
 * be made counts as no, and an allow file that cannot be read or has a
 * bad line means no for everybody until it is fixed.
 */
typedef struct relay_s relay ;
struct relay_s
{
  int how ;              /* RELAY_NO, RELAY_NETWORK, RELAY_LOGIN */
  net n ;                /* RELAY_NETWORK: the network */
  entry e ;              /* what the state knows of the address */
  record const *why ;    /* RELAY_LOGIN: the grant, in e (a '=' record: a session) */
  int64_t until ;        /* RELAY_LOGIN: when it ends */
  int sessopen ;         /* RELAY_LOGIN by a session: 1 if it is open at now */
  int64_t sessend ;      /* RELAY_LOGIN by a session that is over: its end */
  int allowerr ;         /* errno of reading DIR/allow, or 0 */
  unsigned int allowline ;  /* with EINVAL: the bad line */
  int lookuperr ;        /* errno of the state lookup, or 0 */
} ;
#define RELAY_NO 0
#define RELAY_NETWORK 1
#define RELAY_LOGIN 2

extern int relay_check (char const *dir, addr const *a, int64_t now, uint32_t grace, uint32_t smax, relay *r) ;

/*
 * relay_ready: the control files as relaylock reads them before any
 * address, for the programs that say who may relay (showallowed,
 * relayexport): DIR/grace into *grace (unless hasgrace: an option gave
 * it), DIR/sessionmax into *smax, then DIR/allow.  1 if relaying can work; 0 if a file is invalid
 * and relaylock refuses everybody until it is fixed, -1 if one cannot be
 * read (relaylock refuses everybody too): state_failed says which and
 * why.  On 1 the wide networks of allow are in state_allowwide.
 */
extern int relay_ready (char const *dir, int hasgrace, uint32_t *grace, uint32_t *smax) ;

#endif
