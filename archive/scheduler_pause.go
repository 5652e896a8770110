package archive

// SetPaused pauses (true) or resumes (false) the schedule as a whole: while
// paused, no scheduled run starts; runs asked for with RunNow still do, and
// runs in progress go on. On resume, runs missed meanwhile are made up by one
// run each, as after a restart.
func (sc *Scheduler) SetPaused(paused bool) {
	sc.mu.Lock()
	sc.paused = paused
	sc.mu.Unlock()
	sc.poke()
}

// Paused reports whether the schedule is paused (SetPaused).
func (sc *Scheduler) Paused() bool {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	return sc.paused
}
