package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/vibequality/searcharr/core/domain"
)

// InstanceLister lists every instance. *store.Instances implements it.
type InstanceLister interface {
	List(ctx context.Context) ([]domain.Instance, error)
}

// BudgetReader reports an instance's budget. *dispatch.Dispatcher
// implements it.
type BudgetReader interface {
	Budget(ctx context.Context, instanceID int64) (domain.BudgetStatus, error)
}

// budgetScrapeTimeout bounds reading every budget during one scrape.
const budgetScrapeTimeout = 5 * time.Second

var (
	budgetRemainingDesc = prometheus.NewDesc(namespace+"_budget_remaining",
		"Indexer searches an instance may still send in its rolling window (hour, day); windows without a cap are not reported.",
		[]string{"instance", "window"}, nil)
	budgetUsedDesc = prometheus.NewDesc(namespace+"_budget_used",
		"Indexer searches counted in an instance's rolling window (hour, day), its budget group's when it shares one.",
		[]string{"instance", "window"}, nil)
	pendingDesc = prometheus.NewDesc(namespace+"_commands_pending",
		"Commands waiting to be sent, by instance id.", []string{"instance"}, nil)
)

// WatchBudgets registers a collector that reads every instance's budget
// on each scrape, so the gauges are never older than the scrape.
func (m *Metrics) WatchBudgets(instances InstanceLister, budgets BudgetReader) {
	if m == nil {
		return
	}
	m.reg.MustRegister(budgetCollector{instances: instances, budgets: budgets})
}

type budgetCollector struct {
	instances InstanceLister
	budgets   BudgetReader
}

func (c budgetCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- budgetRemainingDesc
	ch <- budgetUsedDesc
	ch <- pendingDesc
}

// Collect reports what it can read; an instance whose budget cannot be
// read is left out of this scrape.
func (c budgetCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), budgetScrapeTimeout)
	defer cancel()
	list, err := c.instances.List(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(budgetRemainingDesc, err)
		return
	}
	for _, inst := range list {
		st, err := c.budgets.Budget(ctx, inst.ID)
		if err != nil {
			continue
		}
		id := instanceLabel(inst.ID)
		for _, w := range []struct {
			name string
			w    domain.BudgetWindow
		}{{"hour", st.Hour}, {"day", st.Day}} {
			ch <- prometheus.MustNewConstMetric(budgetUsedDesc, prometheus.GaugeValue, float64(w.w.Used), id, w.name)
			if w.w.Cap > 0 {
				ch <- prometheus.MustNewConstMetric(budgetRemainingDesc, prometheus.GaugeValue, float64(w.w.Remaining), id, w.name)
			}
		}
		ch <- prometheus.MustNewConstMetric(pendingDesc, prometheus.GaugeValue, float64(st.Pending), id)
	}
}
