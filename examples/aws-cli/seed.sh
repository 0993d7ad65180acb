#!/usr/bin/env bash
# The seed job of examples/maintenance-failover.toml, written as an AWS CLI script: upload the
# certificate to IAM, build the S3 + CloudFront maintenance site with it, and set up Route 53
# failover of www.example.com and example.com to it. The same names and settings as switchyard's
# plugins, one AWS call per command, one after another.
#
#   AWS_ENDPOINT_URL=http://127.0.0.1:PORT examples/aws-cli/seed.sh WORKFLOW_DIR
#
# WORKFLOW_DIR holds certs/site.pem, certs/site.key, certs/chain.pem and maintenance.html; the
# hosted zone example.com must exist. Needs aws, openssl and jq. Written for `cargo xtask bench`
# (not yet there): run against a freshly reset and seeded emulator, the state it leaves
# (emulator/bench_state.py) is the same as switchyard's and Terraform's.
#
# Not idempotent: it checks nothing before it writes, so a second run fails (the certificate
# name and the distribution's caller reference are taken) — the price of a plain script.
set -euo pipefail

cd "${1:?usage: seed.sh WORKFLOW_DIR}"
: "${AWS_ENDPOINT_URL:?set AWS_ENDPOINT_URL}"
# AWS CLI v1 may ignore AWS_ENDPOINT_URL: pass it to every call.
aws() { command aws --endpoint-url "$AWS_ENDPOINT_URL" --output text "$@"; }

hosts=(www.example.com example.com)
origin=203.0.113.10
bucket=www-example-com-maintenance
page_key=switchyard-maintenance.html
reference=switchyard-maintenance-$bucket

