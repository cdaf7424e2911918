package creds_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ekstoken/ekstoken/creds"
)

func ExampleParseProfiles() {
	config := []byte(`[default]
region = eu-west-1 # inline comments need whitespace before them

[profile dev]
role_arn = arn:aws:iam::123456789012:role/dev
source_profile = default
s3 =
  addressing_style = path
`)
	credentials := []byte(`[default]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
`)
	ps, err := creds.ParseProfiles("config", config, "credentials", credentials)
	if err != nil {
		panic(err)
	}
	fmt.Println(ps.Names())
	fmt.Println(ps.Profile("default").Value("region"), ps.Profile("default").Value("aws_access_key_id"))
	fmt.Println(creds.SubProperties(ps.Profile("dev").Value("s3"))["addressing_style"])
	// Output:
	// [default dev]
	// eu-west-1 AKIDEXAMPLE
	// path
}

func ExampleResolve() {
	home, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(home)
	os.Mkdir(filepath.Join(home, ".aws"), 0o700)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte("[ci]\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = secret\n"), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte("[profile ci]\nregion = us-west-2\nuse_fips_endpoint = true\n"), 0o600)
	env := map[string]string{"HOME": home}

	res, err := creds.Resolve(context.Background(), creds.Request{
		Env:     func(k string) string { return env[k] },
		Profile: "ci",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Credentials.AccessKeyID, res.Region, res.STS.UseFIPS)
	fmt.Println(filepath.Base(res.Source))
	// Output:
	// AKIDEXAMPLE us-west-2 true
	// credentials
}
