// Command vcsim is the vSphere simulator Strata's tests and examples run against: govmomi's
// simulator (a vCenter model speaking the SOAP API, urn:vim25) with one datacenter, a
// cluster of hosts behind a distributed switch, datastores and a powered-off template VM,
// listening on 127.0.0.1.
//
// Its clusters keep the HA settings a client sets (ha.go), which the simulator alone
// drops; they start with HA on and admission control tolerating one host failure. With
// -task-time, tasks stay running for a while with a progress percentage (tasks.go).
//
// It prints one line, `VCSIM_URL=<url>`, once it answers, and serves until it receives
// SIGINT or SIGTERM, then removes the files its datastores held. Built by tools/vcsim/run.sh
// from Debian's golang-github-vmware-govmomi-dev (GOPATH mode, no module download).
package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"flag"
	"fmt"
	"log"
	"math/big"
	"net"
	"net/url"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:8989", "address to listen on (port 0 picks a free one)")
	user := flag.String("username", "user", "the only user name accepted")
	pass := flag.String("password", "pass", "the only password accepted")
	hosts := flag.Int("hosts", 4, "hosts in the cluster")
	datastores := flag.Int("datastores", 2, "datastores shared by the hosts")
	template := flag.String("template", "template-linux", "name of the template VM")
	useTLS := flag.Bool("tls", false, "serve HTTPS with a certificate for 127.0.0.1 and localhost issued by a CA made at start")
	caFile := flag.String("ca", "", "with -tls, write that CA's certificate (PEM) to this file")
	idle := flag.Duration("idle", 0, "end sessions idle for this long (0: never)")
	flag.DurationVar(&taskTime, "task-time", 0, "keep every task running this long, its progress rising from 0 to 100 (0: tasks end within their call)")
	flag.Parse()

	simulator.SessionIdleTimeout = *idle
	model := simulator.VPX()
	model.Host = 0
	model.ClusterHost = *hosts
	model.Datastore = *datastores
	model.Machine = 1
	model.Autostart = false
	if err := model.Create(); err != nil {
		log.Fatalf("vcsim: creating the inventory: %v", err)
	}
	keepHA()
	defer model.Remove()
	model.Service.Listen = &url.URL{Host: *listen, User: url.UserPassword(*user, *pass)}
	if *useTLS {
		config, ca, err := certificates()
		if err != nil {
			log.Fatalf("vcsim: making certificates: %v", err)
		}
		model.Service.TLS = config
		if *caFile != "" {
			block := &pem.Block{Type: "CERTIFICATE", Bytes: ca}
			if err := os.WriteFile(*caFile, pem.EncodeToMemory(block), 0o644); err != nil {
				log.Fatalf("vcsim: writing the CA certificate: %v", err)
			}
		}
	}
	server := model.Service.NewServer()
	defer server.Close()
	serveHA(server, model.Service)
	if err := makeTemplate(server.URL, *template); err != nil {
		log.Fatalf("vcsim: making the template: %v", err)
	}

	u := *server.URL
	u.User = nil
	fmt.Printf("VCSIM_URL=%s\n", u.String())
	os.Stdout.Sync()

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
}

// makeTemplate renames the model's one VM to name and marks it as a template, through the
// API as a client would.
func makeTemplate(u *url.URL, name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := vim25.NewClient(ctx, soap.NewClient(u, true))
	if err != nil {
		return err
	}
	if err := session.NewManager(client).Login(ctx, u.User); err != nil {
		return err
	}
	defer session.NewManager(client).Logout(ctx)
	finder := find.NewFinder(client, true)
	dc, err := finder.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	finder.SetDatacenter(dc)
	vms, err := finder.VirtualMachineList(ctx, "*")
	if err != nil {
		return err
	}
	if len(vms) != 1 {
		return fmt.Errorf("expected one VM in the model, found %d", len(vms))
	}
	vm := vms[0]
	task, err := vm.Rename(ctx, name)
	if err != nil {
		return err
	}
	if err := task.Wait(ctx); err != nil {
		return err
	}
	return object.NewVirtualMachine(client, vm.Reference()).MarkAsTemplate(ctx)
}

// certificates makes a CA and a server certificate it signs for 127.0.0.1 and localhost,
// as vCenter's own certificate authority (VMCA) does; it returns the TLS configuration
// serving that certificate and the CA certificate (DER) for clients to trust.
func certificates() (*tls.Config, []byte, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	now := time.Now()
	caTemplate := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "vcsim test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTemplate, caTemplate, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	leafTemplate := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "127.0.0.1"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames:     []string{"localhost"},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTemplate, caTemplate, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, err
	}
	leaf := tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: key}
	return &tls.Config{Certificates: []tls.Certificate{leaf}}, caDER, nil
}
