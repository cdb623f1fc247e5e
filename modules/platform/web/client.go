package web

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// ParseTrustedProxies reads ACADEMY_TRUSTED_PROXIES: CIDRs (or single
// addresses) separated by commas or spaces. An empty string trusts no proxy.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither a CIDR (10.0.0.0/8) nor an address", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ClientOf returns the address of the client that sent the request, as a
// string that outlives the request: the peer address, or, when the peer is
// a trusted proxy, the rightmost X-Forwarded-For entry that is not itself a
// trusted proxy. Entries left of it were written by the client and prove
// nothing; with no trusted proxy configured the header is ignored.
func ClientOf(c *fiber.Ctx) string {
	if s, ok := c.Locals(clientLocal).(string); ok {
		return s
	}
	return clientAddr(c, nil).String()
}

// clientAddr works out the client's address (see ClientOf).
func clientAddr(c *fiber.Ctx, trusted []netip.Prefix) netip.Addr {
	peer, _ := netip.AddrFromSlice(c.Context().RemoteIP())
	peer = peer.Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	client := peer
	headers := c.Request().Header.PeekAll(fiber.HeaderXForwardedFor)
	// Walk the hops from the nearest (rightmost entry of the last header)
	// outwards while they are proxies we trust.
	for h := len(headers) - 1; h >= 0; h-- {
		entries := strings.Split(string(headers[h]), ",")
		for i := len(entries) - 1; i >= 0; i-- {
			e := strings.TrimSpace(entries[i])
			if e == "" {
				continue
			}
			a, err := netip.ParseAddr(e)
			if err != nil {
				// Garbage where an address should be: the last hop we could
				// read is the client as far as we can tell.
				return client
			}
			client = a.Unmap()
			if !isTrusted(client, trusted) {
				return client
			}
		}
	}
	return client
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
