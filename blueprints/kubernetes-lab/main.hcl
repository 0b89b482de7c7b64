# A small platform on one Kubernetes cluster: an API gateway in the DMZ, Kafka in the data
# zone, an application with a volume exposed through the gateway, the flows between them,
# a nightly job and a SIT environment. `strata render blueprints/kubernetes-lab --provider
# kubernetes` writes its manifests (docs/providers/kubernetes.md).

provider "kubernetes" {
  context = "lab"
}

strata {
  default_provider {
    service        = kubernetes
    network_policy = kubernetes
    job            = kubernetes
    environment    = kubernetes
  }
}

site "lab" {}

host_pool "lab" {
  site  = site.lab
  hosts = 3
  host {
    cpu    = 32
    memory = "256GiB"
  }
}

network_zone "dmz" {
  cidr = "10.40.0.0/24"
}

network_zone "app" {
  cidr = "10.40.1.0/24"
}

network_zone "data" {
  cidr = "10.40.2.0/24"
}

storage "ceph" {
  type     = "ceph"
  pool     = host_pool.lab
  capacity = "20TiB"
  replicas = 3
  min_size = 2
}

kubernetes_cluster "lab" {
  pool    = host_pool.lab
  zone    = network_zone.app
  storage = storage.ceph

  control_plane {
    count = 1
  }

  node_group "general" {
    count  = 3
    cpu    = 16
    memory = "64GiB"
  }
}

service "gateway" {
  cluster  = kubernetes_cluster.lab
  kind     = "api_gateway"
  zone     = network_zone.dmz
  replicas = 2
  image    = "kong/kong-gateway:3.8"
  spread   = "node"
}

service "kafka" {
  cluster = kubernetes_cluster.lab
  kind    = "kafka"
  zone    = network_zone.data
  image   = "apache/kafka:3.8.0"

  volume {
    size = "100GiB"
    path = "/var/lib/kafka/data"
  }
}

service "orders" {
  cluster  = kubernetes_cluster.lab
  replicas = 3
  cpu      = "500m"
  memory   = "1GiB"
  image    = "registry.lab.internal/orders:1.4.2"
  requires = [service.kafka]

  volume {
    size = "10GiB"
    path = "/var/cache/orders"
  }

  expose {
    gateway = service.gateway
    host    = "orders.lab.example"
    path    = "/api/orders"
  }
}

network_policy "clients_to_gateway" {
  from  = network_zone.dmz
  to    = service.gateway
  ports = [443]
}

network_policy "gateway_to_orders" {
  from  = service.gateway
  to    = service.orders
  ports = [8080]
}

network_policy "orders_to_kafka" {
  from  = service.orders
  to    = service.kafka
  ports = [9092]
}

job "nightly_report" {
  cluster  = kubernetes_cluster.lab
  schedule = "0 2 * * *"
  duration = "30m"
  cpu      = 1
  memory   = "2GiB"
  retries  = 2
  requires = [service.kafka]
  image    = "registry.lab.internal/reports:1.0"
}

environment "sit" {
  cluster  = kubernetes_cluster.lab
  purpose  = "sit"
  ttl      = "72h"
  services = [service.orders]

  quota {
    cpu    = 8
    memory = "16GiB"
  }
}
