package verifytest

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/go-openapi/runtime"
	ct "github.com/google/certificate-transparency-go"
	cttls "github.com/google/certificate-transparency-go/tls"
	ctx509 "github.com/google/certificate-transparency-go/x509"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	"github.com/sigstore/rekor/pkg/generated/models"
	"github.com/sigstore/rekor/pkg/types"
	dsseentry "github.com/sigstore/rekor/pkg/types/dsse"
	_ "github.com/sigstore/rekor/pkg/types/dsse/v0.0.1" // registers the dsse v0.0.1 entry type used below
	"github.com/sigstore/rekor/pkg/util"
	"github.com/sigstore/sigstore-go/pkg/root"
	"github.com/sigstore/sigstore-go/pkg/tlog"
	"github.com/sigstore/sigstore/pkg/signature"
	"google.golang.org/protobuf/encoding/protojson"
)

// In-toto and DSSE constants used by PEP 740 attestations.
const (
	// PayloadType is the DSSE payload type of every PEP 740 attestation.
	PayloadType = "application/vnd.in-toto+json"
	// StatementType is the in-toto Statement v1 _type.
	StatementType = "https://in-toto.io/Statement/v1"
	// PublishPredicate is PyPI's publish attestation predicate type (PEP 740).
	PublishPredicate = "https://docs.pypi.org/attestations/publish/v1"
)

// Hosts named in the virtual Sigstore's trusted root. Nothing is served there:
// they only label the instances, as the real root's URLs do.
const (
	fulcioURI     = "https://fulcio.pyverify.test"
	ctlogURI      = "https://ctfe.pyverify.test/test"
	rekorHost     = "rekor.pyverify.test"
	rekorTreeID   = 1234567890
	rekorV2Host   = "log2026-1.rekor.pyverify.test"
	staleV2Host   = "log2024-1.rekor.pyverify.test"
	tsaURI        = "https://timestamp.pyverify.test/api/v1/timestamp"
	staleTSAURI   = "https://timestamp-2024.pyverify.test/api/v1/timestamp"
	strayTSAURI   = "https://timestamp.elsewhere.test/api/v1/timestamp"
	leafLifetime  = 10 * time.Minute // Fulcio issues 10-minute certificates
	signingOffset = 30 * time.Second // when, after NotBefore, the leaf "signs" and Rekor logs it
)

// Sigstore is a virtual Sigstore deployment: Fulcio CA, CT log and Rekor log.
// Its methods are safe for concurrent use. Leaf certificates are cached per
// identity, as one publishing job reuses its certificate for every file it
// attests (corpus README, sigstore-go notes).
type Sigstore struct {
	rootCert  *x509.Certificate
	interCert *x509.Certificate
	interKey  *ecdsa.PrivateKey
	ctKey     *ecdsa.PrivateKey
	rekorKey  *ecdsa.PrivateKey
	// strayKey signs Rekor entries of a log the trusted root does not hold
	// (Spec.UnknownLog); staleKey those of a Rekor v1 log the root trusts
	// only for a window that ended before signing (Spec.StaleLog).
	strayKey, staleKey *ecdsa.PrivateKey
	// rekorV2 is a Rekor v2 log of the trusted root; staleV2 one whose
	// validity window ended before any certificate of a test run was
	// issued (Spec.StaleLog); strayV2 one the root does not hold
	// (Spec.UnknownLog with Spec.RekorV2).
	rekorV2, staleV2, strayV2 *v2Log
	// tsa is the timestamp authority of the trusted root; staleTSA one the
	// root trusts only until before any signing (Spec.StaleTSA); strayTSA
	// one the root does not hold (Spec.UnknownTSA).
	tsa, staleTSA, strayTSA *tsa

	rootJSON []byte
	logIndex atomic.Int64

	mu     sync.Mutex
	leaves map[string]*leaf
}

// leaf is a minted signing certificate with its ephemeral key and the time at
// which signatures made with it are logged.
type leaf struct {
	cert     *x509.Certificate
	key      *ecdsa.PrivateKey
	signedAt time.Time
}

