package report

import (
	"encoding/json"
	"fmt"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
)

// ObservedEntry names the report entries that hold one value the kernel showed, in a form
// runs on different platforms can be compared by (make compare): a key that names what was
// measured and is the same on every run ("IPv4 backlog 4: completed before accept"), and
// the value ("5"). Evidence is prose for a reader, with ports and descriptors that change
// from run to run; an observation is only what may differ between kernels.
const ObservedEntry = "observed"

// Observation is one value a spec observed.
type Observation struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

func (o Observation) String() string { return o.Key + " = " + o.Value }

// Observe records that the kernel showed value for key.
func Observe(key string, value any) {
	ginkgo.AddReportEntry(ObservedEntry, Observation{Key: key, Value: fmt.Sprint(value)}, ginkgo.ReportEntryVisibilityFailureOrVerbose)
}

// observation reads an observed entry back, in the process that made it or from a JSON report.
func observation(e types.ReportEntry) (Observation, bool) {
	if o, ok := e.GetRawValue().(Observation); ok {
		return o, true
	}
	var o Observation
	if err := json.Unmarshal([]byte(e.Value.AsJSON), &o); err != nil || o.Key == "" {
		return Observation{}, false
	}
	return o, true
}
