"""Fidelity rule 13: ACM certificate serials (see README.md)."""

from __future__ import annotations

from .guards import _import, _replace, _require, _require_source
from .registry import rule


@rule(13, "acm", "DescribeCertificate gives Serial as colon-separated lowercase hex bytes")
def patch_acm_serial_hex() -> None:
    """ACM DescribeCertificate gives the serial number as colon-separated hex
    bytes (e.g. `07:71:71:f4:…`); moto gives it in decimal, so a client that
    compares serials with the certificate it holds never matches.

    https://docs.aws.amazon.com/acm/latest/APIReference/API_CertificateDetail.html
    (Serial: "The serial number of the certificate.", example in
    https://docs.aws.amazon.com/acm/latest/APIReference/API_DescribeCertificate.html)
    """
    name = "patch_acm_serial_hex"
    CertBundle, = _import(name, "moto.acm.models", "CertBundle")
    orig = _require(name, CertBundle, "describe")
    _require_source(name, orig, '"Serial": str(self._cert.serial_number)')

    def describe(self):
        result = orig(self)
        n = self._cert.serial_number
        raw = n.to_bytes(max(1, (n.bit_length() + 7) // 8), "big")
        result["Certificate"]["Serial"] = ":".join(f"{b:02x}" for b in raw)
        return result

    _replace(CertBundle, "describe", orig, describe)
