// Package catalog reads the csghub-errorx catalog from the Go code that
// protoc-gen-go generates from proto/: which catalog code a typed ErrorInfo
// is, and the status a server sends for a code.
package catalog

import (
	"fmt"

	errorxv1 "github.com/opencsg/csghub-errorx/gen/go/csghub/errorx/v1"
	rpccode "google.golang.org/genproto/googleapis/rpc/code"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
)

// Domain is the google.rpc.ErrorInfo domain of the catalog's reasons, the
// (catalog_domain) option of catalog.proto: "csghub.opencsg.com".
var Domain = proto.GetExtension(
	errorxv1.File_csghub_errorx_v1_catalog_proto.Options(), errorxv1.E_CatalogDomain,
).(string)

// Lookup returns the catalog enum value of a typed ErrorInfo, e.g. GitError's
// GIT_AUTH_FAILED for module MODULE_GIT and number 8. Each catalog enum names
// its module in its (catalog_module) option. ok is false for a code newer
// than these protos; its module and number are still in info.
func Lookup(info *errorxv1.ErrorInfo) (value protoreflect.EnumValueDescriptor, ok bool) {
	enums := errorxv1.File_csghub_errorx_v1_catalog_proto.Enums()
	for i := 0; i < enums.Len(); i++ {
		enum := enums.Get(i)
		if proto.GetExtension(enum.Options(), errorxv1.E_CatalogModule).(int32) == int32(info.GetModule()) {
			value = enum.Values().ByNumber(protoreflect.EnumNumber(info.GetNumber()))
			return value, value != nil
		}
	}
	return nil, false
}

// Options returns the (code) option of a catalog enum value: its name
// (gitAuthFailed), description, gRPC code and HTTP status.
func Options(value protoreflect.EnumValueDescriptor) *errorxv1.CodeOptions {
	return proto.GetExtension(value.Options(), errorxv1.E_Code).(*errorxv1.CodeOptions)
}

// RetryClass returns how a client may retry a catalog code: its (code)
// option's retry, else its gRPC code's default, as options.proto says
// (UNAVAILABLE backs off, RESOURCE_EXHAUSTED waits for the server's delay,
// every other code is never retried).
func RetryClass(value protoreflect.EnumValueDescriptor) errorxv1.RetryClass {
	options := Options(value)
	if class := options.GetRetry(); class != errorxv1.RetryClass_RETRY_CLASS_UNSPECIFIED {
		return class
	}
	switch options.GetGrpcCode() {
	case "UNAVAILABLE":
		return errorxv1.RetryClass_RETRY_CLASS_BACKOFF
	case "RESOURCE_EXHAUSTED":
		return errorxv1.RetryClass_RETRY_CLASS_AFTER_SERVER_DELAY
	default:
		return errorxv1.RetryClass_RETRY_CLASS_NEVER
	}
}

// ByReason returns the catalog code whose reason is reason:
// errorxv1.GitError_GIT_AUTH_FAILED for "GIT_AUTH_FAILED".
func ByReason(reason string) (protoreflect.Enum, bool) {
	enums := errorxv1.File_csghub_errorx_v1_catalog_proto.Enums()
	for i := 0; i < enums.Len(); i++ {
		value := enums.Get(i).Values().ByName(protoreflect.Name(reason))
		if value == nil {
			continue
		}
		enumType, err := protoregistry.GlobalTypes.FindEnumByName(enums.Get(i).FullName())
		if err != nil {
			return nil, false
		}
		return enumType.New(value.Number()), true
	}
	return nil, false
}

// CodeString returns the code string of a catalog code, e.g. "GIT-ERR-8" for
// errorxv1.GitError_GIT_AUTH_FAILED: the (module_info) prefix of its enum's
// module, "-ERR-" and its number.
func CodeString(code protoreflect.Enum) string {
	module := errorxv1.Module(proto.GetExtension(code.Descriptor().Options(), errorxv1.E_CatalogModule).(int32))
	prefix := ""
	if value := module.Descriptor().Values().ByNumber(module.Number()); value != nil {
		prefix = proto.GetExtension(value.Options(), errorxv1.E_ModuleInfo).(*errorxv1.ModuleOptions).GetPrefix()
	}
	return fmt.Sprintf("%s-ERR-%d", prefix, code.Number())
}

// Metadata returns the google.rpc.ErrorInfo metadata of a catalog error: the
// code string under "code", which any client can read with only the standard
// types, and the context. "code" and "module" are reserved: a context entry
// named either is sent as "x__code" or "x__module", as the Rust encoder does.
func Metadata(codeString string, context map[string]string) map[string]string {
	metadata := map[string]string{"code": codeString}
	for key, value := range context {
		if key == "code" || key == "module" {
			key = "x__" + key
		}
		metadata[key] = value
	}
	return metadata
}

// Status is the status a csghub-errorx server sends for a catalog code,
// e.g. Status(errorxv1.GitError_GIT_AUTH_FAILED, map[string]string{"repo":
// "ns/name"}): the code's gRPC code and description, a google.rpc.ErrorInfo
// (reason, domain, and Metadata: the code string and the context) and the
// typed csghub.errorx.v1.ErrorInfo (module, number).
func Status(code protoreflect.Enum, context map[string]string) *status.Status {
	value := code.Descriptor().Values().ByNumber(code.Number())
	options := Options(value)
	module := proto.GetExtension(code.Descriptor().Options(), errorxv1.E_CatalogModule).(int32)
	plain := status.New(codes.Code(rpccode.Code_value[options.GrpcCode]), options.Description)
	rich, err := plain.WithDetails(
		&errdetails.ErrorInfo{Reason: string(value.Name()), Domain: Domain, Metadata: Metadata(CodeString(code), context)},
		&errorxv1.ErrorInfo{Module: errorxv1.Module(module), Number: uint32(code.Number())},
	)
	if err != nil {
		// WithDetails fails only on a message it cannot marshal; these it can.
		return plain
	}
	return rich
}
