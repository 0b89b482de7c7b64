# The smallest useful platform: one site, one host pool, one Kubernetes cluster with a
# single control-plane node and two workers, and one application service.

variable "workers" {
  type        = number
  default     = 2
  description = "Worker nodes in the cluster."

  validation {
    condition     = var.workers >= 2
    error_message = "A cluster needs at least two workers, so that one can fail."
  }
}

site "dc1" {
  location = "Main datacenter"
}

host_pool "main" {
  site  = site.dc1
  hosts = 3

  host {
    cpu    = 32
    memory = "256GiB"
  }

  overcommit {
    cpu = 4
  }
}

network_zone "app" {
  cidr = "10.10.0.0/16"
}

kubernetes_cluster "main" {
  pool    = host_pool.main
  zone    = network_zone.app
  purpose = "dev"

  control_plane {
    count  = 1
    cpu    = 4
    memory = "16GiB"
  }

  node_group "workers" {
    count  = var.workers
    cpu    = 8
    memory = "32GiB"
  }
}

service "hello" {
  cluster  = kubernetes_cluster.main
  replicas = 2
  cpu      = "500m"
  memory   = "512MiB"
}

output "cluster" {
  value       = kubernetes_cluster.main.name
  description = "The cluster's name."
}
