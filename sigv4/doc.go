// Package sigv4 implements AWS Signature Version 4 for HTTP requests: query
// presigning (what an EKS token is) and Authorization-header signing (what
// STS, SSO and EKS API calls use).
//
// It depends on the standard library only and knows nothing of EKS. The
// credentials are a plain value passed on every call; the service, region,
// signing time, expiry and the headers to sign are per-call inputs (Options).
//
// Two ways in:
//
//   - The convenient one works on *http.Request, in package sigv4http:
//     sigv4http.Presign returns the presigned URL, sigv4http.Sign sets the
//     Authorization, X-Amz-Date, X-Amz-Security-Token and, on request,
//     X-Amz-Content-Sha256 headers. It lives apart so that a program that
//     only presigns does not link net/http (1.5 MB, ~45 initializers).
//   - The allocation-lean one, for hot loops, takes a Request description
//     (method, host, path, query and headers as plain strings) and appends the
//     result to a caller's buffer: AppendPresignedURL and AppendAuthorization,
//     in the style of crypto's AppendX functions. With a warm signing-key
//     cache and a dst of sufficient capacity it does not allocate.
//
// Both share one canonicalization (canonical.go) and one signing routine, so
// they cannot disagree. What a request's shape alone decides (sorting,
// encoding, the signed-header list) is built once into a template and reused
// while the shape repeats (template.go): a token generator re-signs one
// shape, so per token only the date, credentials and header values are
// written. With a cached key the HMAC also starts from saved pad states. Options.Trace exposes the intermediate stages
// (canonical request, string to sign, signature) for tests and debugging; the
// fast path pays one nil check for it.
//
// The rules implemented are those of the AWS SigV4 test suite (the AWS
// Common Runtime's v4 suite and botocore's older one, both run as golden tests
// under testdata/sigv4): path normalization on or off, single or double URI
// encoding of the path, headers lower-cased, trimmed, whitespace-collapsed,
// sorted and merged, query parameters sorted by their encoded key then value.
//
// Errors never contain the secret access key or the session token.
package sigv4
