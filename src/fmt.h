/* ISC license. */

#ifndef POPLOCK_FMT_H
#define POPLOCK_FMT_H

#include "login.h"

/* The parsers behind login_formats[] (formats.c), one file each. */

#define FMT_DECLARE(name) \
  extern login_parse_fn fmt_##name ; \
  extern char const fmt_##name##_sample[]

FMT_DECLARE(dovecot) ;
FMT_DECLARE(courier) ;

#endif
