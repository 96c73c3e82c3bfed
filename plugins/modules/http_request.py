#!/usr/bin/python
"""One HTTP request from the host, in one round trip, unless a file says not to ask.

`ansible.builtin.uri`'s action plugin makes a remote temporary directory and removes it again: four
round trips a request where this module takes one (the health gate through the edge polls it, and a
release posts its audit record). The request itself is made by the same `open_url` as `uri`'s, so
TLS, redirects and headers behave alike. With `unless_exists`, a file on the host (the edge's
maintenance switch) stops the request before it is made: one read fewer than a `stat` task first.
"""

import json

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_text
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.urls import open_url

DOCUMENTATION = r"""
module: http_request
short_description: Make one HTTP request from the host, unless a file exists there
description:
  - Makes the request with the same C(open_url) as M(ansible.builtin.uri) in one round trip (no
    remote temporary directory), and returns the status, the body and the body read as JSON.
  - Fails when the status is not one of O(status_code), or no answer came (connection refused, timeout).
  - In check mode a GET or HEAD is made (it changes nothing) and any other method is skipped, as
    M(ansible.builtin.uri) skips every request in check mode.
options:
  url: {type: str, required: true, description: The URL.}
  method: {type: str, default: GET, description: The HTTP method.}
  headers: {type: dict, default: {}, description: Request headers.}
  body: {type: raw, description: A body sent as JSON (Content-Type application/json).}
  status_code: {type: list, elements: int, default: [200], description: The statuses that are not a failure.}
  validate_certs: {type: bool, default: true, description: Whether to check the server's certificate.}
  timeout: {type: int, default: 30, description: Seconds to wait for an answer.}
  unless_exists: {type: path, description: "A file on the host that, when it exists, stops the request (C(skipped_by) says so)."}
"""

RETURN = r"""
status: {description: The HTTP status (-1 when no answer came)., type: int, returned: when asked}
content: {description: The body., type: str, returned: when asked}
json: {description: The body read as JSON, when it is JSON., type: raw, returned: when the body is JSON}
skipped_by: {description: The O(unless_exists) file that stopped the request., type: str, returned: when it exists}
"""


def main():
    module = AnsibleModule(
        argument_spec={
            "url": {"type": "str", "required": True},
            "method": {"type": "str", "default": "GET"},
            "headers": {"type": "dict", "default": {}},
            "body": {"type": "raw"},
            "status_code": {"type": "list", "elements": "int", "default": [200]},
            "validate_certs": {"type": "bool", "default": True},
            "timeout": {"type": "int", "default": 30},
            "unless_exists": {"type": "path"},
        },
        supports_check_mode=True,
    )
    params = module.params
    if module.check_mode and params["method"].upper() not in ("GET", "HEAD"):
        module.exit_json(changed=False, skipped=True, msg=f"check mode makes no {params['method']} request")
    marker = params["unless_exists"]
    if marker:
        try:
            with open(marker, "rb"):
                module.exit_json(changed=False, skipped_by=marker, url=params["url"])
        except FileNotFoundError:
            pass
        except OSError:
            # There, but unreadable to us: it exists all the same (as a stat would say).
            module.exit_json(changed=False, skipped_by=marker, url=params["url"])
    headers = dict(params["headers"])
    data = None
    if params["body"] is not None:
        data = json.dumps(params["body"]).encode()
        headers.setdefault("Content-Type", "application/json")
    try:
        response = open_url(
            params["url"],
            data=data,
            headers=headers,
            method=params["method"],
            validate_certs=params["validate_certs"],
            timeout=params["timeout"],
        )
        status, content = response.getcode(), response.read()
    except HTTPError as exc:
        status, content = exc.code, exc.read() if exc.fp else b""
    except (URLError, OSError) as exc:
        module.fail_json(msg=f"No answer from {params['url']}: {exc}", status=-1, url=params["url"])
    result = {"changed": False, "status": status, "content": to_text(content, errors="replace"), "url": params["url"]}
    try:
        result["json"] = json.loads(content)
    except ValueError:
        pass
    if status not in params["status_code"]:
        module.fail_json(
            msg=f"Status code was {status} and not {params['status_code']}: {params['method']} {params['url']}",
            **result,
        )
    module.exit_json(**result)


if __name__ == "__main__":
    main()
