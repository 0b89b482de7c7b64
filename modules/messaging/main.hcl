# Message brokers for data pipelines: Kafka for event streams, RabbitMQ for work queues.
# Both keep data on their replicas and are up only while a quorum of them runs.

service "kafka" {
  cluster     = var.cluster
  kind        = "kafka"
  zone        = var.zone
  replicas    = var.kafka.replicas
  quorum      = var.kafka.quorum
  cpu         = var.kafka.cpu
  memory      = var.kafka.memory
  image       = "apache/kafka:3.8.0"
  description = "Event streaming; the quorum is min.insync.replicas."

  volume {
    size    = var.kafka.volume
    storage = var.storage
    path    = "/var/lib/kafka"
  }
}

service "rabbitmq" {
  cluster     = var.cluster
  kind        = "rabbitmq"
  zone        = var.zone
  replicas    = var.rabbitmq.replicas
  quorum      = floor(var.rabbitmq.replicas / 2) + 1
  cpu         = var.rabbitmq.cpu
  memory      = var.rabbitmq.memory
  image       = "rabbitmq:3.13-management"
  description = "Work queues; quorum queues need a majority of nodes."

  volume {
    size    = var.rabbitmq.volume
    storage = var.storage
    path    = "/var/lib/rabbitmq"
  }
}
