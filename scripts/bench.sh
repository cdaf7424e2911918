#!/usr/bin/env bash
# Regenerates BENCHMARKS.md, the whole file: machine, Go version, date, the
# library, process, size and concurrency measurements of ekstoken next to
# its peers, and the raw output they were computed from.
#
#   scripts/bench.sh                 # writes BENCHMARKS.md at the repository root
#   ROUNDS=5 RUNS=30 OUT=/tmp/b.md scripts/bench.sh
#
# Settings (environment):
#   ROUNDS     library rounds; every round runs every benchmark once (default 10)
#   BENCHTIME  -benchtime of each benchmark in a round (default 500ms)
#   RUNS       measured runs per command in the process benchmark (default 30)
#   CACHE      where peer binaries are built and kept between runs, outside
#              the repository (default ~/.cache/ekstoken-bench)
#   AUTH_VERSION  aws-iam-authenticator version built from the module proxy (default v0.7.18)
#   OUT        output file (default BENCHMARKS.md at the repository root)
#
# Needs: go, and for the process benchmark whatever peers are installed:
# `aws` (AWS CLI v1 and/or v2) is measured when on PATH. The authenticator
# is built here with `go install` from the Go module proxy. Nothing talks to
# AWS: every command gets made-up credentials from the environment.
#
# Not run by CI (.ci/run runs the crosscheck tests, not the benchmarks): it
# takes several minutes and its numbers only mean something on a quiet
# machine. The machine it ran on is written at the top of the file.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-10}
BENCHTIME=${BENCHTIME:-500ms}
RUNS=${RUNS:-30}
CACHE=${CACHE:-$HOME/.cache/ekstoken-bench}
AUTH_VERSION=${AUTH_VERSION:-v0.7.18}
OUT=${OUT:-$ROOT/BENCHMARKS.md}
export GOFLAGS=-buildvcs=false

BIN=$CACHE/bin
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$BIN" "$WORK/raw"
log() { printf 'bench: %s\n' "$*" >&2; }

# ---------------------------------------------------------------- builds
# Every binary twice: as released (static, stripped: -s -w, -trimpath) and
# as a plain `go build`, for the size table.
build() { # name dir pkg [tags]
  local name=$1 dir=$2 pkg=$3 tags=${4:-}
  (cd "$dir" && CGO_ENABLED=0 go build -tags "$tags" -trimpath -ldflags='-s -w' -o "$BIN/$name" "$pkg" &&
    CGO_ENABLED=0 go build -tags "$tags" -o "$BIN/$name.unstripped" "$pkg")
}
log "building ekstoken (default and nonet), floortoken, sdktoken, hello, procbench, benchreport"
build ekstoken "$ROOT" ./cmd/ekstoken
build ekstoken-nonet "$ROOT" ./cmd/ekstoken nonet
for t in floortoken sdktoken hello; do build "$t" "$ROOT/crosscheck" "./cmd/$t"; done
(cd crosscheck && go build -o "$WORK/procbench" ./cmd/procbench && go build -o "$WORK/benchreport" ./cmd/benchreport)

AUTH=$BIN/aws-iam-authenticator-$AUTH_VERSION
if [ ! -x "$AUTH" ] || [ ! -x "$AUTH.unstripped" ]; then
  # `go install pkg@version` refuses modules with replace directives, so
  # build it from a small module in the cache that requires it and repeats
  # its replace directives.
  log "building aws-iam-authenticator $AUTH_VERSION from the module proxy into $CACHE (once)"
  mod=$CACHE/authenticator-$AUTH_VERSION
  mkdir -p "$mod"
  (
    cd "$mod"
    [ -f go.mod ] || go mod init ekstoken-bench/authenticator >/dev/null 2>&1
    go get "sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator@$AUTH_VERSION" >/dev/null 2>&1
    upstream=$(go env GOMODCACHE)/sigs.k8s.io/aws-iam-authenticator@$AUTH_VERSION/go.mod
    awk '/^replace \($/ {b=1; next} b && /^\)/ {b=0; next} b {print} /^replace [^(]/ {sub(/^replace /, ""); print}' "$upstream" |
      while read -r old _ new ver; do go mod edit -replace "$old=$new@$ver"; done
    CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags='-s -w' -o "$AUTH" sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator
    CGO_ENABLED=0 go build -mod=mod -o "$AUTH.unstripped" sigs.k8s.io/aws-iam-authenticator/cmd/aws-iam-authenticator
  )
