"""Cross-checks against code nobody on this project wrote.

Reads one JSON request on stdin, writes one JSON answer on stdout. Commands:
  sign          AWS's iam-rolesanywhere-session signer: canonical request, string to sign, headers
  verify        the `cryptography` package verifies a signature with a certificate's key
  certificate   the `cryptography` package parses a certificate and reports its fields
  totp          pyotp's codes for a base32 secret at given times
  sigv4         botocore's SigV4Auth (HMAC) signs a request with session credentials
"""
import json
import sys

from botocore.awsrequest import AWSRequest


def sign(request):
    from iam_rolesanywhere_session.iam_rolesanywhere_session import IAMRolesAnywhereSigner

    signer = IAMRolesAnywhereSigner(
        certificate=request["certificate"].encode(),
        private_key=request["privateKey"].encode(),
        certificate_chain=request["chain"].encode() if request.get("chain") else None,
        region=request["region"],
    )
    aws_request = AWSRequest(method="POST", url=request["url"], data=request["body"].encode())
    # add_auth() stamps the current time; the test fixes it to compare byte for byte.
    aws_request.context["timestamp"] = request["amzDate"]
    signer._modify_request_before_signing(aws_request)
    canonical = signer.canonical_request(aws_request)
    string_to_sign = signer.string_to_sign(aws_request, canonical)
    signature = signer.signature(string_to_sign)
    signer._inject_signature_to_request(aws_request, signature)
    return {
        "canonicalRequest": canonical,
        "stringToSign": string_to_sign,
        "headers": {name: value for name, value in aws_request.headers.items()},
    }


def sigv4(request):
    from botocore.auth import SigV4Auth
    from botocore.credentials import Credentials

    credentials = Credentials(request["accessKeyId"], request["secretAccessKey"], request["sessionToken"])
    signer = SigV4Auth(credentials, request["service"], request["region"])
    aws_request = AWSRequest(method="POST", url=request["url"], data=request["body"].encode(), headers=request["headers"])
    # As add_auth(), with the time fixed so that the test compares byte for byte.
    aws_request.context["timestamp"] = request["amzDate"]
    signer._modify_request_before_signing(aws_request)
    canonical = signer.canonical_request(aws_request)
    signer._inject_signature_to_request(aws_request, signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))
    return {"headers": {name: value for name, value in aws_request.headers.items()}}


def verify(request):
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.hashes import SHA256

    key = x509.load_pem_x509_certificate(request["certificate"].encode()).public_key()
    signature = bytes.fromhex(request["signature"])
    message = request["message"].encode()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, message, padding.PKCS1v15(), SHA256())
        else:
            key.verify(signature, message, ec.ECDSA(SHA256()))
        return {"valid": True}
    except InvalidSignature:
        return {"valid": False}


def certificate(request):
    from cryptography import x509

    cert = x509.load_pem_x509_certificate(request["certificate"].encode())
    extensions = {}
    for extension in cert.extensions:
        value = extension.value
        entry = {"critical": extension.critical}
        if isinstance(value, x509.BasicConstraints):
            entry.update(ca=value.ca, pathLength=value.path_length)
        elif isinstance(value, x509.KeyUsage):
            entry.update(
                digitalSignature=value.digital_signature,
                keyCertSign=value.key_cert_sign,
                cRLSign=value.crl_sign,
            )
        elif isinstance(value, x509.ExtendedKeyUsage):
            entry.update(usages=[usage.dotted_string for usage in value])
        elif isinstance(value, x509.SubjectKeyIdentifier):
            entry.update(digest=value.digest.hex())
        elif isinstance(value, x509.AuthorityKeyIdentifier):
            entry.update(keyIdentifier=value.key_identifier.hex())
        elif isinstance(value, x509.SubjectAlternativeName):
            entry.update(uris=value.get_values_for_type(x509.UniformResourceIdentifier))
        extensions[extension.oid.dotted_string] = entry
    return {
        "serial": str(cert.serial_number),
        "serialBits": cert.serial_number.bit_length(),
        "serialPositive": cert.serial_number > 0,
        "notBefore": int(cert.not_valid_before_utc.timestamp()),
        "notAfter": int(cert.not_valid_after_utc.timestamp()),
        "subject": cert.subject.rfc4514_string(),
        "issuer": cert.issuer.rfc4514_string(),
        "signatureHash": cert.signature_hash_algorithm.name,
        "extensions": extensions,
    }


def totp(request):
    import pyotp

    generator = pyotp.TOTP(request["secret"])
    return {"codes": [generator.at(moment) for moment in request["times"]]}


def otpauth(request):
    """pyotp reads our URI; pyotp also builds one for the same seed for us to read."""
    import pyotp

    parsed = pyotp.parse_uri(request["uri"])
    built = pyotp.TOTP(request["secret"]).provisioning_uri(name=request["name"], issuer_name=request["issuer"])
    return {"code": parsed.at(request["time"]), "name": parsed.name, "issuer": parsed.issuer, "built": built}


def session(request):
    """AWS's Python client end to end against the emulator's HTTP endpoint. The client always builds an
    https:// URL; the emulator speaks plain HTTP on loopback, so only the scheme is swapped."""
    from botocore import awsrequest
    import iam_rolesanywhere_session.iam_rolesanywhere_session as module

    class PlainRequest(awsrequest.AWSRequest):
        def __init__(self, *args, url=None, **kwargs):
            super().__init__(*args, url=url.replace("https://", "http://", 1), **kwargs)

    module.AWSRequest = PlainRequest
    client = module.IAMRolesAnywhereSession(
        profile_arn=request["profileArn"], role_arn=request["roleArn"], trust_anchor_arn=request["trustAnchorArn"],
        certificate=request["certificate"].encode(), private_key=request["privateKey"].encode(),
        endpoint=request["endpoint"], session_duration=request["durationSeconds"])
    credentials = client.get_refreshable_credentials().get_frozen_credentials()
    return {"accessKeyId": credentials.access_key}


if __name__ == "__main__":
    command = sys.argv[1]
    answer = {"sign": sign, "verify": verify, "certificate": certificate, "totp": totp, "otpauth": otpauth, "session": session, "sigv4": sigv4}[command](json.load(sys.stdin))
    json.dump(answer, sys.stdout)