# upload-cert: the name is <base>-<notAfter YYYYMMDD>-<first 8 hex digits of the serial>.
not_after=$(openssl x509 -in certs/site.pem -noout -enddate | cut -d= -f2)
serial=$(openssl x509 -in certs/site.pem -noout -serial | cut -d= -f2 | tr A-F a-f | sed 's/^0*//')
cert_name=www-example-com-$(date -u -d "$not_after" +%Y%m%d)-${serial:0:8}
cert_id=$(aws iam upload-server-certificate --server-certificate-name "$cert_name" --path /cloudfront/ \
  --certificate-body file://certs/site.pem --private-key file://certs/site.key \
  --certificate-chain file://certs/chain.pem --query ServerCertificateMetadata.ServerCertificateId)

# maintenance-site: a private bucket holding the page, read by CloudFront only.
aws s3api create-bucket --bucket "$bucket" >/dev/null
aws s3api put-public-access-block --bucket "$bucket" --public-access-block-configuration \
  BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true
aws s3api put-object --bucket "$bucket" --key "$page_key" --body maintenance.html \
  --content-type 'text/html; charset=utf-8' >/dev/null
oac_id=$(aws cloudfront create-origin-access-control --query OriginAccessControl.Id \
  --origin-access-control-config "$(cat <<EOF
{"Name": "switchyard-$bucket", "Description": "switchyard: CloudFront reads the bucket, nobody else",
 "SigningProtocol": "sigv4", "SigningBehavior": "always", "OriginAccessControlOriginType": "s3"}
EOF
)")
policy_id=$(aws cloudfront create-response-headers-policy --query ResponseHeadersPolicy.Id \
  --response-headers-policy-config "$(cat <<EOF
{"Name": "$reference", "Comment": "switchyard: headers added to every response",
 "CustomHeadersConfig": {"Quantity": 1, "Items": [{"Header": "Retry-After", "Value": "300", "Override": true}]}}
EOF
)")
# Every path misses in the bucket (no default root object); 403/404 become the page with 503.
distribution=$(aws cloudfront create-distribution --query 'Distribution.[Id, DomainName, ARN]' \
  --distribution-config "$(cat <<EOF
{
  "CallerReference": "$reference",
  "Comment": "switchyard maintenance site for ${hosts[0]}, ${hosts[1]}",
  "Enabled": true,
  "Aliases": {"Quantity": 2, "Items": ["${hosts[0]}", "${hosts[1]}"]},
  "Origins": {"Quantity": 1, "Items": [{
    "Id": "switchyard-origin", "DomainName": "$bucket.s3.us-east-1.amazonaws.com",
    "S3OriginConfig": {"OriginAccessIdentity": ""}, "OriginAccessControlId": "$oac_id"}]},
  "DefaultCacheBehavior": {
    "TargetOriginId": "switchyard-origin", "ViewerProtocolPolicy": "redirect-to-https", "Compress": true,
    "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad", "ResponseHeadersPolicyId": "$policy_id"},
  "DefaultRootObject": "",
  "CustomErrorResponses": {"Quantity": 2, "Items": [
    {"ErrorCode": 403, "ResponseCode": "503", "ResponsePagePath": "/$page_key", "ErrorCachingMinTTL": 10},
    {"ErrorCode": 404, "ResponseCode": "503", "ResponsePagePath": "/$page_key", "ErrorCachingMinTTL": 10}]},
  "ViewerCertificate": {
    "IAMCertificateId": "$cert_id", "SSLSupportMethod": "sni-only", "MinimumProtocolVersion": "TLSv1.2_2021"},
  "HttpVersion": "http2and3"
}
EOF
)")
read -r dist_id dist_domain dist_arn <<<"$distribution"
aws s3api put-bucket-policy --bucket "$bucket" --policy "$(cat <<EOF
{"Version": "2012-10-17", "Statement": [{
  "Sid": "AllowCloudFrontRead", "Effect": "Allow", "Principal": {"Service": "cloudfront.amazonaws.com"},
  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::$bucket/*",
  "Condition": {"StringEquals": {"AWS:SourceArn": "$dist_arn"}}}]}
EOF
)"

# attach-cert: the distribution was created with the certificate; wait until it is deployed.
aws cloudfront wait distribution-deployed --id "$dist_id"

# failover: one HTTPS health check of the origin, its caller reference the hash switchyard takes
# of its settings (plugins/failover/src/health.rs); then per hostname the plain A record replaced
# by a PRIMARY/SECONDARY pair (the primary keeps its TTL), all in one atomic change batch.
check='["switchyard-failover/1","https","www.example.com","203.0.113.10",443,"/health",30,3,true,null]'
check_ref=switchyard-$(printf %s "$check" | sha256sum | cut -c1-24)
check_id=$(aws route53 create-health-check --caller-reference "$check_ref" --query HealthCheck.Id \
  --health-check-config "Type=HTTPS,IPAddress=$origin,Port=443,ResourcePath=/health,\
FullyQualifiedDomainName=${hosts[0]},RequestInterval=30,FailureThreshold=3,EnableSNI=true")
zone_id=$(aws route53 list-hosted-zones-by-name --dns-name example.com \
  --query "HostedZones[?Name=='example.com.'].Id | [0]")
records=$(aws route53 list-resource-record-sets --hosted-zone-id "$zone_id" --output json)
batch=$(jq --arg origin "$origin" --arg check "$check_id" --arg cdn "$dist_domain" '
  {Comment: "switchyard failover", Changes: [$ARGS.positional[] as $host
    | (.ResourceRecordSets[] | select(.Name == "\($host)." and .Type == "A" and .SetIdentifier == null)) as $plain
    | {Action: "DELETE", ResourceRecordSet: $plain},
      {Action: "UPSERT", ResourceRecordSet: {Name: $plain.Name, Type: "A", SetIdentifier: "\($host)-primary",
        Failover: "PRIMARY", TTL: $plain.TTL, ResourceRecords: [{Value: $origin}], HealthCheckId: $check}},
      {Action: "UPSERT", ResourceRecordSet: {Name: $plain.Name, Type: "A", SetIdentifier: "\($host)-secondary",
        Failover: "SECONDARY",
        AliasTarget: {HostedZoneId: "Z2FDTNDATAQYW2", DNSName: $cdn, EvaluateTargetHealth: false}}}
  ]}' --args "${hosts[@]}" <<<"$records")
aws route53 change-resource-record-sets --hosted-zone-id "$zone_id" --change-batch "$batch" >/dev/null
echo "maintenance site $dist_domain ($dist_id), certificate $cert_name, health check $check_id"
