//go:build !nonet

package token_test

import (
	"fmt"
	"time"

	"github.com/ekstoken/ekstoken/token"
)

func ExampleDecode() {
	tok := "k8s-aws-v1.aHR0cHM6Ly9zdHMudXMtd2VzdC0yLmFtYXpvbmF3cy5jb20vP0FjdGlvbj1HZXRDYWxsZXJJZGVudGl0eSZWZXJzaW9uPTIwMTEtMDYtMTUmWC1BbXotQWxnb3JpdGhtPUFXUzQtSE1BQy1TSEEyNTYmWC1BbXotQ3JlZGVudGlhbD1BU0lBUjJURzQ0VjZBUzNaWkU3QyUyRjIwMjMwNDI4JTJGdXMtd2VzdC0yJTJGc3RzJTJGYXdzNF9yZXF1ZXN0JlgtQW16LURhdGU9MjAyMzA0MjhUMDAwMDAwWiZYLUFtei1FeHBpcmVzPTYwJlgtQW16LVNpZ25lZEhlYWRlcnM9aG9zdCUzQngtazhzLWF3cy1pZCZYLUFtei1TaWduYXR1cmU9ZTIxMWRiYTc3YWJhOWRjNDRiMGI2YmUzOGI4ZWFhZDA5MjU5OWM1MTU3ZjYzMTQ0NDRjNWI5ZDg1NzQ3ZjVjZQ"
	d, err := token.Decode(tok, time.Date(2023, 4, 28, 0, 20, 0, 0, time.UTC))
	fmt.Println(d.Partition, d.Region, d.AccessKeyID, d.SigningTime.Format(time.RFC3339))
	fmt.Println(err)
	// Output:
	// aws us-west-2 ASIAR2TG44V6AS3ZZE7C 2023-04-28T00:00:00Z
	// X-Amz-Date parameter is expired (15 minute expiration): signed 20m0s ago
}
