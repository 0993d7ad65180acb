"""Prints, as normalised JSON, the AWS state the maintenance-failover seed job leaves behind.

For `cargo xtask bench` (not yet there), which is to run switchyard, the AWS CLI script (examples/aws-cli/seed.sh) and Terraform
(examples/terraform/seed) each against a freshly reset and seeded emulator and diff what this
prints after each: the three must leave the same state.

Usage: bench_state.py ENDPOINT

What it prints: IAM server certificates (name, path, SHA-256 of the body's and the chain's DER
certificates); S3 buckets (public access block, objects with their SHA-256 and content type,
bucket policy); CloudFront origin access controls, response headers policies and distributions
(what a viewer gets: aliases, certificate, origin, default cache behaviour, error responses,
root object, enabled, price class, HTTP version, IPv6, comment); Route 53 health checks
and the records of every zone but NS and SOA.

Ids are replaced by stable names, so that runs by different tools can be diffed: an IAM
certificate id by its name, an origin access control or response headers policy id by its name, a
distribution's id, ARN and domain name by `<distribution for FIRST-ALIAS>`, a health check id by
its config.

Left out, because a tool cannot set them: the distributions' caller references (Terraform makes
its own), the health checks' caller references (likewise), upload dates, ETags, and everything
CloudFront or moto fills in unasked (the forwarded values and TTLs of a cache behaviour that has a
cache policy, logging, restrictions, origin timeouts, the empty ids Terraform sends). Lists whose
order means nothing (aliases, methods, error responses, headers, records) are sorted.
"""

import base64
import hashlib
import json
import re
import sys

import boto3
from botocore.exceptions import ClientError


def pem_digests(text):
    """The SHA-256 of each certificate in a PEM text: line endings and layout do not count."""
    blocks = re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text or "", re.S)
    return [hashlib.sha256(base64.b64decode("".join(b.split()))).hexdigest() for b in blocks]


def items(container):
    """The `Items` of a CloudFront `{Quantity, Items}` list, or none."""
    return (container or {}).get("Items") or []


