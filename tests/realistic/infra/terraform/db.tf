variable "db_password" {
  description = "Master password for the database; set it through TF_VAR_db_password."
  type        = string
  sensitive   = true
}

resource "random_password" "replica" {
  length  = 32
  special = false
}

resource "aws_kms_key" "db" {
  description             = "database encryption"
  deletion_window_in_days = 10
}

resource "aws_db_instance" "main" {
  identifier        = "app-main"
  engine            = "postgres"
  instance_class    = "db.t3.medium"
  username          = "app"
  password          = var.db_password
  kms_key_id        = aws_kms_key.db.arn
  storage_encrypted = true
}

resource "aws_secretsmanager_secret_version" "replica" {
  secret_id     = aws_secretsmanager_secret.replica.id
  secret_string = jsonencode({ password = random_password.replica.result })
}

output "db_password_secret_arn" {
  value = aws_secretsmanager_secret.replica.arn
}
