/* ISC license. */

#include <string.h>
#include "login.h"
#include "loginparse.h"

/*
 * The servers whose own source shows a client's text reaching syslog(3)
 * with its newlines, by the tags they log under (doc/threat.html#newline
 * has the functions read):
 *   Mailutils imap4d: the name of a failed LOGIN (an IMAP literal);
 *   Cyrus imapd: the values of ID, before any login;
 *   UW imapd and ipop3d: the name of a failed login, also from AUTH;
 *   perdition: the name of a failed login (IMAP literals).
 * Cyrus' pop3d, Courier, Dovecot, popa3d and the other POP3 servers
 * are not here: their source shows no such path.
 */
static struct { char const *rule ; char const *name ; } const raw[] =
{
  { "imap4d", "Mailutils imap4d" },
  { "gnu-imap4d", "Mailutils imap4d" },
  { "imap", "Cyrus imapd" },
  { "cyrus/imap*", "Cyrus imapd" },
  { "*/imap", "Cyrus imapd" },
  { "*/imaps", "Cyrus imapd" },
  { "*/imapd", "Cyrus imapd" },
  { "imaps", "Cyrus or UW imapd" },
  { "imapsd", "UW imapd" },
  { "ipop3d", "UW ipop3d" },
  { "ipop3sd", "UW ipop3d" },
  { "pop3s", "UW ipop3d" },
  { "ipop2d", "UW ipop2d" },
  { "perdition", "perdition" },
  { "perdition.imap4", "perdition" },
  { "perdition.imap4s", "perdition" },
  { "perdition.imaps", "perdition" },
} ;

/*
 * The tag imapd is Courier's too, and Courier sends one message per
 * line (courierlogger): there the lines that hold a client's text
 * count, by the words Cyrus and UW begin them with (Courier's begin
 * "LOGIN, ", "LOGIN FAILED, ", "LOGOUT, ", or are other programs' errors)
 */
static char const cyrus_or_uw[] = "Cyrus or UW imapd" ;
static char const *const imapd[] = { "Login ", "AUTHENTICATE ", "login: ", "badlogin: ", "client id " } ;

char const *logline_rawnl (logline const *l)
{
  if (lp_tag(l, "imapd"))
  {
    for (unsigned int i = 0 ; i < sizeof imapd / sizeof *imapd ; i++)
      if (lp_prefix(l->msg, l->msglen, imapd[i])) return cyrus_or_uw ;
    return 0 ;
  }
  for (unsigned int i = 0 ; i < sizeof raw / sizeof *raw ; i++)
    if (lp_tagrule(l->tag, l->taglen, raw[i].rule, strlen(raw[i].rule))) return raw[i].name ;
  return 0 ;
}

char const *logline_rawnl_name (char const *s, size_t len)
{
  if (sizeof cyrus_or_uw - 1 == len && !memcmp(cyrus_or_uw, s, len)) return cyrus_or_uw ;
  for (unsigned int i = 0 ; i < sizeof raw / sizeof *raw ; i++)
    if (strlen(raw[i].name) == len && !memcmp(raw[i].name, s, len)) return raw[i].name ;
  return 0 ;
}
