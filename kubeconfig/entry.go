package kubeconfig

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// ExecAPIVersion is the exec credential API version ekstoken writes: the one
// atmos and `aws eks update-kubeconfig` write, understood by every kubectl
// since 1.11 and still served.
const ExecAPIVersion = "client.authentication.k8s.io/v1beta1"

// Interactive modes of a kubeconfig exec entry.
const (
	InteractiveNever       = "Never"
	InteractiveIfAvailable = "IfAvailable"
	InteractiveAlways      = "Always"
)

// Invocation is what an ekstoken exec entry asks for: the cluster and the
// credentials to mint its token with. Region may be empty only for a
// migrated entry whose peer also took it from the environment or profile.
type Invocation struct {
	ClusterName string
	Region      string
	Identity    string // atmos identity
	Profile     string // AWS shared-config profile
	RoleARN     string
}

// Args returns the native ekstoken spelling:
//
//	--cluster-name NAME --region REGION [--identity ID] [--profile P] [--role-arn ARN]
//
// Each value is its own argument, so values with spaces or '=' survive.
func (inv Invocation) Args() []string {
	a := []string{"--cluster-name", inv.ClusterName}
	if inv.Region != "" {
		a = append(a, "--region", inv.Region)
	}
	if inv.Identity != "" {
		a = append(a, "--identity", inv.Identity)
	}
	if inv.Profile != "" {
		a = append(a, "--profile", inv.Profile)
	}
	if inv.RoleARN != "" {
		a = append(a, "--role-arn", inv.RoleARN)
	}
	return a
}

// EnvVar is one exec env entry.
type EnvVar struct{ Name, Value string }

// Exec is a kubeconfig user's exec section.
type Exec struct {
	APIVersion         string
	Command            string
	Args               []string
	Env                []EnvVar // written only when non-empty
	InteractiveMode    string   // written only when non-empty
	ProvideClusterInfo bool
}

// Entry is the cluster, user and context one `ekstoken kubeconfig` writes.
type Entry struct {
	ClusterKey  string // name of the clusters entry
	UserName    string // name of the users entry
	ContextName string // name of the contexts entry (set as current-context)

	Server                   string // https URL of the API server
	CertificateAuthorityData string // base64 PEM, as kubeconfig stores it
	Exec                     Exec
}

// UserName is the users-entry name for a cluster: ekstoken-<cluster>-<region>,
// after atmos' atmos-eks-<cluster>-<region>.
func UserName(cluster, region string) string { return "ekstoken-" + cluster + "-" + region }

// NewEntry returns the entry for a cluster. clusterARN may be empty when
// unknown (no --describe): the cluster key is then the user name. The
// context is alias, else the cluster key — what atmos and
// `aws eks update-kubeconfig` do.
func NewEntry(inv Invocation, clusterARN, alias, server, caData, command, interactiveMode string) Entry {
	key := clusterARN
	if key == "" {
		key = UserName(inv.ClusterName, inv.Region)
	}
	ctx := alias
	if ctx == "" {
		ctx = key
	}
	return Entry{
		ClusterKey:               key,
		UserName:                 UserName(inv.ClusterName, inv.Region),
		ContextName:              ctx,
		Server:                   server,
		CertificateAuthorityData: caData,
		Exec: Exec{
			APIVersion:      ExecAPIVersion,
			Command:         command,
			Args:            inv.Args(),
			InteractiveMode: interactiveMode,
		},
	}
}

// Validate checks an entry before it is written, so kubectl never sees a
// half-usable one.
func (e *Entry) Validate() error {
	switch {
	case e.ClusterKey == "" || e.UserName == "" || e.ContextName == "":
		return errors.New("entry needs a cluster, user and context name")
	case e.Server == "":
		return errors.New("no API server URL (give --server and --certificate-authority-data, or --describe)")
	case !strings.HasPrefix(e.Server, "https://"):
		return fmt.Errorf("API server URL %q is not https", e.Server)
	case e.CertificateAuthorityData == "":
		return errors.New("no certificate authority data (give --certificate-authority-data, or --describe)")
	case e.Exec.Command == "":
		return errors.New("entry has no exec command")
	}
	if _, err := base64.StdEncoding.DecodeString(e.CertificateAuthorityData); err != nil {
		return errors.New("certificate authority data is not valid base64")
	}
	switch e.Exec.InteractiveMode {
	case "", InteractiveNever, InteractiveIfAvailable, InteractiveAlways:
	default:
		return fmt.Errorf("interactive mode %q is not Never, IfAvailable or Always", e.Exec.InteractiveMode)
	}
	return nil
}
