package sigv4_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// Presigning an STS GetCallerIdentity request with an extra signed header,
// the way an EKS token is made, on the allocation-lean append path.
func ExampleSigner_AppendPresignedURL() {
	var signer sigv4.Signer // share one: it caches signing keys
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	req := sigv4.Request{
		Host:    "sts.eu-west-1.amazonaws.com",
		Path:    "/",
		Query:   []sigv4.Param{{Key: "Action", Value: "GetCallerIdentity"}, {Key: "Version", Value: "2011-06-15"}},
		Headers: []sigv4.Param{{Key: "x-k8s-aws-id", Value: "my-cluster"}},
	}
	url, err := signer.AppendPresignedURL(nil, &req, creds, &sigv4.Options{
		Service: "sts", Region: "eu-west-1", Expires: time.Minute,
		Time: time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.ReplaceAll(string(url), "&", "\n&"))
	// Output:
	// https://sts.eu-west-1.amazonaws.com/?Action=GetCallerIdentity
	// &Version=2011-06-15
	// &X-Amz-Algorithm=AWS4-HMAC-SHA256
	// &X-Amz-Credential=AKIDEXAMPLE%2F20261204%2Feu-west-1%2Fsts%2Faws4_request
	// &X-Amz-Date=20261204T160000Z
	// &X-Amz-Expires=60
	// &X-Amz-SignedHeaders=host%3Bx-k8s-aws-id
	// &X-Amz-Signature=542c91d531293172a02eda605104a55c5226a50edfd8652c7e8dcad22020f299
}
