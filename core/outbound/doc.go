// Package outbound decides where Searcharr may connect and owns the one
// dialer every outbound HTTP call goes through: the Sonarr/Radarr clients,
// the connection tester, webhook sinks and notification services.
//
// The address is checked when the connection is made, not only when a URL
// is saved. The Dialer resolves a host name itself, checks every address
// the name resolves to against the Policy, and dials only an address it has
// checked, so a name that resolves to a harmless address when it is saved
// and to the cloud metadata service later (DNS rebinding) is refused at the
// moment it is dialled.
//
// Link-local addresses (which hold the metadata service at
// 169.254.169.254) and the known metadata endpoints are always refused;
// loopback and private addresses, where Sonarr and Radarr usually live, are
// refused only when Policy.BlockPrivate is set
// (SEARCHARR_BLOCK_PRIVATE_URLS).
//
// Library code that uses net/http's default client (most notification
// services) reaches the policy through InstallDefault, which serve calls
// once at start.
//
// The package imports only the standard library.
package outbound
