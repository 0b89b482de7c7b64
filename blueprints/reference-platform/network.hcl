# Network zones cut from var.base_cidr, and the flows allowed between them. Flows are
# declared once in local.flows and expanded into one network_policy each.

locals {
  zone_names = ["dmz", "app", "data", "mgmt"]
  zone_cidrs = { for i, name in local.zone_names : name => cidrsubnet(var.base_cidr, 4, i) }
}

network_zone "dmz" {
  cidr        = local.zone_cidrs.dmz
  vlan        = 100
  description = "Demilitarised zone: what the internet and partners reach."
}

network_zone "app" {
  cidr        = local.zone_cidrs.app
  vlan        = 200
  description = "Application zone: Kubernetes nodes and legacy application VMs."
}

network_zone "data" {
  cidr        = local.zone_cidrs.data
  vlan        = 300
  description = "Data zone: databases, message brokers and storage."
}

network_zone "mgmt" {
  cidr        = local.zone_cidrs.mgmt
  vlan        = 400
  description = "Management zone: monitoring, CI/CD and artifact repositories."
}

locals {
  flows = {
    app_to_data = {
      from        = network_zone.app
      to          = network_zone.data
      ports       = [5432, 5672, 9092]
      description = "Applications reach the database and the message brokers."
    }
    scrape = {
      from        = module.monitoring.prometheus
      to          = [network_zone.dmz, network_zone.app, network_zone.data]
      ports       = [9100, 8080, 9187, 9308]
      description = "Prometheus scrapes node, application, database and broker exporters."
    }
    bastion_ssh = {
      from        = vm.bastion
      to          = [network_zone.app, network_zone.data, network_zone.mgmt]
      ports       = [22]
      description = "Operators log in through the bastions only."
    }
    ci_deploy = {
      from        = service.gitlab
      to          = [module.prod.cluster, module.nonprod["test"].cluster, module.nonprod["dev"].cluster]
      ports       = [6443]
      description = "GitLab runners deploy to the clusters' API servers."
    }
    pull_images = {
      from        = network_zone.app
      to          = service.artifacts
      ports       = [8081, 443]
      description = "Nodes pull images and packages from the artifact repository."
    }
  }
}

network_policy "flow" {
  for_each = local.flows

  from        = each.value.from
  to          = each.value.to
  ports       = each.value.ports
  description = each.value.description
}

network_policy "gateway_to_apps" {
  from        = module.gateway.gateway
  to          = [for name, app in service.app : app if var.applications[name].path != null]
  ports       = [8080]
  description = "The gateway routes north-south requests to the exposed applications."
}

network_policy "dmz_to_data" {
  from        = network_zone.dmz
  to          = network_zone.data
  ports       = []
  protocol    = "any"
  action      = "deny"
  description = "Nothing in the DMZ talks to the data zone directly."
}

# Jump hosts: one per site in turn, with fixed addresses at the start of the DMZ.
vm "bastion" {
  count = var.bastion_count

  pool          = element([host_pool.dc1_compute, host_pool.dc2_compute], count.index)
  cpu           = 2
  memory        = "4GiB"
  disk          = "40GiB"
  zone          = network_zone.dmz
  address       = cidrhost(network_zone.dmz.cidr, 10 + count.index)
  anti_affinity = "bastion"
  os            = "Debian 12"
  description   = "Bastion ${count.index + 1}: SSH jump host for operators."
}
