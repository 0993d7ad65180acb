variable "endpoint" {
  description = "The AWS emulator's URL (every service the job calls is sent there)."
  type        = string
}

variable "workflow_dir" {
  description = "The folder holding certs/site.pem, certs/site.key, certs/chain.pem and maintenance.html."
  type        = string
}

variable "certificate_name" {
  description = <<-EOT
    The IAM server certificate's name, as upload-cert derives it (Terraform cannot read a
    certificate): www-example-com-<notAfter as YYYYMMDD, UTC>-<first 8 hex digits of the serial,
    lowercase, without leading zeros>; examples/aws-cli/seed.sh shows the openssl commands.
  EOT
  type        = string
}
