# Storage outside the containers: Ceph for production volumes, NFS for test and dev.

storage "ceph" {
  type        = "ceph"
  pool        = host_pool.dc1_storage
  capacity    = "180TiB"
  replicas    = 3
  min_size    = 2
  zone        = network_zone.data
  cost        = 95
  description = "Ceph RBD pool: three replicas on different hosts, I/O while two are up."

  lifecycle {
    prevent_destroy = true
  }
}

storage "nfs" {
  type        = "nfs"
  server      = "nfs01.dc2.bank.internal"
  capacity    = "40TiB"
  zone        = network_zone.data
  cost        = 60
  description = "NFS filer for the test and development clusters."
}
