/* ISC license. */

#ifndef POPLOCK_SOURCE_H
#define POPLOCK_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <skalibs/stralloc.h>
#include "cursor.h"
#include "jexport.h"

/*
 * A followed source: standard input, a multilog directory (its @...s and
 * @...u files in name order, then current, which is followed), or a
 * plain file (followed across rename, copytruncate, removal and
 * re-creation).  Lines longer than SOURCE_LINEMAX bytes (LF not counted)
 * are reported as too long, with no text, never cut into pieces.
 *
 * A line is handed over only if all of it was seen.  multilog cuts a
 * line across two files when current fills in its middle: the first
 * piece ends its file with no LF, the rest begins the next one, without
 * a stamp.  Such pieces are reported as cut, with no text: the end with
 * no LF of a file that will not grow (a rotated file, standard input at
 * its end, a line begun at a copytruncate); the start, up to its first
 * LF, of the multilog file after one that ends with no LF, of the oldest
 * one when there is none before it, and of a file after a copytruncate
 * that cut a line; and in a multilog directory whose lines are seen to
 * carry multilog t stamps, any line without one.
 *
 * src->cur is always just after the last line or piece handed to the
 * handler, so a cursor saved at any time resumes exactly there.
 */
#define SOURCE_LINEMAX 4096
#define SOURCE_BUFSIZE 16384
#define SOURCE_BUDGET 1048576   /* bytes read per source per step, so signals are seen */

#define SOURCE_TOOLONG 1   /* a line over SOURCE_LINEMAX */
#define SOURCE_CUT 2       /* a piece of a line cut across files, or an end with no LF */

enum source_kind_e { SOURCE_STDIN, SOURCE_MULTILOG, SOURCE_FILE, SOURCE_JOURNAL } ;

/*
 * What the source's name shows now (src->status).  A source that cannot
 * be read is no error of source_start and source_step: they set its
 * status, and src->err (an errno, or for SOURCE_NOTFILE the file's
 * S_IFMT bits) says why; the next step tries again, from src->cur.
 */
enum source_status_e
{
  SOURCE_OK,          /* read, or waiting for lines */
  SOURCE_MISSING,     /* it does not exist */
  SOURCE_UNREADABLE,  /* it cannot be opened or read */
  SOURCE_NOTFILE,     /* it is not a regular file (a FIFO, a device) */
  SOURCE_NOCURRENT,   /* a directory with no current: not a multilog directory, or not yet */
  SOURCE_CHILD        /* journal: journalctl could not start (err an errno, jexec 1) or ended (err its wait status) */
} ;

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
  int skipping ;         /* inside a line not to be read: SOURCE_TOOLONG, SOURCE_CUT */
  int cont ;             /* the file open begins with the rest of a cut line (multilog, copytruncate) */
  int stamped ;          /* multilog: its lines carry multilog t stamps */
  int eof ;              /* stdin: at its end */
  int dirty ;            /* cur moved since it was last saved */
  int status ;           /* enum source_status_e */
  int err ;              /* why, if status is not SOURCE_OK */
  int broken ;           /* reading failed: the next step starts again at cur */
  int why ;              /* during a step: the status found, or -1 if the handler failed */
  size_t fpend ;         /* cur's fingerprint is still to be taken from buf[..fpend) */
  cursor cur ;
  /* journal (source_journal.c) */
  stralloc jargs ;       /* journalctl's arguments from the name, each NUL-terminated */
  stralloc jbuf ;        /* what journalctl wrote that is not yet a whole entry */
  stralloc jcur ;        /* __CURSOR of the last entry handled (the position), NUL-terminated, or empty */
  int jpid ;             /* journalctl's, or 0 */
  int jmode ;            /* how the next journalctl starts: JOURNAL_FROMTOP, _CHECK, _AFTER */
  int jcheck ;           /* the first entry journalctl gives must be jcur's */
  int jexec ;            /* err is why journalctl could not start */
  int jonce ;            /* no --follow: what is there now, then the end (readlog -1) */
  int jdone ;            /* jonce: journalctl ended well */
  int lost ;             /* jcur was not in the journal: reading it from its oldest entry (to be told) */
  int64_t jstarted ;     /* when journalctl was started */
  int64_t jnext ;        /* when it may be started again */
  unsigned int jbackoff ;
  size_t len ;
  char buf[SOURCE_BUFSIZE] ;
} ;

