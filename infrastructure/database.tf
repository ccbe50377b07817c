resource "aws_db_subnet_group" "main" {
  name        = local.name
  description = "Private subnets for ${local.name}"
  subnet_ids  = aws_subnet.private[*].id
}

resource "aws_db_instance" "main" {
  identifier              = local.name
  engine                  = "postgres"
  engine_version          = "16.3"
  instance_class          = var.db_instance_class
  allocated_storage       = var.db_allocated_storage
  storage_type            = "gp3"
  db_name                 = "app"
  username                = "app"
  # Write-only (Terraform 1.11): sent to RDS, never stored in the state or a plan file.
  # Raise password_wo_version after changing the password to send it again.
  password_wo             = var.db_password
  password_wo_version     = var.db_password_version
  port                    = 5432
  db_subnet_group_name    = aws_db_subnet_group.main.name
  vpc_security_group_ids  = [aws_security_group.db.id]
  multi_az                = var.db_multi_az
  publicly_accessible     = false
  backup_retention_period = 7
  deletion_protection     = var.deletion_protection
  skip_final_snapshot     = !var.deletion_protection
  final_snapshot_identifier = var.deletion_protection ? "${local.name}-final" : null

  # The password reaches RDS as a write-only value, not through the secret: the explicit
  # dependency keeps the order below.
  depends_on = [aws_secretsmanager_secret_version.db_password]
}

# The password lives in Secrets Manager, written there and to the database as a write-only
# value (never in the state); the service reads it there, never from its environment in
# clear. The database depends on the secret, so
# a destroy stopped by deletion protection keeps the secret too (a deleted secret's name stays
# taken for its recovery window).
resource "aws_secretsmanager_secret" "db_password" {
  name                    = "${local.name}/db-password"
  description             = "The Postgres master password of ${local.name}"
  recovery_window_in_days = var.deletion_protection ? 30 : 0
}

resource "aws_secretsmanager_secret_version" "db_password" {
  secret_id                = aws_secretsmanager_secret.db_password.id
  secret_string_wo         = var.db_password
  secret_string_wo_version = var.db_password_version
}
