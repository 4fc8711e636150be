package sdk

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// remoteError is an error that crossed the wire from the other process. It
// keeps the original message and, for cancellations and deadlines, still
// matches context.Canceled and context.DeadlineExceeded with errors.Is.
type remoteError struct {
	st *status.Status
}

func (e *remoteError) Error() string { return e.st.Message() }

// GRPCStatus lets status.Code and status.FromError see the original code.
func (e *remoteError) GRPCStatus() *status.Status { return e.st }

func (e *remoteError) Is(target error) bool {
	switch e.st.Code() {
	case codes.Canceled:
		return target == context.Canceled
	case codes.DeadlineExceeded:
		return target == context.DeadlineExceeded
	}
	return false
}

// toStatus turns an error returned by a strategy or a Library into a gRPC
// status error, keeping cancellations and deadlines recognisable.
func toStatus(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, context.Canceled):
		return status.Error(codes.Canceled, err.Error())
	case errors.Is(err, context.DeadlineExceeded):
		return status.Error(codes.DeadlineExceeded, err.Error())
	}
	var re *remoteError
	if errors.As(err, &re) {
		return status.Error(re.st.Code(), err.Error())
	}
	return status.Error(codes.Unknown, err.Error())
}

// fromStatus turns an error returned by a gRPC call back into a Go error.
// Errors that are not gRPC statuses (none are expected) pass unchanged.
func fromStatus(err error) error {
	if err == nil {
		return nil
	}
	st, ok := status.FromError(err)
	if !ok {
		return err
	}
	return &remoteError{st: st}
}

// recoverAsStatus turns a panic in the strategy or Library into an Internal
// error on the current call instead of a crash of the whole process.
func recoverAsStatus(err *error) {
	if r := recover(); r != nil {
		*err = status.Error(codes.Internal, fmt.Sprintf("panic: %v\n%s", r, debug.Stack()))
	}
}
