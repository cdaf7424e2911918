// Package sdkmint mints EKS tokens the way the peers built on
// aws-sdk-go-v2 do, for the differential tests, the benchmarks and the
// minimal SDK-based token tool (cmd/sdktoken):
//
//   - SignerURL: aws-sdk-go-v2's v4.Signer.PresignHTTP on a hand-built
//     request (what a careful SDK user writes);
//   - PresignClientURL: the STS presign client, PresignGetCallerIdentity
//     with the x-k8s-aws-id and X-Amz-Expires headers added by middleware
//     (what aws-iam-authenticator's GetWithSTS does).
//
// Both take the signing time as a parameter so results can be compared byte
// for byte with ekstoken at a pinned time.
package sdkmint

import (
	"context"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// EmptyPayloadHash is the hex SHA-256 of the empty body.
const EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Prefix is the EKS token prefix.
const Prefix = "k8s-aws-v1."

// Token turns a presigned URL into an EKS token.
func Token(presignedURL string) string {
	return Prefix + base64.RawURLEncoding.EncodeToString([]byte(presignedURL))
}

// SignerURL presigns GetCallerIdentity for cluster on host with the SDK's
// v4 signer directly.
func SignerURL(s *v4.Signer, c aws.Credentials, host, region, cluster string, t time.Time) (string, error) {
	r, err := http.NewRequest(http.MethodGet, "https://"+host+"/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Expires=60", nil)
	if err != nil {
		return "", err
	}
	r.Header.Set("x-k8s-aws-id", cluster)
	u, _, err := s.PresignHTTP(context.Background(), c, r, EmptyPayloadHash, "sts", region, t)
	return u, err
}

// fixedTime wraps the presign client's signer so the signing time is t.
type fixedTime struct {
	p sts.HTTPPresignerV4
	t time.Time
}

func (f fixedTime) PresignHTTP(ctx context.Context, c aws.Credentials, r *http.Request, payloadHash, service, region string, _ time.Time, optFns ...func(*v4.SignerOptions)) (string, http.Header, error) {
	return f.p.PresignHTTP(ctx, c, r, payloadHash, service, region, f.t, optFns...)
}

// NewClient returns an STS client for region with static credentials, the
// endpoint chosen by the SDK's own resolver (fips, dualStack).
func NewClient(c aws.Credentials, region string, fips, dualStack bool) *sts.Client {
	return sts.New(sts.Options{
		Region:      region,
		Credentials: credentials(c),
		EndpointOptions: sts.EndpointResolverOptions{
			UseFIPSEndpoint:      map[bool]aws.FIPSEndpointState{true: aws.FIPSEndpointStateEnabled, false: aws.FIPSEndpointStateDisabled}[fips],
			UseDualStackEndpoint: map[bool]aws.DualStackEndpointState{true: aws.DualStackEndpointStateEnabled, false: aws.DualStackEndpointStateDisabled}[dualStack],
		},
	})
}

type credentials aws.Credentials

func (c credentials) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials(c), nil
}

// PresignClientURL presigns GetCallerIdentity through the STS presign
// client; t zero means the SDK's clock.
func PresignClientURL(pc *sts.PresignClient, cluster string, t time.Time) (string, error) {
	out, err := pc.PresignGetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{},
		func(o *sts.PresignOptions) {
			if !t.IsZero() {
				o.Presigner = fixedTime{o.Presigner, t}
			}
			o.ClientOptions = append(o.ClientOptions, func(so *sts.Options) {
				so.APIOptions = append(so.APIOptions,
					smithyhttp.SetHeaderValue("x-k8s-aws-id", cluster),
					smithyhttp.SetHeaderValue("X-Amz-Expires", "60"))
			})
		})
	if err != nil {
		return "", err
	}
	return out.URL, nil
}
