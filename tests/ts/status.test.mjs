// @ts-check
// How a JavaScript or TypeScript client (a web frontend) reads a csghub-errorx
// error with @bufbuild/protobuf and the code protoc-gen-es generates from the
// protos (see buf.gen.yaml). tests/it/typescript.rs type-checks this file with
// tsc against the generated .d.ts files, then runs it with `node --test` on
// statuses produced by the Rust encoder (the JSON file ERRORX_FIXTURES names).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";

import { createRegistry, fromBinary, fromJson, getOption, isMessage } from "@bufbuild/protobuf";
import { AnySchema, anyUnpack } from "@bufbuild/protobuf/wkt";
import { base64Decode } from "@bufbuild/protobuf/wire";

import { StatusSchema } from "../gen/google/rpc/status_pb.js";
import { Code } from "../gen/google/rpc/code_pb.js";
import {
  BadRequestSchema,
  ErrorInfoSchema as RpcErrorInfoSchema,
  LocalizedMessageSchema,
  file_google_rpc_error_details,
} from "../gen/google/rpc/error_details_pb.js";
import { ErrorInfoSchema, file_csghub_errorx_v1_error_info } from "../gen/csghub/errorx/v1/error_info_pb.js";
import {
  AuthError,
  AuthErrorSchema,
  GitError,
  GitErrorSchema,
  file_csghub_errorx_v1_catalog,
} from "../gen/csghub/errorx/v1/catalog_pb.js";
import { Module, ModuleSchema } from "../gen/csghub/errorx/v1/module_pb.js";
import {
  RetryClass,
  RetryClassSchema,
  catalog_module,
  code as codeOption,
  module_info,
} from "../gen/csghub/errorx/v1/options_pb.js";

/** @typedef {import("../gen/csghub/errorx/v1/error_info_pb.js").ErrorInfo} ErrorInfo */

// ---- What a client needs: five small functions over the generated code. ----

// The detail types a csghub-errorx server sends. A detail of another type is
// skipped (anyUnpack returns undefined), never thrown.
const registry = createRegistry(file_google_rpc_error_details, file_csghub_errorx_v1_error_info);

/**
 * Reads a `grpc-status-details-bin` header: a base64 google.rpc.Status.
 * @param {string} header
 */
function parseStatus(header) {
  const status = fromBinary(StatusSchema, base64Decode(header));
  const details = status.details.flatMap((any) => anyUnpack(any, registry) ?? []);
  return {
    status,
    details,
    // The standard detail: reason, domain, and as metadata the context and
    // `errorInfo.metadata.code`, the code string (GIT-ERR-8) any client can
    // show, even one without the generated catalog.
    errorInfo: findDetail(details, RpcErrorInfoSchema),
    // The typed detail: which catalog code, as module and number.
    code: findDetail(details, ErrorInfoSchema),
  };
}

/**
 * Reads the JSON error body of an HTTP response in Google's AIP-193 shape,
 * `{"error": {code, message, status, details}}`: each detail is an Any in
 * proto3 JSON, so the same messages come out as from parseStatus, the code
 * string in `errorInfo.metadata.code`.
 * @param {string} body
 */
function parseJsonError(body) {
  const error = JSON.parse(body).error;
  const details = (error.details ?? []).flatMap(
    (/** @type {any} */ detail) => anyUnpack(fromJson(AnySchema, detail, { registry }), registry) ?? [],
  );
  return {
    error,
    details,
    errorInfo: findDetail(details, RpcErrorInfoSchema),
    code: findDetail(details, ErrorInfoSchema),
  };
}

/**
 * The first detail of a type.
 * @template {import("@bufbuild/protobuf").DescMessage} D
 * @param {unknown[]} details
 * @param {D} schema
 * @returns {import("@bufbuild/protobuf").MessageShape<D> | undefined}
 */
function findDetail(details, schema) {
  return /** @type {any} */ (details.find((d) => isMessage(d, schema)));
}

