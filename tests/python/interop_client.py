"""Calls the Rust Demo server for every code it is given, unary and
streaming, and decodes each status the strict way: grpc_status's
`rpc_status.from_call` raises if the inner google.rpc.Status disagrees with
the outer code and message.

usage: interop_client.py ADDR DESCRIPTOR_SET < codes (one per line)
prints one JSON object per call.
"""

import json
import sys

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from descriptors import Protos

TYPED_URL = "type.googleapis.com/csghub.errorx.v1.ErrorInfo"


def decode(protos, call, mode, code):
    result = {"code": code, "mode": mode, "grpc_code": call.code().value[0], "message": call.details()}
    status = rpc_status.from_call(call)  # raises on an inner/outer mismatch
    if status is None:
        result["error"] = "no grpc-status-details-bin"
        return result
    result["inner_code"] = status.code
    result["inner_message"] = status.message
    types = [detail.type_url for detail in status.details]
    result["detail_types"] = types
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result["reason"] = info.reason
            result["domain"] = info.domain
            result["metadata"] = dict(info.metadata)
        elif detail.type_url == TYPED_URL:
            typed = protos.TypedErrorInfo.FromString(detail.value)
            result["typed"] = {
                "module": typed.module,
                "number": typed.number,
                "code": typed.code,
                "name": typed.name,
                "context": dict(typed.context),
            }
    return result


def main():
    addr, descriptor_set = sys.argv[1], sys.argv[2]
    protos = Protos(descriptor_set)
    channel = grpc.insecure_channel(addr)
    fail = channel.unary_unary(
        "/csghub.errorx.demo.v1.Demo/Fail",
        request_serializer=protos.FailRequest.SerializeToString,
        response_deserializer=protos.FailReply.FromString,
    )
    fail_stream = channel.unary_stream(
        "/csghub.errorx.demo.v1.Demo/FailStream",
        request_serializer=protos.FailRequest.SerializeToString,
        response_deserializer=protos.FailReply.FromString,
    )
    for line in sys.stdin:
        code = line.strip()
        if not code:
            continue
        request = protos.FailRequest(code=code, context={"repo": "ns/name", "caller": "python"})
        try:
            fail(request, timeout=10)
            print(json.dumps({"code": code, "mode": "unary", "error": "the call succeeded"}))
        except grpc.RpcError as call:
            print(json.dumps(decode(protos, call, "unary", code)))

        request.messages_before_error = 2
        replies = []
        try:
            for reply in fail_stream(request, timeout=10):
                replies.append(reply.index)
            print(json.dumps({"code": code, "mode": "stream", "error": "the stream succeeded"}))
        except grpc.RpcError as call:
            result = decode(protos, call, "stream", code)
            result["replies"] = replies
            print(json.dumps(result))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