// NewSigstore creates a virtual Sigstore with fresh keys. Its CA and logs are
// valid from a day before now, so certificates minted during a test run chain
// to it; the trusted root it describes is TrustedRootJSON.
func NewSigstore() (*Sigstore, error) {
	now := time.Now().Truncate(time.Second)
	start := now.Add(-24 * time.Hour)
	s := &Sigstore{leaves: map[string]*leaf{}}
	s.logIndex.Store(100000000)

	var err error
	keys := []**ecdsa.PrivateKey{&s.ctKey, &s.rekorKey, &s.strayKey, &s.staleKey}
	for _, k := range keys {
		if *k, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
			return nil, fmt.Errorf("verifytest: generate log key: %w", err)
		}
	}
	rootKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verifytest: generate root CA key: %w", err)
	}
	if s.interKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader); err != nil {
		return nil, fmt.Errorf("verifytest: generate intermediate CA key: %w", err)
	}
	rootTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "sigstore", Organization: []string{"sigstore.dev"}},
		NotBefore:             start,
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if s.rootCert, err = createCert(rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey); err != nil {
		return nil, fmt.Errorf("verifytest: root CA: %w", err)
	}
	interTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(2),
		Subject:               pkix.Name{CommonName: "sigstore-intermediate", Organization: []string{"sigstore.dev"}},
		NotBefore:             start,
		NotAfter:              now.Add(10 * 365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	if s.interCert, err = createCert(interTmpl, s.rootCert, &s.interKey.PublicKey, rootKey); err != nil {
		return nil, fmt.Errorf("verifytest: intermediate CA: %w", err)
	}

	ctLog, err := transparencyLog(ctlogURI, &s.ctKey.PublicKey, start)
	if err != nil {
		return nil, err
	}
	rekorLog, err := transparencyLog("https://"+rekorHost, &s.rekorKey.PublicKey, start)
	if err != nil {
		return nil, err
	}
	// The root grows as the public-good one does: a Rekor v2 shard next to
	// the v1 log, a retired shard, and timestamp authorities with validity
	// windows (sigstore-go models each as a TransparencyLog or
	// SigstoreTimestampingAuthority with a start and an end).
	retired := start.Add(time.Hour)
	staleLog, err := transparencyLog("https://"+rekorHost, &s.staleKey.PublicKey, start)
	if err != nil {
		return nil, err
	}
	staleLog.ValidityPeriodEnd = retired
	logs := map[string]*root.TransparencyLog{hex.EncodeToString(rekorLog.ID): rekorLog, hex.EncodeToString(staleLog.ID): staleLog}
	for _, v := range []struct {
		dst  **v2Log
		host string
		end  time.Time
	}{{&s.rekorV2, rekorV2Host, time.Time{}}, {&s.staleV2, staleV2Host, retired}} {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("verifytest: generate log key: %w", err)
		}
		*v.dst = &v2Log{key: key, origin: v.host}
		tl, err := transparencyLog("https://"+v.host, &key.PublicKey, start)
		if err != nil {
			return nil, err
		}
		tl.ValidityPeriodEnd = v.end
		logs[hex.EncodeToString(tl.ID)] = tl
	}
	strayKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verifytest: generate log key: %w", err)
	}
	s.strayV2 = &v2Log{key: strayKey, origin: rekorV2Host}
	if s.tsa, err = newTSA(tsaURI, start, start, time.Time{}); err != nil {
		return nil, err
	}
	if s.staleTSA, err = newTSA(staleTSAURI, start, start, retired); err != nil {
		return nil, err
	}
	if s.strayTSA, err = newTSA(strayTSAURI, start, start, time.Time{}); err != nil {
		return nil, err
	}
	tr, err := root.NewTrustedRoot(root.TrustedRootMediaType01,
		[]root.CertificateAuthority{&root.FulcioCertificateAuthority{
			Root:                s.rootCert,
			Intermediates:       []*x509.Certificate{s.interCert},
			ValidityPeriodStart: start,
			URI:                 fulcioURI,
		}},
		map[string]*root.TransparencyLog{hex.EncodeToString(ctLog.ID): ctLog},
		[]root.TimestampingAuthority{s.tsa.authority(), s.staleTSA.authority()},
		logs,
	)
	if err != nil {
		return nil, fmt.Errorf("verifytest: trusted root: %w", err)
	}
	if s.rootJSON, err = tr.MarshalJSON(); err != nil {
		return nil, fmt.Errorf("verifytest: marshal trusted root: %w", err)
	}
	// Prove the export is what production code will load.
	if _, err := root.NewTrustedRootFromJSON(s.rootJSON); err != nil {
		return nil, fmt.Errorf("verifytest: trusted root does not load back: %w", err)
	}
	return s, nil
}

