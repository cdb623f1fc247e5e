package scheduling

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// Token returns the RSVP token of an invitation: derived from the shared
// key, so every mail about the session carries the same link and nothing
// that could answer for someone is stored.
func (s *Service) Token(sessionID, collaboratorID string) string {
	mac := hmac.New(sha256.New, s.d.TokenKey)
	mac.Write([]byte("rsvp:" + sessionID + ":" + collaboratorID))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))[:32]
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// RSVPURL is the answer page of an invitation.
func (s *Service) RSVPURL(sessionID, collaboratorID string) string {
	return s.d.BaseURL + "/rsvp/" + s.Token(sessionID, collaboratorID)
}
