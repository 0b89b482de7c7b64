output "zone_cidrs" {
  value       = local.zone_cidrs
  description = "The address range of each network zone."
}

output "bastion_addresses" {
  value       = vm.bastion[*].address
  description = "Where operators log in."
}

output "prod_endpoint" {
  value       = module.prod.endpoint
  description = "The production API server URL, known after apply."
}

output "clusters" {
  description = "The clusters by purpose."

  value = {
    prod = module.prod.name
    test = module.nonprod["test"].name
    dev  = module.nonprod["dev"].name
    gpu  = module.gpu.name
  }
}

output "compute_capacity" {
  value       = { for pool in [host_pool.dc1_compute, host_pool.dc2_compute] : pool.name => pool.hosts * pool.host.cpu * pool.overcommit.cpu }
  description = "vCPUs each compute pool offers at its overcommit ratio."
}

output "exposed_routes" {
  value       = [for name, app in var.applications : "${app.host}${app.path}" if app.path != null]
  description = "The routes the API gateway serves for applications."
}
