"""Print the certificate the edge serves for a host name (JSON: serial, issuer, not_after, names)
once its chain verifies against a CA file; fails with the TLS error when it does not.

    python3 served_certificate.py HOST_NAME CA_FILE [PORT]
"""

import json
import socket
import ssl
import sys

name, ca_file = sys.argv[1], sys.argv[2]
port = int(sys.argv[3]) if len(sys.argv) > 3 else 443
context = ssl.create_default_context(cafile=ca_file)
with (
    socket.create_connection((name, port), timeout=10) as raw,
    context.wrap_socket(raw, server_hostname=name) as tls,
):
    certificate = tls.getpeercert()
print(
    json.dumps(
        {
            "serial": certificate["serialNumber"],
            "issuer": dict(field[0] for field in certificate["issuer"])["commonName"],
            "not_after": certificate["notAfter"],
            "names": [value for kind, value in certificate.get("subjectAltName", ()) if kind == "DNS"],
        }
    )
)
