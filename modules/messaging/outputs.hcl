output "kafka" {
  value       = service.kafka
  description = "The Kafka service."
}

output "rabbitmq" {
  value       = service.rabbitmq
  description = "The RabbitMQ service."
}
