// The browser client of tests/it/browser.rs: connect-es over gRPC-Web,
// with the code protoc-gen-es generates from the protos; bundled by esbuild
// into page.js. Every detail is decoded by @bufbuild/protobuf from the
// types generated from google/rpc/error_details.proto: no hand-written
// protobuf decoding.
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcWebTransport } from "@connectrpc/connect-web";

import { Demo } from "../gen/csghub/errorx/demo/v1/demo_pb.js";
import { ErrorInfoSchema as TypedErrorInfoSchema } from "../gen/csghub/errorx/v1/error_info_pb.js";
import { Module } from "../gen/csghub/errorx/v1/module_pb.js";
import {
  ErrorInfoSchema,
  LocalizedMessageSchema,
  RetryInfoSchema,
} from "../gen/google/rpc/error_details_pb.js";

const api = new URLSearchParams(location.search).get("api") ?? location.origin;
const client = createClient(Demo, createGrpcWebTransport({ baseUrl: api, useBinaryFormat: true }));

/** What the page shows of one call. */
interface Shown {
  callKind: string;
  replies: string;
  grpcCode: string;
  codeString: string;
  reason: string;
  typed: string;
  contextShown: string;
  localized: string;
  localizedLocale: string;
  retry: string;
  message: string;
}

/** What connect-es decoded of a failed call. */
function describe(error: ConnectError): Omit<Shown, "callKind" | "replies"> {
  const [info] = error.findDetails(ErrorInfoSchema);
  const [typed] = error.findDetails(TypedErrorInfoSchema);
  const [localized] = error.findDetails(LocalizedMessageSchema);
  const [retry] = error.findDetails(RetryInfoSchema);
  // The google.rpc.ErrorInfo metadata: the code string under `code`, the
  // context beside it.
  const { code: codeString = "", ...context } = info?.metadata ?? {};
  const delay = retry?.retryDelay;
  return {
    grpcCode: Code[error.code],
    codeString,
    reason: info?.reason ?? "",
    typed: typed ? `${Module[typed.module]} ${typed.number}` : "",
    contextShown: Object.keys(context).length ? JSON.stringify(context) : "",
    localized: localized?.message ?? "",
    localizedLocale: localized?.locale ?? "",
    retry: delay ? String(Number(delay.seconds) + delay.nanos / 1e9) : "",
    message: error.rawMessage,
  };
}

function request() {
  const context: Record<string, string> = {};
  for (const pair of (document.getElementById("context") as HTMLInputElement).value.split(",")) {
    const [key, ...value] = pair.split("=");
    if (key.trim()) context[key.trim()] = value.join("=").trim();
  }
  return {
    code: (document.getElementById("code") as HTMLInputElement).value,
    context,
    messagesBeforeError: Number((document.getElementById("messages") as HTMLInputElement).value),
  };
}

let runs = 0;

function show(shown: Shown) {
  const ids: Record<keyof Shown, string> = {
    callKind: "call-kind",
    replies: "replies",
    grpcCode: "grpc-code",
    codeString: "code-string",
    reason: "reason",
    typed: "typed",
    contextShown: "context-shown",
    localized: "localized",
    localizedLocale: "localized-locale",
    retry: "retry",
    message: "message",
  };
  for (const [key, id] of Object.entries(ids)) {
    document.getElementById(id)!.textContent = shown[key as keyof Shown];
  }
  runs += 1;
  document.getElementById("result")!.dataset.run = String(runs);
}

async function call(kind: "unary" | "stream") {
  let replies = 0;
  try {
    if (kind === "unary") {
      await client.fail(request());
    } else {
      for await (const _reply of client.failStream(request())) replies += 1;
    }
    show({ ...empty(), callKind: kind, replies: String(replies), grpcCode: "OK" });
  } catch (reason) {
    // ConnectError.from keeps a ConnectError, and wraps anything else (a
    // network failure) as one.
    const error = ConnectError.from(reason);
    show({ ...describe(error), callKind: kind, replies: String(replies) });
  }
}

function empty(): Shown {
  return {
    callKind: "", replies: "", grpcCode: "", codeString: "", reason: "", typed: "",
    contextShown: "", localized: "", localizedLocale: "", retry: "", message: "",
  };
}

document.getElementById("unary")!.addEventListener("click", () => void call("unary"));
document.getElementById("stream")!.addEventListener("click", () => void call("stream"));
