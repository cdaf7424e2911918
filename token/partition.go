package token

// Partition is one AWS partition: a group of regions sharing a DNS suffix
// and an identity namespace. The data mirrors the "partitions.json" that
// every AWS SDK ships (aws-sdk-go-v2 internal/endpoints/awsrulesfn,
// botocore's partitions.json, @aws-sdk/util-endpoints), as of 2026:
// ISO partitions gained dual-stack suffixes and aws-eusc was added.
//
// Other packages reuse it: the kubeconfig writer for the EKS API host, the
// credential sources for their STS calls.
type Partition struct {
	// Name is the partition id: "aws", "aws-cn", "aws-us-gov", "aws-iso",
	// "aws-iso-b", "aws-iso-e", "aws-iso-f" or "aws-eusc".
	Name string
	// DNSSuffix is the domain of regional endpoints, e.g. "amazonaws.com".
	DNSSuffix string
	// DualStackDNSSuffix is the domain of dual-stack (IPv4+IPv6)
	// endpoints, e.g. "api.aws".
	DualStackDNSSuffix string
	SupportsFIPS       bool
	SupportsDualStack  bool
	// ImplicitGlobalRegion is the region that signs requests to the
	// partition's global endpoints.
	ImplicitGlobalRegion string
}

// partitions is in the order the SDKs match region patterns; the patterns
// are mutually exclusive anyway (they differ in prefix or label count).
var partitions = [...]Partition{
	{Name: "aws", DNSSuffix: "amazonaws.com", DualStackDNSSuffix: "api.aws", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "us-east-1"},
	{Name: "aws-cn", DNSSuffix: "amazonaws.com.cn", DualStackDNSSuffix: "api.amazonwebservices.com.cn", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "cn-northwest-1"},
	{Name: "aws-eusc", DNSSuffix: "amazonaws.eu", DualStackDNSSuffix: "api.amazonwebservices.eu", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "eusc-de-east-1"},
	{Name: "aws-iso", DNSSuffix: "c2s.ic.gov", DualStackDNSSuffix: "api.aws.ic.gov", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "us-iso-east-1"},
	{Name: "aws-iso-b", DNSSuffix: "sc2s.sgov.gov", DualStackDNSSuffix: "api.aws.scloud", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "us-isob-east-1"},
	{Name: "aws-iso-e", DNSSuffix: "cloud.adc-e.uk", DualStackDNSSuffix: "api.cloud-aws.adc-e.uk", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "eu-isoe-west-1"},
	{Name: "aws-iso-f", DNSSuffix: "csp.hci.ic.gov", DualStackDNSSuffix: "api.aws.hci.ic.gov", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "us-isof-south-1"},
	{Name: "aws-us-gov", DNSSuffix: "amazonaws.com", DualStackDNSSuffix: "api.aws", SupportsFIPS: true, SupportsDualStack: true, ImplicitGlobalRegion: "us-gov-west-1"},
}

const (
	pAWS = iota
	pCN
	pEUSC
	pISO
	pISOB
	pISOE
	pISOF
	pUSGov
)

// Partitions returns every known partition, "aws" first.
func Partitions() []Partition {
	p := partitions
	return p[:]
}

// PartitionByName returns the partition with the given id.
func PartitionByName(name string) (Partition, bool) {
	for _, p := range partitions {
		if p.Name == name {
			return p, true
		}
	}
	return Partition{}, false
}

// PartitionForRegion returns the partition a region belongs to, the way the
// SDKs' aws.partition rule function does: first the partition's named
// pseudo-regions ("aws-global", "aws-cn-global", ...), then the partition's
// region pattern, and "aws" for anything else (so a region AWS launches
// tomorrow resolves under amazonaws.com, as in every SDK).
//
// The patterns, from partitions.json, written out by hand so that start-up
// compiles no regular expression (\w is [A-Za-z0-9_], \d is [0-9]):
//
//	aws         ^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$
//	aws-cn      ^cn-\w+-\d+$
//	aws-eusc    ^eusc-(de)-\w+-\d+$
//	aws-iso     ^us-iso-\w+-\d+$
//	aws-iso-b   ^us-isob-\w+-\d+$
//	aws-iso-e   ^eu-isoe-\w+-\d+$
//	aws-iso-f   ^us-isof-\w+-\d+$
//	aws-us-gov  ^us-gov-\w+-\d+$
func PartitionForRegion(region string) Partition {
	return partitions[partitionIndex(region)]
}

func partitionIndex(region string) int {
	switch region {
	case "aws-global":
		return pAWS
	case "aws-cn-global":
		return pCN
	case "aws-us-gov-global":
		return pUSGov
	case "aws-iso-global":
		return pISO
	case "aws-iso-b-global":
		return pISOB
	case "aws-iso-e-global":
		return pISOE
	case "aws-iso-f-global":
		return pISOF
	}
	// Split into at most 5 labels; the patterns have 3 or 4.
	var l [5]string
	n := 0
	rest := region
	for n < len(l) {
		i := indexByte(rest, '-')
		if i < 0 {
			l[n] = rest
			n++
			break
		}
		l[n] = rest[:i]
		n++
		rest = rest[i+1:]
		if n == len(l) {
			return pAWS // too many labels for any pattern
		}
	}
	switch n {
	case 3:
		if !isWord(l[1]) || !isDigits(l[2]) {
			return pAWS
		}
		switch l[0] {
		case "cn":
			return pCN
		}
		// "us", "eu", ... all fall in aws, as does anything else.
		return pAWS
	case 4:
		if !isWord(l[2]) || !isDigits(l[3]) {
			return pAWS
		}
		switch {
		case l[0] == "us" && l[1] == "gov":
			return pUSGov
		case l[0] == "us" && l[1] == "iso":
			return pISO
		case l[0] == "us" && l[1] == "isob":
			return pISOB
		case l[0] == "eu" && l[1] == "isoe":
			return pISOE
		case l[0] == "us" && l[1] == "isof":
			return pISOF
		case l[0] == "eusc" && l[1] == "de":
			return pEUSC
		}
	}
	return pAWS
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// isWord reports whether s matches \w+.
func isWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// isDigits reports whether s matches \d+.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
