/* ISC license. */

#include <string.h>
#include <time.h>
#include <skalibs/types.h>
#include <skalibs/buffer.h>
#include <skalibs/strerr.h>
#include <skalibs/sgetopt.h>
#include <skalibs/djbunix.h>
#include "addr.h"
#include "escape.h"
#include "login.h"

/*
 * logtool: reads log lines on stdin and prints, for each line that is a
 * successful login, "FORMAT SOURCE ADDR TIME USER"; with -v, also
 * "reject FORMAT REASON" for each line a format refused; with
 * -j HOST, a line without a syslog host is HOST's (readlog -j) for the joins;
 * with -l, each login is preceded by the number of its line and a space.  -L lists the
 * formats' names, -s NAME prints that format's sample (one line, or a
 * connect line and a login line).  The tests and
 * the fixture scripts compare its output, so keep it stable.
 */

#define USAGE "logtool [ -v ] [ -l ] [ -j host ] [ -n now ] [ -f format,format,... ] [ -L | -s format ]"
#define dieusage() strerr_dieusage(100, USAGE)
#define LINEMAX 8192

static int verbose = 0 ;
static int numbered = 0 ;
static uint64_t lineno = 0 ;
static int64_t now ;
static uint64_t enabled = 0 ;
static pidtab tab = PIDTAB_ZERO ;
static loginsrc src = LOGINSRC_ZERO ;

static void put (char const *s, size_t len)
{
  if (buffer_put(buffer_1, s, len) < 0) strerr_diefu1sys(111, "write to stdout") ;
}

static void puts_ (char const *s) { put(s, strlen(s)) ; }

static void reject (char const *fmt, char const *why)
{
  if (!verbose) return ;
  puts_("reject ") ; puts_(fmt) ; puts_(" ") ; puts_(why) ; puts_("\n") ;
}

static void line (char const *s, size_t len)
{
  static char ubuf[ESCAPE_USER_FMT(LINEMAX)] ;
  char abuf[ADDR_FMT] ;
  char tbuf[UINT64_FMT + 1] ;
  loginok l ;
  char const *why ;
  unsigned int f = 0 ;
  int r = login_scan_fmt(s, len, now, enabled, &src, &tab, &l, &why, &f) ;
  if (r == -1) reject(login_formats[f].name, why) ;
  if (r < 0) return ;
  if (numbered) { put(tbuf, uint64_fmt(tbuf, lineno)) ; puts_(" ") ; }
  puts_(login_formats[r].name) ; puts_(" ") ;
  puts_(l.source) ; puts_(" ") ;
  put(abuf, addr_fmt(abuf, &l.ip)) ; puts_(" ") ;
  put(tbuf, int64_fmt(tbuf, l.time)) ; puts_(" ") ;
  put(ubuf, escape_user(ubuf, l.user, l.userlen > LINEMAX ? LINEMAX : l.userlen)) ;
  puts_("\n") ;
}

static void enable (char const *list)
{
  while (*list)
  {
    size_t n = strcspn(list, ",") ;
    int i = login_format_index(list, n) ;
    if (i < 0) strerr_dief2x(100, "unknown format in: ", list) ;
    enabled |= (uint64_t)1 << i ;
    list += n ;
    if (*list) list++ ;
  }
}

static void listformats (void)
{
  for (unsigned int i = 0 ; i < login_nformats ; i++)
  {
    puts_(login_formats[i].name) ; puts_("\n") ;
  }
}

static void sample (char const *name)
{
  int i = login_format_index(name, strlen(name)) ;
  if (i < 0) strerr_dief2x(100, "unknown format: ", name) ;
  puts_(login_formats[i].sample) ; puts_("\n") ;
}

int main (int argc, char const *const *argv)
{
  static char buf[LINEMAX + 1] ;
  size_t have = 0 ;
  int skipping = 0, list = 0 ;
  char const *formats = 0, *sampled = 0 ;
  PROG = "logtool" ;
  now = (int64_t)time(0) ;
  {
    subgetopt l = SUBGETOPT_ZERO ;
    for (;;)
    {
      int opt = subgetopt_r(argc, argv, "vlj:n:f:Ls:", &l) ;
      if (opt == -1) break ;
      switch (opt)
      {
        case 'v' : verbose = 1 ; break ;
        case 'j' : src.host = l.arg ; src.hostlen = strlen(l.arg) ; break ;
        case 'l' : numbered = 1 ; break ;
        case 'n' : if (!int64_scan(l.arg, &now)) dieusage() ; break ;
        case 'f' : formats = l.arg ; break ;
        case 'L' : list = 1 ; break ;
        case 's' : sampled = l.arg ; break ;
        default : dieusage() ;
      }
    }
  }
  if (formats) enable(formats) ;
  else for (unsigned int i = 0 ; i < login_nformats && i < 64 ; i++) enabled |= (uint64_t)1 << i ;
  if (list) { listformats() ; goto end ; }
  if (sampled) { sample(sampled) ; goto end ; }

  /* lines longer than LINEMAX are dropped whole, never cut: a cut line
     could end in the middle of an address */
  for (;;)
  {
    char *nl ;
    ssize_t r = fd_read(0, buf + have, sizeof(buf) - have) ;
    if (r < 0) strerr_diefu1sys(111, "read stdin") ;
    if (!r) break ;
    have += r ;
    while ((nl = memchr(buf, '\n', have)))
    {
      size_t len = nl - buf ;
      lineno++ ;
      if (skipping) { skipping = 0 ; reject("-", "line too long") ; }
      else line(buf, len) ;
      memmove(buf, nl + 1, have - len - 1) ;
      have -= len + 1 ;
    }
    if (have == sizeof(buf)) { skipping = 1 ; have = 0 ; }
  }
  if (have || skipping) reject("-", "incomplete last line") ;
 end:
  if (!buffer_flush(buffer_1)) strerr_diefu1sys(111, "write to stdout") ;
  return 0 ;
}
