/* ISC license. */

#ifndef POPLOCK_JEXPORT_H
#define POPLOCK_JEXPORT_H

#include <stddef.h>
#include <sys/types.h>

/*
 * journalctl -o export, as systemd documents it: an entry is fields,
 * then an empty line.  A field is NAME=VALUE LF (VALUE without LF), or,
 * for a value that may hold any byte, NAME LF, the value's length as 64
 * bits little-endian, the value, LF.  NAME is [A-Z0-9_]+.  Values are
 * pointers into the buffer given, so an entry is used before the buffer
 * moves.  Fields past JEXPORT_FIELDS are counted in dropped, not kept.
 */
#define JEXPORT_FIELDS 128

typedef struct jfield_s jfield ;
struct jfield_s
{
  char const *name ; size_t namelen ;
  char const *val ; size_t len ;
} ;

typedef struct jentry_s jentry ;
struct jentry_s
{
  jfield f[JEXPORT_FIELDS] ;
  unsigned int n ;
  unsigned int dropped ;
} ;

/*
 * one entry at s: the bytes it takes, its empty line included (an empty
 * line alone is an entry of no field); 0 if s does not hold all of it
 * yet; -1 (EPROTO) if s is not in the export format
 */
extern ssize_t jexport_entry (char const *s, size_t len, jentry *e) ;

/* the value of field name (NUL-terminated): 1 with *val, *len set, or 0 */
extern int jentry_get (jentry const *e, char const *name, char const **val, size_t *len) ;

#endif
