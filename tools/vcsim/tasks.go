// Slow tasks. vCenter runs a clone or a create for minutes, its TaskInfo saying "running"
// with a progress percentage meanwhile; govmomi 0.24's simulator finishes every task
// within the call that starts it. With -task-time, slowTask keeps each task the simulator
// finished in the running state for that long after the call returns, its progress rising
// from 0 to 100 in four steps, then restores the outcome the simulator recorded, so that a
// client's progress reporting is tested through the real TaskInfo it reads.
package main

import (
	"regexp"
	"time"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// taskTime is how long each task stays running (0: tasks end within their call).
var taskTime time.Duration

var (
	taskCall   = regexp.MustCompile(`<(?:\w+:)?\w+_Task[\s>]`)
	taskAnswer = regexp.MustCompile(`<returnval[^>]*type="Task"[^>]*>([^<]+)</returnval>`)
)

// slowTask holds back the task a *_Task call (request) started, named in the simulator's
// answer (response).
func slowTask(request, response []byte) {
	if taskTime <= 0 || !taskCall.Match(request) {
		return
	}
	found := taskAnswer.FindSubmatch(response)
	if found == nil {
		return
	}
	ref := types.ManagedObjectReference{Type: "Task", Value: string(found[1])}
	task, ok := simulator.Map.Get(ref).(*simulator.Task)
	if !ok {
		return
	}
	var outcome types.TaskInfoState
	simulator.Map.WithLock(task, func() {
		outcome = task.Info.State
		simulator.Map.Update(task, []types.PropertyChange{
			{Name: "info.state", Val: types.TaskInfoStateRunning},
			{Name: "info.progress", Val: int32(0)},
		})
	})
	go func() {
		const steps = 4
		for i := 1; i <= steps; i++ {
			time.Sleep(taskTime / steps)
			changes := []types.PropertyChange{{Name: "info.progress", Val: int32(i * 100 / steps)}}
			if i == steps {
				changes = append(changes, types.PropertyChange{Name: "info.state", Val: outcome})
			}
			simulator.Map.WithLock(task, func() { simulator.Map.Update(task, changes) })
		}
	}()
}
