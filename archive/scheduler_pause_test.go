package archive

import (
	"testing"
	"time"
)

// TestSchedulerPause: while the schedule is paused nothing scheduled starts,
// however much time passes, but RunNow still runs; on resume each account
// that missed its time runs once.
func TestSchedulerPause(t *testing.T) {
	st := newSchedulerTest(t, []Account{
		schedAccount("hourly", every(time.Hour)),
		schedAccount("daily", func(a *Account) { a.Daily = "13:30" }),
	}, map[string]time.Time{
		"hourly": schedStart.Add(-20 * time.Minute),
		"daily":  schedStart.Add(-22 * time.Hour),
	}, SchedulerOptions{})
	st.sc.SetPaused(true)
	if !st.sc.Paused() {
		t.Fatal("Paused() = false after SetPaused(true)")
	}
	st.start(t)
	st.runs.settle(t, nil, time.Time{}) // paused: waits until asked

	st.clock.Advance(3 * time.Hour) // 15:00: both missed their time
	st.sc.Reload()
	st.runs.settle(t, nil, time.Time{})

	if err := st.sc.RunNow(st.ctx, "daily"); err != nil {
		t.Fatal(err)
	}
	st.runs.settle(t, []string{"daily"}, time.Time{})

	st.sc.SetPaused(false) // "hourly" is overdue: it runs once; "daily" ran at 15:00, next tomorrow 13:30
	if st.sc.Paused() {
		t.Fatal("Paused() = true after SetPaused(false)")
	}
	st.runs.settle(t, []string{"daily", "hourly"}, schedStart.Add(4*time.Hour))
}
