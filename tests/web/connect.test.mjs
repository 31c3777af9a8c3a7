// @ts-check
// The Connect protocol's error JSON, read and written by connect-es itself
// (tests/it/connect.rs runs it with `node --test`, no browser):
// - a connect-es client (the Connect transport, over Node's fetch) calls the
//   demo's Fail on the Rust server (ERRORX_CONNECT_URL) for every code and
//   reads each detail with ConnectError#findDetails;
// - errorFromJson, what connect-es' transports call on an error body, reads
//   the Rust renderer's body of every code (ERRORX_FIXTURES);
// - connect-es writes what a connect-es server sends (errorToJson, and a
//   streaming response's end, endStreamToJson) into ERRORX_OUT, for the Rust
//   decoder.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";

import { create } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createConnectTransport } from "@connectrpc/connect-web";
import { endStreamToJson, errorFromJson, errorToJson } from "@connectrpc/connect/protocol-connect";

import { Demo } from "../gen/csghub/errorx/demo/v1/demo_pb.js";
import { ErrorInfoSchema as TypedErrorInfoSchema } from "../gen/csghub/errorx/v1/error_info_pb.js";
import {
  ErrorInfoSchema,
  LocalizedMessageSchema,
  RetryInfoSchema,
} from "../gen/google/rpc/error_details_pb.js";

const fixtures = JSON.parse(readFileSync(String(process.env.ERRORX_FIXTURES), "utf8"));

/**
 * The details a csghub-errorx error carries, as connect-es reads them.
 * @param {ConnectError} error
 */
function read(error) {
  const [info] = error.findDetails(ErrorInfoSchema);
  const [typed] = error.findDetails(TypedErrorInfoSchema);
  const [localized] = error.findDetails(LocalizedMessageSchema);
  return { info, typed, localized };
}

/**
 * @param {ConnectError} error
 * @param {any} expected
 * @param {string} where
 */
function check(error, expected, where) {
  assert.ok(error instanceof ConnectError, `${where}: not a ConnectError`);
  assert.equal(Code[error.code], expected.connectCode, `${where}: code`);
  const { info, typed } = read(error);
  assert.ok(info, `${where}: no google.rpc.ErrorInfo`);
  assert.equal(info.reason, expected.reason, `${where}: reason`);
  assert.equal(info.metadata.code, expected.codeString, `${where}: the code string`);
  assert.equal(info.metadata.repo, "ns/x", `${where}: the context`);
  assert.ok(typed, `${where}: no typed ErrorInfo`);
  assert.equal(typed.module, expected.module, `${where}: module`);
  assert.equal(typed.number, expected.number, `${where}: number`);
}

test("a connect-es client reads every code, and the localized message, from the Rust server", async () => {
  const client = createClient(Demo, createConnectTransport({ baseUrl: String(process.env.ERRORX_CONNECT_URL) }));
  for (const expected of fixtures.codes) {
    const error = await client
      .fail({ code: expected.codeString, context: { repo: "ns/x" } }, { headers: { "accept-language": "zh-TW" } })
      .then(() => assert.fail(`${expected.codeString} succeeded`), (/** @type {unknown} */ e) => ConnectError.from(e));
    check(error, expected, expected.codeString);
    const { localized } = read(error);
    assert.equal(localized?.locale, "zh-HK", `${expected.codeString}: the localized message's locale`);
    assert.equal(localized?.message, expected.zhHk, `${expected.codeString}: the localized message`);
  }
});

test("errorFromJson reads the Rust renderer's Connect body of every code", () => {
  for (const expected of fixtures.codes) {
    const fallback = new ConnectError("unreadable", Code.Unknown);
    const error = errorFromJson(JSON.parse(expected.body), undefined, fallback);
    assert.notEqual(error, fallback, `${expected.codeString}: connect-es could not read the body`);
    check(ConnectError.from(error), expected, `${expected.codeString} body`);
    assert.equal(error.rawMessage, expected.message, `${expected.codeString}: message`);
  }
});

test("connect-es writes what a connect-es server sends, for the Rust decoder", () => {
  const error = new ConnectError("git authentication failed", Code.Unauthenticated, undefined, [
    {
      desc: ErrorInfoSchema,
      value: { reason: "GIT_AUTH_FAILED", domain: fixtures.domain, metadata: { code: "GIT-ERR-8", repo: "ns/x" } },
    },
    { desc: RetryInfoSchema, value: { retryDelay: create(DurationSchema, { seconds: 30n }) } },
    { desc: LocalizedMessageSchema, value: { locale: "zh-HK", message: "Git 驗證失敗" } },
  ]);
  const unary = errorToJson(error, undefined);
  const endStream = endStreamToJson(new Headers({ "x-request-id": "r-1" }), error, undefined);
  writeFileSync(String(process.env.ERRORX_OUT), JSON.stringify({ unary, endStream }));
});
