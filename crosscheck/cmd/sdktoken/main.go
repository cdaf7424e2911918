// Command sdktoken is a minimal token CLI built on aws-sdk-go-v2, for the
// size and start-up comparisons of BENCHMARKS.md: what a Go programmer gets
// by writing the obvious 60 lines with the SDK — static credentials from
// the environment (no config.LoadDefaultConfig, which would add the shared
// config, SSO and IMDS machinery), the STS presign client, encoding/json.
//
//	sdktoken --cluster-name NAME --region REGION
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ekstoken/ekstoken/crosscheck/internal/sdkmint"
)

type execCredential struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Status     struct {
		ExpirationTimestamp string `json:"expirationTimestamp"`
		Token               string `json:"token"`
	} `json:"status"`
}

func main() {
	cluster := flag.String("cluster-name", "", "cluster name")
	region := flag.String("region", os.Getenv("AWS_REGION"), "region")
	flag.Parse()
	if *cluster == "" || *region == "" {
		fmt.Fprintln(os.Stderr, "usage: sdktoken --cluster-name NAME --region REGION (credentials from AWS_* env)")
		os.Exit(1)
	}
	c := aws.Credentials{AccessKeyID: os.Getenv("AWS_ACCESS_KEY_ID"), SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"), SessionToken: os.Getenv("AWS_SESSION_TOKEN")}
	now := time.Now()
	u, err := sdkmint.PresignClientURL(sts.NewPresignClient(sdkmint.NewClient(c, *region, false, false)), *cluster, now)
	if err != nil {
		fmt.Fprintln(os.Stderr, "sdktoken:", err)
		os.Exit(1)
	}
	ec := execCredential{APIVersion: "client.authentication.k8s.io/v1beta1", Kind: "ExecCredential"}
	var info struct {
		APIVersion string `json:"apiVersion"`
	}
	if json.Unmarshal([]byte(os.Getenv("KUBERNETES_EXEC_INFO")), &info) == nil && info.APIVersion != "" {
		ec.APIVersion = info.APIVersion
	}
	ec.Status.ExpirationTimestamp = now.UTC().Add(14 * time.Minute).Format(time.RFC3339)
	ec.Status.Token = sdkmint.Token(u)
	b, _ := json.Marshal(ec)
	os.Stdout.Write(append(b, '\n'))
}
