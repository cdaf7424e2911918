package main

const usage = `ekstoken prints an Amazon EKS bearer token for kubectl (an ExecCredential).

Usage:
  ekstoken --cluster-name NAME [--region REGION] [--identity ID] [--profile P] [--output json|token]
  ekstoken decode [--json] TOKEN|-
  ekstoken kubeconfig [migrate] ...   write or migrate kubeconfig entries (ekstoken kubeconfig --help)
  ekstoken --version | --help
(decode and kubeconfig are not in the offline build, go build -tags nonet)

The command lines of the tools it replaces work unchanged (or name a
symlink to ekstoken after the tool):
  ekstoken aws eks token --cluster-name NAME --region REGION [--identity=ID]       (atmos)
  ekstoken [--region R] [--profile P] eks get-token --cluster-name NAME [--output json]
                                                         (aws eks get-token)
  ekstoken token -i CLUSTER [--region R] [--token-only]   (aws-iam-authenticator)

Flags:
  --cluster-name NAME   the EKS cluster the token is for (aws: also --cluster-id ID;
                        authenticator: -i CLUSTER or KUBERNETES_AWS_AUTHENTICATOR_CLUSTER_ID)
  --region REGION       the cluster's region; default AWS_REGION, AWS_DEFAULT_REGION,
                        then the profile's region
  --identity, -i ID     atmos identity (default ATMOS_IDENTITY)
  --profile P           AWS profile (default AWS_PROFILE)
  --output json|token   the ExecCredential (default) or the bare token;
                        aws: --query status.token --output text prints the bare token,
                        authenticator: --token-only
  --role-arn ARN        (also -r, --role) assume this role with the credentials found
  --session-name NAME   its session name (also -s; aws spelling: EKSGetTokenAuth)
  --external-id ID      its external id (also -e)
  --no-cache            do not read or write ekstoken's cache of assumed-role,
                        SSO and web-identity credentials (~/.cache/ekstoken)
  --debug               say on stderr where credentials and endpoint came from

Credentials, as the AWS CLI v2 finds them: an atmos identity (--identity,
ATMOS_IDENTITY), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN,
the profile (--profile, AWS_PROFILE) in ~/.aws/config and ~/.aws/credentials
(static keys, credential_process, roles, SSO, web identity), then container
and instance credentials.
Endpoint: https://sts.REGION.<partition domain>/ (every partition);
AWS_USE_FIPS_ENDPOINT=true, AWS_USE_DUALSTACK_ENDPOINT=true, AWS_ENDPOINT_URL_STS.
The ExecCredential's apiVersion follows KUBERNETES_EXEC_INFO (v1 or v1beta1).

decode explains a token: host, partition, region, access key, signing time, time
left, and which rules of the EKS authenticator it fails. - reads the token (or an
ExecCredential) from stdin.

Exit status: 0 success, 1 error (decode: the token fails a rule), 2 bad command line.
`
