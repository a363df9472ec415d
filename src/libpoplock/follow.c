/* ISC license. */

#include <errno.h>
#include <unistd.h>
#include "follow.h"

#ifdef __linux__

#include <sys/inotify.h>

static int follow_fd = -1 ;

int follow_init (void)
{
  follow_fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC) ;
  return follow_fd ;
}

int follow_watch (char const *dir)
{
  if (follow_fd < 0) return 0 ;
  /* IN_MODIFY on a directory watch also reports writes to the files in it */
  return inotify_add_watch(follow_fd, dir, IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ATTRIB | IN_CLOSE_WRITE) < 0 ? -1 : 0 ;
}

void follow_drain (void)
{
  /* which file changed does not matter: every source is looked at */
  char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event)))) ;
  if (follow_fd < 0) return ;
  while (read(follow_fd, buf, sizeof(buf)) > 0) ;
}

#else

int follow_init (void) { errno = ENOSYS ; return -1 ; }
int follow_watch (char const *dir) { (void)dir ; return 0 ; }
void follow_drain (void) { }

#endif
