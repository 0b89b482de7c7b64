// The cluster's HA settings, kept as vCenter keeps them. govmomi 0.24's simulator accepts
// ReconfigureComputeResource_Task but drops the spec's dasConfig (it applies rules, groups
// and per-VM overrides only), so a client could not change HA admission control there.
// keepHA starts the clusters with HA on, and serveHA applies the dasConfig of every
// reconfiguration the simulator accepted, so that HA drift and HA-based capacity can be
// tested through the real API call.
package main

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// keepHA sets every cluster of the model to HA on with admission control tolerating one
// host failure (vCenter's defaults when HA is turned on), before the simulator serves.
func keepHA() {
	for _, obj := range simulator.Map.All("ClusterComputeResource") {
		c := obj.(*simulator.ClusterComputeResource)
		c.ConfigurationEx.(*types.ClusterConfigInfoEx).DasConfig = types.ClusterDasConfigInfo{
			Enabled:                 types.NewBool(true),
			AdmissionControlEnabled: types.NewBool(true),
			FailoverLevel:           1,
			AdmissionControlPolicy:  &types.ClusterFailoverLevelAdmissionControlPolicy{FailoverLevel: 1},
		}
	}
}

// serveHA puts, in front of the simulator's SOAP endpoint for requests to the server's
// own host names, a handler that lets the simulator answer and then, when it accepted a
// ReconfigureComputeResource_Task of a cluster (its session and arguments checked), applies
// the spec's dasConfig before the answer is sent; and holds back the task of any *_Task
// call when -task-time asks for slow tasks (tasks.go). (Go's ServeMux prefers patterns with a
// host to the simulator's own `/sdk`.)
func serveHA(server *simulator.Server, service *simulator.Service) {
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		answer := httptest.NewRecorder()
		service.ServeSDK(answer, r)
		if answer.Code == http.StatusOK && bytes.Contains(body, []byte("ReconfigureComputeResource_Task")) {
			applyDas(body)
		}
		if answer.Code == http.StatusOK {
			slowTask(body, answer.Body.Bytes())
		}
		for k, v := range answer.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(answer.Code)
		_, _ = w.Write(answer.Body.Bytes())
	}
	hosts := map[string]bool{"127.0.0.1": true, "localhost": true, server.URL.Hostname(): true}
	for host := range hosts {
		service.ServeMux.HandleFunc(host+server.URL.Path, handler)
	}
}

// applyDas applies the dasConfig of a ReconfigureComputeResource_Task request to its
// cluster: merged into the current one when `modify` is true, replacing it otherwise.
func applyDas(body []byte) {
	method, err := simulator.UnmarshalBody(types.TypeFunc(), body)
	if err != nil || !strings.EqualFold(method.Name, "ReconfigureComputeResource_Task") {
		return
	}
	req, ok := method.Body.(*types.ReconfigureComputeResource_Task)
	if !ok {
		return
	}
	spec, ok := req.Spec.(*types.ClusterConfigSpecEx)
	if !ok || spec.DasConfig == nil {
		return
	}
	c, ok := simulator.Map.Get(method.This).(*simulator.ClusterComputeResource)
	if !ok {
		return
	}
	simulator.Map.WithLock(c, func() {
		config := c.ConfigurationEx.(*types.ClusterConfigInfoEx)
		mergeDas(&config.DasConfig, spec.DasConfig, req.Modify)
	})
}

// mergeDas sets what `spec` sets of `into`; without modify, `into` becomes `spec`.
func mergeDas(into *types.ClusterDasConfigInfo, spec *types.ClusterDasConfigInfo, modify bool) {
	if !modify {
		*into = *spec
		return
	}
	if spec.Enabled != nil {
		into.Enabled = spec.Enabled
	}
	if spec.AdmissionControlEnabled != nil {
		into.AdmissionControlEnabled = spec.AdmissionControlEnabled
	}
	if spec.AdmissionControlPolicy != nil {
		into.AdmissionControlPolicy = spec.AdmissionControlPolicy
	}
	if spec.FailoverLevel != 0 {
		into.FailoverLevel = spec.FailoverLevel
	}
	if spec.VmMonitoring != "" {
		into.VmMonitoring = spec.VmMonitoring
	}
	if spec.HostMonitoring != "" {
		into.HostMonitoring = spec.HostMonitoring
	}
}
