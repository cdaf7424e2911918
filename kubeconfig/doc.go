// Package kubeconfig writes, merges and migrates the exec credential entries
// that make kubectl run ekstoken, without losing anything else in the user's
// kubeconfig.
//
// It is its own package because editing a user's YAML file is a concept of
// its own — unrelated to minting a token — and because it is the only user of
// go.yaml.in/yaml/v3. Keeping it here means package token and package creds
// (the path kubectl runs on every token refresh) never link a YAML library;
// only the `ekstoken kubeconfig` subcommand does.
//
// # Never lose a byte
//
// The file is parsed into a go.yaml.in/yaml/v3 node tree and edited in place,
// so unknown fields, other clusters/users/contexts, extensions, key order and
// comments survive. A file whose first non-blank byte is '{' is JSON and is
// written back as JSON, keeping key order and its indentation. Only the named
// entries are touched:
//
//   - ModeMerge (the default) overwrites the fields ekstoken manages inside the
//     named cluster, user and context and keeps every other field of those
//     entries (namespace, proxy-url, extensions, the exec's env and
//     installHint…). It removes only what would
//     make kubectl reject the result: certificate-authority and
//     insecure-skip-tls-verify next to certificate-authority-data, and
//     auth-provider next to exec. When nothing changes, nothing is written.
//   - ModeReplace replaces the named entries wholesale.
//   - ModeError refuses when any of the named entries already exists.
//
// Writes are atomic (temporary file in the same directory, fsync, rename),
// keep the file's mode (new files 0600, new directories 0700), follow a
// symlink only to a place the user can write (the symlink itself is kept),
// and are serialised between ekstoken processes by an advisory lock on a
// sibling file NAME.ekstoken.lock. (Not NAME.lock: client-go creates that
// one with O_EXCL and fails while it exists, so a lock file left in place
// would break `kubectl config set`.) Migrate keeps a one-step backup,
// NAME.ekstoken.bak, of the file as it was.
//
// # Migrate
//
// Migrate finds users whose exec runs one of the peers —
// `atmos aws eks token …`, `aws … eks get-token …` or
// `aws-iam-authenticator token …` — and rewrites them to the native ekstoken
// spelling (see [Invocation.Args]), keeping cluster, region, identity,
// profile and role exactly. Entries it cannot translate faithfully are left
// untouched and reported with the reason.
package kubeconfig
