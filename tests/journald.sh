# Sourced by a test's script run in new mount and pid namespaces
# (unshare -m -p --fork --mount-proc): starts systemd-journald there
# without systemd, as tests/45-transports.t and 48-journal.t use it.
# J is a directory of the test's: its run/ becomes /run (the journal in
# run/log/journal, the sockets in run/systemd/journal), its dev/ a
# private /dev of null zero full random urandom.  journald's settings
# in /run/systemd/journald.conf.d (volatile storage, no kernel log,
# nothing forwarded, no rate limit, the kernel's audit setting left as
# it is: the kernel refuses it from a pid namespace anyway), its own
# messages in $J/journald.out.  jd_start sets jdpid, or returns 111.
# Needs waitfor (tests/lib.sh).
jd_start() {  # jd_start JOURNALD
  mkdir -p "$J/run/systemd/journald.conf.d" "$J/run/log/journal" "$J/dev" || return 111
  printf '%s\n' '[Journal]' Storage=volatile ReadKMsg=no ForwardToSyslog=no ForwardToKMsg=no \
    ForwardToConsole=no ForwardToWall=no RateLimitBurst=0 RuntimeMaxUse=64M Audit= > "$J/run/systemd/journald.conf.d/poplock.conf"
  mount --make-rprivate / || return 111
  mount --bind "$J/run" /run || return 111
  for f in null zero full random urandom; do : > "$J/dev/$f"; mount --bind "/dev/$f" "$J/dev/$f" || return 111; done
  mount --rbind "$J/dev" /dev || return 111
  # journald finds its own cgroup at start (systemd 257 fails without one):
  # where /sys/fs/cgroup has no cgroup file system (a chroot's fresh /sys),
  # the kernel's cgroup2 hierarchy, read-only, in this namespace only
  case $(stat -f -c %T /sys/fs/cgroup 2>/dev/null) in
    cgroup2fs|tmpfs) ;;
    *) mount -t cgroup2 -o ro,nosuid,nodev,noexec cgroup2 /sys/fs/cgroup || return 111 ;;
  esac
  SYSTEMD_LOG_TARGET=console "$1" > "$J/journald.out" 2>&1 & jdpid=$!
  waitfor 10 test -S /run/systemd/journal/dev-log || { echo "journald did not come up: $(cat "$J/journald.out")" >&2; return 111; }
}
