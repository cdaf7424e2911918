package crosscheck

import (
	"fmt"
	"os"
	"testing"

	"github.com/ekstoken/ekstoken/crosscheck/internal/fakests"
)

// The principals the fake STS knows. The secrets are made up and contain
// the characters that need escaping somewhere ('/', '+', '=').
var (
	userID = fakests.Identity{
		AccessKeyID: "AKIAEKSTOKENUSER0001", SecretAccessKey: "ekstoken/crosscheck+user=secret0000000000",
		Account: "123456789012", UserID: "AIDAEKSTOKENUSER0001", ARNPath: "iam::123456789012:user/ekstoken-test",
	}
	sessionID = fakests.Identity{
		AccessKeyID: "ASIAEKSTOKENSESS0001", SecretAccessKey: "ekstoken/crosscheck+session=secret00000",
		SessionToken: "IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJHMEUCIQD/fake+session/token==" + "ekstoken-crosscheck-padding-to-a-realistic-length-" +
			"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyz/+=",
		Account: "123456789012", UserID: "AROAEKSTOKENROLE0001:session-1", ARNPath: "sts::123456789012:assumed-role/ekstoken-role/session-1",
	}
)

// fakeSTS serves every STS host of every test in this package: it is
// installed as http.DefaultTransport for the whole run because that is the
// only way into aws-iam-authenticator's verifier (see package fakests).
var fakeSTS = fakests.New(userID, sessionID)

func TestMain(m *testing.M) {
	restore := fakeSTS.Install()
	code := m.Run()
	restore()
	if err := cleanupBuilds(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}