/**
 * The catalog enum value of a typed ErrorInfo (GitError's GIT_AUTH_FAILED for
 * module GIT, number 8), or undefined for a code newer than the generated code.
 * Each catalog enum names its module in its (catalog_module) option.
 * @param {ErrorInfo} info
 */
function catalogValue(info) {
  const catalogEnum = file_csghub_errorx_v1_catalog.enums.find((e) => getOption(e, catalog_module) === info.module);
  return catalogEnum?.values.find((v) => v.number === info.number);
}

/**
 * How a client may retry a catalog code, by name (RETRY_CLASS_BACKOFF): its
 * (code) option's retry, else its gRPC code's default, as options.proto says.
 * @param {import("../gen/csghub/errorx/v1/options_pb.js").CodeOptions} options
 */
function retryClass(options) {
  const defaultClass =
    options.grpcCode === "UNAVAILABLE"
      ? RetryClass.BACKOFF
      : options.grpcCode === "RESOURCE_EXHAUSTED"
        ? RetryClass.AFTER_SERVER_DELAY
        : RetryClass.NEVER;
  const retry = options.retry === RetryClass.UNSPECIFIED ? defaultClass : options.retry;
  return RetryClassSchema.values.find((v) => v.number === retry)?.name;
}

/**
 * Whether a typed ErrorInfo is one code: isCode(info, AuthErrorSchema,
 * AuthError.FORBIDDEN). Numbers restart in every module, so the enum schema
 * supplies the module; tsc rejects a value of another enum.
 * @template {number} E
 * @param {ErrorInfo | undefined} info
 * @param {import("@bufbuild/protobuf/codegenv2").GenEnum<E>} schema
 * @param {E} value
 */
function isCode(info, schema, value) {
  return info !== undefined && info.module === getOption(schema, catalog_module) && info.number === value;
}

// ---- The tests. ----

/**
 * @typedef {{ module: number, number: number, reason: string, name: string, codeString: string,
 *   grpcCode: number, grpcCodeName: string, httpStatus: number, message: string, header: string,
 *   httpBody: string, retryClass: string, retryDelayMs: number }} Fixture
 * @type {{ codes: Fixture[], newerCode: Fixture, withDetails: Fixture }}
 */
const fixtures = JSON.parse(readFileSync(process.env.ERRORX_FIXTURES ?? "fixtures.json", "utf8"));

test("every catalog code decodes into its generated enum value", () => {
  assert.equal(fixtures.codes.length, 100);
  for (const fixture of fixtures.codes) {
    const { status, errorInfo, code } = parseStatus(fixture.header);
    const what = `${fixture.reason}`;
    assert.equal(status.code, fixture.grpcCode, what);
    assert.equal(Code[status.code], fixture.grpcCodeName, what);
    assert.equal(status.message, fixture.message, what);
    assert.equal(errorInfo?.reason, fixture.reason, what);
    assert.equal(errorInfo?.domain, "csghub.opencsg.com", what);
    // The metadata is the code string and the context.
    assert.deepEqual(errorInfo?.metadata, { code: fixture.codeString, repo: "ns/name" }, what);
    assert.ok(code, what);
    assert.equal(code.module, fixture.module, what);
    assert.equal(code.number, fixture.number, what);
    // The code string is the (module_info) prefix of the code's module, ERR
    // and the code's number.
    const moduleValue = ModuleSchema.values.find((v) => v.number === code.module);
    assert.ok(moduleValue, what);
    assert.equal(errorInfo?.metadata.code, `${getOption(moduleValue, module_info).prefix}-ERR-${code.number}`, what);

    const value = catalogValue(code);
    assert.equal(value?.name, fixture.reason, what);
    const options = value && getOption(value, codeOption);
    assert.equal(options?.name, fixture.name, what);
    assert.equal(options?.grpcCode, fixture.grpcCodeName, what);
    assert.equal(options?.httpStatus, fixture.httpStatus, what);
    // The retry class a browser or Node client reads from the generated
    // option (or its gRPC code's default) is the Rust retry layer's.
    assert.ok(options, what);
    assert.equal(retryClass(options), fixture.retryClass, what);
    assert.equal(options.retryDelayMs, fixture.retryDelayMs, what);
  }
});

