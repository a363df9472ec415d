/* ISC license. */

#include "login.h"
#include "parse.h"

/*
 * Every format readlog knows, in the order they are tried.  A name is
 * what admins write in the list of enabled formats; doc/formats.html
 * describes each one.  At most 64 (the enabled set is a bit mask).
 */

#define F(n, f) { .name = n, .parse = &parse_##f, .sample = parse_##f##_sample, .tags = parse_##f##_tags }

login_format const login_formats[] =
{
  F("dovecot", dovecot),
  F("courier", courier),
  F("cyrus", cyrus),
  F("popa3d", popa3d),
  F("mailutils", mailutils),
  F("solid-pop3d", solidpop3d),
  F("uw", uw),
  F("qpopper", qpopper),
  F("teapop", teapop),
  F("vm-pop3d", vmpop3d),
  F("cucipop", cucipop),
  F("gnu-pop3d", gnupop3d),
  F("perdition", perdition),
  F("vchkpw", vchkpw),
  F("tpop3d", tpop3d),
  F("logpopauth", logpopauth),
} ;

unsigned int const login_nformats = sizeof(login_formats) / sizeof(login_formats[0]) ;
