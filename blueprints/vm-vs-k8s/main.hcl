# One application, the payments service, as it runs today and as it will run after the
# migration: today two VMs behind a load balancer, protected by vSphere HA; after, three
# replicas on a Kubernetes cluster on the same hosts. `strata simulate` and
# `strata report` show the two side by side (the Migration table).

site "dc1" {
  location = "Primary datacenter"
}

rack "dc1" {
  count = 2
  site  = site.dc1
}

network_zone "app" {
  cidr        = "10.20.0.0/16"
  description = "Application tier."
}

# Four vSphere hosts; admission control keeps a quarter of the cluster for restarts.
host_pool "vsphere" {
  site  = site.dc1
  racks = rack.dc1
  hosts = 4
  cost  = 18000

  host {
    cpu    = 32
    memory = "512GiB"
  }

  overcommit {
    cpu = 2
  }

  ha {
    admission = "percentage"
    reserve   = 0.25
  }
}

# Today: the application on two VMs, never on the same host, behind a load balancer. The
# peak load needs both (the VMs were sized for it, without a spare): quorum 2 of 2.
vm "payments" {
  count = 2

  pool          = host_pool.vsphere
  zone          = network_zone.app
  cpu           = 8
  memory        = "32GiB"
  disk          = "200GiB"
  anti_affinity = "payments"
  os            = "RHEL 8"
  description   = "Payments monolith, node ${count.index + 1} of 2 behind the load balancer."

  ha {
    restart_priority = "high"
  }
}

service "payments_vm" {
  vms         = vm.payments[*]
  quorum      = 2
  target      = 0.9995
  migrates_to = [service.payments]
  description = "The payments application today, on VMs."
}

# After: three replicas on Kubernetes of the same total size; the peak load needs two of
# them, so one can fail: quorum 2 of 3.
kubernetes_cluster "prod" {
  pool    = host_pool.vsphere
  zone    = network_zone.app
  purpose = "prod"

  control_plane {
    count  = 3
    cpu    = 4
    memory = "16GiB"
  }

  node_group "general" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}

service "payments" {
  cluster     = kubernetes_cluster.prod
  replicas    = 3
  quorum      = 2
  cpu         = 2
  memory      = "4GiB"
  spread      = "host"
  target      = 0.9995
  description = "The payments application after migration, on Kubernetes."
}

# Everyday failures over a year. The VMs' guest OS and the monolith crash more often
# than a container restarts, and take longer to come back.
scenario "host_failures" {
  horizon      = "365d"
  replications = 2000
  seed         = 42
  description  = "Hosts, VMs, nodes and pods failing as they do on an ordinary year."

  failures {
    host {
      mtbf = "8760h"
      mttr = "8h"
    }

    # The legacy VMs: a guest OS or monolith crash, restarted by VM monitoring.
    vm {
      vm   = vm.payments
      mtbf = "2190h"
      mttr = "20m"
    }

    # Every other VM (the Kubernetes nodes).
    vm {
      mtbf = "8760h"
      mttr = "10m"
    }

    node {
      cluster = kubernetes_cluster.prod
      mtbf    = "4380h"
      mttr    = "15m"
    }

    replica {
      service = service.payments
      mtbf    = "720h"
      mttr    = "1m"
    }
  }
}
