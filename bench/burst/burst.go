// Package burst runs the quiz burst of bench/cmd/quizburst: simulated takers
// that start an attempt, autosave and submit, either on the synchronized
// exam's schedule or back to back (closed loop), with per-step latency and
// throughput.
package burst

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/ctvacademy/academy/modules/platform/clock"
)

// Step is one kind of request of a taker.
type Step int

// The steps of an attempt.
const (
	Start Step = iota
	Autosave
	Submit
	nSteps
)

// Steps lists the steps in order.
var Steps = []Step{Start, Autosave, Submit}

func (s Step) String() string { return [...]string{"start", "autosave", "submit"}[s] }

// Taker is one simulated collaborator taking one attempt.
type Taker interface {
	Start(ctx context.Context) error
	// Save autosaves for the k-th time (1-based).
	Save(ctx context.Context, k int) error
	Submit(ctx context.Context) error
}

// Schedule is the synchronized exam: every taker starts within StartSpread
// (spread uniformly), autosaves Saves times every SaveEvery after its start,
// and submits at a uniformly random moment of the window that opens SubmitAt
// after the first start and lasts SubmitWindow.
type Schedule struct {
	StartSpread  time.Duration
	SaveEvery    time.Duration
	Saves        int
	SubmitAt     time.Duration
	SubmitWindow time.Duration
}

// Exam is the schedule of the issue: 200 start within 2 s, autosave every
// 3 s (three times), all submit within a 10 s window.
var Exam = Schedule{StartSpread: 2 * time.Second, SaveEvery: 3 * time.Second, Saves: 3,
	SubmitAt: 12 * time.Second, SubmitWindow: 10 * time.Second}

type sample struct {
	step       Step
	began, end time.Time
	lag        time.Duration // how late the request left against the schedule
	err        error
	notRun     bool // the phase's bound ended before it could be sent
}

// StepStats are the figures of one step.
type StepStats struct {
	// N counts the requests sent; Errors the failed ones and those the
	// phase's bound left unsent (NotRun).
	N, Errors, NotRun int
	// Span is from the first request's start to the last one's end.
	Span      time.Duration
	OpsPerSec float64 // successful requests / Span
	P50, P99  time.Duration
	Max       time.Duration
	MaxLag    time.Duration
}

// Result is one run.
type Result struct {
	Name  string
	Wall  time.Duration
	Steps [nSteps]StepStats
	// All is every step together.
	All StepStats
	// FirstErrors are up to five error messages, for the report.
	FirstErrors []string
	// Cut is true when the phase's bound ended it before every taker was done.
	Cut bool
}

type recorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *recorder) do(ctx context.Context, step Step, due time.Time, f func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		r.mu.Lock()
		r.samples = append(r.samples, sample{step: step, err: err, notRun: true})
		r.mu.Unlock()
		return err
	}
	began := time.Now()
	var lag time.Duration
	if !due.IsZero() && began.After(due) {
		lag = began.Sub(due)
	}
	err := f(ctx)
	s := sample{step: step, began: began, end: time.Now(), lag: lag, err: err}
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
	return err
}

// RunScheduled runs the takers on the schedule. A taker whose start fails
// does nothing more (it has no attempt).
func RunScheduled(ctx context.Context, name string, takers []Taker, s Schedule, seed uint64) Result {
	r := rand.New(rand.NewPCG(seed, 0x7363686564))
	n := len(takers)
	offsets := make([]time.Duration, n)
	for i := range offsets {
		offsets[i] = time.Duration(int64(s.StartSpread) * int64(i) / int64(max(1, n)))
	}
	r.Shuffle(n, func(i, j int) { offsets[i], offsets[j] = offsets[j], offsets[i] })
	submits := make([]time.Duration, n)
	for i := range submits {
		submits[i] = s.SubmitAt + time.Duration(r.Int64N(int64(s.SubmitWindow)))
	}
	rec := &recorder{}
	t0 := time.Now().Add(100 * time.Millisecond)
	var wg sync.WaitGroup
	for i, tk := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			at := t0.Add(offsets[i])
			clock.SleepUntil(ctx, at)
			if rec.do(ctx, Start, at, tk.Start) != nil {
				return
			}
			for k := 1; k <= s.Saves; k++ {
				due := at.Add(time.Duration(k) * s.SaveEvery)
				clock.SleepUntil(ctx, due)
				_ = rec.do(ctx, Autosave, due, func(ctx context.Context) error { return tk.Save(ctx, k) })
			}
			due := t0.Add(submits[i])
			clock.SleepUntil(ctx, due)
			_ = rec.do(ctx, Submit, due, tk.Submit)
		}()
	}
	wg.Wait()
	res := rec.result(name, time.Since(t0))
	res.Cut = ctx.Err() != nil
	return res
}

// RunClosed runs every taker's attempt back to back, with no waits: start,
// saves autosaves, submit. All takers begin together.
func RunClosed(ctx context.Context, name string, takers []Taker, saves int) Result {
	rec := &recorder{}
	t0 := time.Now()
	var wg sync.WaitGroup
	for _, tk := range takers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if rec.do(ctx, Start, time.Time{}, tk.Start) != nil {
				return
			}
			for k := 1; k <= saves; k++ {
				_ = rec.do(ctx, Autosave, time.Time{}, func(ctx context.Context) error { return tk.Save(ctx, k) })
			}
			_ = rec.do(ctx, Submit, time.Time{}, tk.Submit)
		}()
	}
	wg.Wait()
	res := rec.result(name, time.Since(t0))
	res.Cut = ctx.Err() != nil
	return res
}

func (r *recorder) result(name string, wall time.Duration) Result {
	res := Result{Name: name, Wall: wall}
	var by [nSteps][]sample
	for _, s := range r.samples {
		by[s.step] = append(by[s.step], s)
		if s.err != nil && !s.notRun && len(res.FirstErrors) < 5 {
			res.FirstErrors = append(res.FirstErrors, fmt.Sprintf("%s: %v", s.step, s.err))
		}
	}
	for st := range by {
		res.Steps[st] = stats(by[st])
	}
	res.All = stats(r.samples)
	return res
}

func stats(all []sample) StepStats {
	var out StepStats
	var ss []sample
	for _, s := range all {
		if s.notRun {
			out.NotRun++
			out.Errors++
			continue
		}
		ss = append(ss, s)
	}
	if len(ss) == 0 {
		return out
	}
	durs := make([]time.Duration, len(ss))
	first, last := ss[0].began, ss[0].end
	for i, s := range ss {
		durs[i] = s.end.Sub(s.began)
		if s.err != nil {
			out.Errors++
		}
		if s.began.Before(first) {
			first = s.began
		}
		if s.end.After(last) {
			last = s.end
		}
		out.MaxLag = max(out.MaxLag, s.lag)
	}
	slices.Sort(durs)
	out.N = len(ss)
	out.Span = last.Sub(first)
	if out.Span > 0 {
		out.OpsPerSec = float64(out.N-out.Errors+out.NotRun) / out.Span.Seconds()
	}
	out.P50 = Percentile(durs, 0.50)
	out.P99 = Percentile(durs, 0.99)
	out.Max = durs[len(durs)-1]
	return out
}

// Percentile returns the q-quantile of sorted durations (nearest rank).
func Percentile(sorted []time.Duration, q float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*q+0.999999) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
