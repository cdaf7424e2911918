//go:build !nonet

package kubeconfig

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ekstoken/ekstoken/sigv4"
	"github.com/ekstoken/ekstoken/sigv4/sigv4http"
)

// ClusterInfo is what `ekstoken kubeconfig --describe` needs from EKS.
type ClusterInfo struct {
	Name                     string
	ARN                      string
	Endpoint                 string // https URL of the API server
	CertificateAuthorityData string // base64 PEM
	Status                   string // ACTIVE, CREATING, …
}

// DescribeCluster calls EKS DescribeCluster — GET {endpoint}/clusters/{name},
// SigV4 header-signed for service "eks" in region — and returns the cluster's
// API server URL, CA and ARN. endpoint is the scheme and host of the EKS API
// (https://eks.<region>.<partition domain>, or AWS_ENDPOINT_URL_EKS); the
// caller resolves it, so this file knows no partition table.
//
// It is the one EKS API call ekstoken makes, and only for writing a
// kubeconfig: minting a token never calls EKS. A 404
// ResourceNotFoundException becomes "cluster NAME not found in REGION";
// other API errors keep AWS's code and message. The body read is capped at
// 1 MiB.
func DescribeCluster(ctx context.Context, signer *sigv4.Signer, c sigv4.Credentials, region, endpoint, name string) (*ClusterInfo, error) {
	return DescribeClusterWith(ctx, http.DefaultClient, signer, c, region, endpoint, name)
}

// DescribeClusterWith is DescribeCluster through the given HTTP client. It
// exists only in builds with network support, so that the nonet build does
// not link net/http through this signature.
func DescribeClusterWith(ctx context.Context, client *http.Client, signer *sigv4.Signer, c sigv4.Credentials, region, endpoint, name string) (*ClusterInfo, error) {
	if client == nil {
		client = http.DefaultClient
	}
	u, err := url.Parse(strings.TrimRight(endpoint, "/"))
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, fmt.Errorf("EKS endpoint %q is not an http(s) URL", endpoint)
	}
	if name == "" || strings.ContainsAny(name, "/?#%") {
		return nil, fmt.Errorf("cluster name %q is not valid", name)
	}
	u = u.JoinPath("clusters", name)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	if err := sigv4http.Sign(signer, req, c, &sigv4.Options{Service: "eks", Region: region, Time: time.Now()}); err != nil {
		return nil, fmt.Errorf("sign DescribeCluster: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("EKS DescribeCluster: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("EKS DescribeCluster: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		code, msg := apiError(resp.Header, body)
		if resp.StatusCode == http.StatusNotFound && (code == "ResourceNotFoundException" || code == "") {
			return nil, fmt.Errorf("cluster %s not found in %s", name, region)
		}
		if code == "" {
			code = resp.Status
		}
		if msg != "" {
			return nil, fmt.Errorf("EKS DescribeCluster %s: %s: %s", name, code, msg)
		}
		return nil, fmt.Errorf("EKS DescribeCluster %s: %s (HTTP %d)", name, code, resp.StatusCode)
	}
	var out struct {
		Cluster struct {
			Name                 string `json:"name"`
			ARN                  string `json:"arn"`
			Endpoint             string `json:"endpoint"`
			Status               string `json:"status"`
			CertificateAuthority struct {
				Data string `json:"data"`
			} `json:"certificateAuthority"`
		} `json:"cluster"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, fmt.Errorf("EKS DescribeCluster %s: malformed response: %w", name, err)
	}
	cl := out.Cluster
	if cl.Endpoint == "" || cl.CertificateAuthority.Data == "" {
		state := cl.Status
		if state == "" {
			state = "unknown"
		}
		return nil, errors.New("cluster " + name + " has no endpoint or CA yet (status " + state + ")")
	}
	return &ClusterInfo{Name: cl.Name, ARN: cl.ARN, Endpoint: cl.Endpoint, CertificateAuthorityData: cl.CertificateAuthority.Data, Status: cl.Status}, nil
}

// apiError extracts the AWS error code and message of a REST-JSON error:
// the code from X-Amzn-ErrorType or the body's __type/code (without any
// ":…" or "#" namespace), the message from message/Message.
func apiError(h http.Header, body []byte) (code, msg string) {
	var e struct {
		Type     string `json:"__type"`
		Code     string `json:"code"`
		Message  string `json:"message"`
		Message2 string `json:"Message"`
	}
	_ = json.Unmarshal(body, &e) // a non-JSON body leaves both empty
	code = h.Get("X-Amzn-ErrorType")
	for _, c := range []string{e.Type, e.Code} {
		if code == "" {
			code = c
		}
	}
	if i := strings.IndexByte(code, ':'); i >= 0 {
		code = code[:i]
	}
	if i := strings.LastIndexByte(code, '#'); i >= 0 {
		code = code[i+1:]
	}
	msg = e.Message
	if msg == "" {
		msg = e.Message2
	}
	return code, msg
}
