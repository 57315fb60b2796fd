// Package vendor is Cascade's client of vendors' services: the outbound calls of
// docs/vendor-protocol.md, signed, with a timeout, to addresses the installation
// allows, and the classification of their outcomes that delivery retries by.
package vendor

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// Address refusals. Both are permanent: calling again reaches the same address.
var (
	// ErrLinkLocal refuses link-local and cloud metadata addresses (169.254.0.0/16,
	// fe80::/10), which are never a vendor's service, whatever the settings.
	ErrLinkLocal = errors.New("link-local or metadata address refused")
	// ErrPrivate refuses loopback, private and other internal addresses unless the
	// installation allows them (CASCADE_VENDOR_ALLOW_PRIVATE=1).
	ErrPrivate = errors.New("loopback or private address refused")
	// ErrScheme refuses URLs other than absolute http and https ones.
	ErrScheme = errors.New("not an absolute http or https URL")
)

// metadataHosts are names of cloud metadata services, refused like their addresses
// before anything resolves them.
var metadataHosts = map[string]bool{"metadata.google.internal": true, "metadata": true, "instance-data": true}

// AddressPolicy decides which addresses vendor calls may reach.
type AddressPolicy struct {
	// AllowPrivate lets calls reach loopback and private addresses, for a vendor's
	// service on the same machine or network (tests, the demo, a private cloud).
	AllowPrivate bool
	// Exact are addresses (IP and port) calls may reach even when they are loopback
	// or private: one known service, such as the demo's own vendor service, without
	// opening the whole private network. Link-local addresses stay refused.
	Exact []netip.AddrPort
}

// checkAddrPort is CheckIP for ip at port, which lets through a loopback or private
// address that is one of p's exact addresses.
func (p AddressPolicy) checkAddrPort(ip netip.Addr, port uint16) error {
	err := p.CheckIP(ip)
	if errors.Is(err, ErrPrivate) && slices.ContainsFunc(p.Exact, func(a netip.AddrPort) bool {
		return a.Addr().Unmap() == ip.Unmap() && a.Port() == port
	}) {
		return nil
	}
	return err
}

// portOf is the port of u, explicit or the scheme's default.
func portOf(u *url.URL) uint16 {
	if p, err := strconv.ParseUint(u.Port(), 10, 16); err == nil {
		return uint16(p)
	}
	if u.Scheme == "https" {
		return 443
	}
	return 80
}

// CheckURL checks raw before a call, and a product's API path when the catalogue is
// applied: an absolute http or https URL whose host, when it is an address or a
// well-known local name, is allowed. Names are checked again at dial time, on the
// address they resolve to (see CheckIP).
func (p AddressPolicy) CheckURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.User != nil {
		return fmt.Errorf("%q: %w", raw, ErrScheme)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if metadataHosts[host] {
		return fmt.Errorf("%s: %w", host, ErrLinkLocal)
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		if !p.AllowPrivate {
			return fmt.Errorf("%s: %w", host, ErrPrivate)
		}
		return nil
	}
	if ip, err := netip.ParseAddr(host); err == nil {
		return p.checkAddrPort(ip, portOf(u))
	}
	return nil
}

// CheckIP checks an address a call is about to connect to.
func (p AddressPolicy) CheckIP(ip netip.Addr) error {
	ip = ip.Unmap()
	if nat64.Contains(ip) {
		a := ip.As16()
		ip = netip.AddrFrom4([4]byte(a[12:]))
	}
	switch {
	case ip.IsLinkLocalUnicast(), ip.IsLinkLocalMulticast(), ip == netip.MustParseAddr("fd00:ec2::254"):
		return fmt.Errorf("%s: %w", ip, ErrLinkLocal)
	case p.AllowPrivate:
		return nil
	case ip.IsLoopback(), ip.IsPrivate(), ip.IsUnspecified(), ip.IsMulticast(), ip.IsInterfaceLocalMulticast(),
		sharedAddressSpace.Contains(ip):
		return fmt.Errorf("%s: %w", ip, ErrPrivate)
	}
	return nil
}

// nat64 is the well-known NAT64 prefix (RFC 6052): an address in it reaches, through
// the network's NAT64 gateway, the IPv4 address in its last 32 bits, which is the
// one checked.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// sharedAddressSpace is 100.64.0.0/10 (carrier-grade NAT), internal like the private
// ranges.
var sharedAddressSpace = netip.MustParsePrefix("100.64.0.0/10")

// dialControl is the net.Dialer Control hook that checks every address a call
// connects to, after name resolution and on every redirect-free reconnect: a name
// that resolves to a refused address is refused here.
func (p AddressPolicy) dialControl(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", address, err)
	}
	return p.checkAddrPort(ap.Addr(), ap.Port())
}
