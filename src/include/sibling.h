/* ISC license. */

#ifndef POPLOCK_SIBLING_H
#define POPLOCK_SIBLING_H

#include <skalibs/stralloc.h>

/*
 * sibling: the program name to exec for a companion of ours (readlog's
 * relaycompact, logpopauth-pre's logpopauth-recorder): the one in the
 * directory of argv0 when argv0 is a path (the program was started by
 * its path, maybe from outside PATH: it runs the companion installed
 * beside it), else name alone, for a search of PATH.  The name in sa,
 * NUL-terminated; 0 if out of memory.
 */
extern char const *sibling_path (stralloc *sa, char const *argv0, char const *name) ;

#endif