def state(endpoint):
    session = boto3.Session(aws_access_key_id="demo", aws_secret_access_key="demo", region_name="us-east-1")
    iam, s3, cf, r53 = (session.client(s, endpoint_url=endpoint) for s in ("iam", "s3", "cloudfront", "route53"))
    out = {key: [] for key in ("iam_server_certificates", "origin_access_controls", "response_headers_policies",
                               "distributions", "s3_buckets", "health_checks")}
    out["route53_zones"] = {}

    certificates = {}
    for meta in iam.list_server_certificates()["ServerCertificateMetadataList"]:
        cert = iam.get_server_certificate(ServerCertificateName=meta["ServerCertificateName"])["ServerCertificate"]
        certificates[meta["ServerCertificateId"]] = meta["ServerCertificateName"]
        out["iam_server_certificates"].append({
            "name": meta["ServerCertificateName"],
            "path": meta["Path"],
            "body": pem_digests(cert["CertificateBody"]),
            "chain": pem_digests(cert.get("CertificateChain")),
        })

    oacs = {o["Id"]: o for o in items(cf.list_origin_access_controls()["OriginAccessControlList"])}
    oac_fields = ("Name", "Description", "SigningProtocol", "SigningBehavior", "OriginAccessControlOriginType")
    out["origin_access_controls"] = sorted(
        ({k: o[k] for k in oac_fields} for o in oacs.values()), key=lambda o: o["Name"])

    policies = {}
    for p in items(cf.list_response_headers_policies(Type="custom")["ResponseHeadersPolicyList"]):
        config = p["ResponseHeadersPolicy"]["ResponseHeadersPolicyConfig"]
        policies[p["ResponseHeadersPolicy"]["Id"]] = config["Name"]
        out["response_headers_policies"].append({
            "name": config["Name"],
            "comment": config.get("Comment"),
            "custom_headers": sorted(
                (h["Header"], h["Value"], h["Override"]) for h in items(config.get("CustomHeadersConfig"))),
        })

    renames = {}  # distribution id, ARN and domain name -> stable name
    for summary in items(cf.list_distributions()["DistributionList"]):
        c = cf.get_distribution_config(Id=summary["Id"])["DistributionConfig"]
        name = f"<distribution for {(items(c['Aliases']) or [summary['Id']])[0]}>"
        renames.update({summary["Id"]: name, summary["ARN"]: name, summary["DomainName"]: name})
        viewer, behaviour = c["ViewerCertificate"], c["DefaultCacheBehavior"]
        out["distributions"].append({
            "name": name,
            "aliases": sorted(items(c["Aliases"])),
            "comment": c["Comment"],
            "enabled": c["Enabled"],
            "price_class": c.get("PriceClass"),
            "http_version": c.get("HttpVersion"),
            "ipv6": c.get("IsIPV6Enabled"),
            "default_root_object": c.get("DefaultRootObject") or "",
            "viewer_certificate": {
                "iam_certificate": certificates.get(viewer.get("IAMCertificateId"), viewer.get("IAMCertificateId")),
                "acm_certificate": viewer.get("ACMCertificateArn") or None,
                "cloudfront_default": viewer.get("CloudFrontDefaultCertificate"),
                "ssl_support_method": viewer.get("SSLSupportMethod"),
                "minimum_protocol_version": viewer.get("MinimumProtocolVersion"),
            },
            "origins": [{
                "id": o["Id"],
                "domain_name": o["DomainName"],
                "path": o.get("OriginPath") or "",
                "origin_access_control": oacs.get(o.get("OriginAccessControlId"), {}).get("Name"),
                "origin_access_identity": (o.get("S3OriginConfig") or {}).get("OriginAccessIdentity") or None,
                "custom_origin": "CustomOriginConfig" in o,
            } for o in items(c["Origins"])],
            "default_cache_behaviour": {
                "target_origin": behaviour["TargetOriginId"],
                "viewer_protocol_policy": behaviour["ViewerProtocolPolicy"],
                "allowed_methods": sorted(items(behaviour.get("AllowedMethods"))),
                "cached_methods": sorted(items(behaviour.get("AllowedMethods", {}).get("CachedMethods"))),
                "compress": behaviour.get("Compress"),
                "cache_policy": behaviour.get("CachePolicyId") or None,
                "response_headers_policy": policies.get(behaviour.get("ResponseHeadersPolicyId")),
            },
            "cache_behaviours": len(items(c.get("CacheBehaviors"))),
            "custom_error_responses": sorted(
                ({k: e.get(k) for k in ("ErrorCode", "ResponseCode", "ResponsePagePath", "ErrorCachingMinTTL")}
                 for e in items(c.get("CustomErrorResponses"))), key=lambda e: e["ErrorCode"]),
        })

    def renamed(text):
        for old, new in sorted(renames.items(), key=lambda r: -len(r[0])):  # an ARN holds an id
            text = text.replace(old, new)
        return text

    for bucket in s3.list_buckets()["Buckets"]:
        name = bucket["Name"]
        try:
            block = s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"]
        except ClientError:
            block = None
        try:
            policy = json.loads(renamed(s3.get_bucket_policy(Bucket=name)["Policy"]))
        except ClientError:
            policy = None
        objects = []
        for o in s3.list_objects_v2(Bucket=name).get("Contents", []):
            got = s3.get_object(Bucket=name, Key=o["Key"])
            objects.append({"key": o["Key"], "sha256": hashlib.sha256(got["Body"].read()).hexdigest(),
                            "content_type": got["ContentType"]})
        out["s3_buckets"].append(
            {"name": name, "public_access_block": block, "objects": objects, "policy": policy})

    checks = {}
    for h in r53.list_health_checks()["HealthChecks"]:
        checks[h["Id"]] = h["HealthCheckConfig"]
    out["health_checks"] = sorted(checks.values(), key=lambda c: json.dumps(c, sort_keys=True))

    for zone in r53.list_hosted_zones()["HostedZones"]:
        records = []
        for r in r53.list_resource_record_sets(HostedZoneId=zone["Id"])["ResourceRecordSets"]:
            if r["Type"] in ("NS", "SOA"):
                continue
            alias = r.get("AliasTarget")
            records.append({
                "name": r["Name"],
                "type": r["Type"],
                "set_identifier": r.get("SetIdentifier"),
                "failover": r.get("Failover"),
                "ttl": None if alias else r.get("TTL"),  # moto answers an alias with TTL 0
                "values": sorted(v["Value"] for v in r.get("ResourceRecords", [])),
                "alias": alias and {
                    "dns_name": renamed(alias["DNSName"].rstrip(".").lower()),
                    "hosted_zone_id": alias["HostedZoneId"],
                    "evaluate_target_health": alias["EvaluateTargetHealth"],
                },
                "health_check": checks.get(r.get("HealthCheckId"), r.get("HealthCheckId")),
            })
        out["route53_zones"][zone["Name"]] = sorted(
            records, key=lambda r: (r["name"], r["type"], r["set_identifier"] or ""))
    return out


if __name__ == "__main__":
    print(json.dumps(state(sys.argv[1]), indent=2, sort_keys=True))
