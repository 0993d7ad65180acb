"""Seeds the emulator for `cargo xtask demo`: the live site the workflow takes over.

A public hosted zone for example.com with the site's plain A records (pointing at the origin
server) and a TXT record, as a site looks before switchyard sets up failover.

Usage: demo_seed.py ENDPOINT
"""

import sys

import boto3

ORIGIN = "203.0.113.10"


def main(endpoint: str) -> None:
    r53 = boto3.client(
        "route53",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="demo",
        aws_secret_access_key="demo",
    )
    zone = r53.create_hosted_zone(Name="example.com", CallerReference="switchyard-demo")
    zone_id = zone["HostedZone"]["Id"]

    def record(name: str, kind: str, value: str) -> dict:
        return {
            "Action": "CREATE",
            "ResourceRecordSet": {"Name": name, "Type": kind, "TTL": 300, "ResourceRecords": [{"Value": value}]},
        }

    r53.change_resource_record_sets(
        HostedZoneId=zone_id,
        ChangeBatch={
            "Changes": [
                record("www.example.com.", "A", ORIGIN),
                record("example.com.", "A", ORIGIN),
                record("example.com.", "TXT", '"v=spf1 -all"'),
            ]
        },
    )
    print(f"hosted zone example.com ({zone_id.split('/')[-1]}): www and apex A {ORIGIN}, TXT")


if __name__ == "__main__":
    main(sys.argv[1])
