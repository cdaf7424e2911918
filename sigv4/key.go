package sigv4

import (
	"crypto/sha256"
	"encoding"
	"hash"
	"slices"
	"sync"
	"sync/atomic"
)

// keyCache caches derived signing keys, the result of the four chained
// HMACs kSigning = HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region),
// service), "aws4_request"). A key is valid for one secret, one UTC day, one
// region and one service, and costs as much to derive as the rest of a
// signature; a process minting tokens for many clusters in one region
// derives it once a day.
//
// Reads are lock-free: the cache is an immutable map behind an atomic
// pointer, replaced (copied, then swapped under a mutex) when a key is
// added. It holds at most maxKeys entries; adding to a full cache starts a
// new map, so keys of past days and rotated secrets fall out. The map holds
// the secret access key in memory, as the Credentials passed in do; it is
// never printed.
type keyCache struct {
	mu       sync.Mutex
	m        atomic.Pointer[map[keyID]*signingKey]
	last     atomic.Pointer[cachedKey] // the key used last: most callers use one
	disabled bool                      // derive every key afresh (tests and benchmarks only)
}

const maxKeys = 64

type cachedKey struct {
	id keyID
	k  *signingKey
}

type keyID struct {
	secret, region, service string
	date                    [8]byte
}

// signingKey is a derived key made ready for HMAC: besides the key itself,
// the SHA-256 states after its inner and outer pad blocks, so that a
// signature with a cached key hashes two blocks fewer than HMAC from
// scratch does (crypto/hmac keeps the same states for the same reason).
// The states are in crypto/sha256's marshaled form. Immutable once made.
type signingKey struct {
	key          [32]byte
	inner, outer [sha256StateSize]byte
	padded       bool // inner and outer are set
}

// sha256StateSize is the length of a marshaled SHA-256 state:
// "sha\x03", eight state words, the 64-byte block buffer, the length.
const sha256StateSize = 4 + 8*4 + sha256.BlockSize + 8

// get returns the signing key for a scope, from the cache or derived (and
// then cached). sc supplies the hasher and, when the cache is disabled,
// the storage of the returned key.
func (kc *keyCache) get(sc *scratch, secret string, date []byte, region, service string) *signingKey {
	if kc.disabled {
		// Used once: saving pad states would cost more than it saves.
		sc.key = signingKey{key: deriveKey(secret, date, region, service)}
		return &sc.key
	}
	id := keyID{secret: secret, region: region, service: service}
	copy(id.date[:], date)
	if l := kc.last.Load(); l != nil && l.id == id {
		return l.k
	}
	if m := kc.m.Load(); m != nil {
		if k, ok := (*m)[id]; ok {
			return k
		}
	}
	k := &signingKey{key: deriveKey(secret, date, region, service)}
	sc.h.pad(k)
	kc.last.Store(&cachedKey{id, k})
	kc.mu.Lock()
	defer kc.mu.Unlock()
	var next map[keyID]*signingKey
	if old := kc.m.Load(); old != nil && len(*old) < maxKeys {
		next = make(map[keyID]*signingKey, len(*old)+1)
		for k, v := range *old {
			next[k] = v
		}
	} else {
		next = make(map[keyID]*signingKey, 1)
	}
	next[id] = k
	kc.m.Store(&next)
	return k
}

// hasher is a reusable SHA-256 whose state can be saved and restored: the
// HMAC of a signature starts from a signingKey's saved pad states. Where
// the SHA-256 in use cannot save its state (a crypto backend without
// encoding.BinaryAppender), HMAC is computed from the key alone.
type hasher struct {
	h     hash.Hash
	load  encoding.BinaryUnmarshaler
	save  encoding.BinaryAppender
	block [sha256.BlockSize]byte
	state [sha256StateSize]byte // a pad state being restored
}

func newHasher() hasher {
	h := sha256.New()
	load, _ := h.(encoding.BinaryUnmarshaler)
	save, _ := h.(encoding.BinaryAppender)
	if load == nil || save == nil {
		return hasher{}
	}
	return hasher{h: h, load: load, save: save}
}

// pad sets k's inner and outer states.
func (h *hasher) pad(k *signingKey) {
	if h.h == nil {
		return
	}
	for _, p := range [2]struct {
		pad byte
		dst *[sha256StateSize]byte
	}{{0x36, &k.inner}, {0x5c, &k.outer}} {
		for i := range h.block {
			h.block[i] = p.pad
		}
		for i, c := range k.key {
			h.block[i] = c ^ p.pad
		}
		h.h.Reset()
		h.h.Write(h.block[:])
		if st, err := h.save.AppendBinary(p.dst[:0]); err != nil || len(st) != sha256StateSize {
			return
		}
	}
	k.padded = true
}

// restore sets the hash state to st. It goes through h.state, a copy, so
// that k (and with it the cache) does not escape through the interface
// call: a Signer on the stack stays there.
func (h *hasher) restore(st *[sha256StateSize]byte) {
	h.state = *st
	if h.load.UnmarshalBinary(h.state[:]) != nil {
		panic("sigv4: SHA-256 rejected its own saved state")
	}
}

// appendMAC appends HMAC-SHA256(k, msg) to dst. msg may alias dst.
func (h *hasher) appendMAC(dst []byte, k *signingKey, msg []byte) []byte {
	if !k.padded {
		var mac [32]byte
		dst, mac = hmacSHA256(dst, k.key[:], msg)
		return append(dst, mac[:]...)
	}
	h.restore(&k.inner)
	h.h.Write(msg)
	dst = h.h.Sum(dst)
	n := len(dst) - sha256.Size
	h.restore(&k.outer)
	h.h.Write(dst[n:])
	return h.h.Sum(dst[:n])
}

// deriveKey computes the signing key without caching.
func deriveKey(secret string, date []byte, region, service string) [32]byte {
	var tmp [256]byte
	b := append(tmp[:0], "AWS4"...)
	b = append(b, secret...)
	n := len(b)
	b, k := hmacSHA256(b, b[:n], date)
	b = b[:0]
	b = append(b, region...)
	b, k = hmacSHA256(b, k[:], b[:len(region)])
	b = append(b[:0], service...)
	b, k = hmacSHA256(b, k[:], b[:len(service)])
	b = append(b[:0], "aws4_request"...)
	_, k = hmacSHA256(b, k[:], b[:12])
	return k
}

func xorPad(dst []byte, k *[sha256.BlockSize]byte, pad byte) {
	dst = dst[:sha256.BlockSize]
	for i, c := range k {
		dst[i] = c ^ pad
	}
}

// hmacSHA256 returns HMAC-SHA256(key, msg), using buf's spare capacity
// (appended to, then truncated back) for the padded blocks so that it
// does not allocate. key and msg may alias buf[:len(buf)].
func hmacSHA256(buf []byte, key, msg []byte) ([]byte, [32]byte) {
	var k [sha256.BlockSize]byte
	if len(key) > sha256.BlockSize {
		h := sha256.Sum256(key)
		copy(k[:], h[:])
	} else {
		copy(k[:], key)
	}
	start := len(buf)
	buf = slices.Grow(buf, 2*sha256.BlockSize+len(msg))
	buf = buf[:start+sha256.BlockSize]
	xorPad(buf[start:], &k, 0x36)
	buf = append(buf, msg...)
	inner := sha256.Sum256(buf[start:])
	buf = buf[:start+sha256.BlockSize]
	xorPad(buf[start:], &k, 0x5c)
	buf = append(buf, inner[:]...)
	out := sha256.Sum256(buf[start:])
	return buf[:start], out
}
