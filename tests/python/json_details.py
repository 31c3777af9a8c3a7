"""Checks error details rendered as proto3 JSON with Python's protobuf
json_format: each detail must ParseDict into its google.rpc (or
csghub.errorx.v1) message, and MessageToDict must give back exactly the
same JSON, so the rendering is what protobuf itself writes.

Usage: json_details.py < details.json (a JSON array of
`{"@type": ...}` objects). Prints one line per detail; exits 1 on the first
mismatch."""

import json
import sys

from google.protobuf import json_format
from google.rpc import error_details_pb2

from csghub.errorx.v1 import error_info_pb2


def message_class(type_url):
    name = type_url.rsplit("/", 1)[-1]
    if name == "csghub.errorx.v1.ErrorInfo":
        return error_info_pb2.ErrorInfo
    package, _, short = name.rpartition(".")
    if package != "google.rpc":
        raise SystemExit(f"unexpected detail type {type_url}")
    return getattr(error_details_pb2, short)


def main():
    details = json.load(sys.stdin)
    for detail in details:
        fields = {k: v for k, v in detail.items() if k != "@type"}
        message = json_format.ParseDict(fields, message_class(detail["@type"])())
        back = json_format.MessageToDict(message)
        if back != fields:
            print(f"MISMATCH {detail['@type']}: rendered {fields}, protobuf writes {back}")
            sys.exit(1)
        print(f"ok {detail['@type']}")


if __name__ == "__main__":
    main()
