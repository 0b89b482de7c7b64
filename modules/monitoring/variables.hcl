variable "cluster" {
  type        = any
  description = "The kubernetes_cluster the stack runs on (a reference such as module.prod.cluster)."
}

variable "zone" {
  type        = any
  default     = null
  description = "The network_zone of the stack's services; the cluster's zone when null."
}

variable "storage" {
  type        = any
  default     = null
  description = "The storage of Prometheus and Alertmanager volumes; the cluster's storage when null."
}

variable "prometheus_replicas" {
  type        = number
  default     = 2
  description = "Prometheus replicas; each scrapes every target, so one is enough to be up."

  validation {
    condition     = var.prometheus_replicas >= 1
    error_message = "Prometheus needs at least one replica."
  }
}

variable "prometheus_memory" {
  type        = size
  default     = "16GiB"
  description = "Memory request of each Prometheus replica; grows with the number of series."
}

variable "prometheus_volume" {
  type        = size
  default     = "200GiB"
  description = "Volume per Prometheus replica: the retained metrics."
}

variable "alertmanager_replicas" {
  type        = number
  default     = 3
  description = "Alertmanager replicas; a gossip cluster that needs a majority."

  validation {
    condition     = var.alertmanager_replicas % 2 == 1
    error_message = "Use an odd number of Alertmanager replicas, so that a majority exists."
  }
}

variable "grafana_replicas" {
  type        = number
  default     = 2
  description = "Grafana replicas."
}

variable "target" {
  type        = ratio
  default     = "99.9%"
  description = "Availability target of each service of the stack."
}
