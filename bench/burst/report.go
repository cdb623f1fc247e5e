package burst

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Helpers the benchmark commands share for their reports.

// LoadAvg is the 1-minute load average, for the report.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

// Ms formats a duration as ms below a second, else s.
func Ms(d time.Duration) string {
	switch {
	case d >= 10*time.Second:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	default:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
}

// Over says how a measure compares with its limit.
func Over(got, limit time.Duration) string {
	if got <= limit {
		return fmt.Sprintf("%.0f%% of the limit", 100*float64(got)/float64(limit))
	}
	return fmt.Sprintf("%.1f× the limit", float64(got)/float64(limit))
}

// Goal prints a PASS or FAIL line.
func Goal(name string, ok bool, detail string) {
	verdict := "FAIL"
	if ok {
		verdict = "PASS"
	}
	fmt.Printf("  %s  %-34s %s\n", verdict, name, detail)
}

// CopyStore copies the embedded store files of data directory from into
// to/store (a loaded fixture, for a run that must not change it).
func CopyStore(from, to string) error {
	src := filepath.Join(from, "store")
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(to, "store"), 0o750); err != nil {
		return err
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		in, err := os.Open(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		out, err := os.OpenFile(filepath.Join(to, "store", e.Name()), os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o640)
		if err == nil {
			_, err = io.Copy(out, in)
			if cerr := out.Close(); err == nil {
				err = cerr
			}
		}
		in.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// RunDir returns the data directory of a run: data, or a fresh temporary
// one that cleanup removes; with from, the store of that data directory
// (a loaded fixture) is copied into it first.
func RunDir(prefix, data, from string) (dir string, cleanup func(), err error) {
	dir, cleanup = data, func() {}
	if dir == "" {
		if dir, err = os.MkdirTemp("", prefix+"-"); err != nil {
			return "", nil, err
		}
		tmp := dir
		cleanup = func() { os.RemoveAll(tmp) }
	}
	if from != "" {
		t := time.Now()
		if err := CopyStore(from, dir); err != nil {
			cleanup()
			return "", nil, err
		}
		fmt.Printf("copied the store of %s in %s\n", from, time.Since(t).Round(time.Millisecond))
	}
	return dir, cleanup, nil
}
