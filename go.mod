module github.com/ekstoken/ekstoken

go 1.26
