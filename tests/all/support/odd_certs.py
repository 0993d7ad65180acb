"""Leaves that rcgen cannot make, for the `validate` corpus (tests/all/validate.rs).

    python odd_certs.py OUT_DIR ISSUER_CERT.pem ISSUER_KEY.pem

Writes NAME.pem and NAME.key to OUT_DIR for each NAME below, every leaf for www.example.com and
example.com, valid from yesterday for 90 days, signed by the issuer (an ECDSA P-256 CA) with
ECDSA SHA-256 unless said otherwise:

- dsa, p192: a DSA 2048 and an ECDSA P-192 key (CloudFront takes neither);
- rsa1024, rsa2052: RSA keys of 1024 bits (weak) and 2052 bits (a size CloudFront does not list);
- sha1: signed with ECDSA SHA-1, which browsers refuse;
- v1: an X.509 version 1 certificate (no extensions at all).

Uses `cryptography`, which the emulator's virtual environment has (moto needs it).
"""

import datetime
import sys
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NAMES = ["www.example.com", "example.com"]


def builder(issuer: x509.Certificate, key) -> x509.CertificateBuilder:
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAMES[0])]))
        .issuer_name(issuer.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=90))
    )


def leaf(issuer, issuer_key, key) -> x509.Certificate:
    return (
        builder(issuer, key)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in NAMES]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(issuer_key, hashes.SHA256())
    )


def der(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        octets = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(octets)]) + octets
    return bytes([tag]) + length + content


def elements(data: bytes) -> list[bytes]:
    """The DER elements of `data`, each whole."""
    out, i = [], 0
    while i < len(data):
        first = data[i + 1]
        if first < 0x80:
            size, head = first, 2
        else:
            k = first & 0x7F
            size, head = int.from_bytes(data[i + 2 : i + 2 + k], "big"), 2 + k
        out.append(data[i : i + head + size])
        i += head + size
    return out


def content(element: bytes) -> bytes:
    """The content of one whole DER element."""
    first = element[1]
    return element[2 + (first & 0x7F if first >= 0x80 else 0) :]


ECDSA_SHA1 = der(0x30, der(0x06, bytes.fromhex("2a8648ce3d0401")))  # 1.2.840.10045.4.1


def resigned(cert: x509.Certificate, issuer_key, edit=list, sha1=False) -> x509.Certificate:
    """`cert` with its to-be-signed fields (DER elements: version, serial, signature algorithm,
    issuer, validity, subject, key, extensions) changed by `edit`, signed again; with ECDSA
    SHA-1 when `sha1`."""
    tbs, alg, _ = elements(content(cert.public_bytes(serialization.Encoding.DER)))
    fields = edit(elements(content(tbs)))
    digest = hashes.SHA256()
    if sha1:
        fields[2] = alg = ECDSA_SHA1
        digest = hashes.SHA1()
    tbs = der(0x30, b"".join(fields))
    signature = issuer_key.sign(tbs, ec.ECDSA(digest))
    return x509.load_der_x509_certificate(der(0x30, tbs + alg + der(0x03, b"\0" + signature)))


def main() -> None:
    out, issuer_pem, issuer_key_pem = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    issuer = x509.load_pem_x509_certificate(issuer_pem.read_bytes())
    issuer_key = serialization.load_pem_private_key(issuer_key_pem.read_bytes(), None)
    p256 = lambda: ec.generate_private_key(ec.SECP256R1())
    keys = {
        "dsa": dsa.generate_private_key(2048),
        "p192": ec.generate_private_key(ec.SECP192R1()),
        "rsa1024": rsa.generate_private_key(65537, 1024),
        "rsa2052": rsa.generate_private_key(65537, 2052),
        "sha1": p256(),
        "v1": p256(),
    }
    for name, key in keys.items():
        if name == "v1":
            # No extensions, and no version field: the version is then 1.
            v3 = builder(issuer, key).sign(issuer_key, hashes.SHA256())
            cert = resigned(v3, issuer_key, lambda fields: fields[1:])
        elif name == "sha1":
            cert = resigned(leaf(issuer, issuer_key, key), issuer_key, sha1=True)
        else:
            cert = leaf(issuer, issuer_key, key)
        (out / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (out / f"{name}.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )


if __name__ == "__main__":
    main()
