/* ISC license. */

#ifndef POPLOCK_PARSE_H
#define POPLOCK_PARSE_H

#include "login.h"

/* The parsers behind login_formats[] (formats.c), one file each. */

#define PARSE_DECLARE(name) \
  extern login_parse_fn parse_##name ; \
  extern char const parse_##name##_sample[] ; \
  extern login_tag const parse_##name##_tags[]

PARSE_DECLARE(dovecot) ;
PARSE_DECLARE(courier) ;
PARSE_DECLARE(cyrus) ;
PARSE_DECLARE(popa3d) ;
PARSE_DECLARE(mailutils) ;
PARSE_DECLARE(solidpop3d) ;
PARSE_DECLARE(uw) ;
PARSE_DECLARE(qpopper) ;
PARSE_DECLARE(teapop) ;
PARSE_DECLARE(vmpop3d) ;
PARSE_DECLARE(cucipop) ;
PARSE_DECLARE(gnupop3d) ;
PARSE_DECLARE(perdition) ;
PARSE_DECLARE(vchkpw) ;
PARSE_DECLARE(tpop3d) ;
PARSE_DECLARE(logpopauth) ;

#endif
