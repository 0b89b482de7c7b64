# A small lab on one libvirt host: two isolated zones, a local storage pool and four tiny
# VMs with blank disks. `strata apply blueprints/libvirt-lab` builds it where libvirtd runs
# (a strata built with --features libvirt).

provider "libvirt" {
  uri         = "qemu:///system"
  name_prefix = "lab-"
  pool_root   = "/var/lib/libvirt/strata"
}

strata {
  default_provider {
    host_pool    = libvirt
    network_zone = libvirt
    storage      = libvirt
    vm           = libvirt
  }
}

site "lab" {}

host_pool "kvm" {
  site  = site.lab
  hosts = 1
  host {
    cpu    = 2
    memory = "4GiB"
  }
  overcommit {
    cpu = 4
  }
}

network_zone "app" {
  cidr = "10.231.1.0/24"
}

network_zone "data" {
  cidr = "10.231.2.0/24"
}

storage "local" {
  type     = "local"
  capacity = "1GiB"
}

vm "app" {
  count   = 2
  pool    = host_pool.kvm
  zone    = network_zone.app
  storage = storage.local
  cpu     = 1
  memory  = "64MiB"
  disk    = "16MiB"
}

vm "db" {
  count   = 2
  pool    = host_pool.kvm
  zone    = network_zone.data
  storage = storage.local
  cpu     = 1
  max_cpu = 2
  memory  = "96MiB"
  disk    = "16MiB"
}

# The data zone's VMs accept PostgreSQL from the app zone and nothing else inbound.
network_policy "app_to_data" {
  provider = libvirt
  from     = network_zone.app
  to       = network_zone.data
  ports    = [5432]
}
