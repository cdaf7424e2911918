package crosscheck

import (
	"context"
	"github.com/ekstoken/ekstoken/sigv4"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ekstoken/ekstoken/crosscheck/internal/floor"
	"github.com/ekstoken/ekstoken/crosscheck/internal/sdkmint"
)

// authenticatorKAT is aws-iam-authenticator's TestGetWithSTS vector
// (pkg/token/token_test.go): the token its GetWithSTS produced for these
// inputs, written down by its authors.
var authenticatorKAT = struct {
	akid, secret, region, cluster string
	t                             time.Time
	token                         string
}{
	"ASIAR2TG44V6AS3ZZE7C", "4KD5cntGcVmLWRdF5wvNRuzNL5Qxmp6OKVY6Fz/Q", "us-west-2", "test-cluster",
	time.Unix(1682640000, 0),
	"k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3QyUyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOWRjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ",
}

// TestFloorAndSDKMintersAgree pins the two SDK minting paths used by the
// benchmarks and the floor minter to the authenticator's known answer and to
// each other, so that every benchmark compares equal work.
func TestFloorAndSDKMintersAgree(t *testing.T) {
	k := authenticatorKAT
	host := "sts." + k.region + ".amazonaws.com"
	for _, stok := range []string{"", "FwoGZXIvYXdzEBYaDH+/abc=="} {
		c := aws.Credentials{AccessKeyID: k.akid, SecretAccessKey: k.secret, SessionToken: stok}
		viaSigner, err := sdkmint.SignerURL(v4.NewSigner(), c, host, k.region, k.cluster, k.t)
		if err != nil {
			t.Fatal(err)
		}
		viaClient, err := sdkmint.PresignClientURL(sts.NewPresignClient(sdkmint.NewClient(c, k.region, false, false)), k.cluster, k.t)
		if err != nil {
			t.Fatal(err)
		}
		for _, cache := range []bool{false, true} {
			m := &floor.Minter{Host: host, Region: k.region, Cluster: k.cluster, AccessKeyID: k.akid, Secret: k.secret, STok: stok, Cache: cache}
			for range 2 { // second round uses the cached key
				got := string(m.AppendToken(nil, k.t))
				if got != sdkmint.Token(viaSigner) || got != sdkmint.Token(viaClient) {
					t.Errorf("session token %v cache %v:\nfloor  %s\nsigner %s\nclient %s", stok != "", cache,
						got, sdkmint.Token(viaSigner), sdkmint.Token(viaClient))
				}
				if stok == "" && got != k.token {
					t.Errorf("floor differs from the authenticator's known answer:\n got %s\nwant %s", got, k.token)
				}
			}
		}
	}
}

// TestSignerOnlyBenchmarksAgree: the sigv4-presign and sdk-presignhttp
// benchmarks sign the same request into the same URL.
func TestSignerOnlyBenchmarksAgree(t *testing.T) {
	at := benchTime()
	var s sigv4.Signer
	r, o := signerOnlyRequest(at)
	ours, err := s.AppendPresignedURL(nil, r, benchCreds(), o)
	if err != nil {
		t.Fatal(err)
	}
	theirs, _, err := v4.NewSigner().PresignHTTP(context.Background(), sdkCreds(benchCreds()), sdkSignerOnlyRequest(t), sdkmint.EmptyPayloadHash, "sts", benchRegion, at)
	if err != nil {
		t.Fatal(err)
	}
	if string(ours) != theirs {
		t.Errorf("sigv4:\n%s\naws-sdk-go-v2:\n%s", ours, theirs)
	}
}