typedef struct source_handler_s source_handler ;
struct source_handler_s
{
  /* a line without its LF (what 0); or, s 0, what SOURCE_TOOLONG or SOURCE_CUT.  -1 stops. */
  int (*line) (source *src, char const *s, size_t len, int what, void *data) ;
  /* every byte read, as read (pass-through), or 0 */
  int (*raw) (source *src, char const *s, size_t len, void *data) ;
  /* journal: one entry (0, or -1 stops) */
  int (*entry) (source *src, jentry const *e, void *data) ;
  /* what is being read now (a rotation, a truncation...), or 0 */
  void (*note) (source *src, char const *what, char const *file, void *data) ;
  void *data ;
} ;

/*
 * A journal source, "journal:" then ','-separated items (journal_init
 * checks them): FIELD=VALUE, a match given to journalctl as it is (two
 * of the same field: either; "+" between two groups: either group);
 * dir=PATH, journalctl -D PATH; trust=..., for readlog (jtrust.h).
 * journalctl -o export runs on a pipe (src->fd); what it writes is read
 * entry by entry (jexport.h), each handed to h->entry, and jcur becomes
 * its __CURSOR.  journalctl starts at jcur: with --cursor, and its first
 * entry must be jcur's (it is skipped), or jcur is gone from the journal
 * (vacuumed, rotated away): src->lost is set and journalctl starts again
 * from the journal's oldest entry.  journalctl ending, or not starting,
 * is status SOURCE_CHILD; it is started again after a delay that grows
 * from 1 to JOURNAL_BACKOFF seconds (1 again after an entry).  An entry
 * over JOURNAL_ENTRYMAX bytes is SOURCE_TOOLONG, and journalctl starts
 * again after it.
 */
#define JOURNAL_ENTRYMAX 1048576
#define JOURNAL_BACKOFF 60
enum journal_mode_e { JOURNAL_FROMTOP, JOURNAL_CHECK, JOURNAL_AFTER } ;
extern int journal_init (source *src, char const *name) ;
extern int journal_start (source *src, source_handler const *h) ;
extern int journal_step (source *src, source_handler const *h) ;
extern void journal_close (source *src) ;
extern char const *journal_why (source const *src) ;

/*
 * kind from name: "journal:...", "-", a directory, or else a file; 0, or -1 (errno).  A
 * file that turns out to be a directory (one made after readlog started)
 * becomes a multilog directory, read from its beginning: src->dir
 * changes, the caller watches the new one.
 */
extern int source_init (source *src, char const *name) ;

/* name made absolute (the working directory before it, no '/' at the end) after what sa holds: the path a cursor is kept under; 0, or -1 (ENOMEM) */
extern int source_abspath (stralloc *sa, char const *name) ;

/* opens the source at src->cur (CURSOR_ZERO: from the very beginning); 0, or -1 as source_step */
extern int source_start (source *src, source_handler const *h) ;

/*
 * reads what is there; 1 if more is waiting, 0 if it is idle, -1 on
 * error (of the handler, or of standard input; a file or directory that
 * cannot be read only sets src->status).  Standard input is read once,
 * so call it only when iopause says fd 0 is readable.
 */
extern int source_step (source *src, source_handler const *h) ;

extern void source_close (source *src) ;

/* why src->status is not SOURCE_OK, as the end of a message: "Permission denied", "a FIFO, not a regular file" */
extern char const *source_why (source const *src) ;

/* stdin: reads the rest of a line begun, and nothing more; 0, or -1 (errno) */
extern int source_finishline (source *src, source_handler const *h) ;

/* completes src->cur (its fingerprint) before it is saved */
extern void source_fingerprint (source *src) ;

#endif
