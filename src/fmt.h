/* ISC license. */

#ifndef POPLOCK_FMT_H
#define POPLOCK_FMT_H

#include "login.h"

/* The parsers behind login_formats[] (formats.c), one file each. */

#define FMT_DECLARE(name) \
  extern login_parse_fn fmt_##name ; \
  extern char const fmt_##name##_sample[] ; \
  extern login_tag const fmt_##name##_tags[]

FMT_DECLARE(dovecot) ;
FMT_DECLARE(courier) ;
FMT_DECLARE(cyrus) ;
FMT_DECLARE(popa3d) ;
FMT_DECLARE(mailutils) ;
FMT_DECLARE(solidpop3d) ;
FMT_DECLARE(uw) ;
FMT_DECLARE(qpopper) ;
FMT_DECLARE(teapop) ;
FMT_DECLARE(vmpop3d) ;
FMT_DECLARE(cucipop) ;
FMT_DECLARE(gnupop3d) ;
FMT_DECLARE(perdition) ;
FMT_DECLARE(vchkpw) ;
FMT_DECLARE(tpop3d) ;
FMT_DECLARE(logpopauth) ;

#endif
