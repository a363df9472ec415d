/* ISC license. */

#ifndef POPLOCK_HEX_H
#define POPLOCK_HEX_H

/* hexval: the value of a hex digit of either case, or -1 */
static inline int hexval (char c)
{
  if (c >= '0' && c <= '9') return c - '0' ;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10 ;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10 ;
  return -1 ;
}

#endif
