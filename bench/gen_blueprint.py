#!/usr/bin/env python3
"""Generates a large blueprint for benchmarks: `gen_blueprint.py DIR INSTANCES`.

The blueprint uses count, for_each, a module called once per tenant with for_each, and
cross references (VMs to pools and zones, services to clusters and to each other,
policies between tenant zones), so that validate and graph do real work at scale.
"""
import os
import sys

def main():
    out, target = sys.argv[1], int(sys.argv[2])
    per_tenant = 1000 if target >= 10000 else 100
    tenants = max(1, target // per_tenant)
    vms = per_tenant * 4 // 10 - 2
    services = per_tenant - vms - 2
    os.makedirs(os.path.join(out, "tenant"), exist_ok=True)
    with open(os.path.join(out, "main.hcl"), "w") as f:
        f.write(f'''variable "tenants" {{
  type    = number
  default = {tenants}
}}

locals {{
  names = toset([for i in range(var.tenants) : format("t%04d", i)])
  index = {{ for i, n in sort(tolist(local.names)) : n => i }}
}}

site "dc" {{
  count = 2
}}

host_pool "pool" {{
  count = 2
  site  = site.dc[count.index]
  hosts = 20000

  host {{
    cpu    = 128
    memory = "1TiB"
  }}

  overcommit {{
    cpu = 4
  }}
}}

network_zone "core" {{
  cidr = "10.0.0.0/16"
}}

kubernetes_cluster "shared" {{
  for_each = toset(["a", "b"])
  pool     = host_pool.pool[each.key == "a" ? 0 : 1]
  zone     = network_zone.core
  purpose  = "prod"

  control_plane {{
    count = 3
  }}

  node_group "workers" {{
    count  = 50
    cpu    = 32
    memory = "128GiB"
  }}
}}

module "tenant" {{
  source   = "./tenant"
  for_each = local.names
  index    = local.index[each.key]
  pool     = host_pool.pool[local.index[each.key] % 2]
  cluster  = kubernetes_cluster.shared[local.index[each.key] % 2 == 0 ? "a" : "b"]
  core     = network_zone.core
}}

output "tenant_zones" {{
  value = {{ for k, m in module.tenant : k => m.zone }}
}}
''')
    with open(os.path.join(out, "tenant", "main.hcl"), "w") as f:
        f.write(f'''variable "index" {{
  type = number
}}

variable "pool" {{}}

variable "cluster" {{}}

variable "core" {{}}

network_zone "zone" {{
  cidr = cidrsubnet("10.0.0.0/8", 8, var.index + 1)
}}

vm "app" {{
  count   = {vms}
  pool    = var.pool
  zone    = network_zone.zone
  cpu     = 1 + count.index % 4
  memory  = "${{2 + count.index % 4}}GiB"
  address = cidrhost(network_zone.zone.cidr, count.index + 10)
}}

service "back" {{
  count    = {services // 2}
  cluster  = var.cluster
  replicas = 2
  cpu      = "250m"
  memory   = "256MiB"
}}

service "front" {{
  count    = {services - services // 2}
  cluster  = var.cluster
  replicas = 2
  cpu      = "500m"
  memory   = "512MiB"
  requires = [service.back[count.index % {services // 2}]]
}}

network_policy "in" {{
  from  = var.core
  to    = network_zone.zone
  ports = [443, 8443]
}}

output "zone" {{
  value = network_zone.zone.cidr
}}
''')

main()
