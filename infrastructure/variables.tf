variable "region" {
  type    = string
  default = "us-east-1"
}

variable "project" {
  type    = string
  default = "shop"
}

variable "environment" {
  type        = string
  description = "dev, staging or prod"
  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "environment must be dev, staging or prod."
  }
}

variable "vpc_cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "image" {
  type        = string
  description = "The container image the service runs."
  default     = "public.ecr.aws/nginx/nginx:1.27"
}

variable "app_port" {
  type    = number
  default = 8080
}

variable "task_cpu" {
  type    = string
  default = "256"
}

variable "task_memory" {
  type    = string
  default = "512"
}

variable "desired_count" {
  type    = number
  default = 2
}

variable "max_count" {
  type        = number
  description = "The most tasks CPU autoscaling may run."
  default     = 4
}

variable "cpu_target_percent" {
  type        = number
  description = "The average CPU utilisation autoscaling keeps the service at."
  default     = 60
}

variable "bake_time_in_minutes" {
  type    = number
  default = 10
}

variable "db_instance_class" {
  type    = string
  default = "db.t3.micro"
}

variable "db_allocated_storage" {
  type    = number
  default = 20
}

variable "db_multi_az" {
  type    = bool
  default = false
}

variable "deletion_protection" {
  type    = bool
  default = false
}

variable "log_retention_days" {
  type    = number
  default = 14
}

variable "db_password" {
  type        = string
  description = "The Postgres master password. Set TF_VAR_db_password; never commit it."
  sensitive   = true
}

variable "db_password_version" {
  type        = number
  description = "Raise it after changing db_password: the new password is then sent to RDS and Secrets Manager (both are write-only and never stored)."
  default     = 1
}

variable "domain_name" {
  type        = string
  description = "The name the service answers on over HTTPS; the stack makes its hosted zone."
}