// TrustedRootJSON returns the trusted_root.json (Sigstore TrustedRoot
// protobuf-JSON, media type v0.1) that holds this Sigstore's Fulcio CA, CT
// log, two Rekor v1 logs and two Rekor v2 logs (one of each retired) and two
// timestamp authorities (one retired), and nothing else. The caller must not modify it.
func (s *Sigstore) TrustedRootJSON() []byte { return s.rootJSON }

// transparencyLog describes a CT or Rekor log keyed by its log id, the SHA-256
// of the DER SubjectPublicKeyInfo (RFC 6962 §3.2; Rekor uses the same rule).
func transparencyLog(url string, pub *ecdsa.PublicKey, start time.Time) (*root.TransparencyLog, error) {
	id, err := logID(pub)
	if err != nil {
		return nil, err
	}
	return &root.TransparencyLog{
		BaseURL:             url,
		ID:                  id,
		ValidityPeriodStart: start,
		HashFunc:            crypto.SHA256,
		PublicKey:           pub,
		SignatureHashFunc:   crypto.SHA256,
	}, nil
}

func logID(pub crypto.PublicKey) ([]byte, error) {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("verifytest: marshal log key: %w", err)
	}
	sum := sha256.Sum256(der)
	return sum[:], nil
}

func createCert(tmpl, parent *x509.Certificate, pub crypto.PublicKey, priv crypto.Signer) (*x509.Certificate, error) {
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, priv)
	if err != nil {
		return nil, fmt.Errorf("create certificate: %w", err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse certificate: %w", err)
	}
	return c, nil
}

// OIDs of the certificate-transparency extensions (RFC 6962 §3.1 and §3.3).
var (
	oidCTPoison  = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 3}
	oidCTSCTList = asn1.ObjectIdentifier{1, 3, 6, 1, 4, 1, 11129, 2, 4, 2}
)

// leafFor returns the cached signing certificate for spec's identity, minting
// it on first use.
func (s *Sigstore) leafFor(id *identity) (*leaf, error) {
	key := id.cacheKey()
	s.mu.Lock()
	defer s.mu.Unlock()
	if l, ok := s.leaves[key]; ok {
		return l, nil
	}
	l, err := s.mintLeaf(id)
	if err != nil {
		return nil, err
	}
	s.leaves[key] = l
	return l, nil
}

// mintLeaf issues a Fulcio-style leaf the way Fulcio does: a precertificate
// with the CT poison extension is submitted to the CT log, whose SCT over the
// precertificate's TBS and the issuer key hash is then embedded in the final
// certificate in place of the poison (RFC 6962 §3.1–3.3). sigstore-go checks
// the embedded SCT with ctutil.VerifySCT(..., embedded=true).
func (s *Sigstore) mintLeaf(id *identity) (*leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("verifytest: generate leaf key: %w", err)
	}
	notBefore := time.Now().Truncate(time.Second).Add(-time.Minute)
	signedAt := notBefore.Add(signingOffset)
	if id.expiredBeforeLog {
		// Valid for its 10 minutes, but logged after it had expired.
		notBefore = time.Now().Truncate(time.Second).Add(-30 * time.Minute)
		signedAt = notBefore.Add(leafLifetime + 5*time.Minute)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 159))
	if err != nil {
		return nil, fmt.Errorf("verifytest: serial number: %w", err)
	}
	spki, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("verifytest: marshal leaf key: %w", err)
	}
	ski := sha256.Sum256(spki)
	exts, err := id.extensions()
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:    serial,
		NotBefore:       notBefore,
		NotAfter:        notBefore.Add(leafLifetime),
		KeyUsage:        x509.KeyUsageDigitalSignature,
		ExtKeyUsage:     []x509.ExtKeyUsage{x509.ExtKeyUsageCodeSigning},
		SubjectKeyId:    ski[:20],
		URIs:            id.uris,
		EmailAddresses:  id.emails,
		ExtraExtensions: exts,
	}
	if id.noSCT {
		c, err := createCert(tmpl, s.interCert, &key.PublicKey, s.interKey)
		if err != nil {
			return nil, fmt.Errorf("verifytest: leaf: %w", err)
		}
		return &leaf{cert: c, key: key, signedAt: signedAt}, nil
	}

	// The poison and then the SCT list go last, at the same position, so that
	// removing either from the TBS gives the same bytes.
	n := len(tmpl.ExtraExtensions)
	tmpl.ExtraExtensions = append(tmpl.ExtraExtensions[:n:n], pkix.Extension{Id: oidCTPoison, Critical: true, Value: asn1.NullBytes})
	pre, err := createCert(tmpl, s.interCert, &key.PublicKey, s.interKey)
	if err != nil {
		return nil, fmt.Errorf("verifytest: precertificate: %w", err)
	}
	sctExt, err := s.signSCT(pre, notBefore)
	if err != nil {
		return nil, err
	}
	tmpl.ExtraExtensions[n] = sctExt
	c, err := createCert(tmpl, s.interCert, &key.PublicKey, s.interKey)
	if err != nil {
		return nil, fmt.Errorf("verifytest: leaf: %w", err)
	}
	return &leaf{cert: c, key: key, signedAt: signedAt}, nil
}

