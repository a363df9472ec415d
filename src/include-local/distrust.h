/* ISC license. */

#ifndef POPLOCK_DISTRUST_H
#define POPLOCK_DISTRUST_H

/*
 * DIR/distrust.XXXXXXXX, XXXXXXXX the CRC-32 of a source's absolute
 * path: the name of the server whose line in socklog's form made
 * readlog refuse that source (login.h: rawnl), so that a restart goes
 * on refusing it from its first line.  Data only: the name, as
 * logline_rawnl gives it, and a newline; replaced atomically, written
 * before readlog's position in the source passes that line.  Nothing
 * removes it but the admin, once no such line reaches the source.
 *
 * distrust_name: "distrust.XXXXXXXX" into name (18 bytes).
 * distrust_save: 0, or -1 with errno.
 * distrust_load: 1 and *server (static) if the file names a server, 0
 * if there is none, -1 with errno (EPROTO: it names none).
 */
extern void distrust_name (char *name, char const *path) ;
extern int distrust_save (char const *dir, char const *path, char const *server) ;
extern int distrust_load (char const *dir, char const *path, char const **server) ;

#endif
