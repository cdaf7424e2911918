package token_test

import (
	"fmt"
	"os"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/token"
)

func ExampleGenerator() {
	// One Generator per process: it is safe for concurrent use and caches
	// signing keys across tokens and clusters.
	var g token.Generator
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: "us-east-2"})
	if err != nil {
		panic(err)
	}
	now := time.Date(2026, 12, 4, 15, 24, 59, 0, time.UTC)
	tok, err := g.Get(creds, "demo", ep, now)
	if err != nil {
		panic(err)
	}
	os.Stdout.Write(token.AppendExecCredential(nil, token.DefaultAPIVersion, tok))
	// Output:
	// {"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"expirationTimestamp":"2026-12-04T15:38:59Z","token":"k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtZWFzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BS0lERVhBTVBMRSUyRjIwMjYxMjA0JTJGdXMtZWFzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyNjEyMDRUMTUyNDU5WiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9NTVlMzY4NDIwNWY3ZWU5MzIxZWE1YjBiMGU2ODRlYTZjMWVkOTM4NWE2OTg2M2I4OTAxODg3ZDliNmNmNDc4MQ"}}
}

func ExampleGenerator_Append() {
	var g token.Generator
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	now := time.Date(2026, 12, 4, 15, 24, 59, 0, time.UTC)
	buf := make([]byte, 0, 2048) // reused: no allocation per token in steady state
	for _, c := range []struct{ cluster, region string }{{"blue", "eu-west-1"}, {"green", "cn-north-1"}} {
		ep, err := token.ResolveEndpoint(token.EndpointConfig{Region: c.region})
		if err != nil {
			panic(err)
		}
		buf, err = g.Append(buf[:0], creds, c.cluster, ep, now)
		if err != nil {
			panic(err)
		}
		fmt.Println(c.cluster, ep.Host, len(buf))
	}
	// Output:
	// blue sts.eu-west-1.amazonaws.com 481
	// green sts.cn-north-1.amazonaws.com.cn 487
}
