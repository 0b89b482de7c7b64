# Platform services and applications on the production cluster.

module "gateway" {
  source = "../../modules/api-gateway"

  cluster = module.prod.cluster
  dmz     = network_zone.dmz
  rps     = 4000
}

service "mesh" {
  cluster     = module.prod.cluster
  kind        = "service_mesh"
  replicas    = 3
  image       = "istio/pilot:1.23.2"
  description = "Istio control plane: mutual TLS and retries for east-west traffic."
}

module "monitoring" {
  source = "../../modules/monitoring"

  cluster = module.prod.cluster
  zone    = network_zone.mgmt
  storage = storage.ceph
}

module "messaging" {
  source = "../../modules/messaging"

  cluster = module.prod.cluster
  zone    = network_zone.data
  kafka   = { replicas = 3, quorum = 2, volume = "2TiB" }
}

service "postgres" {
  cluster     = module.prod.cluster
  kind        = "database"
  zone        = network_zone.data
  replicas    = 3
  quorum      = 2
  cpu         = 4
  memory      = "32GiB"
  spread      = "host"
  target      = "99.99%"
  image       = "postgres:16"
  description = "PostgreSQL with synchronous replication (Patroni): a majority must run."

  volume {
    size = "500GiB"
    path = "/var/lib/postgresql/data"
  }

  lifecycle {
    prevent_destroy = true
  }
}

service "workflow" {
  cluster     = module.prod.cluster
  kind        = "workflow_engine"
  replicas    = 3
  requires    = [service.postgres]
  target      = "99.95%"
  image       = "temporalio/server:1.25"
  description = "Temporal: long-running business processes with retries and compensation."
}

service "gitlab" {
  cluster     = module.prod.cluster
  kind        = "gitlab"
  zone        = network_zone.mgmt
  cpu         = 8
  memory      = "32GiB"
  image       = "gitlab/gitlab-ee:17.4.1-ee.0"
  description = "Source control, merge requests and CI/CD pipelines."

  volume {
    size = "1TiB"
    path = "/var/opt/gitlab"
  }
}

service "artifacts" {
  cluster     = module.prod.cluster
  kind        = "artifact_repository"
  zone        = network_zone.mgmt
  image       = "sonatype/nexus3:3.72.0"
  description = "Nexus: container images, Maven and npm packages."

  volume {
    size = "4TiB"
    path = "/nexus-data"
  }
}

locals {
  # What an application's `requires` names may stand for.
  platform_services = {
    database = service.postgres
    kafka    = module.messaging.kafka
    rabbitmq = module.messaging.rabbitmq
    workflow = service.workflow
    mesh     = service.mesh
  }
}

# One service per entry of var.applications.
service "app" {
  for_each = var.applications

  cluster     = module.prod.cluster
  replicas    = each.value.replicas
  cpu         = each.value.cpu
  memory      = each.value.memory
  target      = each.value.target
  requires    = [for name in each.value.requires : local.platform_services[name]]
  image       = "registry.bank.internal/apps/${each.key}:stable"
  description = "The ${each.key} service."

  dynamic "expose" {
    for_each = each.value.path == null ? [] : [each.value]

    content {
      gateway = module.gateway.gateway
      host    = expose.value.host
      path    = expose.value.path
    }
  }

  load {
    rps          = each.value.rps
    service_time = each.value.service_time
    concurrency  = 16
  }

  lifecycle {
    ignore_changes = [replicas]
  }
}

service "customer_portal" {
  cluster     = module.prod.cluster
  replicas    = 3
  cpu         = "750m"
  memory      = "1536MiB"
  target      = "99.9%"
  requires    = [service.app["accounts"], service.app["payments"]]
  image       = "registry.bank.internal/apps/customer-portal:stable"
  description = "Online banking for customers: a web front end over accounts and payments."

  expose {
    gateway = module.gateway.gateway
    host    = "www.bank.example"
  }

  load {
    rps          = 600
    service_time = "40ms"
    concurrency  = 16
  }
}

# Settlement runs every night at 02:00 and frees its resources when done.
job "nightly_settlement" {
  cluster     = module.prod.cluster
  schedule    = "0 2 * * *"
  duration    = "1h30m"
  cpu         = 4
  memory      = "16GiB"
  parallelism = 4
  retries     = 2
  requires    = [service.postgres, module.messaging.kafka]
  image       = "registry.bank.internal/batch/settlement:stable"
  description = "Clears the day's payments and books them to the ledger."

  depends_on = [module.messaging]
}

# A one-time job: moves the monolith's data into the new services, then is released.
job "migrate_core_banking" {
  cluster     = module.prod.cluster
  duration    = "6h"
  cpu         = 8
  memory      = "32GiB"
  requires    = [service.postgres]
  image       = "registry.bank.internal/batch/core-banking-migration:1.0"
  description = "Copies accounts and history from the core-banking monolith."
}

# The monolith that the microservices replace, still on VMs in phase 1.
vm "core_banking" {
  count = 2

  pool          = host_pool.dc1_compute
  cpu           = 16
  memory        = "128GiB"
  disk          = "500GiB"
  zone          = network_zone.app
  anti_affinity = "core-banking"
  os            = "RHEL 9"
  description   = "Core-banking monolith, node ${count.index + 1} of 2 (active/passive)."
}

# The monolith as an application: either node serves (active/passive behind the load
# balancer), restarted by vSphere HA. It becomes the payments and accounts services.
service "core_banking" {
  vms         = vm.core_banking[*]
  quorum      = 1
  target      = 0.9995
  migrates_to = [service.app["payments"], service.app["accounts"]]
  description = "The core-banking monolith today, on VMs."
}
