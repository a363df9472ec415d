/* ISC license. */

#ifndef POPLOCK_RELAYLINE_H
#define POPLOCK_RELAYLINE_H

#include <skalibs/types.h>
#include "addr.h"
#include "escape.h"
#include "record.h"
#include "relay.h"

/*
 * relay_line: decision r on address a, at now, as the admin reads it
 * after the program's verdict word: "ADDR SOURCE USER Ns ago" for a
 * login (SOURCE "-" if unknown, USER escaped as in the records), then
 * ", session open" or ", session ended Ns ago" for a session, "ADDR
 * network NET" for a static network, "ADDR" otherwise.  The buffer is
 * sized here, for the longest of them, so no caller computes it; the
 * text is NUL-terminated.  Returns l->s.
 */
#define RELAY_LINE_MAX (ADDR_FMT + 1 + SOURCE_MAX + 1 + ESCAPE_USER_FMT(USER_MAX) + 1 + (1 + UINT64_FMT) + 5 + 22 + (1 + UINT64_FMT) + 5)
typedef struct relayline_s relayline ;
struct relayline_s { char s[RELAY_LINE_MAX + 1] ; } ;
extern char const *relay_line (relayline *l, relay const *r, addr const *a, int64_t now) ;

#endif
