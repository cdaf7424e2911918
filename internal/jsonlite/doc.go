// Package jsonlite reads and writes the little JSON ekstoken handles —
// credential_process output, the AWS answers and cache files, an
// ExecCredential, KUBERNETES_EXEC_INFO — so the binary does not link
// encoding/json (~380 KB). It has no reflection: a caller lists the
// members it wants (Fields) and where each one goes.
//
// What it accepts and what it decodes is encoding/json's, exactly (its
// tests hold it to encoding/json as the oracle):
//
//   - the grammar of RFC 8259 as encoding/json's scanner applies it: white
//     space is only space, tab, CR and LF; numbers are
//     -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?; control characters in
//     strings are errors, bytes ≥ 0x80 are not; objects and arrays nest at
//     most 10000 deep (deeper is an error, not a stack overflow);
//   - strings: \u escapes with surrogate pairs; a lone or broken surrogate
//     and every byte of invalid UTF-8 decode as U+FFFD;
//   - members go to fields as into a Go struct: the exact name first, else
//     the first field whose name matches case-insensitively (Unicode
//     simple folding); a repeated member overwrites the earlier one;
//     unknown members are skipped; null leaves a string or number field as
//     it is and resets a pointer; a value of the wrong type is a TypeError
//     naming the field, and decoding goes on (the first such error is
//     returned, as encoding/json does);
//   - a syntax error anywhere means nothing is decoded.
//
// Writing is AppendString (encoding/json's string escaping, with or without
// its HTML escaping) and Writer (json.Marshal's and json.MarshalIndent's
// layout).
//
// Measured when the last use went: the stripped -tags nonet binary lost
// 254 KB (3.36 MB to 3.10 MB); less than encoding/json's whole weight,
// since fmt keeps much of reflect in any case.
package jsonlite
