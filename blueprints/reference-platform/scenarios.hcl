# Simulation scenarios: what fails, how often, for how long, and how load grows.

scenario "host_failures" {
  horizon      = "365d"
  replications = 1000
  seed         = 42
  description  = "Everyday failures of hosts, VMs, nodes and pods over one year."

  failures {
    host {
      mtbf         = "43800h"
      mttr         = "8h"
      distribution = "lognormal"
      sigma        = 0.9
      repair_crews = 2
    }

    vm {
      mtbf         = "8760h"
      mttr         = "10m"
      distribution = "lognormal"
      sigma        = 0.5
    }

    node {
      mtbf = "4380h"
      mttr = "15m"
    }

    replica {
      mtbf         = "720h"
      mttr         = "2m"
      distribution = "weibull"
      shape        = 1.5
    }

    storage {
      mtbf = "17520h"
      mttr = "4h"
    }
  }

  timings {
    ha_detection       = "15s"
    vm_boot            = "2m"
    node_monitor_grace = "40s"
    pod_eviction       = "5m"
    pod_start          = "30s"
    ceph_rereplication = "10m"
  }

  maintenance {
    every    = "30d"
    duration = "1h30m"
  }
}

scenario "site_loss" {
  horizon      = "365d"
  replications = 200
  seed         = 7
  description  = "The primary datacenter loses power for six hours after a month."

  failures {
    host {
      mtbf = "43800h"
      mttr = "8h"
    }
  }

  inject {
    at   = "30d"
    fail = site.dc1
    for  = "6h"
  }
}

scenario "growth" {
  horizon      = "3y"
  replications = 100
  seed         = 11
  description  = "Load grows 5% a month for three years: when does capacity run out?"

  growth {
    rate    = "5%"
    per     = "month"
    model   = "compound"
    ceiling = "80%"
  }
}
