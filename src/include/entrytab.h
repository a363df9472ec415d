/* ISC license. */

#ifndef POPLOCK_ENTRYTAB_H
#define POPLOCK_ENTRYTAB_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include <skalibs/genalloc.h>
#include "addr.h"
#include "record.h"
#include "entry.h"

/*
 * Internal to the state library: the journals folded in memory, for
 * state_scan and state_compact.  The journals' bytes are kept as they
 * were read and each address keeps only the offsets of its winning
 * records, so memory stays a small multiple of the journals' size.
 */

#define ENTRYTAB_NONE UINT32_MAX

typedef struct entrytab_slot_s entrytab_slot ;
struct entrytab_slot_s
{
  addr ip ;
  unsigned char done ;   /* for the caller: already emitted */
  uint32_t off[3] ;      /* login, timed, revoke (entry_slot) in buf */
  uint32_t sess ;        /* its sessions: the first in sessnodes, newest first, or ENTRYTAB_NONE */
} ;

typedef struct entrytab_sessnode_s entrytab_sessnode ;
struct entrytab_sessnode_s
{
  uint32_t off ;         /* the session's winning record in buf */
  uint32_t next ;        /* the next older session, or ENTRYTAB_NONE */
} ;

typedef struct entrytab_s entrytab ;
struct entrytab_s
{
  stralloc buf ;
  genalloc slots ;       /* entrytab_slot */
  genalloc sessnodes ;   /* entrytab_sessnode: ENTRY_SESSIONS at most per slot */
  uint32_t *index ;      /* open addressing: 0 free, else 1 + slot number */
  uint32_t mask ;
} ;
#define ENTRYTAB_ZERO { .buf = STRALLOC_ZERO, .slots = GENALLOC_ZERO, .sessnodes = GENALLOC_ZERO, .index = 0, .mask = 0 }

/* reads and folds the journal DIR/name: 1 done, 0 if it does not exist, -1 error (state_fail'd) */
extern int entrytab_load (entrytab *t, char const *dir, char const *name) ;
extern size_t entrytab_len (entrytab const *t) ;
extern entrytab_slot *entrytab_slotat (entrytab const *t, size_t i) ;
/* the slot of ip, or 0 */
extern entrytab_slot *entrytab_find (entrytab const *t, addr const *ip) ;
/* the entry a slot stands for */
extern void entrytab_entry (entrytab const *t, entrytab_slot const *s, entry *e) ;
extern void entrytab_free (entrytab *t) ;

#endif
