/* ISC license. */

/*
 * The snapshot reader: any bytes as snapshot.cdb.  Lookups (the mapped
 * cdb: state_lookup) and scans (the stream: state_scan, the compactor)
 * fail with EPROTO or answer, and agree when they answer; never a crash
 * or a read out of bounds.  Lookups of a few addresses that are not
 * listed too, since a probe of a corrupt hash table goes elsewhere.
 */

#include "fuzzdir.h"
#include "stateprobe.h"

int LLVMFuzzerTestOneInput (uint8_t const *data, size_t size)
{
  static char const *const others[] = { "192.0.2.7", "10.0.0.1", "2001:db8::5", "0.0.0.0", "::", 0 } ;
  char const *s = (char const *)data ;
  char const *dir = fuzzdir_get() ;
  fuzzdir_put("snapshot.cdb", s, size) ;
  for (unsigned int i = 0 ; others[i] ; i++)
  {
    addr a ;
    entry e ;
    int r ;
    addr_parse(others[i], strlen(others[i]), &a) ;
    r = state_lookup(dir, &a, &e) ;
    CHECK(r >= 0 || errno == EPROTO, "state_lookup fails, not with EPROTO", s, size) ;
    if (r == 1) CHECK(addr_equal(&e.ip, &a), "state_lookup answers for another address", s, size) ;
  }
  probe_state(dir, s, size, 1) ;
  return 0 ;
}
