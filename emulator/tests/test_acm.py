"""Fidelity rule 13: ACM serials."""

from __future__ import annotations

import pytest

from support import certificate


@pytest.mark.parametrize("serial, expected", [
    (0x0771_71F4_0000_0000_0000_0000_0000_0001, "07:71:71:f4:00:00:00:00:00:00:00:00:00:00:00:01"),
    (0xAB, "ab"),
    (1, "01"),
], ids=["16-bytes", "1-byte", "one"])
def test_rule_13_serial_is_colon_separated_lowercase_hex(emulator, serial, expected):
    acm = emulator.client("acm")
    body, key = certificate(serial)
    arn = acm.import_certificate(Certificate=body, PrivateKey=key)["CertificateArn"]
    got = acm.describe_certificate(CertificateArn=arn)["Certificate"]["Serial"]
    assert got == expected, f"moto gave decimal {serial}"
