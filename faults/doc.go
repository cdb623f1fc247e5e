// Package faults is the fault suite of issue 8: the service's mail and quiz
// paths under SMTP outages, slow and refusing servers, a poisoned message,
// SIGKILL and SIGTERM of a real process, and a restart in the middle of quiz
// attempts. It holds tests only (`go test ./faults -run TestFaults -v`); each
// case reports how many messages (or autosaves and attempts) were lost,
// duplicated and failed, and docs/RELIABILITY.md publishes the figures.
package faults
