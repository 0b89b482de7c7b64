# The built-in simulated datacenter; swap for vsphere or libvirt to provision real hosts.
provider "sim" {}
