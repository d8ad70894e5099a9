package ircgw

import (
	"io"
	"time"
)

// Options configures a Relay. The zero value of every field means the
// default given in its comment; the defaults are irkerd 2.23's constants
// (specs/irkerd.md §7.5) where it has one.
type Options struct {
	// Nick is the nick template, irkerd's -n: an optional printf %d
	// directive (e.g. %03d) is replaced by a random number on each
	// connect and bumped on 432/433/436/437. Default "irker%03d".
	Nick string
	// NickServPassword, irkerd's -p/-P, is sent as
	// "PRIVMSG NickServ :identify PASSWORD" right after 001.
	NickServPassword string
	// SASL, when set, authenticates with SASL PLAIN or EXTERNAL (IRCv3
	// CAP). A connection whose server does not complete SASL is dropped
	// and retried rather than used unauthenticated.
	SASL *SASL

	// CAFile is a PEM bundle of CAs trusted for ircs:// (irkerd's -c);
	// empty means the system roots. Certificates are always verified.
	CAFile string
	// CertFile is a PEM file holding a client certificate and its key,
	// presented on ircs:// (CertFP, irkerd's -e).
	CertFile string
	// ConnectTimeout bounds TCP connect plus TLS handshake (irkerd's -t).
	// Default 5 s.
	ConnectTimeout time.Duration
	// WriteTimeout bounds every write to a server. Default 30 s.
	WriteTimeout time.Duration

	// LineRate is the sustained number of lines (PRIVMSG and JOIN) per
	// second per connection. Default 1, irkerd's ANTI_FLOOD_DELAY; a
	// negative value turns pacing off.
	LineRate float64
	// LineBurst is how many lines may go out at once after a quiet
	// period. Default 3.
	LineBurst int
	// WordWrap sends a line that is too long as several PRIVMSGs, cut at
	// spaces where possible, instead of truncating it as irkerd does.
	WordWrap bool
	// NoConfirm sends lines without the PING that confirms each one, as
	// irkerd does; a line in flight when the connection drops is then
	// lost rather than sent again.
	NoConfirm bool

	// MaxQueue bounds the lines queued per connection; past it new lines
	// are dropped with a log line. Default 10000.
	MaxQueue int
	// MaxAge is how long a line may wait (server down, channel banned or
	// full) before it is dropped with a log line. Default 24 h, irkerd's
	// DISCONNECT_TTL.
	MaxAge time.Duration
	// RetryMin and RetryMax bound the jittered exponential backoff for
	// reconnects and for re-joining a parked channel. Defaults 3 s
	// (irkerd's RECONNECT_DELAY) and 5 min.
	RetryMin, RetryMax time.Duration
	// IdleTimeout closes a connection with nothing queued and nothing
	// sent for this long ("QUIT :transmission timeout"). Default 3 h,
	// irkerd's XMIT_TTL.
	IdleTimeout time.Duration
	// RegisterTimeout drops a connection that has not been welcomed
	// (001) this long after connecting. Default 60 s, HANDSHAKE_TTL.
	RegisterTimeout time.Duration
	// AckTimeout drops a connection when the PING sent with a line is
	// not answered in time. Default 60 s.
	AckTimeout time.Duration
	// PingInterval is girc's keep-alive PING period (20 s to 10 min).
	// Default 2 min.
	PingInterval time.Duration
	// ChannelLimit is the number of channels per connection assumed until
	// the server's ISUPPORT CHANLIMIT/MAXCHANNELS says otherwise. Default
	// 18, irkerd's CHANNEL_MAX.
	ChannelLimit int
	// MaxConnections bounds the IRC connections of the relay. Default
	// 200, irkerd's CONNECTION_MAX.
	MaxConnections int

	// ReadTimeout closes a TCP submitter that sends nothing for this
	// long. Default 5 min.
	ReadTimeout time.Duration
	// MaxRequestBytes bounds one request line or datagram. Default 1 MiB.
	MaxRequestBytes int
	// MaxClients bounds concurrent TCP submitters. Default 1024.
	MaxClients int

	// TrafficLog, irkerd's -l, receives every line read from any IRC
	// server as "<unix time>|<server>|<line>". Setting it also stops the
	// relay from asking servers for DEAF mode, as irkerd does.
	TrafficLog io.Writer
	// OnDelivered, if set, is called with the time a line waited from
	// submission to its confirmation (for a latency histogram).
	OnDelivered func(time.Duration)
}

// SASL holds SASL credentials (IRCv3 sasl-3.1).
type SASL struct {
	// Mechanism is "PLAIN" or "EXTERNAL" (the client certificate of
	// CertFile identifies the account).
	Mechanism string
	User      string
	Password  string
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	if o.Nick == "" {
		o.Nick = "irker%03d"
	}
	def(&o.ConnectTimeout, 5*time.Second)
	def(&o.WriteTimeout, 30*time.Second)
	if o.LineRate == 0 {
		o.LineRate = 1
	}
	if o.LineBurst <= 0 {
		o.LineBurst = 3
	}
	if o.MaxQueue <= 0 {
		o.MaxQueue = 10000
	}
	def(&o.MaxAge, 24*time.Hour)
	def(&o.RetryMin, 3*time.Second)
	def(&o.RetryMax, 5*time.Minute)
	if o.RetryMax < o.RetryMin {
		o.RetryMax = o.RetryMin
	}
	def(&o.IdleTimeout, 3*time.Hour)
	def(&o.RegisterTimeout, 60*time.Second)
	def(&o.AckTimeout, 60*time.Second)
	def(&o.PingInterval, 2*time.Minute)
	if o.ChannelLimit <= 0 {
		o.ChannelLimit = 18
	}
	if o.MaxConnections <= 0 {
		o.MaxConnections = 200
	}
	def(&o.ReadTimeout, 5*time.Minute)
	if o.MaxRequestBytes <= 0 {
		o.MaxRequestBytes = 1 << 20
	}
	if o.MaxClients <= 0 {
		o.MaxClients = 1024
	}
	return o
}
