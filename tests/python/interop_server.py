"""A Python Demo server that returns rich statuses built with
grpc_status's `rpc_status.to_status`, for the Rust client to decode.

The request's `code` is the ErrorInfo reason to send. Its context says the
rest (every other entry goes into the ErrorInfo metadata):
  grpcCode   the gRPC code number (default 13)
  domain     the ErrorInfo domain (default csghub.opencsg.com)
  codeString the metadata `code`, e.g. GIT-ERR-8, as a peer with only the
             google.rpc types names the code
  typed      "module/number": also send the typed csghub.errorx.v1.ErrorInfo
  retry      seconds: also send RetryInfo
  badField   also send BadRequest with a violation on this field
  custom     also send a detail of a type nobody knows

usage: PYTHONPATH=GENERATED interop_server.py; prints "listening on PORT".
GENERATED holds the modules grpcio-tools generated from the protos.
"""

import sys
from concurrent import futures

import grpc
from google.protobuf import any_pb2
from google.rpc import code_pb2, error_details_pb2, status_pb2
from grpc_status import rpc_status

from csghub.errorx.demo.v1 import demo_pb2, demo_pb2_grpc
from csghub.errorx.v1 import error_info_pb2

CONTROL_KEYS = {"grpcCode", "domain", "codeString", "typed", "retry", "badField", "custom"}


def rich_status(request):
    context = dict(request.context)
    metadata = {k: v for k, v in context.items() if k not in CONTROL_KEYS}
    if "codeString" in context:
        metadata["code"] = context["codeString"]
    info = error_details_pb2.ErrorInfo(
        reason=request.code,
        domain=context.get("domain", "csghub.opencsg.com"),
        metadata=metadata,
    )
    details = [info]
    if "typed" in context:
        module, number = context["typed"].split("/")
        details.append(error_info_pb2.ErrorInfo(module=int(module), number=int(number)))
    if "retry" in context:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.seconds = int(context["retry"])
        details.append(retry)
    if "badField" in context:
        bad = error_details_pb2.BadRequest()
        bad.field_violations.add(field=context["badField"], description="rejected by the Python server")
        details.append(bad)
    if "custom" in context:
        details.append(any_pb2.Any(type_url="type.example.com/acme.Custom", value=b"\x08\x01"))
    packed = []
    for detail in details:
        if isinstance(detail, any_pb2.Any):
            packed.append(detail)
        else:
            any_detail = any_pb2.Any()
            any_detail.Pack(detail)
            packed.append(any_detail)
    status = status_pb2.Status(
        code=int(context.get("grpcCode", code_pb2.INTERNAL)),
        message=f"python says {request.code}",
        details=packed,
    )
    return rpc_status.to_status(status)


class Demo(demo_pb2_grpc.DemoServicer):
    def Fail(self, request, context):
        context.abort_with_status(rich_status(request))

    def FailStream(self, request, context):
        for index in range(request.messages_before_error):
            yield demo_pb2.FailReply(index=index)
        context.abort_with_status(rich_status(request))


def main():
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    demo_pb2_grpc.add_DemoServicer_to_server(Demo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    print(f"listening on {port}", flush=True)
    # Serve until the test kills us, or stdin closes, whichever comes first.
    try:
        sys.stdin.read()
    finally:
        server.stop(0)


if __name__ == "__main__":
    main()