test("a code newer than the generated code keeps its module, number and reason", () => {
  const { errorInfo, code } = parseStatus(fixtures.newerCode.header);
  assert.ok(code);
  assert.equal(code.module, Module.GIT);
  assert.equal(code.number, 99);
  assert.equal(catalogValue(code), undefined);
  // What to show instead: the code string and the reason, from the standard
  // detail.
  assert.equal(errorInfo?.metadata.code, "GIT-ERR-99");
  assert.equal(errorInfo?.reason, "GIT_LFS_QUOTA_GONE");
});

test("standard details decode beside the codes, and unknown ones are skipped", () => {
  const { status, details, code } = parseStatus(fixtures.withDetails.header);
  assert.equal(code?.module, Module.REQ);
  assert.equal(findDetail(details, BadRequestSchema)?.fieldViolations[0].field, "page_size");
  const localized = findDetail(details, LocalizedMessageSchema);
  assert.equal(localized?.locale, "zh-CN");
  assert.equal(localized?.message, "每页最多 100 条");
  // The Rust server also sent a google.protobuf.Timestamp, a type the
  // registry lacks.
  assert.ok(status.details.some((any) => any.typeUrl === "type.googleapis.com/google.protobuf.Timestamp"));
  assert.equal(details.length, status.details.length - 1);
});

test("a frontend branches on generated constants, not on code strings", () => {
  const forbidden = fixtures.codes.find((f) => f.reason === "FORBIDDEN");
  const gitErr2 = fixtures.codes.find((f) => f.module === Module.GIT && f.number === 2);
  assert.ok(forbidden && gitErr2);
  const { code, errorInfo } = parseStatus(forbidden.header);

  // Instead of `code === 'AUTH-ERR-2'`:
  assert.equal(isCode(code, AuthErrorSchema, AuthError.FORBIDDEN), true);
  assert.equal(isCode(code, GitErrorSchema, GitError.GIT_AUTH_FAILED), false);
  // GIT-ERR-2 has the same number in another module.
  assert.equal(isCode(parseStatus(gitErr2.header).code, AuthErrorSchema, AuthError.FORBIDDEN), false);
  // @ts-expect-error: a GitError value is not an AuthError
  isCode(code, AuthErrorSchema, GitError.GIT_AUTH_FAILED);

  // A client with only the standard detail compares the reason, which is
  // the enum value's name, and shows the code string.
  assert.equal(errorInfo?.reason, AuthError[AuthError.FORBIDDEN]);
  assert.equal(errorInfo?.metadata.code, "AUTH-ERR-2");
});

test("the AIP-193 JSON body of the HTTP side decodes into the same codes, localized", () => {
  for (const fixture of fixtures.codes) {
    const { error, errorInfo, code, details } = parseJsonError(fixture.httpBody);
    const what = `${fixture.reason}`;
    assert.equal(error.code, fixture.httpStatus, what);
    assert.equal(error.status, fixture.grpcCodeName, what);
    assert.equal(errorInfo?.reason, fixture.reason, what);
    // The code string, read from the body's ErrorInfo as from the header's.
    assert.equal(errorInfo?.metadata.code, fixture.codeString, what);
    assert.deepEqual(errorInfo?.metadata, { code: fixture.codeString, repo: "ns/name" }, what);
    assert.ok(code, what);
    assert.equal(catalogValue(code)?.name, fixture.reason, what);
    // The browser asked for zh-TW: one message in Hong Kong Chinese.
    const localized = details.filter((/** @type {unknown} */ d) => isMessage(d, LocalizedMessageSchema));
    assert.equal(localized.length, 1, what);
    assert.equal(findDetail(details, LocalizedMessageSchema)?.locale, "zh-HK", what);
  }
  const { code } = parseJsonError(fixtures.codes.find((f) => f.reason === "FORBIDDEN")?.httpBody ?? "");
  assert.equal(isCode(code, AuthErrorSchema, AuthError.FORBIDDEN), true);
});
