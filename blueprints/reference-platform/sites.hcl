# Sites, racks and the virtualisation host pools: the failure domains of the platform.

site "dc1" {
  location    = "Frankfurt, primary datacenter"
  description = "Runs production, the GPU cluster and the Ceph storage."
}

site "dc2" {
  location    = "Offenbach, secondary datacenter (12 km from dc1)"
  description = "Runs test and development, and a bastion."
}

rack "dc1" {
  count = var.racks_per_site

  site        = site.dc1
  description = format("Rack %02d in dc1", count.index + 1)
}

rack "dc2" {
  count = var.racks_per_site

  site        = site.dc2
  description = format("Rack %02d in dc2", count.index + 1)
}

# Production compute: dual-socket 24-core hosts, no memory overcommit, 25% of the
# cluster (two hosts of eight) held back for HA restarts.
host_pool "dc1_compute" {
  site        = site.dc1
  racks       = rack.dc1
  hosts       = var.compute_hosts["dc1"]
  cost        = var.host_cost
  description = "Production VMs and Kubernetes nodes."

  host {
    cpu    = 48
    memory = "768GiB"
    ghz    = 2.8
    disk   = "1.92TB"
  }

  overcommit {
    cpu    = 4
    memory = 1
  }

  ha {
    admission = "percentage"
    reserve   = "25%"
  }
}

# Non-production compute: denser overcommit, slot-based admission for one host failure.
host_pool "dc2_compute" {
  site        = site.dc2
  racks       = rack.dc2
  hosts       = var.compute_hosts["dc2"]
  cost        = var.host_cost
  description = "Test and development clusters."

  host {
    cpu    = 48
    memory = "768GiB"
    ghz    = 2.8
    disk   = "1.92TB"
  }

  overcommit {
    cpu    = 6
    memory = 1.5
  }

  ha {
    admission     = "slots"
    host_failures = 1
  }
}

# GPU hosts: two accelerators each, one host kept empty for failover.
host_pool "dc1_gpu" {
  site        = site.dc1
  racks       = [rack.dc1[0], rack.dc1[1]]
  hosts       = 4
  cost        = 95000
  description = "Hosts with GPUs for model training and inference."

  host {
    cpu    = 64
    memory = "1TiB"
    ghz    = 2.4
    disk   = "7.68TB"
  }

  ha {
    admission      = "failover_hosts"
    failover_hosts = 1
  }
}

# Ceph OSD hosts: fourteen 7.68 TB NVMe drives each (180TiB kept 3 times needs 594 TB raw);
# Ceph handles its own failover.
host_pool "dc1_storage" {
  site        = site.dc1
  racks       = rack.dc1
  hosts       = 6
  cost        = 31000
  description = "Ceph OSD and monitor hosts."

  host {
    cpu    = 32
    memory = "384GiB"
    disk   = "107.52TB"
  }

  ha {
    admission = "disabled"
  }
}
