// Command floortoken is the floor of a token CLI for BENCHMARKS.md: it
// mints one EKS token with the raw-crypto floor minter (internal/floor) from
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN and prints
// the ExecCredential. No profile files, no endpoint rules, no validation:
// the least a correct token CLI can do.
//
//	floortoken --cluster-name NAME --region REGION
package main

import (
	"bytes"
	"os"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/crosscheck/internal/floor"
)

func main() {
	var cluster, region string
	for i := 1; i+1 < len(os.Args); i += 2 {
		switch os.Args[i] {
		case "--cluster-name":
			cluster = os.Args[i+1]
		case "--region":
			region = os.Args[i+1]
		}
	}
	if cluster == "" || region == "" || os.Getenv("AWS_ACCESS_KEY_ID") == "" {
		os.Stderr.WriteString("usage: floortoken --cluster-name NAME --region REGION (credentials from AWS_* env)\n")
		os.Exit(1)
	}
	m := floor.Minter{Host: "sts." + region + ".amazonaws.com", Region: region, Cluster: cluster,
		AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), Secret: os.Getenv("AWS_SECRET_ACCESS_KEY"), STok: os.Getenv("AWS_SESSION_TOKEN")}
	now := time.Now()
	out := floor.ExecCredential(m.AppendToken(nil, now), now)
	if info := os.Getenv("KUBERNETES_EXEC_INFO"); strings.Contains(info, `"client.authentication.k8s.io/v1"`) {
		out = bytes.Replace(out, []byte("/v1beta1"), []byte("/v1"), 1)
	}
	os.Stdout.Write(out)
}
