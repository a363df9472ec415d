/* ISC license. */

#include <string.h>
#include "login.h"

/*
 * Every enabled format sees the line.  If one of them refuses it as a
 * login of its own (a bad address, say), no other format may grant it:
 * two readings of one line that disagree are a reason for doubt, and
 * doubt never opens the relay.
 */
int login_scan_fmt (char const *s, size_t len, int64_t now, uint64_t enabled, pidtab *p, login *out, char const **why, unsigned int *fmt)
{
  logline l ;
  login got = { .ip = ADDR_ZERO, .time = -1, .user = 0, .userlen = 0, .source = 0 } ;
  int granted = -1, refused = -1 ;
  char const *w0 = 0 ;
  *why = 0 ;
  if (!logline_split(s, len, now, &l)) return -2 ;
  for (unsigned int i = 0 ; i < login_nformats && i < 64 ; i++)
  {
    char const *w = 0 ;
    login x ;
    if (!(enabled & ((uint64_t)1 << i))) continue ;
    if (login_formats[i].parse(&l, i, p, &x, &w))
    {
      if (granted < 0) { granted = i ; got = x ; }
    }
    else if (w && refused < 0) { refused = i ; w0 = w ; }
  }
  if (refused < 0 && granted >= 0 && (memchr(s, 0, len) || memchr(s, '\r', len)))
  {
    refused = granted ;
    w0 = "NUL or CR in the line" ;
  }
  if (refused >= 0)
  {
    *why = w0 ;
    if (fmt) *fmt = refused ;
    return -1 ;
  }
  if (granted < 0) return -2 ;
  *out = got ;
  if (out->time < 0) out->time = now ;
  return granted ;
}

int login_scan (char const *s, size_t len, int64_t now, uint64_t enabled, pidtab *p, login *out, char const **why)
{
  return login_scan_fmt(s, len, now, enabled, p, out, why, 0) ;
}

int login_format_index (char const *name, size_t len)
{
  for (unsigned int i = 0 ; i < login_nformats ; i++)
    if (strlen(login_formats[i].name) == len && !memcmp(login_formats[i].name, name, len))
      return (int)i ;
  return -1 ;
}
