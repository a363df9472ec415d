/* ISC license. */

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <stdint.h>
#include <skalibs/uint32.h>
#include <skalibs/buffer.h>
#include <skalibs/genalloc.h>
#include <skalibs/alloc.h>
#include <skalibs/allreadwrite.h>
#include "cdbwrite.h"

typedef struct pair_s pair ;
struct pair_s { uint32_t h ; uint32_t pos ; } ;

static uint32_t hash (char const *s, uint32_t len)
{
  uint32_t h = 5381 ;
  while (len--) h = ((h << 5) + h) ^ (unsigned char)*s++ ;
  return h ;
}

int cdbwrite_start (cdbwrite *c, int fd)
{
  c->hp = genalloc_zero ;
  c->pos = 2048 ;
  buffer_init(&c->b, &buffer_write, fd, c->buf, sizeof(c->buf)) ;
  return lseek(fd, 2048, SEEK_SET) == 2048 ;
}

static int put (cdbwrite *c, char const *s, uint32_t len)
{
  if (c->pos > UINT32_MAX - len) return (errno = EFBIG, 0) ;
  if (buffer_put(&c->b, s, len) < (ssize_t)len) return 0 ;
  c->pos += len ;
  return 1 ;
}

int cdbwrite_add (cdbwrite *c, char const *key, uint32_t keylen, char const *data, uint32_t datalen)
{
  char h[8] ;
  pair p = { .h = hash(key, keylen), .pos = c->pos } ;
  uint32_pack(h, keylen) ;
  uint32_pack(h + 4, datalen) ;
  return put(c, h, 8) && put(c, key, keylen) && put(c, data, datalen)
    && genalloc_append(pair, &c->hp, &p) ;
}

int cdbwrite_finish (cdbwrite *c)
{
  char head[2048] ;
  uint32_t count[256] = { 0 } ;
  uint32_t start[256] ;
  size_t n = genalloc_len(pair, &c->hp) ;
  pair const *hp = genalloc_s(pair, &c->hp) ;
  pair *sorted, *table ;
  uint32_t max = 0, u = 0 ;
  int ok = 0 ;

  for (size_t i = 0 ; i < n ; i++) count[hp[i].h & 255]++ ;
  for (unsigned int i = 0 ; i < 256 ; i++)
  {
    start[i] = u ;
    u += count[i] ;
    if (count[i] > max) max = count[i] ;
  }
  sorted = alloc((n ? n : 1) * sizeof(pair)) ;
  if (!sorted) return 0 ;
  table = alloc((max ? 2 * (size_t)max : 1) * sizeof(pair)) ;
  if (!table) { alloc_free(sorted) ; return 0 ; }
  for (size_t i = 0 ; i < n ; i++) sorted[start[hp[i].h & 255]++] = hp[i] ;

  u = 0 ;
  for (unsigned int i = 0 ; i < 256 ; i++)
  {
    uint32_t len = count[i] << 1 ;
    pair const *p = sorted + u ;
    u += count[i] ;
    uint32_pack(head + (i << 3), c->pos) ;
    uint32_pack(head + (i << 3) + 4, len) ;
    memset(table, 0, len * sizeof(pair)) ;
    for (uint32_t j = 0 ; j < count[i] ; j++)
    {
      uint32_t where = (p[j].h >> 8) % len ;
      while (table[where].pos) if (++where == len) where = 0 ;
      table[where] = p[j] ;
    }
    for (uint32_t j = 0 ; j < len ; j++)
    {
      char b[8] ;
      uint32_pack(b, table[j].h) ;
      uint32_pack(b + 4, table[j].pos) ;
      if (!put(c, b, 8)) goto end ;
    }
  }
  if (!buffer_flush(&c->b)) goto end ;
  if (lseek(buffer_fd(&c->b), 0, SEEK_SET) != 0) goto end ;
  if (allwrite(buffer_fd(&c->b), head, 2048) < 2048) goto end ;
  ok = 1 ;
 end:
  {
    int e = errno ;
    alloc_free(table) ;
    alloc_free(sorted) ;
    errno = e ;
  }
  return ok ;
}

void cdbwrite_free (cdbwrite *c)
{
  genalloc_free(pair, &c->hp) ;
}
