/* ISC license. */

#include "escape.h"
#include "hex.h"

static char const hex[16] = "0123456789ABCDEF" ;

static size_t pct (char *s, unsigned char c)
{
  s[0] = '%' ; s[1] = hex[c >> 4] ; s[2] = hex[c & 15] ;
  return 3 ;
}

size_t escape_user (char *s, char const *user, size_t len)
{
  size_t w = 0 ;
  if (!len) { s[0] = '-' ; return 1 ; }
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = user[i] ;
    if (c < 0x21 || c > 0x7e || c == '%' || (len == 1 && c == '-')) w += pct(s + w, c) ;
    else s[w++] = c ;
  }
  return w ;
}

size_t escape_line (char *s, char const *line, size_t len)
{
  size_t w = 0 ;
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = line[i] ;
    if (c < 0x20 || c > 0x7e || c == '%') w += pct(s + w, c) ;
    else s[w++] = c ;
  }
  return w ;
}

void escape_printable (char *to, char const *s, size_t len)
{
  for (size_t i = 0 ; i < len ; i++) to[i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?' ;
  to[len] = 0 ;
}

int user_scan (char const *s, size_t len, char *out, size_t max, size_t *ulen)
{
  size_t n = 0 ;
  if (!len) return 0 ;
  if (len == 1 && s[0] == '-') { *ulen = 0 ; return 1 ; }
  for (size_t i = 0 ; i < len ; n++)
  {
    unsigned char c = s[i] ;
    if (c == '%')
    {
      int h, l ;
      if (len - i < 3 || (h = hexval(s[i+1])) < 0 || (l = hexval(s[i+2])) < 0) return 0 ;
      if ((s[i+1] >= 'a' && s[i+1] <= 'f') || (s[i+2] >= 'a' && s[i+2] <= 'f')) return 0 ;
      c = (h << 4) | l ;
      /* an escape escape_user would not have written */
      if (c >= 0x21 && c <= 0x7e && c != '%' && !(c == '-' && len == 3)) return 0 ;
      i += 3 ;
    }
    else if (c >= 0x21 && c <= 0x7e) i++ ;
    else return 0 ;
    if (n < max) out[n] = c ;
  }
  *ulen = n ;
  return 1 ;
}
