"""Calls the own-catalog example's ModelServing server with the standard
types only: no code generated from Acme's protos. The request is encoded by
hand (field 1 `model`, field 2 `prompt`), and each status is decoded the
strict way (rpc_status.from_call raises on an inner/outer mismatch); the
code string is the google.rpc.ErrorInfo metadata `code`.

usage: own_catalog_client.py ADDR < models (one `model<TAB>prompt` a line)
prints one JSON object per call, unary then streaming.
"""

import json
import sys

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status


def field(number, text):
    data = text.encode()
    return bytes([number << 3 | 2, len(data)]) + data


def describe(call, mode, model):
    result = {"model": model, "mode": mode, "grpc_code": call.code().value[0]}
    status = rpc_status.from_call(call)
    if status is None:
        result["error"] = "no grpc-status-details-bin"
        return result
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result["code_string"] = info.metadata.get("code")
            result["reason"] = info.reason
            result["domain"] = info.domain
            result["metadata"] = dict(info.metadata)
    return result


def main():
    channel = grpc.insecure_channel(sys.argv[1])
    identity = lambda data: data
    unary = channel.unary_unary(
        "/acme.serving.v1.ModelServing/Generate",
        request_serializer=identity,
        response_deserializer=identity,
    )
    stream = channel.unary_stream(
        "/acme.serving.v1.ModelServing/StreamTokens",
        request_serializer=identity,
        response_deserializer=identity,
    )
    for line in sys.stdin:
        model, prompt = line.rstrip("\n").split("\t")
        request = field(1, model) + field(2, prompt)
        try:
            unary(request, timeout=10)
            print(json.dumps({"model": model, "mode": "unary", "error": "no error"}))
        except grpc.RpcError as call:
            print(json.dumps(describe(call, "unary", model)))
        try:
            for _ in stream(request, timeout=10):
                pass
            print(json.dumps({"model": model, "mode": "stream", "error": "no error"}))
        except grpc.RpcError as call:
            print(json.dumps(describe(call, "stream", model)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
