# The monitoring stack of a cluster: Prometheus (with exporters) scrapes metrics and
# evaluates alert rules, Alertmanager routes alerts, Grafana shows dashboards. Only the
# flows the stack needs are allowed between its parts.

service "prometheus" {
  cluster     = var.cluster
  kind        = "prometheus"
  zone        = var.zone
  replicas    = var.prometheus_replicas
  cpu         = 2
  memory      = var.prometheus_memory
  image       = "quay.io/prometheus/prometheus:v2.54.1"
  target      = var.target
  description = "Metrics and alert rules, scraping node and service exporters."

  volume {
    size    = var.prometheus_volume
    storage = var.storage
    path    = "/prometheus"
  }
}

service "alertmanager" {
  cluster     = var.cluster
  kind        = "alertmanager"
  zone        = var.zone
  replicas    = var.alertmanager_replicas
  quorum      = floor(var.alertmanager_replicas / 2) + 1
  image       = "quay.io/prometheus/alertmanager:v0.27.0"
  target      = var.target
  description = "Routes alerts from Prometheus to on-call people."

  volume {
    size    = "1GiB"
    storage = var.storage
    path    = "/alertmanager"
  }
}

service "grafana" {
  cluster     = var.cluster
  kind        = "grafana"
  zone        = var.zone
  replicas    = var.grafana_replicas
  image       = "grafana/grafana:11.2.0"
  target      = var.target
  requires    = [service.prometheus]
  description = "Dashboards over Prometheus."
}

network_policy "grafana_to_prometheus" {
  from        = service.grafana
  to          = service.prometheus
  ports       = [9090]
  description = "Grafana queries Prometheus."
}

network_policy "prometheus_to_alertmanager" {
  from        = service.prometheus
  to          = service.alertmanager
  ports       = [9093]
  description = "Prometheus sends firing alerts to Alertmanager."
}
