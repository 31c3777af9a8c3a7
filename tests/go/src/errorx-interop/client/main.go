// client calls the csghub-errorx Demo service with grpc-go, unary and
// streaming, for every code read from stdin, and prints what it decoded from
// each status as one JSON line.
//
//	client -addr 127.0.0.1:PORT < codes
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"errorx-interop/catalog"

	demov1 "github.com/opencsg/csghub-errorx/gen/go/csghub/errorx/demo/v1"
	errorxv1 "github.com/opencsg/csghub-errorx/gen/go/csghub/errorx/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/status"
)

// result is what one call decoded.
type result struct {
	Code         string            `json:"code"`
	Mode         string            `json:"mode"`
	Failure      string            `json:"failure,omitempty"`
	GrpcCode     int               `json:"grpcCode"`
	Message      string            `json:"message"`
	DetailTypes  []string          `json:"detailTypes"`
	DetailErrors []string          `json:"detailErrors"`
	CodeString   string            `json:"codeString"` // GIT-ERR-8, read with only the standard types
	Reason       string            `json:"reason"`
	Domain       string            `json:"domain"`
	Metadata     map[string]string `json:"metadata"`
	Module       int32             `json:"module"`
	Number       uint32            `json:"number"`
	// The catalog enum value of the typed ErrorInfo: GitError.GIT_AUTH_FAILED.
	Enum  string `json:"enum"`
	Value string `json:"value"`
	// How a client may retry it, read from the generated options:
	// RETRY_CLASS_BACKOFF; and the delay a server asks for, if any.
	Retry         string   `json:"retry"`
	RetryDelayMs  uint32   `json:"retryDelayMs"`
	GitAuthFailed bool     `json:"gitAuthFailed"`
	Replies       []uint32 `json:"replies,omitempty"`
}

// codeString returns the code string of a csghub-errorx status, e.g.
// "GIT-ERR-8": the google.rpc.ErrorInfo metadata "code", which any Go client
// can read and show with only the standard errdetails types; "" without one.
func codeString(st *status.Status) string {
	for _, detail := range st.Details() {
		if info, ok := detail.(*errdetails.ErrorInfo); ok {
			return info.GetMetadata()["code"]
		}
	}
	return ""
}

func decode(err error, r *result) {
	st, ok := status.FromError(err)
	if !ok {
		r.Failure = "not a gRPC status: " + err.Error()
		return
	}
	r.GrpcCode = int(st.Code())
	r.Message = st.Message()
	r.CodeString = codeString(st)
	r.DetailTypes, r.DetailErrors = []string{}, []string{}
	for _, detail := range st.Proto().GetDetails() {
		r.DetailTypes = append(r.DetailTypes, detail.GetTypeUrl())
	}
	for _, detail := range st.Details() {
		switch d := detail.(type) {
		case error: // a detail of a type this program has not linked in
			r.DetailErrors = append(r.DetailErrors, d.Error())
		case *errdetails.ErrorInfo:
			r.Reason, r.Domain, r.Metadata = d.GetReason(), d.GetDomain(), d.GetMetadata()
		case *errorxv1.ErrorInfo:
			r.Module, r.Number = int32(d.GetModule()), d.GetNumber()
			if value, ok := catalog.Lookup(d); ok {
				r.Enum, r.Value = string(value.Parent().Name()), string(value.Name())
				r.Retry = catalog.RetryClass(value).String()
				r.RetryDelayMs = catalog.Options(value).GetRetryDelayMs()
			}
			// How a client branches on one code: module and number, since
			// numbers restart in every module.
			r.GitAuthFailed = d.GetModule() == errorxv1.Module_MODULE_GIT &&
				errorxv1.GitError(d.GetNumber()) == errorxv1.GitError_GIT_AUTH_FAILED
		}
	}
}

func main() {
	addr := flag.String("addr", "", "the Demo server, host:port")
	blob := flag.Int("blob", 0, "adds a context entry \"blob\" of this many bytes to every request")
	retry := flag.Bool("retry", false, "calls Fail once on a channel with gRPC's retry policy (needs GRPC_GO_RETRY=on in grpc-go 1.33) and prints its final code and how long it took")
	retryCode := flag.String("retry-code", "x", "with -retry, the FailRequest's code")
	flag.Parse()
	if *retry {
		retryOnce(*addr, *retryCode)
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// grpc-go 1.33 (Debian 12) has no credentials/insecure package yet.
	conn, err := grpc.DialContext(ctx, *addr, grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	defer conn.Close()
	demo := demov1.NewDemoClient(conn)
	out := json.NewEncoder(os.Stdout)

	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		code := strings.TrimSpace(lines.Text())
		if code == "" {
			continue
		}
		request := &demov1.FailRequest{Code: code, Context: map[string]string{"repo": "ns/name", "caller": "go"}}
		if *blob > 0 {
			request.Context["blob"] = strings.Repeat("x", *blob)
		}

		unary := result{Code: code, Mode: "unary"}
		if _, err := demo.Fail(ctx, request); err != nil {
			decode(err, &unary)
		} else {
			unary.Failure = "the call succeeded"
		}
		out.Encode(unary)

		request.MessagesBeforeError = 2
		stream := result{Code: code, Mode: "stream", Replies: []uint32{}}
		replies, err := demo.FailStream(ctx, request)
		for err == nil {
			var reply *demov1.FailReply
			if reply, err = replies.Recv(); err == nil {
				stream.Replies = append(stream.Replies, reply.GetIndex())
			}
		}
		if err == io.EOF {
			stream.Failure = "the stream succeeded"
		} else {
			decode(err, &stream)
		}
		out.Encode(stream)
	}
}

// The retry policy a grpc-go user writes in a service config: backoff far
// shorter (10 to 50 ms) than the server's pushback, so that the spacing the
// server sees shows whether grpc-go honoured grpc-retry-pushback-ms.
const retryServiceConfig = `{"methodConfig": [{
  "name": [{"service": "csghub.errorx.demo.v1.Demo"}],
  "retryPolicy": {
    "MaxAttempts": 3,
    "InitialBackoff": "0.01s",
    "MaxBackoff": "0.05s",
    "BackoffMultiplier": 2,
    "RetryableStatusCodes": ["UNAVAILABLE"]
  }
}]}`

func retryOnce(addr, code string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, addr, grpc.WithInsecure(), grpc.WithBlock(),
		grpc.WithDefaultServiceConfig(retryServiceConfig))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(1)
	}
	defer conn.Close()
	started := time.Now()
	_, err = demov1.NewDemoClient(conn).Fail(ctx, &demov1.FailRequest{Code: code})
	json.NewEncoder(os.Stdout).Encode(map[string]int64{
		"grpcCode":  int64(status.Code(err)),
		"elapsedMs": time.Since(started).Milliseconds(),
	})
}
