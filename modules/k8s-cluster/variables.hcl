variable "name" {
  type        = string
  description = "The cluster's name, as people and the other outputs call it."

  validation {
    condition     = length(var.name) > 0 && length(var.name) <= 40
    error_message = "The name must be 1 to 40 characters long."
  }
}

variable "pool" {
  type        = any
  description = "The host_pool whose hosts run the nodes (a reference such as host_pool.dc1_compute)."
}

variable "zone" {
  type        = any
  description = "The network_zone the nodes are attached to."
}

variable "storage" {
  type        = any
  default     = null
  description = "The storage that volumes of services on this cluster use by default; none when null."
}

variable "purpose" {
  type        = string
  default     = "dev"
  description = "What the cluster is for: dev, test, staging, prod or gpu."

  validation {
    condition     = contains(["dev", "test", "staging", "prod", "gpu"], var.purpose)
    error_message = "The purpose must be one of dev, test, staging, prod or gpu."
  }
}

variable "kubernetes_version" {
  type        = string
  default     = "1.31"
  description = "The Kubernetes version of the cluster."
}

variable "control_plane_count" {
  type        = number
  default     = null
  description = "Control-plane nodes (etcd members); 3 for prod and 1 otherwise when null."

  validation {
    condition     = var.control_plane_count == null ? true : var.control_plane_count % 2 == 1
    error_message = "Use an odd number of control-plane nodes (1, 3 or 5): etcd needs a majority."
  }
}

variable "control_plane_cpu" {
  type        = number
  default     = 4
  description = "vCPUs per control-plane node."
}

variable "control_plane_memory" {
  type        = size
  default     = "16GiB"
  description = "Memory per control-plane node."
}

variable "node_groups" {
  description = "Worker node groups by name: how many nodes, and the size of each."

  type = map(object({
    count  = number
    cpu    = number
    memory = size
    disk   = optional(size)
    gpu    = optional(number)
    labels = optional(map(string))
  }))

  validation {
    condition     = length(var.node_groups) > 0
    error_message = "A cluster needs at least one node group."
  }

  validation {
    condition     = length(flatten([for g in values(var.node_groups) : range(g.count)])) >= 2
    error_message = "A cluster needs at least two worker nodes in all, so that one can fail."
  }
}
