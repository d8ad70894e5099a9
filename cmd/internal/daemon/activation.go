package daemon

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// firstFD is SD_LISTEN_FDS_START: systemd passes sockets from fd 3.
const firstFD = 3

// Activated returns the listening sockets systemd passed to this process
// (socket activation, sd_listen_fds(3)): LISTEN_PID must name this
// process and LISTEN_FDS how many fds follow fd 2; LISTEN_FDNAMES, when
// set, names them. It returns nil when the process was not
// socket-activated. The variables are cleared so children don't inherit
// them.
func Activated() (map[string]net.Listener, error) {
	return activated(os.Getenv, os.Unsetenv, os.Getpid())
}

func activated(getenv func(string) string, unsetenv func(string) error, pid int) (map[string]net.Listener, error) {
	if p, err := strconv.Atoi(getenv("LISTEN_PID")); err != nil || p != pid {
		return nil, nil
	}
	n, err := strconv.Atoi(getenv("LISTEN_FDS"))
	if err != nil || n <= 0 {
		return nil, nil
	}
	names := strings.Split(getenv("LISTEN_FDNAMES"), ":")
	for _, v := range []string{"LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"} {
		unsetenv(v)
	}
	out := map[string]net.Listener{}
	for i := 0; i < n; i++ {
		fd := firstFD + i
		syscall.CloseOnExec(fd)
		name := "fd" + strconv.Itoa(fd)
		if i < len(names) && names[i] != "" {
			name = names[i]
		}
		f := os.NewFile(uintptr(fd), name)
		l, err := net.FileListener(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("socket activation: fd %d (%s) is not a listening socket: %w", fd, name, err)
		}
		out[name] = l
	}
	return out, nil
}

// ActivatedOrListen returns the socket systemd passed under name (the
// unit's FileDescriptorName=) or, when only one was passed, that one; any
// other passed socket is closed. Without socket activation it calls
// listen. With activation the socket outlives the process, so the kernel
// queues connections, instead of refusing them, while the daemon
// restarts.
func ActivatedOrListen(name string, listen func() (net.Listener, error)) (net.Listener, error) {
	lns, err := Activated()
	if err != nil {
		return nil, fmt.Errorf("socket activation: %w", err)
	}
	if len(lns) == 0 {
		return listen()
	}
	return pickActivated(lns, name)
}

// pickActivated chooses name's socket (or the only one) among lns and
// closes the rest.
func pickActivated(lns map[string]net.Listener, name string) (net.Listener, error) {
	ln := lns[name]
	if ln == nil && len(lns) == 1 {
		for _, l := range lns {
			ln = l
		}
	}
	for _, l := range lns {
		if l != ln {
			l.Close()
		}
	}
	if ln == nil {
		return nil, fmt.Errorf("socket activation passed %d sockets and none is named %q (FileDescriptorName=%s)", len(lns), name, name)
	}
	return ln, nil
}
