package sigv4

import (
	"crypto/sha256"
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
	m        atomic.Pointer[map[keyID][32]byte]
	last     atomic.Pointer[cachedKey] // the key used last: most callers use one
	disabled bool                      // derive every key afresh (tests and benchmarks only)
}

const maxKeys = 64

type cachedKey struct {
	id  keyID
	key [32]byte
}

type keyID struct {
	secret, region, service string
	date                    [8]byte
}

func (kc *keyCache) get(secret string, date []byte, region, service string) [32]byte {
	if kc.disabled {
		return deriveKey(secret, date, region, service)
	}
	id := keyID{secret: secret, region: region, service: service}
	copy(id.date[:], date)
	if l := kc.last.Load(); l != nil && l.id == id {
		return l.key
	}
	if m := kc.m.Load(); m != nil {
		if k, ok := (*m)[id]; ok {
			return k
		}
	}
	k := deriveKey(secret, date, region, service)
	kc.last.Store(&cachedKey{id, k})
	kc.mu.Lock()
	defer kc.mu.Unlock()
	var next map[keyID][32]byte
	if old := kc.m.Load(); old != nil && len(*old) < maxKeys {
		next = make(map[keyID][32]byte, len(*old)+1)
		for k, v := range *old {
			next[k] = v
		}
	} else {
		next = make(map[keyID][32]byte, 1)
	}
	next[id] = k
	kc.m.Store(&next)
	return k
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
