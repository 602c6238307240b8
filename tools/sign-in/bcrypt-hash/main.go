// Command bcrypt-hash prints the bcrypt hash of the password on its standard input (all of
// it, as given), for Dex's staticPasswords, which take only bcrypt hashes. It reads stdin,
// not an argument, so a password never shows in a process list. Built with Dex, from Dex's
// own module graph (golang.org/x/crypto), by tools/sign-in/build.sh.
package main

import (
	"fmt"
	"io"
	"os"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	password, err := io.ReadAll(io.LimitReader(os.Stdin, 73))
	if err != nil || len(password) == 0 || len(password) > 72 {
		// bcrypt looks at 72 bytes at most; refuse rather than silently cut a longer one.
		fmt.Fprintln(os.Stderr, "bcrypt-hash: give a password of 1 to 72 bytes on standard input")
		os.Exit(2)
	}
	// Cost 10 is Dex's minimum; these are throw-away local people, so a slower hash buys
	// nothing and every start pays it once per person.
	hash, err := bcrypt.GenerateFromPassword(password, 10)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bcrypt-hash:", err)
		os.Exit(1)
	}
	fmt.Println(string(hash))
}
