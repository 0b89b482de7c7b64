# The API gateway (Kong) for north-south traffic, and the one network policy that lets
# traffic from the DMZ reach it.

service "gateway" {
  cluster     = var.cluster
  kind        = "api_gateway"
  zone        = var.zone
  replicas    = var.replicas
  cpu         = 2
  memory      = "4GiB"
  port        = 443
  image       = var.image
  target      = var.target
  description = "Kong: routes, authenticates and rate-limits requests from outside."

  dynamic "load" {
    for_each = var.rps == null ? [] : [var.rps]

    content {
      rps          = load.value
      service_time = "2ms"
      concurrency  = 64
    }
  }
}

network_policy "dmz_to_gateway" {
  from        = var.dmz
  to          = service.gateway
  ports       = var.ports
  protocol    = "tcp"
  description = "Clients in the DMZ (load balancers, partners) reach the gateway."
}