// signSCT has the CT log sign a precertificate entry for pre and returns the
// SCT list extension that carries it (RFC 6962 §3.2–3.3).
func (s *Sigstore) signSCT(pre *x509.Certificate, at time.Time) (pkix.Extension, error) {
	chain, err := ctx509.ParseCertificates(append(append([]byte{}, pre.Raw...), s.interCert.Raw...))
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: parse precertificate: %w", err)
	}
	ts := uint64(at.UnixMilli()) // #nosec G115 -- a time after 1970
	mtl, err := ct.MerkleTreeLeafFromChain(chain, ct.PrecertLogEntryType, ts)
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: precertificate leaf: %w", err)
	}
	id, err := logID(&s.ctKey.PublicKey)
	if err != nil {
		return pkix.Extension{}, err
	}
	sct := ct.SignedCertificateTimestamp{SCTVersion: ct.V1, Timestamp: ts}
	copy(sct.LogID.KeyID[:], id)
	input, err := ct.SerializeSCTSignatureInput(sct, ct.LogEntry{Leaf: *mtl})
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: SCT signature input: %w", err)
	}
	sig, err := cttls.CreateSignature(*s.ctKey, cttls.SHA256, input) // it takes the key by value
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: sign SCT: %w", err)
	}
	sct.Signature = ct.DigitallySigned(sig)
	one, err := cttls.Marshal(sct)
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: encode SCT: %w", err)
	}
	list, err := cttls.Marshal(ctx509.SignedCertificateTimestampList{SCTList: []ctx509.SerializedSCT{{Val: one}}})
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: encode SCT list: %w", err)
	}
	val, err := asn1.Marshal(list) // OCTET STRING around the TLS-encoded list
	if err != nil {
		return pkix.Extension{}, fmt.Errorf("verifytest: encode SCT extension: %w", err)
	}
	return pkix.Extension{Id: oidCTSCTList, Value: val}, nil
}

// signEnvelope signs statement as a DSSE envelope: the signature is ECDSA over
// SHA-256 of PAE(payloadType, statement) (DSSE v1 protocol).
func signEnvelope(key *ecdsa.PrivateKey, statement []byte) ([]byte, error) {
	digest := sha256.Sum256(dsse.PAE(PayloadType, statement))
	sig, err := ecdsa.SignASN1(rand.Reader, key, digest[:])
	if err != nil {
		return nil, fmt.Errorf("verifytest: sign envelope: %w", err)
	}
	return sig, nil
}

