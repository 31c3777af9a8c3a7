"""Calls the Rust Demo server with an `accept-language` header and prints,
as one JSON object per call, the grpc-message and every
google.rpc.LocalizedMessage the status carries (decoded strictly with
grpc_status).

usage: PYTHONPATH=GENERATED localized_client.py ADDR ACCEPT_LANGUAGE CODE
"""

import json
import sys

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from csghub.errorx.demo.v1 import demo_pb2, demo_pb2_grpc


def localized(call):
    status = rpc_status.from_call(call)  # raises on an inner/outer mismatch
    messages = []
    for detail in status.details:
        if detail.Is(error_details_pb2.LocalizedMessage.DESCRIPTOR):
            message = error_details_pb2.LocalizedMessage()
            detail.Unpack(message)
            messages.append({"locale": message.locale, "message": message.message})
    return {"grpc_message": call.details(), "localized": messages}


def main():
    addr, accept_language, code = sys.argv[1:4]
    stub = demo_pb2_grpc.DemoStub(grpc.insecure_channel(addr))
    metadata = [("accept-language", accept_language)]
    request = demo_pb2.FailRequest(code=code, context={"repo": "ns/name"})
    try:
        stub.Fail(request, metadata=metadata, timeout=10)
    except grpc.RpcError as call:
        print(json.dumps({"mode": "unary", **localized(call)}))
    request.messages_before_error = 2
    try:
        for _ in stub.FailStream(request, metadata=metadata, timeout=10):
            pass
    except grpc.RpcError as call:
        print(json.dumps({"mode": "stream", **localized(call)}))


if __name__ == "__main__":
    main()
