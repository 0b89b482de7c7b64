output "prometheus" {
  value       = service.prometheus
  description = "The Prometheus service."
}

output "alertmanager" {
  value       = service.alertmanager
  description = "The Alertmanager service."
}

output "grafana" {
  value       = service.grafana
  description = "The Grafana service."
}

output "services" {
  value       = [service.prometheus, service.alertmanager, service.grafana]
  description = "Every service of the stack, for `requires` or environments."
}
