package notify

import (
	"bytes"
	"encoding/base64"
)

// base64Lines encodes data in base64 lines of 76 characters (RFC 2045).
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	var b bytes.Buffer
	for len(enc) > 76 {
		b.WriteString(enc[:76])
		b.WriteByte('\n')
		enc = enc[76:]
	}
	b.WriteString(enc)
	b.WriteByte('\n')
	return b.Bytes()
}
