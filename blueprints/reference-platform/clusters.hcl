# Kubernetes clusters by purpose, all from modules/k8s-cluster: production with three
# control-plane nodes in dc1, test and development in dc2, and a separate GPU cluster.

module "prod" {
  source = "../../modules/k8s-cluster"

  name                 = "prod"
  pool                 = host_pool.dc1_compute
  zone                 = network_zone.app
  storage              = storage.ceph
  purpose              = "prod"
  control_plane_cpu    = 8
  control_plane_memory = "32GiB"

  node_groups = {
    general = {
      count  = var.prod_workers
      cpu    = 16
      memory = "64GiB"
    }
    memory = {
      count  = 3
      cpu    = 16
      memory = "128GiB"
      labels = { workload = "stateful" }
    }
  }
}

locals {
  nonprod_clusters = {
    test = {
      workers = 4
      cpu     = 8
      memory  = "32GiB"
    }
    dev = {
      workers = 3
      cpu     = 8
      memory  = "32GiB"
    }
  }
}

module "nonprod" {
  source   = "../../modules/k8s-cluster"
  for_each = local.nonprod_clusters

  name    = each.key
  pool    = host_pool.dc2_compute
  zone    = network_zone.app
  storage = storage.nfs
  purpose = each.key

  node_groups = {
    general = {
      count  = each.value.workers
      cpu    = each.value.cpu
      memory = each.value.memory
    }
  }
}

module "gpu" {
  source = "../../modules/k8s-cluster"

  name    = "gpu"
  pool    = host_pool.dc1_gpu
  zone    = network_zone.app
  storage = storage.ceph
  purpose = "gpu"

  node_groups = {
    a100 = {
      count  = 3
      cpu    = 32
      memory = "384GiB"
      disk   = "1TiB"
      gpu    = 2
      labels = { accelerator = "nvidia-a100" }
    }
  }
}
