/* ISC license. */

#ifndef POPLOCK_CURSOR_H
#define POPLOCK_CURSOR_H

#include <stdint.h>
#include <skalibs/stralloc.h>

/*
 * Where readlog stopped in one source: just after the last line it
 * processed.  A file is identified by its inode, and the position is
 * confirmed by a fingerprint, the crc32 of up to CURSOR_FPMAX bytes just
 * before off (the end of that last line), so a reused inode number or a
 * file truncated and rewritten is not taken for the old one.
 *
 * In the state directory, the cursor of a source whose absolute path is
 * P is the file cursor.XXXXXXXX (crc32 of P in hex), one line of data:
 *
 *   INO SP OFF SP FPLEN SP CRC SP LINE SP LOGIN SP P LF
 *
 * LINE is when readlog last read a line of the source (its clock), LOGIN
 * the time of the last login it recognised there (the line's), Unix
 * seconds, 0 for never: relaycheck reads them.  They travel with the
 * position, in the same atomic write, so they cost readlog no file of
 * their own.  A file of the older form, without them (P begins with a
 * '/', never a digit), is read with both 0.
 *
 * replaced atomically by replace_write (replace.h: cursor.XXXXXXXX.tmp
 * unlinked, made with O_EXCL|O_NOFOLLOW, fsynced, renamed): readlog runs
 * as root in a directory another account owns, and follows no link.
 */
#define CURSOR_FPMAX 256

typedef struct cursor_s cursor ;
struct cursor_s
{
  uint64_t ino ;
  uint64_t off ;
  uint32_t fplen ;
  uint32_t crc ;
  int64_t line ;    /* not part of the position: what it was read at */
  int64_t login ;
} ;
#define CURSOR_ZERO { .ino = 0, .off = 0, .fplen = 0, .crc = 0, .line = 0, .login = 0 }

/* 1 if loaded, 0 if there is none for path, -1 on error (EPROTO: garbage in the file) */
extern int cursor_load (char const *dir, char const *path, cursor *c) ;

/* writes the cursor file, fsynced; the caller fsyncs dir once after a batch of them */
extern int cursor_save (char const *dir, char const *path, cursor const *c) ;
extern int cursor_syncdir (char const *dir) ;

/*
 * 1 if the file open on fd holds c's position, 0 if not, -1 on error.
 * anyino: the inode may differ (a copy, as copytruncate leaves).
 */
extern int cursor_match (int fd, cursor const *c, int anyino) ;

/*
 * A journal source's position is the journal's own cursor (__CURSOR,
 * printable, no space, up to JCURSOR_MAX bytes), kept in
 * DIR/jcursor.XXXXXXXX (crc32 of the source's name), replaced as the
 * cursor files are:
 *
 *   LINE SP LOGIN SP CURSOR SP NAME LF
 *
 * jcursor_load: 1 (the cursor, NUL-terminated, in sa; c's line and
 * login), 0 none, -1 error (EPROTO: garbage).
 */
#define JCURSOR_MAX 512
extern int jcursor_load (char const *dir, char const *name, stralloc *sa, cursor *c) ;
extern int jcursor_save (char const *dir, char const *name, char const *jcur, cursor const *c) ;

#endif
