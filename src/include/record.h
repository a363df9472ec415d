/* ISC license. */

#ifndef POPLOCK_RECORD_H
#define POPLOCK_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include "addr.h"

/*
 * A record is one line of text, the only format the state directory has:
 *
 *   TYPE SP TIME SP DUR SP ADDR SP SOURCE SP USER SP CRC LF
 *   '=' SP TIME SP DUR SP ADDR SP SOURCE SP USER SP KEY SP CRC LF
 *
 *   TYPE    '+' a grant, '-' a revocation, '=' a session
 *   TIME    Unix seconds, decimal: the login, or the revocation; at most
 *           TIME_MAX (timescan.h), so that TIME + DUR never overflows
 *   DUR     decimal seconds the grant lasts; 0 means the directory's grace.
 *           A session's: 0 while it is open, else the seconds from its
 *           login (TIME) to its end, at least 1
 *   KEY     sessions only: 16 lower-case hex digits naming the session
 *           within its reader, host and server (readlog's sessions.c);
 *           a session is (TIME, KEY): its open and closed records share them
 *   ADDR    canonical address (addr_fmt)
 *   SOURCE  [A-Za-z0-9._/:-]{1,32}, e.g. dovecot/imap; "-" if unknown
 *   USER    the user name, bytes outside 0x21..0x7e and '%' written %XX;
 *           "-" if unknown (a user literally named "-" is written %2D)
 *   CRC     8 lower-case hex digits: crc32 of everything before " CRC"
 *
 * The journal is a sequence of them; a snapshot value is 1 to 3 of them.
 * A line that is not exactly this shape, or whose CRC is wrong, is not a
 * record.
 */
#define RECORD_MAX 512
#define SOURCE_MAX 32
#define USER_MAX 64

typedef struct record_s record ;
struct record_s
{
  char type ;                     /* '+', '-', '=', or 0 for none */
  int64_t time ;
  uint32_t dur ;
  addr ip ;
  char source[SOURCE_MAX + 1] ;   /* NUL-terminated; "" if unknown */
  char user[USER_MAX] ;           /* raw bytes, userlen of them */
  unsigned int userlen ;
  uint64_t key ;                  /* '=' only: the session's KEY */
} ;
#define RECORD_ZERO { .type = 0, .time = 0, .dur = 0, .ip = ADDR_ZERO, .source = "", .user = "", .userlen = 0, .key = 0 }

/* sets source (filtered to the allowed set, cut at SOURCE_MAX) and user (cut at USER_MAX) */
extern void record_setsource (record *r, char const *s, size_t len) ;
extern void record_setuser (record *r, char const *s, size_t len) ;
/* 1 if s is a source record_setsource keeps whole: 1 to SOURCE_MAX bytes of the allowed set */
extern int record_sourceok (char const *s) ;

/* writes the whole line, LF included, into s (RECORD_MAX bytes); returns its length */
extern size_t record_fmt (char *s, record const *r) ;

/*
 * record_scan: if s (len bytes) starts with one valid record line, fills
 * *r and returns the line's length, LF included; 0 otherwise.
 */
extern size_t record_scan (char const *s, size_t len, record *r) ;

/*
 * records_scan: calls f on every valid record in s (len bytes: a whole
 * journal, or a snapshot value), in order.  Bytes that are not part of a
 * valid record (a torn tail, garbage, a partial line glued to a later
 * one) are skipped, and the scan resynchronises on the next valid record
 * even inside a damaged line.  A last line without its LF is not a
 * record yet.  Returns -1 if f returned -1 (errno as f left it), else
 * the number of records; *skipped, unless skipped is 0, gets the
 * number of bytes skipped.  The programs pass 0; tests/10-store (through
 * storetool) and fuzz/record check the resynchronisation by it, on the
 * scan the programs use rather than a copy of it.
 */
typedef int record_fn (record const *r, void *data) ;
extern long records_scan (char const *s, size_t len, record_fn *f, void *data, size_t *skipped) ;

/*
 * record_find: the first valid record at or after *pos, with the same
 * resynchronisation as records_scan; sets *pos to its start and returns
 * its length, or sets *pos to len and returns 0.  For callers that need
 * to know where records are (the compactor keeps offsets, not copies).
 */
extern size_t record_find (char const *s, size_t len, size_t *pos, record *r) ;

#endif
