// server serves the csghub-errorx Demo service with grpc-go and fails every
// call with a status built by status.New(..).WithDetails(..), for the Rust
// client to decode. The request's code picks the status:
//
//	a catalog reason    that code, with the request's context (GIT_AUTH_FAILED),
//	                    as catalog.Status builds it
//	FUTURE              a code newer than the client's catalog: GIT-ERR-99, with
//	                    the request's context
//	GOOGLE_ONLY         GIT-ERR-8 as a Go server with only the standard types
//	                    sends it: a google.rpc.ErrorInfo whose metadata holds
//	                    the code string, no typed ErrorInfo
//	GOOGLE_ONLY_FUTURE  the same for a code newer than the client's: GIT-ERR-99
//	FOREIGN             another service's error: domain pubsub.googleapis.com
//	FOREIGN_CODE        another service's error with its own code string:
//	                    domain models.example.com, MDL-ERR-3
//	PLAIN               no details at all
//
// FailStream first sends messages_before_error replies. Prints "listening on
// ADDR", then serves until stdin closes.
package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"

	"errorx-interop/catalog"

	protov1 "github.com/golang/protobuf/proto"
	demov1 "github.com/opencsg/csghub-errorx/gen/go/csghub/errorx/demo/v1"
	errorxv1 "github.com/opencsg/csghub-errorx/gen/go/csghub/errorx/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

type demo struct {
	demov1.UnimplementedDemoServer
}

func (demo) Fail(_ context.Context, request *demov1.FailRequest) (*demov1.FailReply, error) {
	return nil, statusFor(request).Err()
}

func (demo) FailStream(request *demov1.FailRequest, stream demov1.Demo_FailStreamServer) error {
	for i := uint32(0); i < request.GetMessagesBeforeError(); i++ {
		if err := stream.Send(&demov1.FailReply{Index: i}); err != nil {
			return err
		}
	}
	return statusFor(request).Err()
}

func statusFor(request *demov1.FailRequest) *status.Status {
	switch request.GetCode() {
	case "FUTURE":
		return withDetails(status.New(codes.ResourceExhausted, "go says: LFS quota gone"),
			&errdetails.ErrorInfo{
				Reason:   "GIT_LFS_QUOTA_GONE",
				Domain:   catalog.Domain,
				Metadata: catalog.Metadata("GIT-ERR-99", request.GetContext()),
			},
			&errorxv1.ErrorInfo{Module: errorxv1.Module_MODULE_GIT, Number: 99},
		)
	case "GOOGLE_ONLY":
		return withDetails(status.New(codes.Unauthenticated, "go says: authentication failed"),
			&errdetails.ErrorInfo{
				Reason:   "GIT_AUTH_FAILED",
				Domain:   "csghub.opencsg.com",
				Metadata: map[string]string{"code": "GIT-ERR-8", "module": "GIT", "repoPath": "ns/x"},
			},
		)
	case "GOOGLE_ONLY_FUTURE":
		return withDetails(status.New(codes.NotFound, "go says: LFS object gone"),
			&errdetails.ErrorInfo{
				Reason:   "GIT_LFS_OBJECT_GONE",
				Domain:   "csghub.opencsg.com",
				Metadata: map[string]string{"code": "GIT-ERR-99", "module": "GIT", "repoPath": "ns/x"},
			},
		)
	case "FOREIGN":
		return withDetails(status.New(codes.PermissionDenied, "go says: not yours"),
			&errdetails.ErrorInfo{Reason: "FORBIDDEN", Domain: "pubsub.googleapis.com"},
		)
	case "FOREIGN_CODE":
		return withDetails(status.New(codes.NotFound, "go says: no such model"),
			&errdetails.ErrorInfo{
				Reason:   "MODEL_NOT_FOUND",
				Domain:   "models.example.com",
				Metadata: map[string]string{"code": "MDL-ERR-3", "module": "MDL", "model": "llama"},
			},
		)
	case "PLAIN":
		return status.New(codes.Unavailable, "go says: try later")
	}
	code, ok := catalog.ByReason(request.GetCode())
	if !ok {
		return status.New(codes.InvalidArgument, "go says: no such reason")
	}
	return catalog.Status(code, request.GetContext())
}

// withDetails is st.WithDetails(details...), which fails only on a detail it
// cannot marshal.
func withDetails(st *status.Status, details ...protov1.Message) *status.Status {
	rich, err := st.WithDetails(details...)
	if err != nil {
		panic(err)
	}
	return rich
}

func main() {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, "listen:", err)
		os.Exit(1)
	}
	server := grpc.NewServer()
	demov1.RegisterDemoServer(server, demo{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		server.Stop()
	}()
	fmt.Printf("listening on %s\n", listener.Addr())
	if err := server.Serve(listener); err != nil {
		fmt.Fprintln(os.Stderr, "serve:", err)
		os.Exit(1)
	}
}
