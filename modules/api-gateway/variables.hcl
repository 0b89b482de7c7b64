variable "cluster" {
  type        = any
  description = "The kubernetes_cluster the gateway runs on."
}

variable "dmz" {
  type        = any
  description = "The DMZ network_zone that north-south traffic arrives from."
}

variable "zone" {
  type        = any
  default     = null
  description = "The network_zone of the gateway's pods; the cluster's zone when null."
}

variable "replicas" {
  type        = number
  default     = 3
  description = "Gateway replicas; one is enough to route traffic."

  validation {
    condition     = var.replicas >= 2
    error_message = "Run at least two gateway replicas: it is the single entry point."
  }
}

variable "ports" {
  type        = list(number)
  default     = [443]
  description = "Ports opened from the DMZ to the gateway."
}

variable "image" {
  type        = string
  default     = "kong/kong-gateway:3.8"
  description = "The gateway's container image."
}

variable "rps" {
  type        = number
  default     = null
  description = "Peak requests per second through the gateway; no load model when null."
}

variable "target" {
  type        = ratio
  default     = "99.95%"
  description = "Availability target of the gateway."
}
