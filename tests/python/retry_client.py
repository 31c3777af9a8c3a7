"""Calls Demo.Fail once on a channel with gRPC's retry policy, as a Python
user configures grpcio: retries on, a service config whose backoff (10 to
50 ms) is far shorter than the server's pushback, so that the spacing the
server sees shows whether grpcio honoured grpc-retry-pushback-ms.

usage: PYTHONPATH=GENERATED retry_client.py ADDR
prints one JSON object: the call's final gRPC code.
"""

import json
import sys

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
    try:
        demo.Fail(demo_pb2.FailRequest(code="x"), timeout=10)
        print(json.dumps({"grpc_code": 0}))
    except grpc.RpcError as call:
        print(json.dumps({"grpc_code": call.code().value[0], "message": call.details()}))


if __name__ == "__main__":
    main()
