# Temporary test environments, cloned from the application services onto the test
# cluster and released when their time to live has passed.

environment "sit" {
  cluster     = module.nonprod["test"].cluster
  purpose     = "sit"
  ttl         = "72h"
  services    = values(service.app)
  owner       = "integration-testing"
  description = "System integration test of one change across all applications."

  quota {
    cpu    = 16
    memory = "64GiB"
  }
}

environment "uat" {
  cluster     = module.nonprod["test"].cluster
  purpose     = "uat"
  ttl         = "14d"
  services    = concat(values(service.app), [service.customer_portal])
  owner       = "business-acceptance"
  description = "User acceptance test before a release, with the customer portal."

  quota {
    cpu    = 24
    memory = "96GiB"
  }

  depends_on = [environment.sit]
}
