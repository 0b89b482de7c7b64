variable "cluster" {
  type        = any
  description = "The kubernetes_cluster the brokers run on."
}

variable "zone" {
  type        = any
  default     = null
  description = "The network_zone of the brokers; the cluster's zone when null."
}

variable "storage" {
  type        = any
  default     = null
  description = "The storage of the brokers' volumes; the cluster's storage when null."
}

variable "kafka" {
  description = "Kafka brokers: replicas, min in-sync replicas (quorum), requests and volume per broker."
  default     = {}

  type = object({
    replicas = optional(number, 3)
    quorum   = optional(number, 2)
    cpu      = optional(number, 4)
    memory   = optional(size, "16GiB")
    volume   = optional(size, "1TiB")
  })

  validation {
    condition     = var.kafka.quorum <= var.kafka.replicas && var.kafka.quorum >= 1
    error_message = "Kafka's quorum (min.insync.replicas) must be between 1 and its replicas."
  }
}

variable "rabbitmq" {
  description = "RabbitMQ nodes: replicas, requests and volume per node; quorum queues need a majority."
  default     = {}

  type = object({
    replicas = optional(number, 3)
    cpu      = optional(number, 2)
    memory   = optional(size, "8GiB")
    volume   = optional(size, "100GiB")
  })

  validation {
    condition     = var.rabbitmq.replicas % 2 == 1
    error_message = "Use an odd number of RabbitMQ nodes: quorum queues need a majority."
  }
}
