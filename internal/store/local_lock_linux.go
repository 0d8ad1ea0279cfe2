package store

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// lockHolder finds the process holding a lock on the file in /proc/locks
// (bbolt takes flock(2) locks on the file itself) and its command name.
// The name comes from /proc/<pid>/comm, never the command line, which may
// hold a webhook URL.
func lockHolder(path string) (pid int, name string, ok bool) {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return 0, "", false
	}
	// /proc/locks writes the device as major:minor in hex, then the inode.
	major := (st.Dev>>8)&0xfff | (st.Dev>>32)&^0xfff
	minor := st.Dev&0xff | (st.Dev>>12)&^0xff
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0, "", false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiters have
		// "->" after the number.
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" || fields[5] != want {
			continue
		}
		p, err := strconv.Atoi(fields[4])
		if err != nil || p <= 0 {
			continue
		}
		comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
		if err != nil {
			return p, "unknown command", true
		}
		return p, strings.TrimSpace(string(comm)), true
	}
	return 0, "", false
}
