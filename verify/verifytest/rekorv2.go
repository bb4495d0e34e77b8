package verifytest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"fmt"
	"math/bits"

	"github.com/cyberphone/json-canonicalization/go/src/webpki.org/jsoncanonicalizer"
	"github.com/secure-systems-lab/go-securesystemslib/dsse"
	protocommon "github.com/sigstore/protobuf-specs/gen/pb-go/common/v1"
	protorekor "github.com/sigstore/protobuf-specs/gen/pb-go/rekor/v1"
	rekortilespb "github.com/sigstore/rekor-tiles/v2/pkg/generated/protobuf"
	rekornote "github.com/sigstore/rekor-tiles/v2/pkg/note"
	"github.com/sigstore/sigstore/pkg/signature"
	flog "github.com/transparency-dev/formats/log"
	"github.com/transparency-dev/merkle/rfc6962"
	"golang.org/x/mod/sumdb/note"
	"google.golang.org/protobuf/encoding/protojson"
)

// Rekor v2 (rekor-tiles) entry kinds the virtual log can record. sigstore-go
// v1.3 verifies only hashedrekord 0.0.2; the Rekor v2 spec dropped dsse
// 0.0.2 in May 2026, so DSSE envelopes are logged as hashedrekord 0.0.2 over
// the envelope's PAE. dsse 0.0.2 stays mintable for the "unsupported" test.
const (
	v2KindHashedRekord = "hashedrekord"
	v2KindDSSE         = "dsse"
)

// v2Log is a Rekor v2 log: a key and the origin its checkpoints name, the
// host of its base URL (what sigstore-go derives the note verifier from).
type v2Log struct {
	key    *ecdsa.PrivateKey
	origin string
}

// logEntryV2 records the DSSE signature sig over statement, made with cert's
// key, in the Rekor v2 log l as kind 0.0.2, and returns its
// TransparencyLogEntry the way a Rekor v2 log returns it: no integrated time,
// no signed entry timestamp, an inclusion proof and a signed checkpoint (C2SP
// signed-note) over the tree whose last leaf it is.
func (s *Sigstore) logEntryV2(l *v2Log, kind string, cert *x509.Certificate, statement, sig []byte, corruptProof bool) (*protorekor.TransparencyLogEntry, error) {
	verifier := &rekortilespb.Verifier{
		KeyDetails: protocommon.PublicKeyDetails_PKIX_ECDSA_P256_SHA_256,
		Verifier:   &rekortilespb.Verifier_X509Certificate{X509Certificate: &protocommon.X509Certificate{RawBytes: cert.Raw}},
	}
	var spec *rekortilespb.Spec
	switch kind {
	case v2KindHashedRekord:
		digest := sha256.Sum256(dsse.PAE(PayloadType, statement))
		spec = &rekortilespb.Spec{Spec: &rekortilespb.Spec_HashedRekordV002{HashedRekordV002: &rekortilespb.HashedRekordLogEntryV002{
			Data:      &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: digest[:]},
			Signature: &rekortilespb.Signature{Content: sig, Verifier: verifier},
		}}}
	case v2KindDSSE:
		digest := sha256.Sum256(statement)
		//lint:ignore SA1019 minting the dropped type is the point: verify must report it unsupported
		spec = &rekortilespb.Spec{Spec: &rekortilespb.Spec_DsseV002{DsseV002: &rekortilespb.DSSELogEntryV002{PayloadHash: &protocommon.HashOutput{Algorithm: protocommon.HashAlgorithm_SHA2_256, Digest: digest[:]}, Signatures: []*rekortilespb.Signature{{Content: sig, Verifier: verifier}}}}}
	default:
		return nil, fmt.Errorf("verifytest: unknown Rekor v2 kind %q", kind)
	}
	serialized, err := protojson.Marshal(&rekortilespb.Entry{Kind: kind, ApiVersion: "0.0.2", Spec: spec})
	if err != nil {
		return nil, fmt.Errorf("verifytest: encode Rekor v2 entry: %w", err)
	}
	// The log stores the canonical JSON (RFC 8785) of the entry, and its
	// leaf hash is that of those bytes (what sigstore-go reconstructs).
	body, err := jsoncanonicalizer.Transform(serialized)
	if err != nil {
		return nil, fmt.Errorf("verifytest: canonicalize Rekor v2 entry: %w", err)
	}

	// The entry is the last leaf of a tree of index+1 leaves: its inclusion
	// proof is the hashes of the perfect subtrees to its left, smallest
	// first (one per set bit of index, RFC 6962 §2.1.1), and the root
	// folds them in that order. Their contents are made up: only the log
	// knows the other leaves.
	index := s.logIndex.Add(1)
	hashes := make([][]byte, 0, bits.OnesCount64(uint64(index)))
	h := rfc6962.DefaultHasher.HashLeaf(body)
	for i := range bits.OnesCount64(uint64(index)) {
		left := sha256.Sum256(fmt.Appendf(nil, "pyverify virtual rekor v2: subtree %d of %d", i, index))
		hashes = append(hashes, left[:])
		h = rfc6962.DefaultHasher.HashChildren(left[:], h)
	}
	checkpoint, err := signCheckpoint(l, uint64(index)+1, h)
	if err != nil {
		return nil, err
	}
	if corruptProof {
		hashes[0][0] ^= 0x01
	}
	id, err := logID(&l.key.PublicKey)
	if err != nil {
		return nil, err
	}
	return &protorekor.TransparencyLogEntry{
		LogIndex:          index,
		LogId:             &protocommon.LogId{KeyId: id},
		KindVersion:       &protorekor.KindVersion{Kind: kind, Version: "0.0.2"},
		InclusionProof:    &protorekor.InclusionProof{LogIndex: index, RootHash: h, TreeSize: index + 1, Hashes: hashes, Checkpoint: &protorekor.Checkpoint{Envelope: checkpoint}},
		CanonicalizedBody: body,
	}, nil
}

// signCheckpoint returns l's signed note over the checkpoint of a tree of
// size leaves with root hash root (C2SP tlog-checkpoint), signed as Rekor v2
// signs them.
func signCheckpoint(l *v2Log, size uint64, root []byte) (string, error) {
	sv, err := signature.LoadECDSASignerVerifier(l.key, crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("verifytest: checkpoint signer: %w", err)
	}
	signer, err := rekornote.NewNoteSigner(context.Background(), l.origin, sv)
	if err != nil {
		return "", fmt.Errorf("verifytest: checkpoint signer: %w", err)
	}
	text := flog.Checkpoint{Origin: l.origin, Size: size, Hash: root}.Marshal()
	signed, err := note.Sign(&note.Note{Text: string(text)}, signer)
	if err != nil {
		return "", fmt.Errorf("verifytest: sign checkpoint: %w", err)
	}
	return string(signed), nil
}