// logEntry records the DSSE envelope in a Rekor v1 log as a dsse v0.0.1
// entry and returns its TransparencyLogEntry with a signed entry timestamp
// (SET) and an inclusion proof in a two-leaf tree with a signed checkpoint.
func (s *Sigstore) logEntry(logKey *ecdsa.PrivateKey, cert *x509.Certificate, statement, sig []byte, at time.Time, corruptSET bool) (*protorekor.TransparencyLogEntry, error) {
	env, err := json.Marshal(dsse.Envelope{
		PayloadType: PayloadType,
		Payload:     base64.StdEncoding.EncodeToString(statement),
		Signatures:  []dsse.Signature{{Sig: base64.StdEncoding.EncodeToString(sig)}},
	})
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode envelope: %w", err)
	}
	body, err := dsseBody(env, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}))
	if err != nil {
		return nil, err
	}
	id, err := logID(&logKey.PublicKey)
	if err != nil {
		return nil, err
	}
	index := s.logIndex.Add(1)
	integrated := at.Unix()

	// SET: the log's signature over the canonical JSON of body, integrated
	// time, log index and log id (what tlog.VerifySET recomputes).
	payload, err := json.Marshal(tlog.RekorPayload{
		Body:           base64.StdEncoding.EncodeToString(body),
		IntegratedTime: integrated,
		LogIndex:       index,
		LogID:          hex.EncodeToString(id),
	})
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode SET payload: %w", err)
	}
	canonical, err := jsoncanonicalizer.Transform(payload)
	if err != nil {
		return nil, fmt.Errorf("verifytest: canonicalize SET payload: %w", err)
	}
	setDigest := sha256.Sum256(canonical)
	set, err := ecdsa.SignASN1(rand.Reader, logKey, setDigest[:])
	if err != nil {
		return nil, fmt.Errorf("verifytest: sign SET: %w", err)
	}
	if corruptSET {
		set[len(set)-1] ^= 0x01
	}

	// Inclusion proof: the entry is the second leaf of a two-leaf tree (so the
	// proof has a hash and a non-zero index, as real ones do); the root is
	// the RFC 6962 hash of the first leaf's hash and this entry's leaf hash.
	leafHash := sha256.Sum256(append([]byte{0}, body...))
	first := sha256.Sum256([]byte("\x00pyverify virtual rekor: first entry"))
	rootHash := sha256.Sum256(append(append([]byte{1}, first[:]...), leafHash[:]...))
	signer, err := signature.LoadECDSASignerVerifier(logKey, crypto.SHA256)
	if err != nil {
		return nil, fmt.Errorf("verifytest: checkpoint signer: %w", err)
	}
	checkpoint, err := util.CreateAndSignCheckpoint(context.Background(), rekorHost, rekorTreeID, 2, rootHash[:], signer)
	if err != nil {
		return nil, fmt.Errorf("verifytest: checkpoint: %w", err)
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          index,
		LogId:             &protocommon.LogId{KeyId: id},
		KindVersion:       &protorekor.KindVersion{Kind: "dsse", Version: "0.0.1"},
		IntegratedTime:    integrated,
		InclusionPromise:  &protorekor.InclusionPromise{SignedEntryTimestamp: set},
		InclusionProof:    &protorekor.InclusionProof{LogIndex: 1, RootHash: rootHash[:], TreeSize: 2, Hashes: [][]byte{first[:]}, Checkpoint: &protorekor.Checkpoint{Envelope: string(checkpoint)}},
		CanonicalizedBody: body,
	}, nil
}

// dsseBody builds the canonicalized body of a Rekor dsse v0.0.1 entry with
// rekor's own types, as the Rekor server does for a proposed entry.
func dsseBody(envelope, certPEM []byte) ([]byte, error) {
	ctx := context.Background()
	pe, err := types.NewProposedEntry(ctx, dsseentry.KIND, "0.0.1", types.ArtifactProperties{
		ArtifactBytes:  envelope,
		PublicKeyBytes: [][]byte{certPEM},
		PKIFormat:      "x509", // rekor pki.X509; its package pulls in every key format
	})
	if err != nil {
		return nil, fmt.Errorf("verifytest: propose rekor entry: %w", err)
	}
	impl, err := types.CreateVersionedEntry(pe)
	if err != nil {
		return nil, fmt.Errorf("verifytest: create rekor entry: %w", err)
	}
	can, err := types.CanonicalizeEntry(ctx, impl)
	if err != nil {
		return nil, fmt.Errorf("verifytest: canonicalize rekor entry: %w", err)
	}
	// Round-trip as the server stores it, so the body is exactly what a
	// client reading the log back would get.
	stored, err := models.UnmarshalProposedEntry(bytes.NewReader(can), runtime.JSONConsumer())
	if err != nil {
		return nil, fmt.Errorf("verifytest: reread rekor entry: %w", err)
	}
	e, err := types.UnmarshalEntry(stored)
	if err != nil {
		return nil, fmt.Errorf("verifytest: reread rekor entry: %w", err)
	}
	body, err := e.Canonicalize(ctx)
	if err != nil {
		return nil, fmt.Errorf("verifytest: canonicalize rekor entry: %w", err)
	}
	return body, nil
}

// marshalEntry renders a log entry as PEP 740 transparency_entries hold it:
// Rekor TransparencyLogEntry protobuf-JSON (camelCase, int64 as strings).
func marshalEntry(e *protorekor.TransparencyLogEntry) (json.RawMessage, error) {
	b, err := protojson.Marshal(e)
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode transparency entry: %w", err)
	}
	return b, nil
}
