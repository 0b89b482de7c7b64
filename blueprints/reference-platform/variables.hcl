# Inputs of the reference platform. Override them with -var, -var-file or STRATA_VAR_name.

variable "base_cidr" {
  type        = string
  default     = "10.32.0.0/12"
  description = "The address range the network zones are cut from, one /16 each."

  validation {
    condition     = can(cidrsubnet(var.base_cidr, 4, 3))
    error_message = "The base range must be an IPv4 network of /12 or larger, such as \"10.32.0.0/12\"."
  }
}

variable "racks_per_site" {
  type        = number
  default     = 4
  description = "Racks in each datacenter; the hosts of a pool are spread over them."

  validation {
    condition     = var.racks_per_site >= 2
    error_message = "Use at least two racks per site, so that a rack is not the whole site."
  }
}

variable "compute_hosts" {
  type        = map(number)
  description = "Hosts of the compute pool in each site."

  default = {
    dc1 = 8
    dc2 = 6
  }

  validation {
    condition     = length([for site, hosts in var.compute_hosts : site if hosts < 3]) == 0
    error_message = "Every compute pool needs at least three hosts, so that HA can restart VMs elsewhere."
  }
}

variable "host_cost" {
  type        = number
  default     = 24000
  description = "Cost of one compute host per year (hardware write-off, support, power, rack space)."
}

variable "bastion_count" {
  type        = number
  default     = 2
  description = "Bastion (jump) hosts in the DMZ, spread over the sites."

  validation {
    condition     = var.bastion_count >= 1 && var.bastion_count <= 8
    error_message = "Run between one and eight bastion hosts."
  }
}

variable "prod_workers" {
  type        = number
  default     = 8
  description = "General-purpose worker nodes of the production cluster."

  validation {
    condition     = var.prod_workers >= 3
    error_message = "Production needs at least three workers, so that replicas can spread."
  }
}

variable "applications" {
  description = "Application services on the production cluster, by name: size, peak load, target, route and the platform services they need (database, kafka, rabbitmq, workflow, mesh)."

  type = map(object({
    replicas     = number
    cpu          = optional(number, 0.5)
    memory       = optional(size, "1GiB")
    rps          = number
    service_time = duration
    target       = optional(ratio, "99.9%")
    host         = optional(string)
    path         = optional(string)
    requires     = optional(list(string), [])
  }))

  default = {
    payments = {
      replicas     = 4
      cpu          = 1
      memory       = "2GiB"
      rps          = 800
      service_time = "25ms"
      target       = "99.95%"
      host         = "api.bank.example"
      path         = "/payments"
      requires     = ["database", "kafka", "workflow"]
    }
    accounts = {
      replicas     = 3
      cpu          = 1
      memory       = "2GiB"
      rps          = 1500
      service_time = "10ms"
      target       = "99.95%"
      host         = "api.bank.example"
      path         = "/accounts"
      requires     = ["database"]
    }
    notifications = {
      replicas     = 2
      rps          = 200
      service_time = "15ms"
      requires     = ["rabbitmq"]
    }
  }

  validation {
    condition     = length([for name, app in var.applications : name if length([for r in app.requires : r if !contains(["database", "kafka", "rabbitmq", "workflow", "mesh"], r)]) > 0]) == 0
    error_message = "An application may only require database, kafka, rabbitmq, workflow or mesh."
  }

  validation {
    condition     = length([for name, app in var.applications : name if app.replicas < 2]) == 0
    error_message = "Every application runs at least two replicas."
  }
}
