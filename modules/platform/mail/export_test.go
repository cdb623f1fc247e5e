package mail

// Backoff exposes backoff to the tests.
var Backoff = backoff