fi

# AWS CLI installs: every distinct `aws` on PATH (pyenv shims resolved to
# the real script, so the shim's own start-up is not counted).
declare -a AWS_CLIS=() AWS_NAMES=()
while read -r p; do
  [ -n "$p" ] || continue
  real=$p
  if [[ $p == */shims/aws ]] && command -v pyenv >/dev/null; then real=$(pyenv which aws 2>/dev/null || echo "$p"); fi
  real=$(readlink -f "$real")
  for seen in "${AWS_CLIS[@]:-}"; do [ "$seen" = "$real" ] && continue 2; done
  v=$("$real" --version 2>&1 | awk '{print $1}') || continue
  AWS_CLIS+=("$real"); AWS_NAMES+=("aws-eks-get-token-${v#aws-cli/}")
done < <(type -ap aws 2>/dev/null; for p in /usr/bin/aws /usr/local/bin/aws; do [ -x "$p" ] && echo "$p"; done)

# ---------------------------------------------------------------- environment
# For the commands measured: made-up temporary credentials, no profile
# files, no IMDS, a fresh HOME, KUBERNETES_EXEC_INFO as kubectl sets it.
mkdir -p "$WORK/home"
PROC_ENV=(
  -u AWS_PROFILE -u AWS_DEFAULT_PROFILE -u AWS_ROLE_ARN -u AWS_WEB_IDENTITY_TOKEN_FILE
  -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
  AWS_ACCESS_KEY_ID=ASIAEKSTOKENBENCH001 AWS_SECRET_ACCESS_KEY=ekstoken/bench+secret=0000000000000000000
  AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjEBYaCXVzLWVhc3QtMSJHMEUCIQD/ekstoken+bench/session/token==
  AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true
  AWS_REGION=us-east-2 HOME="$WORK/home"
  KUBERNETES_EXEC_INFO='{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{"interactive":false}}'
)
CLUSTER=demo REGION=us-east-2

# ---------------------------------------------------------------- library
LIB_RATIOS=(
  PresignEKS/FloorCachedKey PresignEKSColdKey/FloorColdKey PresignEKS/FloorSavedPads
  ekstoken/floor ekstoken/FloorCachedKey ekstoken-coldkey/floor-coldkey ekstoken-coldkey/FloorColdKey
  sdk-presignhttp/sigv4-presign sdk-signer/ekstoken sts-presign-client/ekstoken authenticator-GetWithSTS/ekstoken
  authenticator-GetWithOptions/ekstoken-coldkey
)
log "library: $ROUNDS rounds of every benchmark (-benchtime $BENCHTIME)"
for r in $(seq 1 "$ROUNDS"); do
  f=$WORK/raw/round-$r.txt
  go test -run '^$' -bench '^Benchmark(Floor|PresignEKS$|PresignEKSColdKey$)' -benchmem -benchtime "$BENCHTIME" -count 1 ./sigv4 >"$f"
  (cd crosscheck && go test -run '^$' -bench '^BenchmarkMint$' -benchmem -benchtime "$BENCHTIME" -count 1 .) >>"$f"
  log "  round $r/$ROUNDS"
done
ratio_args=()
for x in "${LIB_RATIOS[@]}"; do ratio_args+=(-ratio "$x"); done
LIB_TABLE=$("$WORK/benchreport" "${ratio_args[@]}" "$WORK"/raw/round-*.txt)

log "concurrency: 1, 2, 4 goroutines sharing one Generator"
(cd crosscheck && go test -run '^$' -bench '^BenchmarkConcurrent$' -benchmem -benchtime "$BENCHTIME" -count 3 .) >"$WORK/raw/concurrent.txt"
CONC_TABLE=$(
  echo "| goroutines | tokens/s (each of 3 runs) |"
  echo "|---|---|"
  awk '/^BenchmarkConcurrent/ {
      n=$1; sub(/^BenchmarkConcurrent\/goroutines-/, "", n); sub(/-[0-9]+$/, "", n)
      for (i = 2; i < NF; i++) if ($(i+1) == "tokens/s") v[n] = v[n] " " $i
    } END { for (k in v) print "| " k " |" v[k] " |" }' "$WORK/raw/concurrent.txt" | sort -n -t'|' -k2
)

