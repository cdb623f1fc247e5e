package module

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestCountedAndEveryRunTheWorkAndKeepItsError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	var ran []string
	jobs := []Job{
		Counted("a.count", time.Hour, func(context.Context) (int, error) { ran = append(ran, "count"); return 3, nil }),
		Counted("a.fail", time.Minute, func(context.Context) (int64, error) { ran = append(ran, "fail"); return 0, boom }),
		Every("a.every", 5*time.Minute, func(context.Context) error { ran = append(ran, "every"); return nil }),
	}
	want := []struct {
		name  string
		every time.Duration
		err   error
	}{{"a.count", time.Hour, nil}, {"a.fail", time.Minute, boom}, {"a.every", 5 * time.Minute, nil}}
	for i, j := range jobs {
		if j.Name != want[i].name || j.Every != want[i].every {
			t.Errorf("job %d = %q every %v, want %q every %v", i, j.Name, j.Every, want[i].name, want[i].every)
		}
		if err := j.Run(context.Background(), time.Now()); !errors.Is(err, want[i].err) {
			t.Errorf("%s: Run = %v, want %v", j.Name, err, want[i].err)
		}
	}
	if got := len(ran); got != 3 || ran[0] != "count" || ran[1] != "fail" || ran[2] != "every" {
		t.Errorf("ran %v, want each job's work once in order", ran)
	}
}
