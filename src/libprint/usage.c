/* ISC license. */

#include <string.h>
#include <unistd.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include "usage.h"

static void say (char const *a, char const *b, char const *c) gccattr_noreturn ;
static void say (char const *a, char const *b, char const *c)
{
  if (buffer_puts(buffer_1, a) < 0 || buffer_puts(buffer_1, b) < 0
   || buffer_puts(buffer_1, c) < 0 || buffer_puts(buffer_1, "\n") < 0
   || !buffer_flush(buffer_1))  /* skalibs: 0 on failure */
    strerr_diefu1sys(111, "write to stdout") ;
  _exit(0) ;
}

/* what was wrong, then the usage line: two lines, as the user reads them */
#define wrong(usage, ...) do { strerr_warn(PROG, ": fatal: ", __VA_ARGS__) ; strerr_dieusage(100, usage) ; } while (0)

void usage_die (char const *usage, char const *what, char const *arg)
{
  wrong(usage, what, arg) ;
}

void usage_badvalue (char const *usage, int opt, char const *arg)
{
  char o[2] = { (char)opt, 0 } ;
  wrong(usage, "invalid value for -", o, ": \"", arg, "\"") ;
}

int usage_getopt (int argc, char const *const *argv, char const *opts, subgetopt *l, char const *usage)
{
  size_t n = strlen(opts) ;
  char all[n + 4] ;
  int opt, i = l->ind ;
  /* subgetopt_r moves to the next argument lazily: after -x, pos is at its end */
  if (l->pos && i < argc && !argv[i][l->pos]) i++ ;
  /* long options: subgetopt_r would read "--help" as -- - h e l p */
  if ((!l->pos || i > l->ind) && i < argc && argv[i][0] == '-' && argv[i][1] == '-' && argv[i][2])
  {
    char const *s = argv[i] ;
    if (!strcmp(s, "--help")) say("usage: ", usage, "") ;
    if (!strcmp(s, "--version")) say(PROG, " (smtp-poplock) ", auto_version) ;
    wrong(usage, "unknown option ", s) ;
  }
  all[0] = ':' ; memcpy(all + 1, opts, n) ; memcpy(all + 1 + n, "hV", 3) ;
  opt = subgetopt_r(argc, argv, all, l) ;
  switch (opt)
  {
    case 'h' : say("usage: ", usage, "") ;
    case 'V' : say(PROG, " (smtp-poplock) ", auto_version) ;
    case '?' :
    case ':' :
    {
      char o[3] = { '-', (char)l->problem, 0 } ;
      if (opt == '?') wrong(usage, "unknown option ", o) ;
      wrong(usage, "option ", o, " needs an argument") ;
    }
    default : return opt ;
  }
}
