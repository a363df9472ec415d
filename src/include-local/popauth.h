/* ISC license. */

#ifndef POPLOCK_POPAUTH_H
#define POPLOCK_POPAUTH_H

/*
 * What logpopauth-pre, logpopauth-recorder and logpopauth-post share.
 */

/* the variable logpopauth-pre passes the pipe's write end in */
#define POPAUTH_FDVAR "POPLOCKFD"

/* the source a grant gets when -s is not given */
#define POPAUTH_SOURCE "logpopauth/pop3"

/* how long logpopauth-recorder lives at most, waiting or keeping a session's grant */
#define POPAUTH_LIFE 86400

#endif
