/* ISC license. */

#include "escape.h"

size_t escape_user (char *s, char const *user, size_t len)
{
  static char const hex[16] = "0123456789ABCDEF" ;
  size_t w = 0 ;
  if (!len) { s[0] = '-' ; return 1 ; }
  for (size_t i = 0 ; i < len ; i++)
  {
    unsigned char c = user[i] ;
    if (c < 0x21 || c > 0x7e || c == '%' || (len == 1 && c == '-'))
    {
      s[w++] = '%' ;
      s[w++] = hex[c >> 4] ;
      s[w++] = hex[c & 15] ;
    }
    else s[w++] = c ;
  }
  return w ;
}
