"""Calls the Rust Demo server for every code it is given, unary and
streaming, and decodes each status the strict way: grpc_status's
`rpc_status.from_call` raises if the inner google.rpc.Status disagrees with
the outer code and message. The code string (GIT-ERR-8) is read with only
the google.rpc types, from the google.rpc.ErrorInfo metadata `code`; the
typed csghub.errorx.v1.ErrorInfo is mapped onto the generated catalog enums.

usage: PYTHONPATH=GENERATED interop_client.py ADDR [BLOB_BYTES] < codes (one per line)
prints one JSON object per call. Every request's context is
{"repo": "ns/name", "caller": "python"}, plus, given BLOB_BYTES, an entry
"blob" of that many bytes. GENERATED holds the modules grpcio-tools
generated from proto/ and crates/demo/proto/.
"""

import json
import sys

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from csghub.errorx.demo.v1 import demo_pb2, demo_pb2_grpc
from csghub.errorx.v1 import catalog_pb2, error_info_pb2, options_pb2


def catalog_value(info):
    """The catalog enum value of a typed ErrorInfo, e.g. GitError's
    GIT_AUTH_FAILED for module MODULE_GIT and number 8; None for a code
    newer than these protos. Each catalog enum names its module in its
    (catalog_module) option."""
    for enum in catalog_pb2.DESCRIPTOR.enum_types_by_name.values():
        if enum.GetOptions().Extensions[options_pb2.catalog_module] == info.module:
            return enum.values_by_number.get(info.number)
    return None


def retry_class(options):
    """How a client may retry a code, by name (RETRY_CLASS_BACKOFF): its
    (code) option's `retry`, else its gRPC code's default, as options.proto
    says."""
    if options.retry != options_pb2.RETRY_CLASS_UNSPECIFIED:
        return options_pb2.RetryClass.Name(options.retry)
    return {
        "UNAVAILABLE": "RETRY_CLASS_BACKOFF",
        "RESOURCE_EXHAUSTED": "RETRY_CLASS_AFTER_SERVER_DELAY",
    }.get(options.grpc_code, "RETRY_CLASS_NEVER")


def code_string(status):
    """The code string of a csghub-errorx status, e.g. "GIT-ERR-8": the
    google.rpc.ErrorInfo metadata `code`, which any client can read and show
    with only googleapis-common-protos. None without one."""
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            return info.metadata.get("code")
    return None


def decode(call, mode, code):
    result = {"code": code, "mode": mode, "grpc_code": call.code().value[0], "message": call.details()}
    status = rpc_status.from_call(call)  # raises on an inner/outer mismatch
    if status is None:
        result["error"] = "no grpc-status-details-bin"
        return result
    result["inner_code"] = status.code
    result["inner_message"] = status.message
    result["detail_types"] = [detail.type_url for detail in status.details]
    result["code_string"] = code_string(status)
    for detail in status.details:
        if detail.Is(error_details_pb2.ErrorInfo.DESCRIPTOR):
            info = error_details_pb2.ErrorInfo()
            detail.Unpack(info)
            result["reason"] = info.reason
            result["domain"] = info.domain
            result["metadata"] = dict(info.metadata)
        elif detail.Is(error_info_pb2.ErrorInfo.DESCRIPTOR):
            typed = error_info_pb2.ErrorInfo()
            detail.Unpack(typed)
            result["typed"] = {
                "module": typed.module,
                "number": typed.number,
                # Deprecated: read for old peers, never written.
                "code": typed.code,
                "context": dict(typed.context),
            }
            value = catalog_value(typed)
            if value is not None:
                options = value.GetOptions().Extensions[options_pb2.code]
                result["catalog"] = {
                    "enum": value.type.name,
                    "value": value.name,
                    "name": options.name,
                    "grpc_code": options.grpc_code,
                    "http_status": options.http_status,
                    "retry": retry_class(options),
                    "retry_delay_ms": options.retry_delay_ms,
                }
    return result


def main():
    demo = demo_pb2_grpc.DemoStub(grpc.insecure_channel(sys.argv[1]))
    context = {"repo": "ns/name", "caller": "python"}
    if len(sys.argv) > 2:
        context["blob"] = "x" * int(sys.argv[2])
    for line in sys.stdin:
        code = line.strip()
        if not code:
            continue
        request = demo_pb2.FailRequest(code=code, context=context)
        try:
            demo.Fail(request, timeout=10)
            print(json.dumps({"code": code, "mode": "unary", "error": "the call succeeded"}))
        except grpc.RpcError as call:
            print(json.dumps(decode(call, "unary", code)))

        request.messages_before_error = 2
        replies = []
        try:
            for reply in demo.FailStream(request, timeout=10):
                replies.append(reply.index)
            print(json.dumps({"code": code, "mode": "stream", "error": "the stream succeeded"}))
        except grpc.RpcError as call:
            result = decode(call, "stream", code)
            result["replies"] = replies
            print(json.dumps(result))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
