# A Kubernetes cluster whose nodes are VMs on a host pool: a control plane (three etcd
# members for production unless told otherwise) and one node group per entry of
# var.node_groups.

locals {
  control_plane_count = var.control_plane_count != null ? var.control_plane_count : (var.purpose == "prod" ? 3 : 1)
}

kubernetes_cluster "this" {
  pool        = var.pool
  zone        = var.zone
  storage     = var.storage
  purpose     = var.purpose
  version     = var.kubernetes_version
  description = "Kubernetes cluster ${var.name} (${var.purpose})."

  control_plane {
    count  = local.control_plane_count
    cpu    = var.control_plane_cpu
    memory = var.control_plane_memory
  }

  dynamic "node_group" {
    for_each = var.node_groups
    labels   = [node_group.key]

    content {
      count  = node_group.value.count
      cpu    = node_group.value.cpu
      memory = node_group.value.memory
      disk   = node_group.value.disk
      gpu    = node_group.value.gpu
      labels = merge({ "strata.io/cluster" = var.name, "strata.io/group" = node_group.key }, node_group.value.labels == null ? {} : node_group.value.labels)
    }
  }
}
