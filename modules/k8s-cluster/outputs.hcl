output "cluster" {
  value       = kubernetes_cluster.this
  description = "The cluster itself, to pass on as `cluster = module.NAME.cluster`."
}

output "name" {
  value       = var.name
  description = "The cluster's name."
}

output "endpoint" {
  value       = kubernetes_cluster.this.endpoint
  description = "The API server URL, known after apply."
}

output "control_plane_count" {
  value       = local.control_plane_count
  description = "Control-plane nodes the cluster got."
}

output "worker_count" {
  value       = length(flatten([for g in values(var.node_groups) : range(g.count)]))
  description = "Worker nodes over all node groups."
}
