package dispatch

import (
	"github.com/sony/gobreaker/v2"
)

// Breakers returns the circuit breaker state ("open" or "half-open") of
// each instance whose breaker is not closed in this process: its sends
// hold back after repeated connection failures, timeouts or 5xx answers.
func (d *Dispatcher) Breakers() map[int64]string {
	d.mu.Lock()
	ins := make([]*instance, 0, len(d.instances))
	for _, in := range d.instances {
		ins = append(ins, in)
	}
	d.mu.Unlock()
	out := map[int64]string{}
	for _, in := range ins {
		if st := in.breaker.State(); st != gobreaker.StateClosed {
			out[in.id] = st.String()
		}
	}
	return out
}
