/* ISC license. */

#ifndef POPLOCK_POPAUTH_H
#define POPLOCK_POPAUTH_H

#include <stddef.h>
#include <sys/types.h>
#include "addr.h"

/*
 * What logpopauth-pre and logpopauth-post share: the client's address as
 * the server that started the chain put it in the environment.
 */

/* the variable logpopauth-pre passes the pipe's write end in */
#define POPAUTH_FDVAR "POPLOCKFD"

/* the source a grant gets when -s is not given */
#define POPAUTH_SOURCE "logpopauth/pop3"

/*
 * popauth_spawn starts logpopauth-pre's recorder, a detached process
 * (double fork) that waits for the user name logpopauth-post writes
 * after a successful login, then appends a grant for ip to dir as the
 * directory's owner (uid, gid).  With keep, it renews the grant while
 * the session (this process, after its execs) lives, and once more when
 * it ends.  It lives at most POPAUTH_LIFE seconds.  Returns the pipe's
 * write end (not close-on-exec), or -1 with errno set.
 */
#define POPAUTH_LIFE 86400
typedef struct popauth_conf_s popauth_conf ;
struct popauth_conf_s
{
  char const *dir ;
  char const *source ;
  addr ip ;
  int keep ;
  uid_t uid ;
  gid_t gid ;
} ;
extern int popauth_spawn (popauth_conf const *c) ;

#endif
