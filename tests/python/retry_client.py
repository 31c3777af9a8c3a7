"""Calls Demo.Fail once on a channel with gRPC's retry policy, as a Python
user configures grpcio: retries on, a service config whose backoff (10 to
50 ms) is far shorter than the server's pushback, so that the spacing the
server sees shows whether grpcio honoured grpc-retry-pushback-ms.

usage: PYTHONPATH=GENERATED retry_client.py ADDR [CODE]
prints one JSON object: the call's final gRPC code, and how long the call
took in milliseconds. CODE is the FailRequest's code ("x" by default).
"""

import json
import sys
import time

import grpc

from csghub.errorx.demo.v1 import demo_pb2, demo_pb2_grpc

SERVICE_CONFIG = {
    "methodConfig": [
        {
            "name": [{"service": "csghub.errorx.demo.v1.Demo"}],
            "retryPolicy": {
                "maxAttempts": 3,
                "initialBackoff": "0.01s",
                "maxBackoff": "0.05s",
                "backoffMultiplier": 2,
                "retryableStatusCodes": ["UNAVAILABLE"],
            },
        }
    ]
}


def main():
    channel = grpc.insecure_channel(
        sys.argv[1],
        options=[
            ("grpc.enable_retries", 1),
            ("grpc.service_config", json.dumps(SERVICE_CONFIG)),
        ],
    )
    demo = demo_pb2_grpc.DemoStub(channel)
    code = sys.argv[2] if len(sys.argv) > 2 else "x"
    started = time.monotonic()
    result = {"grpc_code": 0}
    try:
        demo.Fail(demo_pb2.FailRequest(code=code), timeout=10)
    except grpc.RpcError as call:
        result = {"grpc_code": call.code().value[0], "message": call.details()}
    result["elapsed_ms"] = (time.monotonic() - started) * 1000
    print(json.dumps(result))


if __name__ == "__main__":
    main()