# ---------------------------------------------------------------- process
log "process: $RUNS interleaved runs of each command"
PROC_CMDS=(
  "hello=$BIN/hello"
  "floortoken=$BIN/floortoken --cluster-name $CLUSTER --region $REGION"
  "ekstoken=$BIN/ekstoken --cluster-name $CLUSTER --region $REGION"
  "ekstoken-nonet=$BIN/ekstoken-nonet --cluster-name $CLUSTER --region $REGION"
  "sdktoken=$BIN/sdktoken --cluster-name $CLUSTER --region $REGION"
  "aws-iam-authenticator=$AUTH token -i $CLUSTER --region $REGION"
)
for i in "${!AWS_CLIS[@]}"; do
  PROC_CMDS+=("${AWS_NAMES[$i]}=${AWS_CLIS[$i]} eks get-token --cluster-name $CLUSTER --region $REGION")
done
PROC_RATIOS=(-ratio ekstoken/hello -ratio ekstoken-nonet/hello -ratio floortoken/hello -ratio aws-iam-authenticator/ekstoken -ratio sdktoken/ekstoken)
for n in "${AWS_NAMES[@]:-}"; do [ -n "$n" ] && PROC_RATIOS+=(-ratio "$n/ekstoken"); done
PROC_TABLE=$(env "${PROC_ENV[@]}" "$WORK/procbench" -runs "$RUNS" -warmup 3 -base hello "${PROC_RATIOS[@]}" \
  -raw "$WORK/raw/process.txt" "${PROC_CMDS[@]}")

# ---------------------------------------------------------------- size
size_row() { # label file
  local s u
  s=$(stat -c %s "$2") u=$(stat -c %s "$2.unstripped")
  printf '| %s | %.2f MB (%s bytes) | %.2f MB |\n' "$1" "$(awk -v n="$s" 'BEGIN {print n/1e6}')" "$s" "$(awk -v n="$u" 'BEGIN {print n/1e6}')"
}
SIZE_TABLE=$(
  echo "MB here is 10^6 bytes."
  echo
  echo "| binary | static, stripped (-s -w -trimpath) | plain go build |"
  echo "|---|---:|---:|"
  size_row "ekstoken" "$BIN/ekstoken"
  size_row "ekstoken -tags nonet" "$BIN/ekstoken-nonet"
  size_row "aws-iam-authenticator $AUTH_VERSION" "$AUTH"
  size_row "sdktoken (minimal aws-sdk-go-v2 token tool)" "$BIN/sdktoken"
  size_row "floortoken (raw-crypto floor)" "$BIN/floortoken"
  size_row "hello (minimal Go binary)" "$BIN/hello"
)

# ---------------------------------------------------------------- machine
CPU=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null || uname -p)
MEM=$(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo 2>/dev/null || echo "?")
COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "?")
DIRTY=$(git -C "$ROOT" status --porcelain 2>/dev/null | grep -q . && echo " (with uncommitted changes)" || true)
PEERS="aws-iam-authenticator $AUTH_VERSION (built here); aws-sdk-go-v2 $(cd crosscheck && go list -m -f '{{.Version}}' github.com/aws/aws-sdk-go-v2), service/sts $(cd crosscheck && go list -m -f '{{.Version}}' github.com/aws/aws-sdk-go-v2/service/sts)"
for i in "${!AWS_CLIS[@]}"; do PEERS+="; $("${AWS_CLIS[$i]}" --version 2>&1 | head -1)"; done

