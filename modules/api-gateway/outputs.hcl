output "gateway" {
  value       = service.gateway
  description = "The gateway service, for `expose { gateway = module.NAME.gateway }`."
}

output "policy" {
  value       = network_policy.dmz_to_gateway
  description = "The policy that admits DMZ traffic."
}
