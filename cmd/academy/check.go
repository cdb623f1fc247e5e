package main

import (
	"fmt"
	"io"

	"github.com/ctvacademy/academy/content"
	"github.com/ctvacademy/academy/modules/accounts"
	"github.com/ctvacademy/academy/modules/contentcheck"
)

func accountsNewUser(email, pw, role, collaborator string) accounts.NewUser {
	return accounts.NewUser{Email: email, Password: pw, Role: role, CollaboratorID: collaborator}
}

// contentCheck validates content/ and lists every problem as file:line: message.
func contentCheck(out io.Writer) error {
	problems := contentcheck.Check(content.FS)
	for _, p := range problems {
		fmt.Fprintln(out, p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("content: %d problem(s)", len(problems))
	}
	fmt.Fprintln(out, "content: ok")
	return nil
}
