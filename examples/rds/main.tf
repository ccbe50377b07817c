# RDS Postgres alone, in a subnet group, with its password from a sensitive variable, sent as a
# write-only argument: it never enters the state or a plan file.
provider "aws" {
  region = "us-east-1"
}

variable "db_password" {
  type      = string
  sensitive = true
}

resource "aws_vpc" "db" {
  cidr_block = "10.43.0.0/16"
}

resource "aws_subnet" "db" {
  count             = 2
  vpc_id            = aws_vpc.db.id
  cidr_block        = cidrsubnet(aws_vpc.db.cidr_block, 8, count.index)
  availability_zone = ["us-east-1a", "us-east-1b"][count.index]
}

resource "aws_db_subnet_group" "db" {
  name       = "example-db"
  subnet_ids = aws_subnet.db[*].id
}

resource "aws_db_instance" "db" {
  identifier           = "example-db"
  engine               = "postgres"
  engine_version       = "16.3"
  instance_class       = "db.t3.micro"
  allocated_storage    = 20
  db_name              = "app"
  username             = "app"
  password_wo          = var.db_password
  password_wo_version  = 1
  db_subnet_group_name = aws_db_subnet_group.db.name
  skip_final_snapshot  = true
}

output "address" {
  value = aws_db_instance.db.address
}
