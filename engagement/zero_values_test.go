package engagement_test

import (
	"testing"

	"github.com/engagekit/engagekit/engagement"
	"github.com/engagekit/engagekit/internal/zerocall"
)

// Every exported type's zero value, a pointer to one and a nil pointer take
// every method call without a panic: a host holds values it did not build
// with the constructors (a struct field, a var, a decoded config).
func TestZeroValuesNeverPanic(t *testing.T) {
	zerocall.Check(t, ".",
		engagement.Adjusted{}, engagement.Arm{}, engagement.ArmStats{}, engagement.AtRisk{}, engagement.AtRiskRule{},
		engagement.Book{}, engagement.Change{}, engagement.ChangeOptions{}, engagement.Class(0), engagement.Classifier{},
		engagement.ClassifyEnv{}, engagement.ClientPattern{}, engagement.ClientStage{}, engagement.Comparison{},
		engagement.Correction(0), engagement.CrossSell{}, engagement.Event{}, engagement.Experiment{},
		engagement.ExperimentConfig{}, engagement.ExperimentData{}, engagement.ExperimentPlan{}, engagement.ExperimentReport{},
		engagement.Exposure{}, engagement.ExposureCounts{}, engagement.FunnelReport{}, engagement.FunnelStep{}, engagement.Gap{},
		engagement.Index{}, engagement.Journey{}, engagement.JourneyError{}, engagement.LifeStage(""), engagement.LifecycleRule{},
		engagement.OptionError{}, engagement.Options{}, engagement.Pattern(0), engagement.PatternRule{}, engagement.Rank{},
		engagement.Reason(""), engagement.Report{}, engagement.Response{}, engagement.SRM{}, engagement.Score{},
		engagement.Sequential{}, engagement.Setting{}, engagement.Stage(0), engagement.Stimulus{}, engagement.Superfan{},
		engagement.SuperfanRule{}, engagement.Variant{}, engagement.Weights{})
}
