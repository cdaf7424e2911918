package creds

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
)

// config200 writes a 200-profile config (a mix of static keys, role chains,
// SSO and process profiles) and a credentials file, and returns the env.
func config200(tb testing.TB) map[string]string {
	home := tb.TempDir()
	os.MkdirAll(filepath.Join(home, ".aws"), 0o700)
	var cfg, cred strings.Builder
	cfg.WriteString("[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n\n")
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&cfg, "# profile %d\n[profile p%03d]\nregion = eu-west-%d\noutput = json\n", i, i, i%3+1)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&cred, "[p%03d]\naws_access_key_id = AKIA%016d\naws_secret_access_key = %s\n\n", i, i, testSecret)
		case 1:
			fmt.Fprintf(&cfg, "role_arn = arn:aws:iam::123456789012:role/r%d\nsource_profile = p%03d\n", i, i-1)
		case 2:
			fmt.Fprintf(&cfg, "sso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Admin\n")
		case 3:
			fmt.Fprintf(&cfg, "credential_process = /usr/bin/helper --profile p%03d\ns3 =\n  addressing_style = path\n", i)
		}
		cfg.WriteString("\n")
	}
	os.WriteFile(filepath.Join(home, ".aws", "config"), []byte(cfg.String()), 0o600)
	os.WriteFile(filepath.Join(home, ".aws", "credentials"), []byte(cred.String()), 0o600)
	return map[string]string{"HOME": home, "AWS_PROFILE": "p196"}
}

// BenchmarkResolve200: static keys of one profile out of a 200-profile config.
func BenchmarkResolve200(b *testing.B) {
	env := config200(b)
	r := Request{Env: func(k string) string { return env[k] }}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		res, err := Resolve(context.Background(), r)
		if err != nil || res.Credentials.AccessKeyID == "" {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// cpuMeter reports process CPU time (user+system) per op: the bar is
// "process time", and wall time on a loaded machine says little.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{processCPU()} }

func (m cpuMeter) report(b *testing.B) {
	b.ReportMetric(float64(processCPU()-m.start)/float64(b.N), "cpu-ns/op")
}

// BenchmarkResolveEnv: environment keys (the credentials file is not read).
func BenchmarkResolveEnv(b *testing.B) {
	env := config200(b)
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKENV", testSecret
	r := Request{Env: func(k string) string { return env[k] }}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if _, err := Resolve(context.Background(), r); err != nil {
			b.Fatal(err)
		}
	}
	cpu.report(b)
}

// Each file is read once per Resolve; the environment path reads no
// credentials file (only the config file, for region and endpoint settings).
func TestFilesReadOnce(t *testing.T) {
	env := config200(t)
	reads := map[string]int{}
	readFile = func(p string) ([]byte, error) { reads[filepath.Base(p)]++; return os.ReadFile(p) }
	defer func() { readFile = os.ReadFile }()
	res, err := Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }})
	if err != nil || res.Credentials.AccessKeyID != "AKIA0000000000000196" || res.Region != "eu-west-2" {
		t.Fatalf("%v %v", res, err)
	}
	if reads["config"] != 1 || reads["credentials"] != 1 {
		t.Fatalf("reads %v", reads)
	}
	clear(reads)
	env["AWS_ACCESS_KEY_ID"], env["AWS_SECRET_ACCESS_KEY"] = "AKENV", testSecret
	res, err = Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }})
	if err != nil || res.Credentials.AccessKeyID != "AKENV" || res.Region != "eu-west-2" {
		t.Fatalf("%v %v", res, err)
	}
	if reads["config"] != 1 || reads["credentials"] != 0 {
		t.Fatalf("env path reads %v", reads)
	}
	// A profile only in the credentials file: the credentials file is read (once) to find it.
	clear(reads)
	env["AWS_PROFILE"] = "onlycred"
	os.WriteFile(filepath.Join(env["HOME"], ".aws", "credentials"), []byte("[onlycred]\nregion = x\n"), 0o600)
	if _, err = Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }}); err != nil {
		t.Fatal(err)
	}
	if reads["config"] != 1 || reads["credentials"] != 1 {
		t.Fatalf("reads %v", reads)
	}
}

// Resolve is safe for concurrent use (run with -race).
func TestResolveConcurrent(t *testing.T) {
	env := config200(t)
	done := make(chan string)
	for i := 0; i < 8; i++ {
		go func() {
			res, err := Resolve(context.Background(), Request{Env: func(k string) string { return env[k] }})
			if err != nil {
				done <- err.Error()
				return
			}
			done <- res.Credentials.AccessKeyID
		}()
	}
	for i := 0; i < 8; i++ {
		if got := <-done; got != "AKIA0000000000000196" {
			t.Fatal(got)
		}
	}
}

// BenchmarkParseProcessOutput compares the jsonlite reading of a
// credential_process answer with the encoding/json version it replaced.
func BenchmarkParseProcessOutput(b *testing.B) {
	out := []byte(`{"Version": 1, "AccessKeyId": "ASIAEXAMPLEPROCESS01", "SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "SessionToken": "` +
		strings.Repeat("FwoGZXIvYXdzEXAMPLE", 20) + `", "Expiration": "2026-06-01T13:00:00Z"}`)
	for _, v := range []struct {
		name  string
		parse func([]byte) (sigv4.Credentials, error)
	}{{"jsonlite", ParseProcessOutput}, {"encoding-json", parseProcessOutputEncodingJSON}} {
		b.Run(v.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := v.parse(out); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