# ---------------------------------------------------------------- write
tmp=$(mktemp "$OUT.XXXXXX")
{
  cat <<EOF
# Benchmarks

Generated by \`scripts/bench.sh\` — do not edit by hand; rerun the script.

- Date: $(date -u +%Y-%m-%dT%H:%M:%SZ)
- Machine: $CPU, $(nproc) CPUs, $MEM, $(uname -sr)
- Go: $(go version | awk '{print $3, $4}')
- ekstoken: commit $COMMIT$DIRTY
- Peers: $PEERS
- Settings: ROUNDS=$ROUNDS BENCHTIME=$BENCHTIME RUNS=$RUNS

The machine may be shared and noisy: compare the ratios, which are computed
between runs made at the same time, rather than absolute times.

## Library: one token

Every benchmark makes the same token (us-east-2, cluster \`demo\`, temporary
credentials with a session token); the crosscheck tests prove the outputs
byte-identical. Rounds are interleaved: each round runs every benchmark once,
and each ratio is computed within a round.

- \`ekstoken\`: \`token.Generator.Append\`, one Generator and buffer reused (warm signing-key cache).
- \`ekstoken-coldkey\`: a new Generator per token, so the signing key is derived every time (what the CLI does once).
- \`floor\` / \`floor-coldkey\`: crosscheck/internal/floor, the whole token (canonical request, signature, URL, base64) hand-written for this one shape, key cached / derived per token.
- \`FloorCachedKey\` / \`FloorColdKey\`: sigv4's own floor, the signature alone over a preformatted canonical request (issue #2's raw-crypto floor: the four key-derivation HMACs when cold, one SHA-256, one HMAC, hex).
- \`FloorSavedPads\`: FloorCachedKey with the HMAC started from saved pad states, as the signer does with a cached key (two SHA-256 blocks fewer); PresignEKS over it is the signer's overhead beyond the cryptography it does.
- \`PresignEKS\` / \`PresignEKSColdKey\`: sigv4's presign of the same request (no base64, no token checks).
- \`sigv4-presign\` / \`sdk-presignhttp\`: the signers alone on the same request (issue #2's comparison): sigv4's \`AppendPresignedURL\` and aws-sdk-go-v2's \`v4.Signer.PresignHTTP\` (request built once; the SDK clones it), same credentials with a session token, warm key caches, no base64; crosscheck's TestSignerOnlyBenchmarksAgree proves the URLs equal.
- \`sdk-signer\`: a whole token through aws-sdk-go-v2 \`v4.Signer.PresignHTTP\`: request built per token, then base64.
- \`sts-presign-client\`: aws-sdk-go-v2 STS \`PresignGetCallerIdentity\` with the cluster header, client reused.
- \`authenticator-GetWithSTS\`: aws-iam-authenticator \`Generator.GetWithSTS\`, STS client reused (eksctl's way).
- \`authenticator-GetWithOptions\`: aws-iam-authenticator \`Generator.GetWithOptions\`, config loaded per token (its CLI's way).

$LIB_TABLE

## Concurrency

Tokens per second for goroutines sharing one \`token.Generator\` (each with its own buffer), $(nproc) CPUs.

$CONC_TABLE

## Process: print one ExecCredential

Wall time from fork to exit and peak RSS, $RUNS runs of each command after 3
warm-up runs, interleaved (each round runs every command once, in rotating
order). Environment credentials, no profile files, IMDS disabled,
KUBERNETES_EXEC_INFO set as kubectl sets it. \`hello\` is the floor of
starting any Go program; \`floortoken\` the floor of a token CLI;
\`sdktoken\` a minimal aws-sdk-go-v2 token CLI (crosscheck/cmd).

$PROC_TABLE

## Binary size

$SIZE_TABLE

## Raw output

<details><summary>go test -bench, every round</summary>

\`\`\`
$(for f in $(ls "$WORK"/raw/round-*.txt | sort -V); do echo "### $(basename "$f")"; grep -E '^(Benchmark|goos|goarch|cpu)' "$f"; done)
\`\`\`
</details>

<details><summary>concurrency</summary>

\`\`\`
$(grep -E '^Benchmark' "$WORK/raw/concurrent.txt")
\`\`\`
</details>

<details><summary>process runs (name, run, wall µs, peak RSS KiB)</summary>

\`\`\`
$(cat "$WORK/raw/process.txt")
\`\`\`
</details>
EOF
} >"$tmp"
mv "$tmp" "$OUT"
log "wrote $OUT"
