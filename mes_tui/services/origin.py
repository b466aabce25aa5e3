"""Where the person in front of the program is: the session, and the SSH client address.

A session is one run of the program (one ``SimulatedService``): one SSH connection, or the
program at a desk from its start to its end. Its id is random and only ever stored as a keyed
hash, like everything the throttles count.

sshd puts the client's address in the environment of the process it starts: ``SSH_CONNECTION``
(``client_ip client_port server_ip server_port``) and the older ``SSH_CLIENT``
(``client_ip client_port server_port``). ``deploy/mes-tui-ssh`` keeps them through the
environment it rebuilds. Anything that is not an address there is ignored.
"""

from __future__ import annotations

import ipaddress
import secrets
from collections.abc import Mapping

ADDRESS_VARIABLES = ("SSH_CONNECTION", "SSH_CLIENT")
# One remote computer often holds a whole IPv6 /64: counted as one client.
IPV6_PREFIX = 64
_LONGEST = 200


def new_session_id() -> str:
    return secrets.token_hex(16)


def ssh_client_address(environ: Mapping[str, str]) -> str | None:
    """The SSH client of this process as it is counted: an IPv4 address, or an IPv6 /64
    (``2001:db8:1:2::/64``); None outside SSH or when the variable is not an address."""
    for name in ADDRESS_VARIABLES:
        fields = environ.get(name, "")[:_LONGEST].split()
        if not fields:
            continue
        try:
            address = ipaddress.ip_address(fields[0].split("%", 1)[0])  # without an IPv6 zone
        except ValueError:
            continue
        if isinstance(address, ipaddress.IPv6Address):
            if address.ipv4_mapped is not None:
                return str(address.ipv4_mapped)
            return str(ipaddress.IPv6Network((address, IPV6_PREFIX), strict=False))
        return str(address)
    return None
