/* ISC license. */

#ifndef POPLOCK_SOURCE_H
#define POPLOCK_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include "cursor.h"

/*
 * A followed source: standard input, a multilog directory (its @...s and
 * @...u files in name order, then current, which is followed), or a
 * plain file (followed across rename, copytruncate, removal and
 * re-creation).  Lines longer than SOURCE_LINEMAX bytes (LF not counted)
 * are reported as too long, with no text, never cut into pieces.
 *
 * src->cur is always just after the last line handed to the handler,
 * so a cursor saved at any time resumes exactly there.
 */
#define SOURCE_LINEMAX 4096
#define SOURCE_BUFSIZE 16384
#define SOURCE_BUDGET 1048576   /* bytes read per source per step, so signals are seen */

enum source_kind_e { SOURCE_STDIN, SOURCE_MULTILOG, SOURCE_FILE } ;

typedef struct source_s source ;
struct source_s
{
  char const *name ;     /* as given on the command line */
  stralloc path ;        /* absolute: the file, or the multilog directory; NUL-terminated */
  stralloc dir ;         /* the directory to watch; NUL-terminated */
  unsigned int kind ;
  int fd ;
  uint64_t ino ;         /* of the file open on fd */
  uint64_t rpos ;        /* file offset of buf[0] */
  char mlname[28] ;      /* multilog: the @ file open on fd, "" for current */
  int skipping ;         /* inside a line that is too long */
  int eof ;              /* stdin: at its end */
  int dirty ;            /* cur moved since it was last saved */
  size_t fpend ;         /* cur's fingerprint is still to be taken from buf[..fpend) */
  cursor cur ;
  size_t len ;
  char buf[SOURCE_BUFSIZE] ;
} ;

typedef struct source_handler_s source_handler ;
struct source_handler_s
{
  /* a line without its LF; toolong: it was over SOURCE_LINEMAX (s is 0). -1 stops. */
  int (*line) (source *src, char const *s, size_t len, int toolong, void *data) ;
  /* every byte read, as read (pass-through), or 0 */
  int (*raw) (source *src, char const *s, size_t len, void *data) ;
  /* what is being read now (a rotation, a truncation...), or 0 */
  void (*note) (source *src, char const *what, char const *file, void *data) ;
  void *data ;
} ;

/* kind from name: "-", a directory, or else a file; 0, or -1 (errno) */
extern int source_init (source *src, char const *name) ;

/* opens the source at src->cur (CURSOR_ZERO: from the very beginning) */
extern int source_start (source *src, source_handler const *h) ;

/*
 * reads what is there; 1 if more is waiting, 0 if it is idle, -1 on
 * error.  Standard input is read once, so call it only when iopause says
 * fd 0 is readable.
 */
extern int source_step (source *src, source_handler const *h) ;

extern void source_close (source *src) ;

/* stdin: reads the rest of a line begun, and nothing more; 0, or -1 (errno) */
extern int source_finishline (source *src, source_handler const *h) ;

/* completes src->cur (its fingerprint) before it is saved */
extern void source_fingerprint (source *src) ;

#endif
