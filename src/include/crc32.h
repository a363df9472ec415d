/* ISC license. */

#ifndef POPLOCK_CRC32_H
#define POPLOCK_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32 as in zlib/PNG (poly 0xedb88320), of len bytes of s */
extern uint32_t crc32_buf (char const *s, size_t len) ;

#endif
