# A lab in vCenter (or VMware's simulator: tools/vcsim/run.sh starts one on
# 127.0.0.1:8989): the cluster read as the host pool, its datastore LocalDS_0, two zones as
# distributed port groups and four VMs, two cloned from the simulator's template.
#
#   export STRATA_VSPHERE_URL=http://127.0.0.1:8989/sdk
#   export STRATA_VSPHERE_USER=user STRATA_VSPHERE_PASSWORD=pass
#   strata apply blueprints/vsphere-lab

provider "vsphere" {
  name_prefix = "lab-"
}

strata {
  default_provider {
    host_pool    = vsphere
    network_zone = vsphere
    storage      = vsphere
    vm           = vsphere
  }
}

site "lab" {}

host_pool "cluster" {
  site  = site.lab
  hosts = 4
  host {
    cpu    = 2
    memory = "4GiB"
  }
  overcommit {
    cpu = 4
  }
}

network_zone "app" {
  cidr = "10.232.1.0/24"
  vlan = 101
}

network_zone "data" {
  cidr = "10.232.2.0/24"
  vlan = 102
}

storage "LocalDS_0" {
  type     = "local"
  capacity = "1GiB"
}

vm "app" {
  count   = 2
  pool    = host_pool.cluster
  zone    = network_zone.app
  storage = storage.LocalDS_0
  image   = "template-linux"
  cpu     = 1
  memory  = "512MiB"
}

vm "db" {
  count   = 2
  pool    = host_pool.cluster
  zone    = network_zone.data
  storage = storage.LocalDS_0
  cpu     = 2
  memory  = "1GiB"
  disk    = "4GiB"
}
