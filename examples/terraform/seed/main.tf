# The seed job of examples/maintenance-failover.toml in Terraform: upload the certificate to IAM,
# build the S3 + CloudFront maintenance site with it, and set up Route 53 failover of
# www.example.com and example.com to it, with the same names and settings as switchyard's plugins.
#
#   terraform init && terraform apply -auto-approve \
#     -var endpoint=http://127.0.0.1:PORT -var workflow_dir=DIR -var certificate_name=NAME
#
# For `cargo xtask bench` (not yet there): applied (from a copy of this folder) against a freshly reset and seeded
# emulator and compares the state it leaves with switchyard's and the AWS CLI script's
# (emulator/bench_state.py). The hosted zone example.com exists beforehand, with plain A records
# for both names: those are imported into the primary failover records, so that the first apply
# replaces them (Route 53 does not let a plain record share its name and type with a failover
# pair).

terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "5.100.0"
    }
  }
}

provider "aws" {
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {
    acm        = var.endpoint
    cloudfront = var.endpoint
    iam        = var.endpoint
    route53    = var.endpoint
    s3         = var.endpoint
    sts        = var.endpoint
  }
}

locals {
  hosts     = ["www.example.com", "example.com"]
  origin    = "203.0.113.10"
  bucket    = "www-example-com-maintenance"
  page_key  = "switchyard-maintenance.html"
  origin_id = "switchyard-origin"
}

# upload-cert
resource "aws_iam_server_certificate" "site" {
  name              = var.certificate_name
  path              = "/cloudfront/"
  certificate_body  = file("${var.workflow_dir}/certs/site.pem")
  private_key       = file("${var.workflow_dir}/certs/site.key")
  certificate_chain = trimspace(file("${var.workflow_dir}/certs/chain.pem")) # as IAM keeps it
}

# maintenance-site: a private bucket holding the page, read by CloudFront only.
resource "aws_s3_bucket" "page" {
  bucket = local.bucket
}

resource "aws_s3_bucket_public_access_block" "page" {
  bucket                  = aws_s3_bucket.page.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_object" "page" {
  bucket       = aws_s3_bucket.page.id
  key          = local.page_key
  source       = "${var.workflow_dir}/maintenance.html"
  etag         = filemd5("${var.workflow_dir}/maintenance.html")
  content_type = "text/html; charset=utf-8"
}

resource "aws_cloudfront_origin_access_control" "page" {
  name                              = "switchyard-${local.bucket}"
  description                       = "switchyard: CloudFront reads the bucket, nobody else"
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "retry_after" {
  name    = "switchyard-maintenance-${local.bucket}"
  comment = "switchyard: headers added to every response"
  custom_headers_config {
    items {
      header   = "Retry-After"
      value    = "300"
      override = true
    }
  }
}

# Every path misses in the bucket; 403/404 become the page with status 503. Terraform waits until
# the distribution is deployed, as attach-cert does.
resource "aws_cloudfront_distribution" "maintenance" {
  comment         = "switchyard maintenance site for ${join(", ", local.hosts)}"
  enabled         = true
  aliases         = local.hosts
  http_version    = "http2and3"
  is_ipv6_enabled = true # what CloudFront gives switchyard, which leaves it out
  price_class     = "PriceClass_All"

  origin {
    origin_id                = local.origin_id
    domain_name              = "${aws_s3_bucket.page.id}.s3.us-east-1.amazonaws.com"
    origin_access_control_id = aws_cloudfront_origin_access_control.page.id
  }

  default_cache_behavior {
    target_origin_id           = local.origin_id
    viewer_protocol_policy     = "redirect-to-https"
    allowed_methods            = ["GET", "HEAD"]
    cached_methods             = ["GET", "HEAD"]
    compress                   = true
    cache_policy_id            = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad" # managed CachingDisabled
    response_headers_policy_id = aws_cloudfront_response_headers_policy.retry_after.id
  }

  dynamic "custom_error_response" {
    for_each = [403, 404]
    content {
      error_code            = custom_error_response.value
      response_code         = 503
      response_page_path    = "/${local.page_key}"
      error_caching_min_ttl = 10
    }
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    iam_certificate_id       = aws_iam_server_certificate.site.id
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

resource "aws_s3_bucket_policy" "page" {
  bucket = aws_s3_bucket.page.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AllowCloudFrontRead"
      Effect    = "Allow"
      Principal = { Service = "cloudfront.amazonaws.com" }
      Action    = "s3:GetObject"
      Resource  = "${aws_s3_bucket.page.arn}/*"
      Condition = { StringEquals = { "AWS:SourceArn" = aws_cloudfront_distribution.maintenance.arn } }
    }]
  })
}

# failover: one HTTPS health check of the origin, and per hostname a PRIMARY/SECONDARY pair.
data "aws_route53_zone" "site" {
  name = "example.com"
}

resource "aws_route53_health_check" "origin" {
  type              = "HTTPS"
  ip_address        = local.origin
  fqdn              = local.hosts[0]
  port              = 443
  resource_path     = "/health"
  request_interval  = 30
  failure_threshold = 3
  enable_sni        = true
}

import {
  for_each = toset(local.hosts)
  to       = aws_route53_record.primary[each.key]
  id       = "${data.aws_route53_zone.site.zone_id}_${each.key}_A"
}

resource "aws_route53_record" "primary" {
  for_each        = toset(local.hosts)
  zone_id         = data.aws_route53_zone.site.zone_id
  name            = each.key
  type            = "A"
  ttl             = 300 # the plain record's, which switchyard keeps
  records         = [local.origin]
  set_identifier  = "${each.key}-primary"
  health_check_id = aws_route53_health_check.origin.id
  failover_routing_policy {
    type = "PRIMARY"
  }
}

resource "aws_route53_record" "secondary" {
  for_each       = toset(local.hosts)
  zone_id        = data.aws_route53_zone.site.zone_id
  name           = each.key
  type           = "A"
  set_identifier = "${each.key}-secondary"
  failover_routing_policy {
    type = "SECONDARY"
  }
  alias {
    name                   = aws_cloudfront_distribution.maintenance.domain_name
    zone_id                = aws_cloudfront_distribution.maintenance.hosted_zone_id
    evaluate_target_health = false
  }
  depends_on = [aws_route53_record.primary] # after the plain record is gone
}
