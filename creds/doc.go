// Package creds finds the AWS credentials a token is signed with, the way
// the AWS CLI v2 does, without the AWS SDK: environment variables, the
// shared config and credentials files (~/.aws/config, ~/.aws/credentials),
// credential_process helpers, and atmos auth sessions; see chain.go for the
// one order they are tried in.
//
// Resolve plans first (reads the environment and the files, decides which
// source and which AssumeRole steps apply: a Plan) and then executes the
// plan. Offline sources are executed here; every step that needs the
// network (AssumeRole, web identity, SSO, container endpoint, IMDS) goes
// through the single function networkStep (network.go), which the network
// sources plug into. Built with -tags nonet, those steps are refused.
//
// Layers, one file each: inifile.go (INI syntax on top of gopkg.in/ini.v1),
// profiles.go (profile and section rules of the two files), location.go
// (where the files are), envcreds.go (environment), process.go
// (credential_process), atmos.go (atmos sessions), endpoints.go (STS
// endpoint settings), plan.go and chain.go (planning and execution).
//
// No error, log line or description produced here contains a secret access
// key or session token; access key ids are not secret and may appear.
package creds
