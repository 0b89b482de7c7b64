# The built-in simulated datacenter; swap for vsphere or libvirt to provision real hosts.
provider "sim" {}

# The currency of every `cost` (host pools, storage), as reports print it.
strata {
  currency = "EUR"
}
