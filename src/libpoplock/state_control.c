/* ISC license. */

#include <string.h>
#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <skalibs/stralloc.h>
#include <skalibs/djbunix.h>
#include <unistd.h>
#include "addr.h"
#include "escape.h"
#include "net.h"
#include "state.h"
#include "statefile.h"

/* control files are small: reading one never allocates */
#define CONTROL_MAX 64

static int isspace_ (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' ;
}

/*
 * DIR/name holds one decimal number, maybe between blanks: 1, 0 if
 * missing, -1 error (EINVAL and the reason bad if it is not such a
 * number up to max)
 */
/* the value of a bad control file for the message: trimmed, cut, printable */
static char const *badvalue (char const *s, size_t len)
{
  static char text[CONTROL_MAX + 1] ;
  size_t i = 0, n ;
  while (len && isspace_(s[len-1])) len-- ;
  while (i < len && isspace_(s[i])) i++ ;
  n = len - i < CONTROL_MAX ? len - i : CONTROL_MAX ;
  escape_printable(text, s + i, n) ;
  return text ;
}

static int bad_ (char const *name, char const *bad, char const *s, size_t len)
{
  state_fail("read", name, bad, EINVAL) ;
  state_failed.text = badvalue(s, len) ;
  return -1 ;
}

static int control_number (char const *dir, char const *name, uint64_t max, char const *bad, uint64_t *u)
{
  char buf[CONTROL_MAX + 1] ;
  ssize_t r ;
  size_t i = 0, j ;
  uint64_t v = 0 ;
  state_failreset() ;
  if (state_checkdir(dir, 0, 0) < 0) return -1 ;
  {
    /* an administrator's symlink is fine; a FIFO or a file others may write is not */
    int fd = state_openread(dir, name, 1) ;
    if (fd < 0) return errno == ENOENT ? 0 : -1 ;
    ssize_t k = 0 ;
    r = 0 ;
    while (r < CONTROL_MAX + 1)
    {
      do k = read(fd, buf + r, CONTROL_MAX + 1 - r) ; while (k < 0 && errno == EINTR) ;
      if (k <= 0) break ;
      r += k ;
    }
    if (k < 0) { int e = errno ; fd_close(fd) ; return state_fail("read", name, 0, e) ; }
    fd_close(fd) ;
  }
  if (r > CONTROL_MAX) return bad_(name, bad, buf, r > CONTROL_MAX ? CONTROL_MAX : (size_t)r) ;
  while (i < (size_t)r && isspace_(buf[i])) i++ ;
  for (j = i ; j < (size_t)r && buf[j] >= '0' && buf[j] <= '9' ; j++)
  {
    unsigned int d = buf[j] - '0' ;
    if (v > (max - d) / 10) return bad_(name, bad, buf, r > CONTROL_MAX ? CONTROL_MAX : (size_t)r) ;
    v = v * 10 + d ;
  }
  if (j == i) return bad_(name, bad, buf, r > CONTROL_MAX ? CONTROL_MAX : (size_t)r) ;
  while (j < (size_t)r && isspace_(buf[j])) j++ ;
  if (j < (size_t)r) return bad_(name, bad, buf, r > CONTROL_MAX ? CONTROL_MAX : (size_t)r) ;
  *u = v ;
  return 1 ;
}

int state_grace (char const *dir, uint32_t *grace)
{
  uint64_t u ;
  int r = control_number(dir, "grace", GRANT_MAX, "it is not a number of seconds up to 31622400", &u) ;
  if (r < 0) return errno == EINVAL ? 0 : -1 ;
  *grace = r ? (uint32_t)u : STATE_GRACE_DEFAULT ;
  return 1 ;
}

int state_sessionmax (char const *dir, uint32_t *smax)
{
  uint64_t u ;
  int r = control_number(dir, "sessionmax", GRANT_MAX, "it is not a number of seconds up to 31622400", &u) ;
  if (r < 0) return errno == EINVAL ? 0 : -1 ;
  *smax = r ? (uint32_t)u : STATE_SESSIONMAX_DEFAULT ;
  return 1 ;
}

int state_journalmax (char const *dir, uint64_t *max)
{
  uint64_t u ;
  int r = control_number(dir, "journalmax", UINT64_MAX, "it is not a number of bytes", &u) ;
  if (r < 0) return errno == EINVAL ? 0 : -1 ;
  *max = r ? u : STATE_JOURNALMAX_DEFAULT ;
  return 1 ;
}
