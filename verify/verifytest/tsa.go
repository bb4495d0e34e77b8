package verifytest

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"math/big"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/sigstore/sigstore-go/pkg/root"
)

// tsa is an RFC 3161 timestamp authority: a self-signed root and a leaf
// with the critical timeStamping extended key usage (RFC 3161 §2.3), as
// Sigstore's timestamp-authority issues them.
type tsa struct {
	uri  string
	root *x509.Certificate
	leaf *x509.Certificate
	key  *ecdsa.PrivateKey
	// start and end are the validity window the trusted root gives it
	// (zero end: open-ended).
	start, end time.Time
}

// oidTimeStamping is id-kp-timeStamping (RFC 5280 §4.2.1.12).
var oidTimeStamping = asn1.ObjectIdentifier{1, 3, 6, 1, 5, 5, 7, 3, 8}

// newTSA creates a TSA whose certificates are valid from notBefore for ten
// years, and which the trusted root trusts from start to end.
func newTSA(uri string, notBefore, start, end time.Time) (*tsa, error) {
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verifytest: generate TSA root key: %w", err)
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verifytest: generate TSA key: %w", err)
	}
	notAfter := notBefore.Add(10 * 365 * 24 * time.Hour)
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sigstore-tsa-selfsigned", Organization: []string{"sigstore.dev"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	rootCert, err := createCert(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("verifytest: TSA root: %w", err)
	}
	eku, err := asn1.Marshal([]asn1.ObjectIdentifier{oidTimeStamping})
	if err != nil {
		return nil, fmt.Errorf("verifytest: TSA extended key usage: %w", err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "sigstore-tsa", Organization: []string{"sigstore.dev"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		// Go would mark a template's ExtKeyUsage non-critical; RFC 3161
		// requires it critical, and sigstore's verifier checks that.
		ExtraExtensions: []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}},
	}
	leafCert, err := createCert(leafTmpl, rootCert, &key.PublicKey, rootKey)
	if err != nil {
		return nil, fmt.Errorf("verifytest: TSA leaf: %w", err)
	}
	return &tsa{uri: uri, root: rootCert, leaf: leafCert, key: key, start: start, end: end}, nil
}

// authority is t as the trusted root lists it.
func (t *tsa) authority() *root.SigstoreTimestampingAuthority {
	return &root.SigstoreTimestampingAuthority{
		Root:                t.root,
		Leaf:                t.leaf,
		ValidityPeriodStart: t.start,
		ValidityPeriodEnd:   t.end,
		URI:                 t.uri,
	}
}

// stamp returns a complete RFC 3161 timestamp response (DER TimeStampResp)
// over sig, saying it existed at at: what a Sigstore client stores in a
// bundle's rfc3161Timestamps and PEP 740's verification_material.timestamps
// carries (packaging.python.org PR #1936). The response embeds the TSA's leaf
// certificate, as Sigstore's TSA does.
func (t *tsa) stamp(sig []byte, at time.Time) ([]byte, error) {
	req, err := timestamp.CreateRequest(bytes.NewReader(sig), &timestamp.RequestOptions{Hash: crypto.SHA256})
	if err != nil {
		return nil, fmt.Errorf("verifytest: timestamp request: %w", err)
	}
	parsed, err := timestamp.ParseRequest(req)
	if err != nil {
		return nil, fmt.Errorf("verifytest: timestamp request: %w", err)
	}
	tmpl := timestamp.Timestamp{
		HashAlgorithm:     parsed.HashAlgorithm,
		HashedMessage:     parsed.HashedMessage,
		Time:              at,
		Policy:            asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 57264, 2},
		AddTSACertificate: true,
	}
	resp, err := tmpl.CreateResponseWithOpts(t.leaf, t.key, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("verifytest: timestamp response: %w", err)
	}
	return resp, nil
}
