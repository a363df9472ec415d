/* ISC license. */

#include <stdint.h>
#include "crc32.h"

/* the table (1 KB, in bss) is filled on first use: the programs carry no 1 KB of initialised data for it */
static uint32_t table[256] ;
static int ready = 0 ;

static void init (void)
{
  for (uint32_t i = 0 ; i < 256 ; i++)
  {
    uint32_t c = i ;
    for (unsigned int k = 0 ; k < 8 ; k++) c = c & 1 ? 0xedb88320U ^ (c >> 1) : c >> 1 ;
    table[i] = c ;
  }
  ready = 1 ;
}

uint32_t crc32_buf (char const *s, size_t len)
{
  uint32_t c = 0xffffffffU ;
  if (!ready) init() ;
  for (size_t i = 0 ; i < len ; i++) c = table[(c ^ (unsigned char)s[i]) & 0xff] ^ (c >> 8) ;
  return c ^ 0xffffffffU ;
}
