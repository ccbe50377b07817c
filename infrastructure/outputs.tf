output "vpc_id" {
  value = aws_vpc.main.id
}

output "alb_dns_name" {
  description = "Where the service answers."
  value       = aws_lb.main.dns_name
}

output "listener_arn" {
  description = "The production (HTTPS) listener that blue/green switches."
  value       = aws_lb_listener.https.arn
}

output "url" {
  value = "https://${var.domain_name}"
}

output "name_servers" {
  description = "Delegate the domain to these."
  value       = aws_route53_zone.main.name_servers
}

output "target_group_arns" {
  value = {
    blue  = aws_lb_target_group.blue.arn
    green = aws_lb_target_group.green.arn
  }
}

output "service_name" {
  value = aws_ecs_service.app.name
}

output "database_address" {
  value = aws_db_instance.main.address
}

output "account_id" {
  value = data.aws_caller_identity.current.account_id
}

output "repository_url" {
  description = "Push the service's images here."
  value       = aws_ecr_repository.app.repository_url
}
