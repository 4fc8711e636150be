package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

// requestInfo travels in a request's context: its id, the client address
// and, once authenticated, the principal.
type requestInfo struct {
	id        string
	ip        string
	https     bool
	host      string
	principal *principal
	cookies   []http.Cookie
}

type requestInfoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	info, _ := ctx.Value(requestInfoKey{}).(*requestInfo)
	return info
}

// requestLogger returns base with the request's id and user, if any.
func requestLogger(ctx context.Context, base *slog.Logger) *slog.Logger {
	info := infoFrom(ctx)
	if info == nil {
		return base
	}
	l := base.With("request_id", info.id)
	if info.principal != nil {
		l = l.With("user_id", info.principal.user.ID)
	}
	return l
}

// requestContext gives each request a deadline, an id and its client
// address, and logs one line when it ends. Errors are answered here so the
// logged status is the one sent.
func (s *Server) requestContext(c *fiber.Ctx) error {
	start := time.Now()
	ctx, cancel := context.WithTimeout(c.UserContext(), s.cfg.RequestTimeout)
	defer cancel()
	info := &requestInfo{id: newRequestID(), ip: s.clientIP(c), https: c.Protocol() == "https", host: c.Hostname()}
	c.SetUserContext(context.WithValue(ctx, requestInfoKey{}, info))
	c.Set("X-Request-Id", info.id)

	if err := c.Next(); err != nil {
		if herr := s.fiberErrorHandler(c, err); herr != nil {
			return herr
		}
	}
	writeCookies(c, info.cookies)
	status := c.Response().StatusCode()
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	requestLogger(c.UserContext(), s.log).Log(c.UserContext(), level, "request",
		"method", c.Method(), "path", logPath(c.Path()), "status", status,
		"duration_ms", time.Since(start).Milliseconds(), "ip", info.ip)
	return nil
}

func newRequestID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// clientIP is the address login limits are counted against. The peer's
// address, unless the peer is a trusted proxy: then X-Forwarded-For is read
// from the right, skipping trusted proxies, and the first other address is
// the client. Addresses a client wrote itself at the left of the header are
// never reached while a trusted proxy appends the real one.
func (s *Server) clientIP(c *fiber.Ctx) string {
	peer, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break
		}
		hop = hop.Unmap()
		if !s.trusted(hop) {
			return hop.String()
		}
		peer = hop
	}
	return peer.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
