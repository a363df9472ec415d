/* ISC license. */

#ifndef POPLOCK_CLIENT_H
#define POPLOCK_CLIENT_H

#include "addr.h"
#include "escape.h"

/*
 * The client's address, as the server that started the chain put it in
 * the environment: read here only, the same way for relaylock and both
 * logpopauth programs.
 *
 * With var null, from ${PROTO}REMOTEIP (UCSPI: tcpserver, s6-tcpserver,
 * sslserver set both), PROTO defaulting to TCP when unset.  An empty
 * PROTO, or one that is not 1 to CLIENT_PROTO_MAX letters and digits,
 * names no variable and is refused.  Never IP: a run script's envdir
 * sets IP to the address tcpserver listens on, the server's own.
 * With var, from that variable alone (logpopauth-post -D: Dovecot's
 * script-login empties the environment, then sets IP to the client's).
 *
 * client_get returns 1 with c->a filled, or 0 with c->why the reason,
 * one line without a newline, e.g. "unable to read the client address:
 * TCPREMOTEIP is not set" or "invalid client address in TCPREMOTEIP:
 * 1.2.3" (the value cut at CLIENT_QUOTE_MAX bytes and escaped like a
 * user name: no line can be forged through it).  Nothing is printed.
 */
#define CLIENT_PROTO_MAX 32
#define CLIENT_QUOTE_MAX 64
#define CLIENT_VAR_MAX (CLIENT_PROTO_MAX + 8)
/* the invalid form is the longest: "invalid client address in " VAR ": " VALUE "..." */
#define CLIENT_WHY_MAX (26 + CLIENT_VAR_MAX + 2 + ESCAPE_USER_FMT(CLIENT_QUOTE_MAX) + 3)

typedef struct client_s client ;
struct client_s
{
  addr a ;
  char var[CLIENT_VAR_MAX + 1] ;  /* the variable read, or PROTO */
  char why[CLIENT_WHY_MAX + 1] ;
} ;

extern int client_get (client *c, char const *var) ;

#endif
