/* ISC license. */

#ifndef POPLOCK_USAGE_H
#define POPLOCK_USAGE_H

#include <skalibs/gccattributes.h>
#include <skalibs/sgetopt.h>

extern char const *auto_version ;   /* from package/version */

/*
 * What every program's command line takes besides its own options:
 * -h or --help prints "usage: USAGE" on stdout and exits 0; -V or
 * --version prints "PROG (smtp-poplock) VERSION" and exits 0.  Any
 * other error is a line that says what was wrong, then the usage line,
 * on stderr, exit 100.
 *
 * These print and exit, as skalibs' strerr_dieusage does: they are the
 * program's own answer to its command line, written once here instead of
 * once per program.  Nothing else in the library prints.
 */

/* subgetopt_r with opts (no leading ':'), plus the above; returns an option of opts, or -1 */
extern int usage_getopt (int argc, char const *const *argv, char const *opts, subgetopt *l, char const *usage) ;

/* "PROG: fatal: WHAT ARG", then the usage line; exit 100 */
extern void usage_die (char const *usage, char const *what, char const *arg) gccattr_noreturn ;

/* "PROG: fatal: invalid value for -OPT: "ARG"", then the usage line; exit 100 */
extern void usage_badvalue (char const *usage, int opt, char const *arg) gccattr_noreturn ;

#endif
