package tracker

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// OTKRegister is the kind of one-time key a registration stores until
// it is confirmed by the mailed link or by a reply with "-- key KEY" in
// the subject (Roundup's RegisterAction / confirm_registration).
const OTKRegister = "register"

// NewKey returns a random one-time key (32 base32 characters).
func NewKey() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// StartRegistration stores the pending user properties (raw strings as
// the form gave them; "password" already hashed) under a new one-time
// key valid for ttl and returns the key. The user is created only by
// ConfirmRegistration.
func (tx *Tx) StartRegistration(props map[string]string, ttl time.Duration) (string, error) {
	if props["username"] == "" {
		return "", &ValueError{Class: "user", Prop: "username", Msg: "username is required"}
	}
	b, err := json.Marshal(props)
	if err != nil {
		return "", err
	}
	key := NewKey()
	return key, tx.PutOTK(&OTK{Key: key, Kind: OTKRegister, Data: b, Expires: tx.s.Now().Add(ttl)})
}

// ConfirmRegistration uses up a registration key and creates the user
// with roles (Roundup: [main] new_web_user_roles) as the registering
// user would, with detectors (userauditor) applied; it returns the new
// user's id.
func (tx *Tx) ConfirmRegistration(key, roles string) (string, error) {
	k, err := tx.TakeOTK(key)
	if err != nil {
		return "", fmt.Errorf("registration key: %w", err)
	}
	if k.Kind != OTKRegister {
		return "", fmt.Errorf("key %s is not a registration key: %w", key, ErrNotFound)
	}
	var props map[string]string
	if err := json.Unmarshal(k.Data, &props); err != nil {
		return "", fmt.Errorf("registration data: %w", err)
	}
	props["roles"] = roles
	var id string
	err = tx.System(func() error {
		vals, err := tx.ParseValues("user", "", props)
		if err != nil {
			return err
		}
		id, err = tx.Create("user", vals)
		return err
	})
	if errors.Is(err, ErrConflict) {
		return "", fmt.Errorf("the username %q was taken meanwhile: %w", props["username"], err)
	}
	return id, err
}
